"""Downloads of entries (CSV, JSON, JSON Lines) and `manage.py export_library`, which
`import_cases` reads back without loss."""

import csv
import io
import json
from itertools import islice
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.library.models import Entry, Status
from hub.library.services.exporting import EXPORT_FORMATS, export_response
from hub.library.services.importing import import_cases
from hub.library.services.records import RECORD_FIELDS
from hub.library.taxonomy import EntryKind
from hub.library.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db

REAL_CASES = Path(settings.HUB_DATA_DIR) / "cases.jsonl"


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_csv_export_has_every_record_field_and_neutralises_formulas():
    EntryFactory(title='=HYPERLINK("http://evil.example","Click")', source_id="f1",
                 summary="+44 20 7946 0000 is the helpline")
    response = export_response(entries=Entry.objects.all(), fmt="csv", filename_stem="library")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="library.csv"'
    rows = list(csv.DictReader(io.StringIO(body(response).lstrip("\ufeff"))))
    assert list(rows[0]) == RECORD_FIELDS
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert rows[0]["summary"].startswith("'+44")
    assert rows[0]["id"] == "f1" and rows[0]["country"] == "United Kingdom"


def test_json_and_json_lines_carry_the_same_records():
    EntryFactory.create_batch(3)
    entries = Entry.objects.order_by("pk")

    document = json.loads(body(export_response(entries=entries, fmt="json",
                                               filename_stem="x", base_url="https://hub.test")))
    lines = body(export_response(entries=entries, fmt="jsonl", filename_stem="x",
                                 base_url="https://hub.test")).splitlines()

    assert document["count"] == 3
    assert document["results"] == [json.loads(line) for line in lines]
    assert document["results"][0]["url"].startswith("https://hub.test/library/entries/")
    assert document["results"][0]["title"].startswith("Text message reminders")


def test_an_empty_list_is_still_valid_json():
    response = export_response(entries=Entry.objects.none(), fmt="json", filename_stem="x")
    assert json.loads(body(response)) == {"count": 0, "results": []}


def test_an_unknown_format_is_refused_and_the_filename_is_made_safe():
    assert EXPORT_FORMATS == ("csv", "json", "jsonl")
    with pytest.raises(ValueError, match="use one of csv, json, jsonl"):
        export_response(entries=Entry.objects.all(), fmt="xml", filename_stem="x")
    response = export_response(entries=Entry.objects.all(), fmt="jsonl",
                               filename_stem='a"b/c d')
    assert response["Content-Disposition"] == 'attachment; filename="a-b-c-d.jsonl"'


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_an_export_runs_the_same_queries_for_two_entries_or_forty(fmt):
    def queries_for(count: int) -> int:
        Entry.objects.all().delete()
        for entry in EntryFactory.create_batch(count):
            entry.tags.create(name=f"tag {entry.pk}", slug=f"tag-{entry.pk}")
        with CaptureQueriesContext(connection) as captured:
            body(export_response(entries=Entry.objects.all(), fmt=fmt, filename_stem="x"))
        return len(captured)

    assert queries_for(2) == queries_for(40) <= 4


# --- export_library and the round trip -----------------------------------------------------


def dump(fmt: str = "jsonl") -> str:
    out = io.StringIO()
    call_command("export_library", "--format", fmt, stdout=out)
    return out.getvalue()


def records_of(text: str) -> list[dict]:
    """The records of a JSON Lines dump, without ``published_at`` and ``url``, which an import
    does not carry: they say when and where the entry was published on this hub."""
    local = ("published_at", "url")
    return [{key: value for key, value in json.loads(line).items() if key not in local}
            for line in text.splitlines()]


def load_some_real_cases_and_a_rich_entry(count: int = 40) -> None:
    lines = b"\n".join(islice(REAL_CASES.read_bytes().splitlines(), count))
    assert import_cases(content=lines, filename="cases.jsonl").created == count
    rich = EntryFactory(
        source_id="hub-rich", kind=EntryKind.METHOD, title="=Formula-looking title",
        problem="People missed appointments.", approach="Texts two days before.",
        lessons="Say what a missed appointment costs.", costs="About GBP 0.03 a text.",
        locality="East London", start_year=2014, end_year=2016, origin_sector="partnership",
        evidence_reason="randomised controlled trial", evaluation_type="randomised",
        licence="OGL v3.0", sources=["https://example.org/report;page=2", "https://example.org/annex"],
        links=[{"title": "Trial report", "url": "https://example.org/trial"},
               {"title": "", "url": "https://example.org/data"}],
        organisation_names=["Barts Health NHS Trust"], countries=["GB"],
        country_text="England", results="Missed appointments fell by a quarter.",
    )
    rich.tags.create(name="Text messages", slug="text-messages")
    EntryFactory(source_id="hub-draft", status=Status.DRAFT)  # not in a dump


def test_a_dump_imported_into_an_empty_library_dumps_the_same(tmp_path):
    load_some_real_cases_and_a_rich_entry()
    first = dump()
    assert len(first.splitlines()) == 41 and "hub-draft" not in first

    Entry.objects.all().delete()
    path = tmp_path / "dump.jsonl"
    path.write_text(first, encoding="utf-8")
    call_command("import_cases", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert records_of(dump()) == records_of(first)
    rich = Entry.objects.get(source_id="hub-rich")
    assert (rich.kind, rich.end_year, rich.evidence_level) == (EntryKind.METHOD, 2016, 3)
    assert rich.sources == ["https://example.org/report;page=2", "https://example.org/annex"]
    assert rich.links[0] == {"title": "Trial report", "url": "https://example.org/trial"}


def test_a_csv_dump_reads_back_the_same_and_reimporting_duplicates_nothing(tmp_path):
    load_some_real_cases_and_a_rich_entry(20)
    before = records_of(dump())
    path = tmp_path / "dump.csv"
    call_command("export_library", "--format", "csv", "--output", str(path),
                 stderr=io.StringIO())
    assert path.read_text(encoding="utf-8").startswith("\ufeffid,title,")

    report = import_cases(content=path.read_bytes(), filename=path.name)
    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 21, "rejected": 0}

    Entry.objects.all().delete()
    report = import_cases(content=path.read_bytes(), filename=path.name)
    assert report.created == 21
    assert records_of(dump()) == before


def test_a_json_lines_dump_reimported_into_the_same_library_changes_nothing(tmp_path):
    load_some_real_cases_and_a_rich_entry(10)
    versions = Entry.history.count()
    report = import_cases(content=dump().encode(), filename="dump.jsonl")
    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 11, "rejected": 0}
    assert Entry.objects.count() == 12 and Entry.history.count() == versions
