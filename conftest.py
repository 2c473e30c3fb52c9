"""Fixtures shared by every test: the cast of people (hub/core/testing/cast.py)."""

import pytest

from hub.core.testing.cast import CAST, make_person


def _fixture(key):
    @pytest.fixture
    def character(db):
        return make_person(key)

    character.__name__ = key
    return character


for _character in CAST:
    globals()[_character.key] = _fixture(_character.key)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and other cached state never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def signed_in(client):
    """``signed_in(user)`` returns the test client with that person signed in."""

    def sign_in(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's, and then: search reads piece vectors ahead on a database connection of
    its own (``hub.search.vectors.read_ahead``), closed before the test database is dropped,
    which an open connection would stop."""
    yield
    from hub.search.vectors import close_read_ahead_connection

    close_read_ahead_connection()
