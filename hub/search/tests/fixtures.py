"""Fixtures shared by the search tests and the search API tests (import them by name).

``real_cases`` imports the real cases of data/cases.jsonl once per test module, inside a
transaction that is rolled back when the module ends, so each module pays for embedding the
149 cases once and nothing is left in the test database.
"""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

CASES_FILE = Path(settings.BASE_DIR) / "data" / "cases.jsonl"
QUERIES_FILE = Path(settings.BASE_DIR) / "data" / "queries-dev.jsonl"


@pytest.fixture(scope="module")
def real_cases(django_db_setup, django_db_blocker):
    """``{source id: entry}`` for every case of data/cases.jsonl, imported with
    ``manage.py import_cases`` (so already in the search index when it returns)."""
    from hub.library.models import Entry
    from hub.search.vectors import index

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("import_cases", str(CASES_FILE), stdout=io.StringIO(),
                         stderr=io.StringIO())
            cases = {entry.source_id: entry for entry in Entry.objects.all()}
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield cases
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    index.forget()


@pytest.fixture(autouse=True)
def _fresh_vector_index():
    """Each test reads the vectors from the database afresh. The in-memory matrix follows the
    database by a token and by counts of ids, which cannot see a test's rolled-back rows when
    SQLite hands their ids out again to the next test (a rolled-back id is never reused by a
    running hub, whose transactions commit)."""
    from hub.search.vectors import index

    index.forget()
    yield
    index.forget()
