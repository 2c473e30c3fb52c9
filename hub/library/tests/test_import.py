"""`manage.py import_cases` (DESIGN §5.3): the real cases, bad lines reported by number, CSV,
dry runs, re-imports that change nothing, and the exit statuses other people's scripts use."""

import io
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from hub.core.models import AuditEntry
from hub.directory.tests.factories import PublicBodyFactory
from hub.library.models import Entry, Status
from hub.library.services.importing import (
    ImportFileError,
    import_cases,
)
from hub.library.taxonomy import ChallengeArea, EvaluationType
from hub.library.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
REAL_CASES = Path(settings.HUB_DATA_DIR) / "cases.jsonl"


def case(**fields) -> dict:
    return {"id": "t1", "title": "Text reminders for missed appointments",
            "summary": "A trust sent text reminders.", "challenge_area": "health and social care",
            **fields}


def jsonl(*lines) -> bytes:
    return "\n".join(line if isinstance(line, str) else json.dumps(line)
                     for line in lines).encode()


def run_command(path, *args) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_cases", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue() + str(error), error.returncode
    return out.getvalue(), err.getvalue(), 0


def write(tmp_path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


# --- The real file -------------------------------------------------------------------------


def test_the_149_real_cases_are_published_with_countries_and_organisations_matched():
    dwp = PublicBodyFactory(name="Department for Work and Pensions", abbreviation="DWP")
    hmrc = PublicBodyFactory(name="HM Revenue & Customs", abbreviation="HMRC")
    dvla = PublicBodyFactory(name="Driver and Vehicle Licensing Agency", abbreviation="DVLA")
    gds = PublicBodyFactory(name="Government Digital Service")

    out, err, status = run_command(REAL_CASES)

    assert status == 0, err
    assert "created: 149" in out and "rejected: 0" in out
    assert Entry.objects.published().count() == 149
    assert not Entry.objects.exclude(status=Status.PUBLISHED).exists()
    assert not Entry.objects.filter(author__isnull=False).exists()
    lines = [json.loads(line) for line in REAL_CASES.read_text().splitlines()]
    in_file = Counter(ChallengeArea.from_text(line["challenge_area"]).value for line in lines)
    assert Counter(Entry.objects.values_list("challenge_area", flat=True)) == in_file

    by_id = {entry.source_id: entry for entry in Entry.objects.prefetch_related("organisations")}
    assert [c.code for c in by_id["c080"].countries] == ["KR"]  # "South Korea"
    assert [c.code for c in by_id["c099"].countries] == ["FR", "IT"]  # "France; Italy"
    assert by_id["c069"].country_text == "United Kingdom"
    assert [c.code for c in by_id["c002"].countries] == ["US"]  # "United States"
    eu = by_id["c078"]
    assert eu.country_text == "European Union (multi-country)" and not eu.countries
    assert by_id["c019"].country_text == "Kosovo" and not by_id["c019"].countries
    assert by_id["c072"].organisations.get() == dwp
    assert set(by_id["c122"].organisations.all()) == {hmrc}  # "HM Revenue and Customs"
    assert set(by_id["c073"].organisations.all()) == {dvla}  # "… Agency (DVLA)"
    assert set(by_id["c130"].organisations.all()) == {gds}  # "… Service (Cabinet Office)"
    assert by_id["c073"].organisation_names == ["Department of Health",
                                                "Driver and Vehicle Licensing Agency (DVLA)"]
    # A ";" inside brackets belongs to the name.
    assert by_id["c124"].organisation_names == [
        "Government of Estonia (e-Residency programme; Police and Border Guard Board)"]
    assert by_id["c053"].sources[0].startswith("https://")
    assert by_id["c038"].evidence_level == 3
    assert by_id["c038"].evaluation_type == EvaluationType.RANDOMISED
    assert by_id["c038"].results.startswith("Reported to have brought forward")
    assert by_id["c001"].start_year is None and by_id["c002"].start_year == 2020

    history_rows = Entry.history.count()
    out, err, status = run_command(REAL_CASES)

    assert status == 0
    assert "created: 0" in out and "updated: 0" in out and "unchanged: 149" in out
    assert Entry.objects.count() == 149
    assert Entry.history.count() == history_rows  # nothing changed, nothing recorded
    runs = AuditEntry.objects.filter(action="library.import").order_by("pk")
    assert [run.detail["created"] for run in runs] == [149, 0]
    assert runs[1].detail["unchanged"] == 149 and runs[1].actor is None


# --- Bad lines -----------------------------------------------------------------------------

BROKEN = jsonl(
    case(id="good-1"),                                              # 1
    '{"id": "bad-json", "title": ',                                 # 2
    case(id="no-title", title=""),                                  # 3
    case(id="bad-area", challenge_area="space exploration"),        # 4
    case(id="year-0", year=0),                                      # 5
    case(id="bad-url", source="ftp://example.org/report.pdf"),     # 6
    "",                                                             # 7 (blank: skipped)
    case(id="good-2", year="2019", source="https://example.org/a ; https://example.org/b"),
    case(id="future", year=2999),                                   # 9
    case(id="good-1", title="The same id again"),                   # 10
    case(id="minus", year="-4"),                                    # 11
)


def test_bad_lines_are_reported_by_number_and_the_good_ones_imported(tmp_path):
    out, err, status = run_command(write(tmp_path, "broken.jsonl", BROKEN))

    assert status == 1
    assert set(Entry.objects.values_list("source_id", flat=True)) == {"good-1", "good-2"}
    reported = [line for line in err.splitlines() if line.startswith("line ")]
    assert [int(line.split(":")[0].split()[1]) for line in reported] == [2, 3, 4, 5, 6, 9, 10,
                                                                          11]
    assert "line 2: not valid JSON" in err
    assert "line 3: title is empty" in err
    assert "line 4: challenge_area 'space exploration' is not one of: health and social " \
           "care, climate and environment" in err
    assert "line 5: year 0 is not a possible year" in err
    assert "line 6: source: 'ftp://example.org/report.pdf' is not a web address" in err
    assert "line 9: year 2999 is not a possible year" in err
    assert "line 10: id 'good-1' is also on line 1" in err
    assert "created: 2" in out and "rejected: 8" in out
    good = Entry.objects.get(source_id="good-2")
    assert good.start_year == 2019
    assert good.sources == ["https://example.org/a", "https://example.org/b"]


def test_a_line_that_breaks_the_entrys_own_rules_is_rejected_with_the_field_named(tmp_path):
    report = import_cases(content=jsonl(case(title="x" * 301), case(id="t2")),
                          filename="long.jsonl")
    assert report.created == 1
    [(line, reason)] = report.rejections
    assert line == 1 and reason.startswith("title: Ensure this value has at most 300")


def test_a_missing_required_field_and_an_unknown_sector_are_reported():
    report = import_cases(content=jsonl({"id": "x", "title": "T", "challenge_area": "other"},
                                        case(sector="government")), filename="x.jsonl")
    assert report.rejections == [
        (1, "summary is missing"),
        (2, "sector 'government' is not one of: public, private, third, partnership"),
    ]


# --- Files that cannot be read (exit status 2) ---------------------------------------------


@pytest.mark.parametrize(("name", "content", "message"), [
    ("latin1.csv", "id,title\ncafé".encode("latin-1"), "not UTF-8"),
    ("empty.jsonl", b"\n\n", "empty"),
    ("cases.csv", b"id,name,summary\n1,x,y\n", "missing: title, challenge_area"),
    ("cases.jsonl", b"id,title,summary\n1,2,3\n", "not JSON Lines"),
    ("cases.json", b'[{"id": "1"}]', "JSON array"),
])
def test_a_file_that_cannot_be_read_is_refused_whole(tmp_path, name, content, message):
    out, err, status = run_command(write(tmp_path, name, content))
    assert status == 2
    assert message in err
    assert not Entry.objects.exists()


def test_a_missing_file_is_exit_status_2(tmp_path):
    assert run_command(tmp_path / "nowhere.jsonl")[2] == 2


def test_the_format_is_sniffed_when_the_extension_says_nothing_and_a_bom_is_accepted():
    report = import_cases(content=b"\xef\xbb\xbf" + jsonl(case()), filename="cases.txt")
    assert (report.format, report.created) == ("jsonl", 1)
    report = import_cases(content="\ufeffid,title,summary,challenge_area\nt2,T,S,other\n"
                          .encode(), filename="upload")
    assert (report.format, report.created) == ("csv", 1)


# --- CSV -----------------------------------------------------------------------------------


def test_csv_with_a_quoted_multi_line_field_counts_lines_as_a_person_sees_them(tmp_path):
    content = (
        'id,title,summary,challenge_area,year,organisation,country\r\n'   # 1
        'x1,First case,"A summary\r\n'                                      # 2
        'over three\r\n'                                                    # 3
        'lines",transport,2020,"Nottingham City Council; Preston City Council",UK\r\n'  # 4
        'x2,Second case,Summary,not an area,,,\r\n'                         # 5
        '\r\n'                                                              # 6
        'x3,"\'=HYPERLINK(""http://evil.example"")",Summary,other,,,USA\r\n'  # 7
        'x4,Too many,Summary,other,,,,extra\r\n'                            # 8
    )
    out, err, status = run_command(write(tmp_path, "cases.csv", content))

    assert status == 1
    assert "line 5: challenge_area 'not an area'" in err
    assert "line 8: has 8 values but the header names 7 columns" in err
    first = Entry.objects.get(source_id="x1")
    assert first.summary == "A summary\r\nover three\r\nlines"
    assert first.start_year == 2020
    assert first.organisation_names == ["Nottingham City Council", "Preston City Council"]
    assert [c.code for c in first.countries] == ["GB"] and first.country_text == "UK"
    # The apostrophe a CSV export adds before a formula is taken off again.
    assert Entry.objects.get(source_id="x3").title == '=HYPERLINK("http://evil.example")'


def test_csv_saved_with_semicolons_by_a_spreadsheet_is_read():
    content = ("id;title;summary;challenge_area;year\n"
               "x1;A title;A summary, with a comma;other;2011\n")
    report = import_cases(content=content.encode(), filename="cases.csv")
    assert report.created == 1
    assert Entry.objects.get().summary == "A summary, with a comma"


# --- Dry runs, warnings, updates -----------------------------------------------------------


def test_a_dry_run_reports_and_writes_nothing(tmp_path):
    EntryFactory(source_id="good-1", title="Old title")
    counts = (Entry.objects.count(), Entry.history.count(), AuditEntry.objects.count())

    out, err, status = run_command(write(tmp_path, "broken.jsonl", BROKEN), "--dry-run")

    assert status == 1
    assert "Dry run: nothing was written" in out
    assert "created: 1" in out and "updated: 1" in out and "rejected: 8" in out
    assert (Entry.objects.count(), Entry.history.count(), AuditEntry.objects.count()) == counts
    assert Entry.objects.get(source_id="good-1").title == "Old title"


def test_a_dry_run_catches_what_the_entry_would_refuse():
    report = import_cases(content=jsonl(case(title="x" * 301)), filename="x.jsonl",
                          dry_run=True)
    assert report.rejected == 1 and not Entry.objects.exists()


def test_an_unknown_field_is_warned_about_once_and_ignored(tmp_path):
    lines = [case(id=f"t{n}", colour="blue", status="draft") for n in range(3)]
    out, err, status = run_command(write(tmp_path, "extra.jsonl", jsonl(*lines)))

    assert status == 0
    assert err.count("field 'colour'") == 1 and err.count("field 'status'") == 1
    assert Entry.objects.published().count() == 3


def test_an_explicit_evidence_level_wins_over_the_note():
    import_cases(content=jsonl(case(evidence_note="randomised controlled trial",
                                    evidence_level=2)), filename="x.jsonl")
    entry = Entry.objects.get()
    assert entry.evidence_level == 2
    assert entry.evaluation_type == EvaluationType.RANDOMISED
    assert entry.evidence_reason == "randomised controlled trial"


def test_a_known_id_is_updated_only_in_the_fields_the_line_has_and_keeps_its_state():
    import_cases(content=jsonl(case(tags="reminders; health", lessons="Keep it short",
                                    year=2018)), filename="a.jsonl")
    entry = Entry.objects.get()
    entry.status = Status.ARCHIVED
    entry.save()
    versions = entry.history.count()

    report = import_cases(content=jsonl(case(title="Text reminders cut missed appointments",
                                             year=2018)), filename="b.jsonl")

    assert report.counts() == {"created": 0, "updated": 1, "unchanged": 0, "rejected": 0}
    entry.refresh_from_db()
    assert entry.title == "Text reminders cut missed appointments"
    assert entry.lessons == "Keep it short"
    assert sorted(tag.name for tag in entry.tags.all()) == ["health", "reminders"]
    assert entry.status == Status.ARCHIVED
    assert entry.history.count() == versions + 1
    assert entry.history.first().history_change_reason == "imported"


# --- Exit statuses seen by a shell ---------------------------------------------------------


@pytest.fixture
def database_url(tmp_path):
    """A database the subprocess can open: a copy of the (empty, migrated) test database for
    SQLite, the test database itself for PostgreSQL (the subprocess only does dry runs)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(path)])
        return f"sqlite:///{path}"
    db = connection.settings_dict
    return (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or 'localhost'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_0_1_or_2_for_scripts(tmp_path, database_url):
    good = write(tmp_path, "good.jsonl", jsonl(case(), case(id="t2")))
    broken = write(tmp_path, "broken.jsonl", BROKEN)
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "HUB_TESTING"}}
    env.update(DEBUG="true", DATABASE_URL=database_url)

    def start(*args):
        return subprocess.Popen([sys.executable, "manage.py", "import_cases", *args], cwd=ROOT,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)

    runs = [start(str(good), "--dry-run"), start(str(broken), "--dry-run"),
            start(str(tmp_path / "missing.jsonl"))]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]

    assert [code for code, _out, _err in results] == [0, 1, 2], results
    assert "created: 2" in results[0][1]
    assert "line 2: not valid JSON" in results[1][2]
    assert "missing.jsonl: cannot be read" in results[2][2]


def test_a_file_error_names_the_problem():
    with pytest.raises(ImportFileError, match="NUL"):
        import_cases(content=b"id,title\x00", filename="x.csv")
