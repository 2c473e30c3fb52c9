from hub.search.tests.fixtures import _fresh_vector_index, real_cases  # noqa: F401 - fixtures
