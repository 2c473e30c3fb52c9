"""Reading the library. Every query that a visitor or member can reach starts from
``Entry.objects.visible_to(user)`` or ``published()``, so nothing unpublished leaks."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from hub.library.models import Collection, CollectionItem, Entry, Status


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


SORTS = {
    "newest": ["-published_at", "-pk"],
    "oldest": ["published_at", "pk"],
    "title": ["title", "pk"],
    "evidence": ["-evidence_level", "-published_at", "-pk"],
    "year": ["-start_year", "-published_at", "-pk"],
}


def entry_list(*, filters: EntryFilters, base: QuerySet | None = None) -> QuerySet[Entry]:
    """Published entries narrowed by the list page's filters (or those of any queryset the
    caller may see, for curators' lists)."""
    entries = (base if base is not None else Entry.objects.published()).for_lists()
    if filters.q:
        for word in filters.q.split()[:10]:
            entries = entries.filter(
                Q(title__icontains=word) | Q(summary__icontains=word)
                | Q(results__icontains=word) | Q(country_text__icontains=word)
                | Q(organisation_names__icontains=word)
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
        Entry.objects.filter(status__in=[Status.SUBMITTED, Status.IN_REVIEW,
                                         Status.CHANGES_REQUESTED])
        .select_related("author")
        .annotate(comment_count=Count("comments"))
        .order_by("submitted_at", "pk")
    )


def related_entries(*, entry: Entry, limit: int = 5) -> list[Entry]:
    """Published entries that share the challenge area, a tag or an organisation, most
    shared first. (Replaced by semantic similarity when search arrives.)"""
    tag_ids = [tag.pk for tag in entry.tags.all()]
    organisation_ids = [organisation.pk for organisation in entry.organisations.all()]
    candidates = (
        Entry.objects.published().exclude(pk=entry.pk)
        .filter(Q(challenge_area=entry.challenge_area) | Q(tags__in=tag_ids)
                | Q(organisations__in=organisation_ids))
        .annotate(
            shared_tags=Count("tags", filter=Q(tags__in=tag_ids), distinct=True),
            shared_organisations=Count("organisations",
                                       filter=Q(organisations__in=organisation_ids),
                                       distinct=True),
        )
        .order_by("-shared_organisations", "-shared_tags", "-evidence_level", "-published_at")
        .distinct()
    )
    return list(candidates[:limit])


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
