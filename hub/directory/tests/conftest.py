from hub.directory.tests.fixtures import public_bodies  # noqa: F401 - a shared fixture
