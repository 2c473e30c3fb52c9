"""Reading an import file: its format, its lines, and what counts as unreadable."""

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from hub.core.csv_export import FORMULA_TRIGGERS
from hub.library.services import records

REQUIRED_FIELDS = ["id", "title", "summary", "challenge_area"]
IGNORED_FIELDS = {"url", "published_at"}
KNOWN_FIELDS = set(records.RECORD_FIELDS)
BATCH_SIZE = 100  # lines validated, written and reported as progress together

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
UPLOAD_EXTENSIONS = (".csv", ".jsonl", ".ndjson", ".json")

# Where a record's field lands on the entry, for messages about the entry's own checks.
FIELD_NAMES = {
    "results": "outcome",
    "evidence_reason": "evidence_note",
    "start_year": "year",
    "origin_sector": "sector",
    "sources": "source",
    "country_text": "country",
    "organisation_names": "organisation",
    "countries": "country",
}

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class ImportFileError(Exception):
    """The file cannot be read at all: not UTF-8, empty, not JSON Lines, a CSV file without
    the required columns. Nothing was imported."""


class RecordError(Exception):
    """One line cannot be imported; the message says why."""


# --- Reading files -------------------------------------------------------------------------


@dataclass
class SourceLine:
    """One case as read from the file: its line number as a person sees it (for CSV, the
    line where the record starts; the header is line 1) and its fields, or why it could not
    be read."""

    number: int
    record: dict | None
    problem: str = ""


def decode(content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read). Save it as "
            "UTF-8 (in a spreadsheet: CSV UTF-8) and try again."
        ) from None
    if "\x00" in text:
        raise ImportFileError("The file holds NUL characters: it is not a text file.")
    if not text.strip():
        raise ImportFileError("The file is empty.")
    return text


def detect_format(text: str, filename: str = "") -> str:
    """``jsonl`` or ``csv``: by the file's extension, else by its first non-blank character
    (``{`` starts JSON Lines)."""
    extension = Path(filename).suffix.lower()
    first = text.lstrip()[:1]
    if first == "[" and extension != ".csv":
        raise ImportFileError(
            "This is a JSON array, not JSON Lines: write one JSON object a "
            "line, with no brackets or commas between them."
        )
    if extension in (".jsonl", ".ndjson"):
        return "jsonl"
    if extension == ".csv":
        return "csv"
    if first == "{":
        return "jsonl"
    if extension == ".json":
        raise ImportFileError("This is not JSON Lines: each line must be one JSON object.")
    return "csv"


def _field_name(name) -> str:
    return str(name).strip().lower()


def read_jsonl(text: str) -> list[SourceLine]:
    lines = []
    # Split on line feeds only: JSON strings may hold U+2028 and other line separators.
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.strip()
        if not raw:
            continue
        try:
            value = json.loads(raw)
        except ValueError as error:
            message = getattr(error, "msg", str(error))
            column = getattr(error, "colno", None)
            where = f" at character {column}" if column else ""
            lines.append(SourceLine(number, None, f"not valid JSON ({message}{where})"))
            continue
        if not isinstance(value, dict):
            lines.append(
                SourceLine(number, None, "not a JSON object ({…}): each line must hold one case")
            )
            continue
        lines.append(SourceLine(number, {_field_name(key): item for key, item in value.items()}))
    if lines and all(line.record is None for line in lines):
        raise ImportFileError(
            "This is not JSON Lines: no line holds a JSON object. "
            f"Line {lines[0].number}: {lines[0].problem}."
        )
    return lines


def _unneutralise(cell: str) -> str:
    if cell.startswith("'") and cell[1:2] and cell[1] in FORMULA_TRIGGERS:
        return cell[1:]
    return cell


def read_csv(text: str) -> list[SourceLine]:
    # Spreadsheets in some languages save "CSV" with semicolons or tabs between the values.
    first_line = text.lstrip("\r\n").partition("\n")[0]
    delimiter = next((candidate for candidate in (",", ";", "\t") if candidate in first_line), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    lines = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            if header is None:
                raise ImportFileError(
                    f"Line {start}: the header cannot be read ({error})."
                ) from None
            lines.append(SourceLine(start, None, f"not valid CSV ({error})"))
            if reader.line_num < start:  # the reader could not move on
                break
            continue
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [_field_name(cell) for cell in row]
            missing = [name for name in REQUIRED_FIELDS if name not in header]
            if missing:
                raise ImportFileError(
                    "The first line must name the columns; these required columns are "
                    f"missing: {', '.join(missing)} (found: {', '.join(h for h in header if h)})."
                )
            continue
        if len(row) > len(header):
            lines.append(
                SourceLine(
                    start, None, f"has {len(row)} values but the header names {len(header)} columns"
                )
            )
            continue
        row = row + [""] * (len(header) - len(row))
        lines.append(
            SourceLine(
                start,
                {name: _unneutralise(cell) for name, cell in zip(header, row, strict=True) if name},
            )
        )
    if header is None:
        raise ImportFileError("The file is empty.")
    return lines


def read_source(content: bytes, *, filename: str = "") -> tuple[str, list[SourceLine]]:
    """The file's format and its lines. Raises ``ImportFileError`` when it cannot be read."""
    text = decode(content)
    fmt = detect_format(text, filename)
    return fmt, read_jsonl(text) if fmt == "jsonl" else read_csv(text)
