"""Turning one line of an import file into the values of an entry, or saying why not."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from hub.library.countries import country_code
from hub.library.services import records
from hub.library.services.evidence import assess_evidence
from hub.library.services.importing.reading import REQUIRED_FIELDS, RecordError
from hub.library.taxonomy import ChallengeArea, EntryKind, EvaluationType, OriginSector

# --- Reading one record --------------------------------------------------------------------

def split_names(value) -> list[str]:
    """Names separated by ``;`` — but not inside brackets: "Government of Estonia
    (e-Residency programme; Police and Border Guard Board)" is one name."""
    if isinstance(value, list):
        return [" ".join(str(item).split()) for item in value if str(item).strip()]
    names, current, depth = [], [], 0
    for character in _text(value, "list"):
        if character in "([":
            depth += 1
        elif character in ")]":
            depth = max(depth - 1, 0)
        if character == ";" and depth == 0:
            names.append("".join(current))
            current = []
        else:
            current.append(character)
    names.append("".join(current))
    return [" ".join(name.split()) for name in names if name.strip()]


def split_addresses(value) -> list[str]:
    """Web addresses separated by a semicolon with spaces around it (addresses may contain
    a bare ``;``)."""
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    return [part.strip() for part in re.split(r"\s+;\s+", _text(value, "source")) if part.strip()]


_url = URLValidator(schemes=["http", "https"])


def _check_url(url: str, name: str) -> str:
    try:
        _url(url)
    except ValidationError:
        raise RecordError(f"{name}: {url!r} is not a web address (http:// or https://)") from None
    return url


def _text(value, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise RecordError(f"{name} must be text")


def _year(value, name: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        number = int(value.strip())
    if number is None:
        raise RecordError(f"{name} must be a year such as 2019, or empty (got {value!r})")
    latest = timezone.now().year + 1
    if not 1 <= number <= latest:
        raise RecordError(f"{name} {number} is not a possible year (from 1 to {latest})")
    return number


def _choice(value, name: str, choices, *, from_text=None) -> str:
    text = _text(value, name)
    if not text:
        return ""
    found = from_text(text) if from_text else None
    if found is None:
        wanted = text.lower()
        found = next(
            (
                choice
                for choice in choices
                if wanted in (choice.value.lower(), choice.label.lower())
            ),
            None,
        )
    if found is None:
        accepted = ", ".join(
            choice.label.lower() if name == "challenge_area" else choice.value for choice in choices
        )
        raise RecordError(f"{name} {text!r} is not one of: {accepted}")
    return found.value


def _evidence_level(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not re.fullmatch(r"[1-5](\.0)?", text):
        raise RecordError(f"evidence_level must be a whole number from 1 to 5 (got {value!r})")
    return int(float(text))


def _links(value) -> list[dict]:
    links = []
    for part in split_addresses(value):
        match = re.fullmatch(r"(.*?)\s*<([^<>]+)>", part)
        title, url = (match.group(1).strip(), match.group(2).strip()) if match else ("", part)
        links.append({"title": title, "url": _check_url(url, "links")})
    return links


@dataclass
class ParsedCase:
    """A line turned into what the entry services take. ``None`` means "not in the line":
    an update leaves that part of the entry as it is."""

    source_id: str
    values: dict
    organisation_names: list[str] | None = None
    tags: list[str] | None = None


TEXT_FIELDS = {
    "title": "title",
    "summary": "summary",
    "outcome": "results",
    "evidence_note": "evidence_reason",
    "problem": "problem",
    "approach": "approach",
    "lessons": "lessons",
    "costs": "costs",
    "locality": "locality",
    "licence": "licence",
}


def parse_record(record: dict) -> ParsedCase:
    """Check one record and turn it into entry values; ``RecordError`` says what is wrong."""
    for name in REQUIRED_FIELDS:
        if not _text(record.get(name), name):
            raise RecordError(f"{name} is missing" if name not in record else f"{name} is empty")
    source_id = _text(record["id"], "id")
    if len(source_id) > 100:
        raise RecordError("id must be 100 characters or fewer")

    values: dict = {}
    for name, attribute in TEXT_FIELDS.items():
        if name in record:
            values[attribute] = _text(record[name], name)
    values["challenge_area"] = _choice(
        record["challenge_area"], "challenge_area", ChallengeArea, from_text=ChallengeArea.from_text
    )
    if "sector" in record:
        values["origin_sector"] = _choice(
            record["sector"], "sector", OriginSector, from_text=OriginSector.from_text
        )
    if "kind" in record:
        values["kind"] = _choice(record["kind"], "kind", EntryKind) or EntryKind.CASE_STUDY
    if "year" in record:
        values["start_year"] = _year(record["year"], "year")
    if "end_year" in record:
        values["end_year"] = _year(record["end_year"], "end_year")
    start, end = values.get("start_year"), values.get("end_year")
    if start and end and end < start:
        raise RecordError(f"end_year {end} is before year {start}")
    if "country" in record:
        names = split_names(record["country"])
        values["country_text"] = (
            record["country"].strip()
            if isinstance(record["country"], str)
            else records.LIST_SEPARATOR.join(names)
        )
        values["countries"] = sorted({code for code in map(country_code, names) if code})
    if "source" in record:
        values["sources"] = [_check_url(url, "source") for url in split_addresses(record["source"])]
    if "links" in record:
        values["links"] = _links(record["links"])

    # The evidence level: given explicitly, else read from the note.
    assessment = assess_evidence(values["evidence_reason"]) if "evidence_note" in record else None
    level = _evidence_level(record.get("evidence_level"))
    if level is not None:
        values["evidence_level"] = level
    elif assessment is not None:
        values["evidence_level"] = assessment.level
    evaluation_type = _choice(record.get("evaluation_type"), "evaluation_type", EvaluationType)
    if evaluation_type:
        values["evaluation_type"] = evaluation_type
    elif assessment is not None:
        values["evaluation_type"] = assessment.evaluation_type

    return ParsedCase(
        source_id=source_id,
        values=values,
        organisation_names=split_names(record["organisation"])
        if "organisation" in record
        else None,
        tags=split_names(record["tags"]) if "tags" in record else None,
    )
