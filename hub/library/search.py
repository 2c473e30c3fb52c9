"""The library's entries as search documents (kind "case", as the search API calls every
kind of entry). Registered with the search index in ``LibraryConfig.ready``."""

import functools
from collections.abc import Iterable, Iterator

from django.utils import translation
from django_countries import countries

from hub.library.forms.common import EVIDENCE_SHORT
from hub.library.models import Entry, Status
from hub.library.services.records import entry_country_text, entry_organisation_names
from hub.library.taxonomy import ChallengeArea, EntryKind, EvidenceLevel, OriginSector
from hub.search.registry import DocumentData, Kind

FACETS = {
    "entry_type": "Type of entry",
    "challenge_area": "Challenge area",
    "country": "Country",
    "evidence_level": "Evidence level",
    "year": "Year",
    "sector": "Where the idea came from",
}


def entry_document(entry: Entry) -> DocumentData:
    organisations = "; ".join(entry_organisation_names(entry))
    country = entry_country_text(entry)
    area = ChallengeArea(entry.challenge_area).label if entry.challenge_area else ""
    meta = " ".join(part for part in (
        f"Organisation: {organisations}." if organisations else "",
        f"Country: {country}." if country else "",
        f"Challenge area: {area}." if area else "",
    ) if part)
    country_values = [country.code for country in entry.countries] or (
        [entry.country_text] if entry.country_text else [])
    facets = {
        "entry_type": [entry.kind],
        "challenge_area": [entry.challenge_area] if entry.challenge_area else [],
        "country": country_values,
        "evidence_level": [str(entry.evidence_level)] if entry.evidence_level else [],
        "year": [str(entry.start_year)] if entry.start_year else [],
        "sector": [entry.origin_sector] if entry.origin_sector else [],
    }
    return DocumentData(
        object_id=entry.pk,
        title=entry.title,
        url=entry.get_absolute_url(),
        published=entry.status == Status.PUBLISHED,
        state="" if entry.status == Status.PUBLISHED else entry.get_status_display(),
        body=entry.summary,
        detail=entry.results,
        meta=meta,
        source_id=entry.source_id or "",
        caption=" · ".join(str(part) for part in (organisations, country, entry.start_year)
                           if part),
        facets={name: values for name, values in facets.items() if values},
    )


def documents(ids: Iterable[int] | None) -> Iterator[DocumentData]:
    entries = Entry.objects.prefetch_related("organisations").order_by("pk")
    if ids is not None:
        entries = entries.filter(pk__in=list(ids))
    for entry in entries.iterator(chunk_size=500):
        yield entry_document(entry)


def visible_unpublished(user):
    """The entries beyond the published ones that this person may open (their own, or all
    for curators) — the library's own rule (``Entry.objects.visible_to``)."""
    if user is None or not user.is_authenticated:
        return None
    return Entry.objects.visible_to(user).exclude(status=Status.PUBLISHED)


LABELS = {
    "entry_type": dict(EntryKind.choices),
    "challenge_area": dict(ChallengeArea.choices),
    "evidence_level": {str(value): EVIDENCE_SHORT[value] for value in EvidenceLevel.values},
    "sector": dict(OriginSector.choices),
}


def facet_label(facet: str, value: str) -> str:
    if facet == "country":
        return _country_name(value, translation.get_language())
    return str(LABELS.get(facet, {}).get(value, value))


@functools.lru_cache(maxsize=2048)
def _country_name(code: str, language: str | None) -> str:
    """A country's name in this language (looked up for every facet of every search: a
    third of the time its counts took)."""
    return countries.name(code) or code


KIND = Kind(name="case", label="Case study", plural="Cases", model="library.entry",
            documents=documents, visible_unpublished=visible_unpublished, facets=FACETS,
            facet_label=facet_label)
