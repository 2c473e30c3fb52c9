"""Reading the library. Every query that a visitor or member can reach starts from
``Entry.objects.visible_to(user)`` or ``published()``, so nothing unpublished leaks."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django_countries import countries as all_countries

from hub.library.models import Collection, CollectionItem, Entry, Status
from hub.library.services.records import entry_country_text, entry_organisation_names
from hub.library.taxonomy import EVIDENCE_EXPLAINED, ChallengeArea, EntryKind, EvidenceLevel
from hub.search import selectors as search_selectors


def get_entry_for_user(*, user, slug: str) -> Entry:
    """The entry if this person may see it; 404 otherwise (never 403: hidden entries do
    not exist for them)."""
    entry = (
        Entry.objects.select_related("author")
        .prefetch_related("organisations", "tags", "contacts", "attachments")
        .filter(slug=slug)
        .first()
    )
    if entry is None or not user.has_perm("library.view_entry", entry):
        raise Http404("No such entry")
    return entry


@dataclass
class EntryFilters:
    q: str = ""
    kinds: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    evidence_levels: list[int] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    tag: str = ""
    organisation: str = ""
    sort: str = "newest"


# Entries without an evidence level or a year sort last on SQLite and PostgreSQL alike
# (PostgreSQL would put NULLs first in a descending order).
SORTS = {
    "newest": [F("published_at").desc(nulls_last=True), "-pk"],
    "oldest": [F("published_at").asc(nulls_last=True), "pk"],
    "title": ["title", "pk"],
    "evidence": [F("evidence_level").desc(nulls_last=True), "-published_at", "-pk"],
    "year": [F("start_year").desc(nulls_last=True), "-published_at", "-pk"],
}


def entry_list(*, filters: EntryFilters, base: QuerySet | None = None) -> QuerySet[Entry]:
    """Published entries narrowed by the list page's filters (or those of any queryset the
    caller may see, for curators' lists)."""
    entries = (base if base is not None else Entry.objects.published()).for_lists()
    if filters.q:
        for word in filters.q.split()[:10]:
            entries = entries.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(results__icontains=word)
                | Q(country_text__icontains=word)
                | Q(organisation_names__icontains=word)
                # "HMRC" finds cases linked to HM Revenue & Customs, however the source named it
                | Q(organisations__abbreviation__iexact=word)
            )
    if filters.kinds:
        entries = entries.filter(kind__in=filters.kinds)
    if filters.areas:
        entries = entries.filter(challenge_area__in=filters.areas)
    if filters.countries:
        country_q = Q()
        for code in filters.countries:
            country_q |= Q(countries__contains=code)
        entries = entries.filter(country_q)
    if filters.evidence_levels:
        entries = entries.filter(evidence_level__in=filters.evidence_levels)
    if filters.year_from:
        entries = entries.filter(start_year__gte=filters.year_from)
    if filters.year_to:
        entries = entries.filter(start_year__lte=filters.year_to)
    if filters.tag:
        entries = entries.filter(tags__slug=filters.tag)
    if filters.organisation:
        entries = entries.filter(organisations__slug=filters.organisation)
    return entries.order_by(*SORTS.get(filters.sort, SORTS["newest"])).distinct()


def entries_by_author(*, user) -> QuerySet[Entry]:
    return Entry.objects.filter(author=user).for_lists().order_by("-updated_at")


def review_queue() -> QuerySet[Entry]:
    """Entries waiting for curators, oldest submission first."""
    return (
        Entry.objects.filter(
            status__in=[Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED]
        )
        .select_related("author")
        .annotate(comment_count=Count("comments"))
        .order_by("submitted_at", "pk")
    )


def similar_entries(*, entry: Entry, user, limit: int = 5) -> list:
    """The entries closest in meaning to this one that this person may see (search hits:
    ``hit.document`` has the title, address and caption). An entry not yet in the index is
    compared by its title and summary."""
    hits = search_selectors.similar_to_object("case", entry.pk, user=user, limit=limit)
    if not hits:
        hits = search_selectors.similar_to_text(entry.title, entry.summary, user=user,
                                                limit=limit, exclude=("case", entry.pk))
    return hits


def published_collections() -> QuerySet[Collection]:
    return Collection.objects.filter(status=Collection.Status.PUBLISHED).annotate(
        entry_count=Count("items", filter=Q(items__entry__status=Status.PUBLISHED))
    )


def collection_items(*, collection: Collection, user) -> list[CollectionItem]:
    """The collection's entries in order: only those this person may see."""
    visible = Entry.objects.visible_to(user).values("pk")
    return list(
        collection.items.filter(entry__in=visible)
        .select_related("entry")
        .prefetch_related("entry__organisations", "entry__tags")
    )


# --- What the home page and the filters count ----------------------------------------------
# Reads over published entries only, whoever is looking.


def published_country_counts() -> Counter:
    """How many published entries name each country (by ISO code): one query, grouped by the
    stored list of codes."""
    counts: Counter = Counter()
    rows = (
        Entry.objects.published()
        .exclude(countries="")
        .values_list("countries")
        .annotate(number=Count("pk"))
        .order_by()
    )
    for codes, number in rows:
        if isinstance(codes, str):  # the stored text, "FR,GB"
            codes = codes.split(",")
        for country in codes:
            code = str(getattr(country, "code", country)).strip()
            if code:
                counts[code] += number
    return counts


def country_choices(counts: Counter) -> list[tuple[str, str]]:
    return sorted(
        ((code, all_countries.name(code) or code) for code in counts), key=lambda choice: choice[1]
    )


def browse_counts() -> dict:
    """Published entries per challenge area, kind and evidence level, from one query."""
    areas, kinds, levels = Counter(), Counter(), Counter()
    rows = (
        Entry.objects.published()
        .values_list("challenge_area", "kind", "evidence_level")
        .annotate(number=Count("pk"))
        .order_by()
    )
    for area, kind, level, number in rows:
        areas[area] += number
        kinds[kind] += number
        levels[level] += number
    return {
        "areas": [
            {"value": area.value, "label": area.label, "count": areas[area.value]}
            for area in ChallengeArea
        ],
        "kinds": [
            {"value": kind.value, "label": kind.label, "count": kinds[kind.value]}
            for kind in EntryKind
        ],
        "evidence": [
            {
                "value": level.value,
                "label": level.label,
                "count": levels[level.value],
                "explained": EVIDENCE_EXPLAINED[level.value],
            }
            for level in EvidenceLevel
        ],
        "total": sum(areas.values()),
    }


def with_display_fields(entries):
    """Add the organisation names and country text shown in lists (``organisations`` must be
    prefetched)."""
    entries = list(entries)
    for entry in entries:
        entry.display_organisations = entry_organisation_names(entry)
        entry.display_country = entry_country_text(entry)
    return entries


def organisation_section(organisation, user) -> dict:
    """The organisation page's "Case studies" section: its published entries, newest first."""
    entries = Entry.objects.published().filter(organisations=organisation)
    shown = list(entries.order_by("-published_at", "-pk")[:11])
    return {
        "organisation": organisation,
        "entries": shown[:10],
        # Counted only when there are more than fit: one query for most organisations.
        "count": entries.count() if len(shown) > 10 else len(shown),
    }


def get_public_tag(*, slug: str):
    """A tag that labels at least one published entry; 404 otherwise, so that tags used only
    on unpublished work stay unknown."""
    from hub.library.models import Tag

    tag = Tag.objects.filter(slug=slug, entries__status=Status.PUBLISHED).distinct().first()
    if tag is None:
        raise Http404("No such tag")
    return tag
