"""The loader on small copies of the real files, some of them spoilt on purpose: bad rows are
reported by file and line and skipped, the rest is loaded, and the exit status says so."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hub.directory.models import Organisation, Status
from hub.directory.services import public_bodies_load
from hub.directory.sources import readable_name
from hub.directory.tests.fixtures import REAL_DATA_DIR

pytestmark = pytest.mark.django_db

GOVUK = "govuk_organisations_2026-02.csv"
COUNCILS = "uk_local_authorities_current.csv"
TRUSTS = "nhs_england_trusts_rcpch_2024.csv"
ICBS = "nhs_england_icbs_rcpch_2024.csv"


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """The first 10 rows of each real file (header on line 1, rows on lines 2 to 11)."""
    for path in REAL_DATA_DIR.glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        (tmp_path / path.name).write_text("".join(lines[:11]), encoding="utf-8")
    return tmp_path


def _replace_line(path: Path, number: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[number - 1] = text + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def _load(data_dir: Path) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    try:
        call_command("load_public_bodies", data_dir=data_dir, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error.returncode
    return out.getvalue(), err.getvalue(), 0


def test_clean_files_load_with_exit_status_0(data_dir):
    out, err, status = _load(data_dir)
    assert status == 0 and err == ""
    assert "40 bodies: 40 created, 0 updated, 0 unchanged" in out
    assert Organisation.objects.count() == 40


def test_a_row_with_a_missing_code_is_reported_by_file_and_line_and_the_others_load(data_dir):
    _replace_line(data_dir / TRUSTS, 4, ",NO CODE NHS TRUST,A,B,C,AB1 2CD,ENGLAND")
    out, err, status = _load(data_dir)
    assert status == 1
    assert f"{TRUSTS} line 4: The NHS ODS code is missing (column ods_code)" in err
    assert "39 bodies: 39 created" in out and "1 rows rejected" in out
    assert Organisation.objects.count() == 39


@pytest.mark.parametrize(
    ("file_name", "line", "text", "reason"),
    [
        (ICBS, 3, "QHG,E54000024", "has 2 columns, expected 3"),
        (ICBS, 5, "QZZ,E54000099,", "The name is missing (column name)"),
        (ICBS, 6, "QZY,not-a-gss,NHS SOMEWHERE ICB", "gss_code 'not-a-gss' is not an ICB GSS"),
        (
            GOVUK,
            2,
            "new-body,New Body,,Quango,live,,,X1,2024-01-01T00:00:00Z,https://www.gov.uk/x",
            "format 'Quango' is not a kind of body we know",
        ),
        (
            GOVUK,
            3,
            "new-body,New Body,,Other,sleeping,,,X1,2024-01-01T00:00:00Z,https://www.gov.uk/x",
            "govuk_status 'sleeping' is not one we know",
        ),
        (
            GOVUK,
            4,
            ",Nameless Slug,,Other,live,,,X1,2024-01-01T00:00:00Z,https://www.gov.uk/x",
            "The GOV.UK slug is missing (column slug)",
        ),
    ],
    ids=[
        "wrong-column-count",
        "missing-name",
        "bad-gss-code",
        "unknown-kind",
        "unknown-status",
        "missing-slug",
    ],
)
def test_each_kind_of_bad_row_is_named(data_dir, file_name, line, text, reason):
    _replace_line(data_dir / file_name, line, text)
    _, err, status = _load(data_dir)
    assert status == 1
    assert f"{file_name} line {line}: {reason}" in err
    assert Organisation.objects.count() == 39


def test_a_bad_date_is_reported_with_its_line(data_dir):
    path = data_dir / COUNCILS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[6] = lines[6].replace("1996-04-01", "1 April 1996", 1)
    path.write_text("".join(lines), encoding="utf-8")
    _, err, status = _load(data_dir)
    assert status == 1
    assert f"{COUNCILS} line 7: start-date '1 April 1996' is not a date like 2023-04-01" in err


def test_a_quoted_field_over_two_lines_keeps_later_line_numbers_right(data_dir):
    path = data_dir / ICBS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = 'QOX,E54000040,"NHS BATH AND\nNORTH EAST SOMERSET INTEGRATED CARE BOARD"\n'
    # The fourth line of the original is now the fifth line of the file.
    lines[3] = "QHL,,NHS SOMEWHERE\n"
    path.write_text("".join(lines), encoding="utf-8")
    _, err, _ = _load(data_dir)
    assert f"{ICBS} line 5: The GSS code is missing (column gss_code)" in err
    assert Organisation.objects.get(ods_code="QOX").name == (
        "NHS Bath and North East Somerset Integrated Care Board"
    )


def test_a_repeated_code_is_rejected_on_its_second_line(data_dir):
    path = data_dir / ICBS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines) + lines[1], encoding="utf-8")
    _, err, status = _load(data_dir)
    assert status == 1
    assert f"{ICBS} line 12: ods_code QOX was already given on line 2" in err


def test_a_missing_file_gives_exit_status_2_and_the_other_files_still_load(data_dir):
    (data_dir / TRUSTS).unlink()
    out, err, status = _load(data_dir)
    assert status == 2
    assert "no file matching nhs_england_trusts*.csv" in err
    assert Organisation.objects.count() == 30


def test_a_file_that_is_not_utf8_gives_exit_status_2(data_dir):
    text = "ods_code,gss_code,name\nQOX,E54000040,CAF\xc9\n"
    (data_dir / ICBS).write_bytes(text.encode("latin-1"))
    _, err, status = _load(data_dir)
    assert status == 2 and f"{ICBS} cannot be read" in err


def test_a_file_without_a_needed_column_gives_exit_status_2(data_dir):
    (data_dir / ICBS).write_text("ods_code,name\nQOX,NHS SOMEWHERE\n", encoding="utf-8")
    _, err, status = _load(data_dir)
    assert status == 2 and f"{ICBS} has no column gss_code" in err


def test_the_command_line_exits_with_status_1_when_rows_are_rejected(data_dir, capsys):
    from django.core.management import ManagementUtility

    _replace_line(data_dir / ICBS, 3, "QHG")
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(
            ["manage.py", "load_public_bodies", "--data-dir", str(data_dir)]
        ).execute()
    assert exit_.value.code == 1
    assert f"{ICBS} line 3: has 1 columns, expected 3" in capsys.readouterr().err


def test_a_body_that_leaves_its_file_is_kept(data_dir):
    public_bodies_load(data_dir=data_dir)
    path = data_dir / ICBS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    gone_code = lines[2].split(",")[0]
    del lines[2]
    path.write_text("".join(lines), encoding="utf-8")
    report = public_bodies_load(data_dir=data_dir)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 39)
    assert Organisation.objects.get(ods_code=gone_code).status == Status.OPEN


def test_a_council_that_ends_is_closed_on_the_next_load(data_dir):
    public_bodies_load(data_dir=data_dir)
    path = data_dir / COUNCILS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    code = lines[1].split(",")[0]
    lines[1] = lines[1].replace(",True,", ",False,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    report = public_bodies_load(data_dir=data_dir)
    assert (report.updated, report.closed) == (1, 1)
    assert Organisation.objects.get(la_code=code).status == Status.CLOSED


def test_a_govuk_link_dropped_from_the_file_is_removed(data_dir):
    path = data_dir / GOVUK
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # Make the second body a child of the first, then take the link away again.
    first_slug = lines[1].split(",")[0]
    second = lines[2].split(",")
    second[5] = first_slug
    lines[2] = ",".join(second)
    path.write_text("".join(lines), encoding="utf-8")
    assert public_bodies_load(data_dir=data_dir).links_added == 1
    second[5] = ""
    lines[2] = ",".join(second)
    path.write_text("".join(lines), encoding="utf-8")
    report = public_bodies_load(data_dir=data_dir)
    assert (report.links_removed, report.updated) == (1, 1)
    child = Organisation.objects.get(govuk_slug=second[0])
    assert not child.parents.exists()


def test_a_slug_already_taken_gets_the_code_added(data_dir):
    shutil.copy(REAL_DATA_DIR / ICBS, data_dir / ICBS)
    Organisation.objects.create(
        slug="nhs-devon-integrated-care-board", name="Devon partner", kind="charity"
    )
    public_bodies_load(data_dir=data_dir)
    assert Organisation.objects.get(name="NHS Devon Integrated Care Board").slug == (
        "nhs-devon-integrated-care-board-qjk"
    )


@pytest.mark.parametrize(
    ("capitals", "readable"),
    [
        (
            "EAST KENT HOSPITALS UNIVERSITY NHS FOUNDATION TRUST",
            "East Kent Hospitals University NHS Foundation Trust",
        ),
        ("GUY'S AND ST THOMAS' NHS FOUNDATION TRUST", "Guy's and St Thomas' NHS Foundation Trust"),
        (
            "THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST",
            "The Newcastle upon Tyne Hospitals NHS Foundation Trust",
        ),
        (
            "NHS STAFFORDSHIRE AND STOKE-ON-TRENT INTEGRATED CARE BOARD",
            "NHS Staffordshire and Stoke-on-Trent Integrated Care Board",
        ),
        ("NHS CORNWALL AND THE ISLES OF SCILLY ICB", "NHS Cornwall and the Isles of Scilly ICB"),
        ("Already Mixed Case of Things", "Already Mixed Case of Things"),
    ],
)
def test_names_in_capitals_are_made_readable(capitals, readable):
    assert readable_name(capitals) == readable


def test_every_body_is_searchable_when_the_load_returns_even_one_loaded_before(data_dir):
    from hub.search.models import Document
    from hub.search.selectors import search

    _load(data_dir)
    documents = Document.objects.filter(kind="organisation")
    assert documents.filter(embedding__isnull=False).count() == 40
    first = Organisation.objects.order_by("pk").first()
    assert search(first.name, user=None).hits[0].document.title == first.name
    # A directory loaded before its bodies were searchable: the next load indexes them.
    documents.delete()
    _load(data_dir)
    assert documents.filter(embedding__isnull=False).count() == 40
