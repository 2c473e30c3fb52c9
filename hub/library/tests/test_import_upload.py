"""Curators upload a file of cases; it is imported in the background (the ImmediateBackend in
tests) and the report is shown by line."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hub.core.models import AuditEntry
from hub.library.models import Entry, ImportRun
from hub.library.services.importing import running as importing_running

pytestmark = pytest.mark.django_db

URL = "/library/import/"


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(name: str, lines: list) -> SimpleUploadedFile:
    content = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    return SimpleUploadedFile(name, content.encode(), content_type="application/octet-stream")


def case(source_id: str, **fields) -> dict:
    return {"id": source_id, "title": f"Case {source_id}", "summary": "What was done.",
            "challenge_area": "transport", **fields}


GOOD_AND_BAD = [case("u1"), case("u2", year=2021), case("u3", challenge_area="moon travel")]


def test_a_curator_uploads_a_file_and_reads_the_report(signed_in, curator,
                                                        django_capture_on_commit_callbacks):
    client = signed_in(curator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"file": upload("cases.jsonl", GOOD_AND_BAD)})

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("library:import_run", args=[run.pk])
    assert run.status == ImportRun.Status.FINISHED
    assert run.created_by == curator and run.original_name == "cases.jsonl"
    assert (run.processed, run.total) == (3, 3)
    assert {key: run.report[key] for key in ("created", "updated", "unchanged", "rejected")} \
        == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert run.report["rejections"][0]["line"] == 3
    assert "moon travel" in run.report["rejections"][0]["reason"]
    assert set(Entry.objects.published().values_list("source_id", flat=True)) == {"u1", "u2"}
    audit = AuditEntry.objects.get(action="library.import")
    assert audit.actor == curator and audit.target_id == str(run.pk)
    assert audit.detail["created"] == 2
    # Each entry the file created names the curator, in the audit log and in its history,
    # though the entry has no author.
    created = AuditEntry.objects.filter(action="entry.create")
    assert sorted(created.values_list("actor", flat=True)) == [curator.pk, curator.pk]
    for entry in Entry.objects.all():
        assert entry.author is None
        assert entry.history.first().history_user == curator

    page = client.get(response["Location"]).content.decode()
    assert "Import finished" in page
    assert "Rejected lines" in page and "challenge_area &#x27;moon travel&#x27;" in page
    assert 'http-equiv="refresh"' not in page
    listing = client.get(URL).content.decode()
    assert "cases.jsonl" in listing and "Recent imports" in listing

    rejected = client.get(reverse("library:import_run_rejections", args=[run.pk]))
    assert b"".join(rejected.streaming_content).decode().splitlines()[1].startswith("3,")


def test_a_dry_run_upload_changes_nothing(signed_in, curator,
                                          django_capture_on_commit_callbacks):
    client = signed_in(curator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"file": upload("cases.csv", [
            "id,title,summary,challenge_area", "c1,A title,A summary,transport"]),
            "dry_run": "on"})

    run = ImportRun.objects.get()
    assert run.dry_run and run.status == ImportRun.Status.FINISHED
    assert run.report["created"] == 1
    assert not Entry.objects.exists()
    assert not AuditEntry.objects.filter(action="library.import").exists()
    page = client.get(reverse("library:import_run", args=[run.pk])).content.decode()
    assert "nothing was changed" in page and "Would be created" in page


def test_a_file_that_cannot_be_read_fails_with_the_reason(signed_in, curator,
                                                          django_capture_on_commit_callbacks):
    client = signed_in(curator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"file": upload("cases.csv", ["id,name", "1,x"])})

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "required columns are missing" in run.report["error"]
    page = client.get(reverse("library:import_run", args=[run.pk])).content.decode()
    assert "The file could not be imported" in page


def test_a_run_in_progress_offers_a_refresh_link(signed_in, curator):
    run = ImportRun.objects.create(created_by=curator, original_name="big.jsonl",
                                   status=ImportRun.Status.RUNNING, total=400, processed=100)
    page = signed_in(curator).get(reverse("library:import_run", args=[run.pk])).content.decode()
    assert "100 of 400 lines (25%)" in page
    assert f'href="{reverse("library:import_run", args=[run.pk])}"' in page and "Refresh" in page
    # With JavaScript, the page looks again by itself while the import is in progress.
    assert "data-import-in-progress" in page and "library/import-progress.mjs" in page
    run.status = ImportRun.Status.FINISHED
    run.save(update_fields=["status"])
    finished = signed_in(curator).get(reverse("library:import_run", args=[run.pk]))
    assert "data-import-in-progress" not in finished.content.decode()


@pytest.mark.parametrize(("data", "message"), [
    ({"dry_run": "on"}, "Select a CSV or JSON Lines file"),
    ({"file": SimpleUploadedFile("report.pdf", b"%PDF-1.4 ...")}, "must be a CSV or JSON Lines"),
    ({"file": SimpleUploadedFile("cases.csv", b"PK\x03\x04 a spreadsheet")}, "CSV UTF-8"),
    ({"file": SimpleUploadedFile("cases.csv", b"")}, "The selected file is empty"),
])
def test_bad_uploads_get_an_error_summary_and_keep_the_form(signed_in, curator, data,
                                                            message):
    response = signed_in(curator).post(URL, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    assert "<title>Error: " in page
    assert not ImportRun.objects.exists()
    if "dry_run" in data:
        assert 'name="dry_run" type="checkbox" value="on" checked' in page


def test_a_file_over_the_limit_is_refused(signed_in, curator, monkeypatch):
    monkeypatch.setattr(importing_running, "MAX_UPLOAD_BYTES", 100)
    response = signed_in(curator).post(URL, {"file": upload("big.jsonl", [case("x")] * 5)})
    assert response.status_code == 400
    assert "smaller than 20 MB" in response.content.decode()


def test_members_and_practitioners_cannot_import(signed_in, member, practitioner, client):
    run = ImportRun.objects.create(original_name="x.jsonl")
    assert client.get(URL).status_code == 302  # visitors are asked to sign in
    for person in (member, practitioner):
        signed = signed_in(person)
        assert signed.get(URL).status_code == 403
        assert signed.post(URL, {"file": upload("c.jsonl", [case("x")])}).status_code == 403
        assert signed.get(reverse("library:import_run", args=[run.pk])).status_code == 403
    assert not Entry.objects.exists()


def test_an_upload_that_changes_an_entry_names_the_curator_in_its_history(
        signed_in, curator, django_capture_on_commit_callbacks):
    client = signed_in(curator)
    for summary in ("What was done.", "What was done, and what it achieved."):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(URL, {"file": upload("cases.jsonl", [case("u1", summary=summary)])})

    entry = Entry.objects.get(source_id="u1")
    latest = entry.history.first()
    assert entry.summary == "What was done, and what it achieved."
    assert (latest.history_change_reason, latest.history_user) == ("imported", curator)
