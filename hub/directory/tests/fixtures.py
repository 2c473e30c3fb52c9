"""The real registers in data/orgs/, loaded once per test module (loading, and indexing the
bodies for search, takes seconds: too slow to repeat for every test). Import the fixture into
a conftest to use it."""

from pathlib import Path

import pytest
from django.conf import settings

from hub.core.models import AuditEntry
from hub.directory.models import Organisation
from hub.directory.services import public_bodies_load
from hub.search.services import batch as search_batch

REAL_DATA_DIR = Path(settings.HUB_DATA_DIR) / "orgs"


@pytest.fixture(scope="module")
def public_bodies(django_db_setup, django_db_blocker):
    """Every body of the four real files, committed for the module's tests (each test still
    runs in its own transaction, rolled back after it) and removed when the module ends."""
    with django_db_blocker.unblock():
        Organisation.objects.all().delete()  # a reused test database may hold leftovers
        report = public_bodies_load(data_dir=REAL_DATA_DIR)
    yield report
    with django_db_blocker.unblock(), search_batch():  # their documents go in one step
        Organisation.objects.all().delete()
        AuditEntry.objects.filter(action="organisation.load").delete()
