"""Reading the four reference files in ``data/orgs/`` into plain records, without touching the
database. ``services.public_bodies_load`` turns the records into organisations.

Each reader checks one row at a time. A row that cannot be used (a missing code or name, the
wrong number of columns, a bad date, an unknown kind…) becomes a ``Rejection`` that names the
file and the line as a person sees it in an editor (the header is line 1), and the other rows
are still read. A file that cannot be read at all (missing, not UTF-8, without the columns we
need) raises ``SourceUnreadable``.
"""

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.utils.text import slugify

from hub.directory.models import Kind, Nation, Source, Status


class SourceUnreadable(Exception):
    """A whole file cannot be read: it is missing, not UTF-8 text, or lacks needed columns."""


class RowError(ValueError):
    """One row cannot be used; the message says why, in words a data steward understands."""


@dataclass(frozen=True)
class Rejection:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.reason}"


@dataclass
class Record:
    """One body as a register describes it. ``fields`` are the organisation's fields the
    loader owns and keeps in step with the file; ``fill_fields`` are only written when the
    organisation's value is empty (so that curators' edits survive the next load)."""

    code: str
    line: int
    fields: dict[str, Any]
    fill_fields: dict[str, Any] = field(default_factory=dict)
    preferred_slug: str = ""
    parent_codes: tuple[str, ...] = ()
    child_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceSpec:
    """One register: where its file is, which code identifies a body in it, how to read a row."""

    source: Source
    pattern: str
    code_field: str
    required_columns: tuple[str, ...]
    read_row: Callable[[dict[str, str]], Record]
    finish: Callable[[list[Record]], None] | None = None


# --- Readable names -----------------------------------------------------------------------

_SMALL_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "the", "to", "upon", "with"}
# Inside hyphenated place names: Stoke-on-Trent, Weston-super-Mare, Newcastle-under-Lyme.
_HYPHEN_SMALL_WORDS = _SMALL_WORDS | {"super", "under", "le", "en"}
_UPPER_WORDS = {"NHS", "ICB", "UK", "HM", "HQ", "HSC", "GP", "CIC", "II", "III", "IV"}
_WORD = re.compile(r"^([^A-Za-z0-9]*)(.*?)([^A-Za-z0-9]*)$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}$")


def _capitalise(core: str) -> str:
    """KING'S → King's, THOMAS' → Thomas', O'NEILL → O'Neill, 2GETHER → 2gether."""
    pieces = core.lower().split("'")
    out = [pieces[0][:1].upper() + pieces[0][1:]]
    for piece in pieces[1:]:
        out.append(piece if len(piece) <= 1 else piece[:1].upper() + piece[1:])
    return "'".join(out)


def _readable_word(word: str, *, first: bool) -> str:
    parts = word.split("-")
    out = []
    for index, part in enumerate(parts):
        lead, core, trail = _WORD.match(part).groups()
        if not core:
            out.append(part)
            continue
        upper = core.upper()
        if upper in _UPPER_WORDS:
            core = upper
        elif index > 0 and core.lower() in _HYPHEN_SMALL_WORDS and index < len(parts) - 1:
            core = core.lower()
        elif index == 0 and not first and not lead and core.lower() in _SMALL_WORDS:
            core = core.lower()
        else:
            core = _capitalise(core)
        out.append(f"{lead}{core}{trail}")
    return "-".join(out)


def readable_name(text: str) -> str:
    """Title-case a name written in capitals, keeping NHS and ICB in capitals and small words
    (and, of, the, upon…) in lower case: "EAST KENT HOSPITALS UNIVERSITY NHS FOUNDATION TRUST"
    → "East Kent Hospitals University NHS Foundation Trust". Names already in mixed case are
    left alone."""
    text = " ".join(text.split())
    if text != text.upper():
        return text
    words = text.split(" ")
    return " ".join(_readable_word(word, first=index == 0) for index, word in enumerate(words))


def readable_address(parts: list[str]) -> str:
    """Address lines in capitals made readable; a postcode stays in capitals."""
    lines = []
    for part in parts:
        part = " ".join(part.split()).strip(" ,")
        if not part:
            continue
        lines.append(part.upper() if _POSTCODE.match(part.upper()) else readable_name(part))
    return ", ".join(lines)


# --- Checks shared by the readers ---------------------------------------------------------


def _required(row: dict[str, str], column: str, what: str) -> str:
    value = " ".join((row.get(column) or "").split())
    if not value:
        raise RowError(f"{what} is missing (column {column})")
    return value


def _max_length(value: str, limit: int, what: str) -> str:
    if len(value) > limit:
        raise RowError(f"{what} is longer than {limit} characters")
    return value


def _date(row: dict[str, str], column: str) -> date | None:
    value = (row.get(column) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RowError(f"{column} {value!r} is not a date like 2023-04-01") from None


# --- GOV.UK organisations -----------------------------------------------------------------

# GOV.UK's ``format`` → the hub's kind. Every format found in the February 2026 file is
# listed; a format not listed here is reported, so that a new one is a decision, not a guess.
GOVUK_FORMATS: dict[str, Kind] = {
    "Ministerial department": Kind.MINISTERIAL_DEPARTMENT,
    "Non-ministerial department": Kind.NON_MINISTERIAL_DEPARTMENT,
    "Executive agency": Kind.EXECUTIVE_AGENCY,
    "Executive non-departmental public body": Kind.NDPB,
    "Advisory non-departmental public body": Kind.NDPB,
    "Tribunal": Kind.NDPB,
    "Tribunal non-departmental public body": Kind.NDPB,
    "Ad-hoc advisory group": Kind.OTHER_PUBLIC_BODY,
    "Civil service": Kind.OTHER_PUBLIC_BODY,
    "Court": Kind.OTHER_PUBLIC_BODY,
    "Devolved government": Kind.OTHER_PUBLIC_BODY,
    "Executive office": Kind.OTHER_PUBLIC_BODY,
    "Independent monitoring body": Kind.OTHER_PUBLIC_BODY,
    "Other": Kind.OTHER_PUBLIC_BODY,
    "Public corporation": Kind.OTHER_PUBLIC_BODY,
    "Special health authority": Kind.OTHER_PUBLIC_BODY,
    "Sub organisation": Kind.OTHER_PUBLIC_BODY,
}

# ``govuk_status`` describes the body's presence on GOV.UK, not only whether it exists:
#   live           – the body exists and publishes on GOV.UK                        → open
#   exempt         – the body exists but is exempt from GOV.UK (has its own site)    → open
#   joining        – the body exists and is moving its site onto GOV.UK             → open
#   transitioning  – the body exists and is part-way through that move              → open
#   closed         – the body no longer exists (merged, replaced, abolished…)        → closed
# The file of February 2026 holds only the first four (GOV.UK's API lists closed bodies
# separately), so no GOV.UK body is closed by it; a later file with ``closed`` rows closes
# them. Any other value is reported as a bad row.
GOVUK_STATUSES: dict[str, Status] = {
    "live": Status.OPEN,
    "exempt": Status.OPEN,
    "joining": Status.OPEN,
    "transitioning": Status.OPEN,
    "transitioned": Status.OPEN,
    "closed": Status.CLOSED,
}

_GOVUK_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
GOVUK_LINK_SEPARATOR = ";"

_NATION_WORDS = {
    Nation.NORTHERN_IRELAND: re.compile(r"\bNorthern Ireland\b", re.IGNORECASE),
    Nation.SCOTLAND: re.compile(r"\bScot(?:land|tish)\b", re.IGNORECASE),
    Nation.WALES: re.compile(r"\b(?:Wales|Welsh|Cymru)\b", re.IGNORECASE),
    Nation.ENGLAND: re.compile(r"\bEngland\b|\bEnglish\b", re.IGNORECASE),
}


# Bodies whose name names a nation but whose work is UK-wide.
GOVUK_NATION_EXCEPTIONS = {"bank-of-england": Nation.UK}


def _nation_from_name(name: str) -> str:
    found = [nation for nation, pattern in _NATION_WORDS.items() if pattern.search(name)]
    return found[0] if len(found) == 1 else ""


def _govuk_slugs(row: dict[str, str], column: str) -> tuple[str, ...]:
    slugs = []
    for slug in (row.get(column) or "").split(GOVUK_LINK_SEPARATOR):
        slug = slug.strip()
        if not slug:
            continue
        if not _GOVUK_SLUG.match(slug):
            raise RowError(f"{column} holds {slug!r}, which is not a GOV.UK slug")
        slugs.append(slug)
    return tuple(dict.fromkeys(slugs))


def _read_govuk_row(row: dict[str, str]) -> Record:
    slug = _required(row, "slug", "The GOV.UK slug")
    if not _GOVUK_SLUG.match(slug) or len(slug) > 120:
        raise RowError(f"slug {slug!r} is not a GOV.UK slug (lower-case words joined by -)")
    name = _max_length(_required(row, "title", "The name"), 255, "The name")
    abbreviation = " ".join((row.get("abbreviation") or "").split())
    if abbreviation.lower() == name.lower():
        abbreviation = ""  # some rows repeat the title as the abbreviation
    _max_length(abbreviation, 50, "The abbreviation")
    body_format = " ".join((row.get("format") or "").split())
    if body_format not in GOVUK_FORMATS:
        raise RowError(f"format {body_format!r} is not a kind of body we know")
    status_text = (row.get("govuk_status") or "").strip().lower()
    if status_text not in GOVUK_STATUSES:
        raise RowError(f"govuk_status {status_text!r} is not one we know")
    website = (row.get("web_url") or "").strip()
    if website and not website.startswith(("https://", "http://")):
        raise RowError(f"web_url {website!r} is not a web address")
    return Record(
        code=slug,
        line=0,
        fields={
            "name": name,
            "abbreviation": abbreviation,
            "kind": GOVUK_FORMATS[body_format],
            "govuk_format": body_format,
            "status": GOVUK_STATUSES[status_text],
            "nation": GOVUK_NATION_EXCEPTIONS.get(slug) or _nation_from_name(name),
            "source": Source.GOVUK,
        },
        fill_fields={"website": website[:300]},
        preferred_slug=slug,
        parent_codes=_govuk_slugs(row, "parent_slugs"),
        child_codes=_govuk_slugs(row, "child_slugs"),
    )


def _finish_govuk(records: list[Record]) -> None:
    """Where GOV.UK bodies work. The file does not say, so it is inferred and kept modest:
    a body whose name names exactly one nation ("Arts Council of Wales", "Northern Ireland
    Office") is that nation's; otherwise a body all of whose parents belong to one devolved
    nation (the Welsh Government's sponsored bodies) is that nation's; every other body of
    the UK government is UK-wide."""
    by_code = {record.code: record for record in records}
    parents: dict[str, set[str]] = {record.code: set(record.parent_codes) for record in records}
    for record in records:
        for child in record.child_codes:
            parents.setdefault(child, set()).add(record.code)
    devolved = {Nation.SCOTLAND, Nation.WALES, Nation.NORTHERN_IRELAND}
    for record in records:
        if record.fields["nation"]:
            continue
        parent_nations = {
            by_code[code].fields["nation"] for code in parents[record.code] if code in by_code
        }
        if len(parent_nations) == 1 and parent_nations <= devolved:
            record.fields["nation"] = parent_nations.pop()
    for record in records:
        record.fields["nation"] = record.fields["nation"] or Nation.UK


# --- Local authorities (mySociety) --------------------------------------------------------

LA_NATIONS = {
    "england": Nation.ENGLAND,
    "scotland": Nation.SCOTLAND,
    "wales": Nation.WALES,
    "northern ireland": Nation.NORTHERN_IRELAND,
}
# alt-names are separated by commas with no space after them; a comma followed by a space
# belongs to a name ("Armagh City, Banbridge and Craigavon").
_ALT_NAME_SEPARATOR = re.compile(r",(?=\S)")
_MOJIBAKE = ("\ufffd", "ï¿½")


def _other_names(row: dict[str, str], name: str) -> str:
    """The names people also use for a council. The ``alt-names`` column mixes names written
    as names ("Aberdeen City") with lower-case spelling variants kept for matching, including
    misspellings ("aberdeen cuty"); only the former are names, so only they are kept, with
    the ``nice-name`` first. Entries spoilt by a broken character encoding are dropped."""
    candidates = [row.get("nice-name") or ""]
    candidates += _ALT_NAME_SEPARATOR.split(row.get("alt-names") or "")
    seen = {name.lower()}
    names = []
    for candidate in candidates:
        candidate = " ".join(candidate.split())
        if (
            not candidate
            or candidate == candidate.lower()
            or any(mark in candidate for mark in _MOJIBAKE)
            or candidate.lower() in seen
        ):
            continue
        seen.add(candidate.lower())
        names.append(candidate)
    return "; ".join(names)


def _read_la_row(row: dict[str, str]) -> Record:
    code = _max_length(
        _required(row, "local-authority-code", "The local authority code"), 10, "The code"
    )
    name = _max_length(_required(row, "official-name", "The name"), 255, "The name")
    nation_text = " ".join((row.get("nation") or "").split()).lower()
    if nation_text not in LA_NATIONS:
        raise RowError(f"nation {row.get('nation')!r} is not one of the UK's four nations")
    current = (row.get("current-authority") or "").strip().lower()
    if current not in {"true", "false"}:
        raise RowError(f"current-authority {row.get('current-authority')!r} is not True or False")
    gss_code = (row.get("gss-code") or "").strip()
    if gss_code and not re.match(r"^[EJKLMNSW]\d{8}$", gss_code):
        raise RowError(f"gss-code {gss_code!r} is not a GSS code like E07000223")
    _date(row, "start-date")
    end_date = _date(row, "end-date")
    closed = current == "false" or (end_date is not None and end_date <= date.today())
    return Record(
        code=code,
        line=0,
        fields={
            "name": name,
            "other_names": _other_names(row, name),
            "kind": Kind.LOCAL_AUTHORITY,
            "nation": LA_NATIONS[nation_text],
            "region": _max_length(" ".join((row.get("region") or "").split()), 100, "region"),
            "local_authority_type": _max_length(
                " ".join((row.get("local-authority-type-name") or "").split()), 100, "type"
            ),
            "gss_code": gss_code or None,
            "status": Status.CLOSED if closed else Status.OPEN,
            "closed_on": end_date,
            "source": Source.LOCAL_AUTHORITIES,
        },
        preferred_slug=slugify(name),
    )


# --- NHS trusts and integrated care boards (NHS ODS via RCPCH) ----------------------------

_ODS_CODE = re.compile(r"^[A-Z0-9]{3,10}$")
NHS_COUNTRIES = {
    "": Nation.ENGLAND,
    "england": Nation.ENGLAND,
    "wales": Nation.WALES,
    "scotland": Nation.SCOTLAND,
    "northern ireland": Nation.NORTHERN_IRELAND,
}


def _ods_code(row: dict[str, str]) -> str:
    code = _required(row, "ods_code", "The NHS ODS code").upper()
    if not _ODS_CODE.match(code):
        raise RowError(f"ods_code {code!r} is not an ODS code (3 to 10 letters and digits)")
    return code


def _read_trust_row(row: dict[str, str]) -> Record:
    code = _ods_code(row)
    name = _max_length(readable_name(_required(row, "trust_name", "The name")), 255, "The name")
    country = " ".join((row.get("country") or "").split()).lower()
    if country not in NHS_COUNTRIES:
        raise RowError(f"country {row.get('country')!r} is not one of the UK's four nations")
    address = readable_address(
        [row.get(column) or "" for column in ("address_line_1", "address_line_2", "town")]
        + [row.get("postcode") or ""]
    )
    return Record(
        code=code,
        line=0,
        fields={
            "name": name,
            "kind": Kind.NHS_TRUST,
            # The file is "English NHS trusts" but marks three Welsh bodies as WALES: trust
            # the row.
            "nation": NHS_COUNTRIES[country],
            "address": address[:300],
            "status": Status.OPEN,
            "source": Source.NHS_TRUSTS,
        },
        preferred_slug=slugify(name),
    )


def _read_icb_row(row: dict[str, str]) -> Record:
    code = _ods_code(row)
    name = _max_length(readable_name(_required(row, "name", "The name")), 255, "The name")
    gss_code = _required(row, "gss_code", "The GSS code")
    if not re.match(r"^E54\d{6}$", gss_code):
        raise RowError(f"gss_code {gss_code!r} is not an ICB GSS code like E54000040")
    return Record(
        code=code,
        line=0,
        fields={
            "name": name,
            "kind": Kind.ICB,
            "nation": Nation.ENGLAND,
            "gss_code": gss_code,
            "status": Status.OPEN,
            "source": Source.NHS_ICBS,
        },
        preferred_slug=slugify(name),
    )


SOURCES: list[SourceSpec] = [
    SourceSpec(
        source=Source.GOVUK,
        pattern="govuk_organisations*.csv",
        code_field="govuk_slug",
        required_columns=(
            "slug",
            "title",
            "abbreviation",
            "format",
            "govuk_status",
            "parent_slugs",
            "child_slugs",
            "web_url",
        ),
        read_row=_read_govuk_row,
        finish=_finish_govuk,
    ),
    SourceSpec(
        source=Source.LOCAL_AUTHORITIES,
        pattern="uk_local_authorities*.csv",
        code_field="la_code",
        required_columns=(
            "local-authority-code",
            "official-name",
            "nice-name",
            "gss-code",
            "start-date",
            "end-date",
            "nation",
            "region",
            "local-authority-type-name",
            "alt-names",
            "current-authority",
        ),
        read_row=_read_la_row,
    ),
    SourceSpec(
        source=Source.NHS_TRUSTS,
        pattern="nhs_england_trusts*.csv",
        code_field="ods_code",
        required_columns=(
            "ods_code",
            "trust_name",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "country",
        ),
        read_row=_read_trust_row,
    ),
    SourceSpec(
        source=Source.NHS_ICBS,
        pattern="nhs_england_icbs*.csv",
        code_field="ods_code",
        required_columns=("ods_code", "gss_code", "name"),
        read_row=_read_icb_row,
    ),
]


# --- Reading a file -----------------------------------------------------------------------


def find_source_file(data_dir: Path, spec: SourceSpec) -> Path:
    """The newest file for a register: names carry dates, so the last in order wins."""
    if not data_dir.is_dir():
        raise SourceUnreadable(f"{data_dir} is not a folder")
    matches = sorted(data_dir.glob(spec.pattern))
    if not matches:
        raise SourceUnreadable(f"no file matching {spec.pattern} in {data_dir}")
    return matches[-1]


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on (a quoted field may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def read_source(path: Path, spec: SourceSpec) -> tuple[list[Record], list[Rejection]]:
    """Every usable record of one file, and the rows that could not be used."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise SourceUnreadable(f"{path.name} cannot be read: {error}") from None
    rows = _rows(text)
    try:
        _, header = next(rows)
    except StopIteration:
        raise SourceUnreadable(f"{path.name} is empty") from None
    except csv.Error as error:
        raise SourceUnreadable(f"{path.name} line 1: {error}") from None
    header = [column.strip() for column in header]
    missing = [column for column in spec.required_columns if column not in header]
    if missing:
        raise SourceUnreadable(f"{path.name} has no column {', '.join(missing)}")

    records: list[Record] = []
    rejections: list[Rejection] = []
    first_seen: dict[str, int] = {}
    line = 1
    while True:
        try:
            line, values = next(rows)
        except StopIteration:
            break
        except csv.Error as error:
            rejections.append(Rejection(path.name, line + 1, f"cannot be read as CSV ({error})"))
            break
        if not values or not any(value.strip() for value in values):
            continue  # blank lines carry nothing
        if len(values) != len(header):
            rejections.append(
                Rejection(path.name, line, f"has {len(values)} columns, expected {len(header)}")
            )
            continue
        try:
            record = spec.read_row(dict(zip(header, values, strict=True)))
        except RowError as error:
            rejections.append(Rejection(path.name, line, str(error)))
            continue
        if record.code in first_seen:
            rejections.append(
                Rejection(
                    path.name,
                    line,
                    f"{spec.code_field} {record.code} was already given on line "
                    f"{first_seen[record.code]}",
                )
            )
            continue
        first_seen[record.code] = line
        record.line = line
        records.append(record)
    if spec.finish:
        spec.finish(records)
    return records, rejections
