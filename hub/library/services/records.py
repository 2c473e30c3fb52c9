"""The library's open-data record: one flat dictionary per entry, used by every export
(CSV, JSON, JSON Lines, ``export_library``) and read back by ``import_cases``.

The first eleven fields are the import contract of DESIGN §5.3; the rest carry everything
else an entry holds, so that an export imported into another hub loses nothing.
"""

from hub.library.models import Entry

CONTRACT_FIELDS = ["id", "title", "country", "organisation", "year", "sector",
                   "challenge_area", "summary", "outcome", "evidence_note", "source"]
EXTENDED_FIELDS = ["kind", "problem", "approach", "lessons", "costs", "locality", "end_year",
                   "evidence_level", "evaluation_type", "tags", "links", "licence", "url",
                   "published_at"]
RECORD_FIELDS = CONTRACT_FIELDS + EXTENDED_FIELDS

LIST_SEPARATOR = "; "  # organisations, countries, tags
SOURCE_SEPARATOR = " ; "  # source URLs (they may contain ";")


def entry_country_text(entry: Entry) -> str:
    if entry.country_text:
        return entry.country_text
    return LIST_SEPARATOR.join(country.name for country in entry.countries)


def entry_organisation_names(entry: Entry) -> list[str]:
    """The names as given, else the linked directory organisations' names."""
    if entry.organisation_names:
        return list(entry.organisation_names)
    return [organisation.name for organisation in entry.organisations.all()]


def entry_to_record(entry: Entry, *, base_url: str = "") -> dict:
    """Needs ``organisations`` and ``tags`` prefetched (``Entry.objects.for_lists()``)."""
    return {
        "id": entry.source_id or f"hub-{entry.slug}",
        "title": entry.title,
        "country": entry_country_text(entry),
        "organisation": LIST_SEPARATOR.join(entry_organisation_names(entry)),
        "year": entry.start_year,
        "sector": entry.origin_sector,
        "challenge_area": entry.get_challenge_area_display().lower(),
        "summary": entry.summary,
        "outcome": entry.results,
        "evidence_note": entry.evidence_reason,
        "source": SOURCE_SEPARATOR.join(entry.sources),
        "kind": entry.kind,
        "problem": entry.problem,
        "approach": entry.approach,
        "lessons": entry.lessons,
        "costs": entry.costs,
        "locality": entry.locality,
        "end_year": entry.end_year,
        "evidence_level": entry.evidence_level,
        "evaluation_type": entry.evaluation_type,
        "tags": LIST_SEPARATOR.join(tag.name for tag in entry.tags.all()),
        "links": " ; ".join(
            f"{link.get('title', '')} <{link.get('url', '')}>" if link.get("title")
            else link.get("url", "") for link in entry.links
        ),
        "licence": entry.licence,
        "url": base_url + entry.get_absolute_url(),
        "published_at": entry.published_at.isoformat() if entry.published_at else "",
    }
