"""Attaching files to entries: the type is decided by content, names are made safe, and files
are served only to people who may see the entry."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory

from hub.core.models import AuditEntry
from hub.library.models import Attachment, Status
from hub.library.services import attachments as services
from hub.library.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


# --- Tiny real-format samples ---------------------------------------------------------------


def pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
            b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
            b"trailer <</Root 1 0 R>>\n%%EOF\n")


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte + one red pixel
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def jpeg() -> bytes:
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def ooxml(folder: str, *, extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr(f"{folder}/document.xml", '<?xml version="1.0"?><document/>')
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def odf(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>',
                         compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest/>')
    return buffer.getvalue()


def ole2(*streams: str) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors): sector 0 holds the allocation table,
    sector 1 the directory with the root entry and the named streams (up to three)."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))

    def entry(name: str, kind: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        record = bytearray(128)
        record[: len(encoded)] = encoded
        struct.pack_into("<HBB", record, 64, len(encoded), kind, 1)
        struct.pack_into("<III", record, 68, free, free, free)
        struct.pack_into("<II", record, 116, end, 0)
        return bytes(record)

    directory = entry("Root Entry", 5) + b"".join(entry(name, 2) for name in streams)
    directory += bytes(512 - len(directory))
    return bytes(header) + fat + directory


ACCEPTED = [
    ("report.pdf", pdf(), "application/pdf", "report.pdf"),
    ("chart.png", png(), "image/png", "chart.png"),
    ("photo.jpeg", jpeg(), "image/jpeg", "photo.jpeg"),
    ("old.doc", ole2("WordDocument", "1Table"), "application/msword", "old.doc"),
    ("old.xls", ole2("Workbook"), "application/vnd.ms-excel", "old.xls"),
    ("old.ppt", ole2("PowerPoint Document", "Current User"), "application/vnd.ms-powerpoint",
     "old.ppt"),
    ("report.docx", ooxml("word"),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "report.docx"),
    ("costs.xlsx", ooxml("xl"),
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "costs.xlsx"),
    ("slides.pptx", ooxml("ppt"),
     "application/vnd.openxmlformats-officedocument.presentationml.presentation",
     "slides.pptx"),
    ("notes.odt", odf("application/vnd.oasis.opendocument.text"),
     "application/vnd.oasis.opendocument.text", "notes.odt"),
    ("sums.ods", odf("application/vnd.oasis.opendocument.spreadsheet"),
     "application/vnd.oasis.opendocument.spreadsheet", "sums.ods"),
    ("talk.odp", odf("application/vnd.oasis.opendocument.presentation"),
     "application/vnd.oasis.opendocument.presentation", "talk.odp"),
]

REFUSED = [
    ("report.pdf", b"\x7fELF\x02\x01\x01\x00" + bytes(200), "is a program"),
    ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200), "is a program"),
    ("report.pdf", b"#!/bin/sh\nrm -rf /\n", "is a script"),
    ("report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "web page"),
    ("report.pdf", b"\xef\xbb\xbf  <html><body>hi</body></html>", "web page"),
    ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "SVG image"),
    ("logo.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
    ("data.pdf", b"just some text", "must be a PDF, Word, Excel"),
    ("macros.docx", ooxml("word", extra={"word/vbaProject.bin": b"x"}), "contains macros"),
    ("macros.doc", ole2("WordDocument", "Macros"), "contains macros"),
    ("setup.doc", ole2("SummaryInformation"), "not a Word, Excel or PowerPoint"),
    ("archive.docx", b"PK\x03\x04" + bytes(60), "could not be read"),
    ("book.odt", odf("application/epub+zip"), "zip archive, not a document"),
    ("empty.pdf", b"", "is empty"),
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def draft(practitioner):
    return EntryFactory(status=Status.DRAFT, author=practitioner, published_at=None)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- The service -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "content_type", "stored"), ACCEPTED,
                         ids=[row[0] for row in ACCEPTED])
def test_each_accepted_type_is_recognised_by_its_content(draft, practitioner, name, content,
                                                          content_type, stored):
    # The browser's claimed type is ignored: everything is sent as octet-stream.
    attachment = services.attachment_add(entry=draft, by=practitioner,
                                         uploaded_file=upload(name, content))
    assert attachment.content_type == content_type
    assert attachment.filename == stored
    assert attachment.size == len(content)
    with attachment.file.open("rb") as file:
        assert file.read() == content


@pytest.mark.parametrize(("name", "content", "message"), REFUSED,
                         ids=[f"{row[0]}-{row[2]}" for row in REFUSED])
def test_programs_pages_and_unknown_files_are_refused_with_a_message(draft, practitioner, name,
                                                                      content, message):
    with pytest.raises(ValidationError) as refused:
        services.attachment_add(entry=draft, by=practitioner,
                                uploaded_file=upload(name, content, "application/pdf"))
    assert message in refused.value.message_dict["file"][0]
    assert not Attachment.objects.exists()


def test_a_file_over_20_mb_is_refused(draft, practitioner):
    big = upload("big.pdf", b"%PDF-1.4\n" + bytes(20 * 1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        services.attachment_add(entry=draft, by=practitioner, uploaded_file=big)
    assert refused.value.message_dict["file"] == ["The selected file must be smaller than 20 MB"]


@pytest.mark.parametrize(("given", "detected", "stored"), [
    ("../../etc/passwd.pdf", services.PDF, "passwd.pdf"),
    ("C:\\Users\\me\\My Report (final).PDF", services.PDF, "My_Report_final.pdf"),
    ("report.pdf", services.PNG, "report.png"),
    ("photo.JPG", services.JPEG, "photo.jpg"),
    ("Minutes v1.2 final", services.DOCX, "Minutes_v1.2_final.docx"),
    ("<script>.pdf", services.PDF, "script.pdf"),
    ("...", services.PDF, "attachment.pdf"),
    ("", services.PDF, "attachment.pdf"),
    ("a" * 300 + ".pdf", services.PDF, "a" * 100 + ".pdf"),
])
def test_stored_names_are_safe_and_match_the_real_type(given, detected, stored):
    assert services.safe_filename(given, detected) == stored


def test_files_are_stored_under_a_random_name(draft, practitioner):
    attachment = services.attachment_add(entry=draft, by=practitioner,
                                         uploaded_file=upload("report.pdf", pdf()))
    assert attachment.file.name.startswith(f"library/attachments/{draft.pk}/")
    assert "report" not in attachment.file.name


def test_only_people_who_may_edit_the_entry_may_attach(draft, member, outsider, curator):
    for person in (member, outsider):
        with pytest.raises(PermissionDenied):
            services.attachment_add(entry=draft, by=person,
                                    uploaded_file=upload("report.pdf", pdf()))
    assert services.attachment_add(entry=draft, by=curator,
                                   uploaded_file=upload("report.pdf", pdf()))


def test_adding_and_removing_are_audited_and_the_file_goes(draft, practitioner,
                                                            django_capture_on_commit_callbacks):
    attachment = services.attachment_add(entry=draft, by=practitioner,
                                         uploaded_file=upload("report.pdf", pdf()))
    storage, name = attachment.file.storage, attachment.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(attachment=attachment, by=practitioner)
    assert not storage.exists(name)
    actions = list(AuditEntry.objects.filter(target_id=str(draft.pk))
                   .values_list("action", flat=True))
    assert "attachment.add" in actions and "attachment.remove" in actions


# --- The pages ------------------------------------------------------------------------------


def test_the_author_uploads_a_file_through_the_page(draft, signed_in, practitioner):
    client = signed_in(practitioner)
    url = f"/library/entries/{draft.slug}/attachments/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'class="govuk-file-upload' in page.content.decode()
    response = client.post(url, {"file": upload("Evaluation report.pdf", pdf()),
                                 "title": "Evaluation report"})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.filename, attachment.title) == ("Evaluation_report.pdf",
                                                        "Evaluation report")
    listing = client.get(url).content.decode()
    assert "Evaluation report" in listing and "PDF" in listing


def test_a_refused_file_is_explained_in_an_error_summary(draft, signed_in, practitioner):
    client = signed_in(practitioner)
    url = f"/library/entries/{draft.slug}/attachments/"
    response = client.post(url, {"file": upload("report.pdf", b"MZ\x90\x00" + bytes(100))})
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "govuk-file-upload--error" in body
    assert "is a program, not a document" in body
    missing = client.post(url, {}).content.decode()
    assert "Select a file" in missing


def test_an_oversize_upload_through_the_page_is_refused(draft, signed_in, practitioner):
    client = signed_in(practitioner)
    big = upload("big.pdf", b"%PDF-1.4\n" + bytes(20 * 1024 * 1024))
    response = client.post(f"/library/entries/{draft.slug}/attachments/", {"file": big})
    assert "The selected file must be smaller than 20 MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_people_who_cannot_edit_get_403_or_404_on_the_upload_page(draft, signed_in, member):
    published = EntryFactory()
    client = signed_in(member)
    assert client.get(f"/library/entries/{published.slug}/attachments/").status_code == 403
    assert client.get(f"/library/entries/{draft.slug}/attachments/").status_code == 404


def test_the_remove_button_removes_the_file(draft, signed_in, practitioner):
    attachment = services.attachment_add(entry=draft, by=practitioner,
                                         uploaded_file=upload("report.pdf", pdf()))
    client = signed_in(practitioner)
    response = client.post(f"/library/attachments/{attachment.pk}/remove/")
    assert response.status_code == 302
    assert not Attachment.objects.exists()


def test_others_cannot_remove_an_attachment(draft, signed_in, practitioner, curator, member):
    published = EntryFactory(author=practitioner)
    on_published = services.attachment_add(entry=published, by=curator,
                                           uploaded_file=upload("report.pdf", pdf()))
    on_draft = services.attachment_add(entry=draft, by=practitioner,
                                       uploaded_file=upload("report.pdf", pdf()))
    client = signed_in(member)
    assert client.post(f"/library/attachments/{on_published.pk}/remove/").status_code == 403
    assert client.post(f"/library/attachments/{on_draft.pk}/remove/").status_code == 404
    assert Attachment.objects.count() == 2


# --- Downloads ------------------------------------------------------------------------------


def test_a_download_is_an_attachment_with_the_detected_type_and_safe_headers(client, curator):
    entry = EntryFactory()
    attachment = services.attachment_add(entry=entry, by=curator,
                                         uploaded_file=upload("chart.pdf", png(), "text/html"))
    response = client.get(f"/library/attachments/{attachment.pk}/chart.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="chart.png"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == png()


def test_a_member_gets_404_for_a_file_of_someone_elses_draft(draft, practitioner, signed_in,
                                                            member, client):
    attachment = services.attachment_add(entry=draft, by=practitioner,
                                         uploaded_file=upload("report.pdf", pdf()))
    url = f"/library/attachments/{attachment.pk}/report.pdf"
    assert signed_in(member).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    response = signed_in(practitioner).get(url)
    assert response.status_code == 200
    response.close()


def test_a_wrong_file_name_or_a_missing_file_is_404(client, curator):
    entry = EntryFactory()
    attachment = services.attachment_add(entry=entry, by=curator,
                                         uploaded_file=upload("report.pdf", pdf()))
    assert client.get(f"/library/attachments/{attachment.pk}/other.pdf").status_code == 404
    attachment.file.storage.delete(attachment.file.name)
    assert client.get(f"/library/attachments/{attachment.pk}/report.pdf").status_code == 404


# --- The list on the entry page ---------------------------------------------------------------


def _render_list(entry, user) -> str:
    request = RequestFactory().get(entry.get_absolute_url())
    request.user = user
    return render_to_string("library/_attachments.html", {"entry": entry, "request": request})


def test_the_entry_page_list_shows_type_and_size_and_a_manage_link_for_editors(practitioner,
                                                                                member):
    entry = EntryFactory(author=practitioner, status=Status.DRAFT)
    services.attachment_add(entry=entry, by=practitioner,
                            uploaded_file=upload("costs.xlsx", ooxml("xl")))
    for_author = _render_list(entry, practitioner)
    assert "costs.xlsx" in for_author and "Excel spreadsheet" in for_author
    assert "bytes" in for_author  # filesizeformat
    assert "Manage documents" in for_author
    entry.status = Status.PUBLISHED
    assert "Manage documents" not in _render_list(entry, member)


@pytest.mark.parametrize("file_type", services.FILE_TYPES, ids=lambda t: t.extensions[0])
def test_the_labels_on_pages_agree_with_the_service(file_type):
    shown = render_to_string("library/attachment_type.html",
                             {"attachment": Attachment(content_type=file_type.content_type)})
    assert shown == file_type.label == services.type_label(file_type.content_type)
