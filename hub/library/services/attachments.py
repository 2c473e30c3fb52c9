"""Files attached to library entries: reports, slides, spreadsheets and images.

A file's type is decided by what it contains, never by its name: a program or a web page
renamed ``report.pdf`` is refused. Accepted: PDF, Word, Excel, PowerPoint (old binary and
current formats), OpenDocument text, spreadsheets and presentations, PNG and JPEG, up to
20 MB. Office documents with macros are refused too.

Files are stored under a random name (``library/attachments/<entry id>/<random>.<ext>``) and
served only through the download view, which checks that the person may see the entry.
"""

import os
import secrets
import struct
import zipfile
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.db import transaction
from django.utils.text import get_valid_filename

from hub.core.audit import audit
from hub.library.models import Attachment, Entry

MAX_SIZE = 20 * 1024 * 1024
MAX_NAME_LENGTH = 100  # the stem of the stored name, before its extension
ACCEPTED = "a PDF, Word, Excel, PowerPoint, OpenDocument, PNG or JPEG file"


@dataclass(frozen=True)
class FileType:
    label: str  # what people see next to the link: "PDF", "Word document"
    content_type: str
    extensions: tuple[str, ...]  # the first is used when the name has none of them


PDF = FileType("PDF", "application/pdf", ("pdf",))
PNG = FileType("PNG image", "image/png", ("png",))
JPEG = FileType("JPEG image", "image/jpeg", ("jpg", "jpeg"))
DOC = FileType("Word document", "application/msword", ("doc",))
XLS = FileType("Excel spreadsheet", "application/vnd.ms-excel", ("xls",))
PPT = FileType("PowerPoint presentation", "application/vnd.ms-powerpoint", ("ppt",))
DOCX = FileType(
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",))
XLSX = FileType(
    "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
PPTX = FileType(
    "PowerPoint presentation",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",))
ODT = FileType("OpenDocument text", "application/vnd.oasis.opendocument.text", ("odt",))
ODS = FileType("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet",
               ("ods",))
ODP = FileType("OpenDocument presentation", "application/vnd.oasis.opendocument.presentation",
               ("odp",))

FILE_TYPES = [PDF, PNG, JPEG, DOC, XLS, PPT, DOCX, XLSX, PPTX, ODT, ODS, ODP]
LABELS = {file_type.content_type: file_type.label for file_type in FILE_TYPES}


def type_label(content_type: str) -> str:
    return LABELS.get(content_type, "File")


class RefusedFile(ValueError):
    """The file is not one we accept; the message says why, in words for the uploader."""


# --- Deciding the type by content ----------------------------------------------------------

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Programs and pages that must never be served back from the hub, with a message each.
EXECUTABLE_MAGIC = [
    (b"\x7fELF", "program"),
    (b"MZ", "program"),  # Windows .exe, .dll
    (b"\xca\xfe\xba\xbe", "program"),  # Mach-O universal, Java class
    (b"\xcf\xfa\xed\xfe", "program"),  # Mach-O 64-bit
    (b"\xce\xfa\xed\xfe", "program"),
    (b"#!", "script"),
]
MARKUP_STARTS = [(b"<svg", "an SVG image"), (b"<?xml", "an XML or SVG file"),
                 (b"<!doctype", "a web page (HTML)"), (b"<html", "a web page (HTML)"),
                 (b"<head", "a web page (HTML)"), (b"<body", "a web page (HTML)"),
                 (b"<script", "a web page (HTML)"), (b"<!--", "a web page (HTML)")]


def detect_type(file) -> FileType:
    """The type of an open, seekable binary file, from its content. Raises ``RefusedFile``."""
    file.seek(0)
    head = file.read(4096)
    file.seek(0)
    if not head:
        raise RefusedFile("The selected file is empty")
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(PNG_MAGIC):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(OLE2_MAGIC):
        return _ole2_type(file)
    if head.startswith(ZIP_MAGIC):
        return _zip_type(file)
    for magic, what in EXECUTABLE_MAGIC:
        if head.startswith(magic):
            raise RefusedFile(f"The selected file is a {what}, not a document: it cannot be "
                              f"attached. Attach {ACCEPTED}")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    for start, what in MARKUP_STARTS:
        if text.startswith(start):
            raise RefusedFile(f"The selected file is {what}, which can run scripts in a "
                              f"browser: it cannot be attached. Save it as a PDF or PNG")
    raise RefusedFile(f"The selected file must be {ACCEPTED}")


def _zip_type(file) -> FileType:
    """OOXML (.docx, .xlsx, .pptx) and OpenDocument files are zip archives: read the list of
    members (nothing is extracted) and, for OpenDocument, the short ``mimetype`` member."""
    not_a_document = RefusedFile(f"The selected file is a zip archive, not a document. "
                                 f"Attach {ACCEPTED}")
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            members = set(names)
            if any(name.lower().endswith("vbaproject.bin") for name in names) or any(
                name.startswith(("Basic/", "Scripts/")) for name in names
            ):
                raise RefusedFile("The selected file contains macros, which could run on the "
                                  "computers of people who open it. Save it without macros")
            if "mimetype" in members:
                info = archive.getinfo("mimetype")
                if info.file_size > 100:
                    raise not_a_document
                with archive.open(info) as member:
                    mimetype = member.read(100).decode("ascii", "replace").strip()
                for file_type in (ODT, ODS, ODP):
                    if mimetype == file_type.content_type:
                        return file_type
                raise not_a_document
            if "[Content_Types].xml" in members:
                for prefix, file_type in (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)):
                    if any(name.startswith(prefix) for name in names):
                        return file_type
            raise not_a_document
    except RefusedFile:
        raise
    except Exception:  # a damaged or hostile archive: whatever zipfile raises, refuse it
        raise RefusedFile("The selected file could not be read: it may be damaged. "
                          "Save it again and attach the new copy") from None
    finally:
        file.seek(0)


# Top-level streams that tell the old binary Office formats apart.
OLE2_STREAMS = [("WordDocument", DOC), ("Workbook", XLS), ("Book", XLS),
                ("PowerPoint Document", PPT)]
FREE_SECTOR, END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE
MAX_SECTORS = MAX_SIZE // 512 + 1  # bounds every loop below


def _ole2_type(file) -> FileType:
    """Old Office files (and Windows installers, Outlook messages…) are OLE2 compound files.
    Read the directory of streams to see which application wrote it."""
    names = _ole2_stream_names(file)
    if "_VBA_PROJECT" in names or "Macros" in names or "_VBA_PROJECT_CUR" in names:
        raise RefusedFile("The selected file contains macros, which could run on the "
                          "computers of people who open it. Save it without macros")
    for stream, file_type in OLE2_STREAMS:
        if stream in names:
            return file_type
    raise RefusedFile(f"The selected file is not a Word, Excel or PowerPoint document. "
                      f"Attach {ACCEPTED}")


def _ole2_stream_names(file) -> set[str]:
    damaged = RefusedFile("The selected file could not be read: it may be damaged. "
                          "Save it again and attach the new copy")
    try:
        file.seek(0)
        header = file.read(512)
        if len(header) < 512:
            raise damaged
        sector_shift = struct.unpack_from("<H", header, 30)[0]
        if sector_shift not in (9, 12):
            raise damaged
        sector_size = 1 << sector_shift
        fat_count, first_directory = struct.unpack_from("<II", header, 44)
        first_difat, difat_count = struct.unpack_from("<II", header, 68)

        def read_sector(number: int) -> bytes:
            if number >= MAX_SECTORS:
                raise damaged
            file.seek((number + 1) * sector_size)
            data = file.read(sector_size)
            if len(data) < sector_size:
                raise damaged
            return data

        # Where the sectors of the file allocation table are: 109 in the header, the rest
        # in a chain of DIFAT sectors.
        fat_sectors = [n for n in struct.unpack_from("<109I", header, 76) if n < FREE_SECTOR - 3]
        per_sector = sector_size // 4
        difat = first_difat
        for _ in range(min(difat_count, MAX_SECTORS)):
            if difat >= END_OF_CHAIN:
                break
            values = struct.unpack(f"<{per_sector}I", read_sector(difat))
            fat_sectors += [n for n in values[:-1] if n < FREE_SECTOR - 3]
            difat = values[-1]
        fat_sectors = fat_sectors[: max(fat_count, 0)]

        def next_sector(number: int) -> int:
            index, offset = divmod(number, per_sector)
            if index >= len(fat_sectors):
                raise damaged
            return struct.unpack_from("<I", read_sector(fat_sectors[index]), offset * 4)[0]

        names: set[str] = set()
        sector, seen = first_directory, set()
        while sector < END_OF_CHAIN - 1:
            if sector in seen or len(seen) > MAX_SECTORS:
                raise damaged
            seen.add(sector)
            data = read_sector(sector)
            for start in range(0, sector_size, 128):
                entry = data[start : start + 128]
                length = struct.unpack_from("<H", entry, 64)[0]
                kind = entry[66]
                if kind in (1, 2) and 2 <= length <= 64:  # storage or stream
                    names.add(entry[: length - 2].decode("utf-16-le", "replace"))
            sector = next_sector(sector)
        return names
    except RefusedFile:
        raise
    except Exception:  # struct.error, IndexError…: a damaged or hostile file
        raise damaged from None
    finally:
        file.seek(0)


# --- Names ---------------------------------------------------------------------------------


def safe_filename(original: str, file_type: FileType) -> str:
    """The name shown and downloaded: no folders, only safe characters, not too long, and an
    extension that matches what the file really is."""
    base = os.path.basename((original or "").replace("\\", "/")).strip()
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    extension = extension.lower()
    if extension not in file_type.extensions:
        # "report.pdf" that is really a PNG becomes "report.png"; a suffix that does not
        # look like an extension ("Minutes v1.2 final") stays part of the name.
        if not (extension.isascii() and extension.isalnum() and len(extension) <= 5):
            stem = base
        extension = file_type.extensions[0]
    try:
        stem = get_valid_filename(stem)
    except SuspiciousFileOperation:
        stem = ""
    stem = stem.strip("._-")[:MAX_NAME_LENGTH].strip("._-") or "attachment"
    return f"{stem}.{extension}"


# --- Services ------------------------------------------------------------------------------


def _check_may_edit(*, entry: Entry, by) -> None:
    if by is None or not by.has_perm("library.edit_entry", entry):
        raise PermissionDenied("You cannot change the attachments of this entry now.")


@transaction.atomic
def attachment_add(*, entry: Entry, by, uploaded_file, title: str = "") -> Attachment:
    """Attach a file to an entry. Raises ``ValidationError`` (on ``file``) with a message for
    the uploader when the file is empty, too big or not a type we accept."""
    _check_may_edit(entry=entry, by=by)
    size = uploaded_file.size or 0
    if size > MAX_SIZE:
        raise ValidationError({"file": "The selected file must be smaller than 20 MB"})
    try:
        file_type = detect_type(uploaded_file)
    except RefusedFile as refused:
        raise ValidationError({"file": str(refused)}) from None
    title = " ".join((title or "").split())[:200]
    filename = safe_filename(uploaded_file.name, file_type)
    attachment = Attachment(entry=entry, filename=filename, title=title,
                            content_type=file_type.content_type, size=size, uploaded_by=by)
    # A random name on disk: nothing about the file can be guessed from its path.
    stored_name = f"{secrets.token_hex(16)}.{file_type.extensions[0]}"
    uploaded_file.seek(0)
    attachment.file.save(stored_name, uploaded_file, save=False)
    try:
        attachment.save()
        audit(actor=by, action="attachment.add", target=entry,
              detail={"attachment": attachment.pk, "filename": filename,
                      "content_type": file_type.content_type, "size": size})
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by) -> None:
    entry = attachment.entry
    _check_may_edit(entry=entry, by=by)
    audit(actor=by, action="attachment.remove", target=entry,
          detail={"attachment": attachment.pk, "filename": attachment.filename})
    file = attachment.file
    attachment.delete()
    # The file goes once the row is gone for good.
    transaction.on_commit(lambda: file.delete(save=False))
