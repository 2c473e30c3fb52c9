"""`manage.py load_demo_library`: the real cases, demo entries in every unpublished state and two
collections, made through the lifecycle services; running it again changes nothing."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from hub.accounts.demo import load_demo_people
from hub.core.models import AuditEntry
from hub.library.models import Collection, Entry, ReviewComment, Status

pytestmark = pytest.mark.django_db

REAL_CASES = Path(settings.HUB_DATA_DIR) / "cases.jsonl"
COLLECTED = ["c038", "c039", "c040", "c015", "c032", "c022", "c021",
             "c041", "c068", "c067", "c143", "c013", "c136", "c132", "c024"]


@pytest.fixture
def few_real_cases(settings, tmp_path):
    """The real cases that the collections use, as data/cases.jsonl (importing all 149 is
    tested elsewhere)."""
    lines = [line for line in REAL_CASES.read_text().splitlines()
             if json.loads(line)["id"] in COLLECTED]
    (tmp_path / "cases.jsonl").write_text("\n".join(lines))
    settings.HUB_DATA_DIR = tmp_path
    settings.DEBUG = True


def load() -> str:
    out = io.StringIO()
    call_command("load_demo_library", stdout=out)
    return out.getvalue()


def test_the_demo_library_has_an_entry_in_every_state_and_two_collections(few_real_cases):
    load_demo_people()
    output = load()

    assert "15 created" in output
    assert Entry.objects.published().count() == 15
    demo = {entry.status: entry for entry in Entry.objects.filter(source_id__startswith="demo-")}
    assert set(demo) == {Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW,
                         Status.CHANGES_REQUESTED, Status.ARCHIVED}
    assert {entry.author.email for entry in demo.values()} == {"practitioner@demo.gov.uk"}
    comment = ReviewComment.objects.get(entry=demo[Status.IN_REVIEW])
    assert comment.author.email == "curator@demo.gov.uk"
    assert ReviewComment.objects.get(entry=demo[Status.CHANGES_REQUESTED]).kind == \
        ReviewComment.Kind.CHANGES_REQUESTED
    assert AuditEntry.objects.filter(action="entry.archive", actor__email="curator@demo.gov.uk",
                                     target_id=str(demo[Status.ARCHIVED].pk)).exists()

    collections = {c.title: c for c in Collection.objects.all()}
    assert set(collections) == {"Nudges that got people to pay on time",
                                "Ideas councils can borrow"}
    nudges = collections["Nudges that got people to pay on time"]
    assert nudges.status == Collection.Status.PUBLISHED and nudges.introduction
    items = list(nudges.items.select_related("entry"))
    assert [item.entry.source_id for item in items] == COLLECTED[:7]
    assert all(item.note for item in items)

    counts = (Entry.objects.count(), Entry.history.count(), Collection.objects.count(),
              ReviewComment.objects.count())
    assert "0 created" in load()
    assert (Entry.objects.count(), Entry.history.count(), Collection.objects.count(),
            ReviewComment.objects.count()) == counts


def test_it_needs_the_demo_people(few_real_cases):
    with pytest.raises(CommandError, match="run `manage.py load_demo` first"):
        load()


def test_it_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG=true"):
        load()
    assert not Entry.objects.exists()
