"""Reading the directory. Pages, the API and other apps use these rather than building their
own queries, so that what they show agrees and no list page queries once per row."""

import re
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404

from hub.directory.matching import OrganisationMatcher
from hub.directory.models import Organisation


def organisation_list(
    *,
    query: str = "",
    kinds: Iterable[str] = (),
    nations: Iterable[str] = (),
    include_closed: bool = False,
) -> QuerySet[Organisation]:
    """Organisations matching a name or abbreviation (an exact abbreviation first, so "HMRC"
    finds HM Revenue & Customs first), of any of ``kinds``, in any of ``nations``; closed
    bodies only when asked for. Without a query, in order of name."""
    # PostgreSQL refuses NUL characters in text; nobody means to search for one.
    query = (query or "").replace("\x00", "")
    organisations = Organisation.objects.all()
    if not include_closed:
        organisations = organisations.open()
    kinds, nations = list(kinds), list(nations)
    if kinds:
        organisations = organisations.filter(kind__in=kinds)
    if nations:
        organisations = organisations.filter(nation__in=nations)
    return organisations.search(query)


def _links() -> QuerySet[Organisation]:
    return Organisation.objects.only("id", "slug", "name", "status").order_by(Lower("name"))


_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


def organisation_detail(*, slug: str) -> Organisation:
    """One organisation with its parents and children, or 404."""
    if not _SLUG.match(slug or ""):
        raise Http404("No organisation has this address.")
    return get_object_or_404(
        Organisation.objects.prefetch_related(
            Prefetch("parents", queryset=_links()), Prefetch("children", queryset=_links())
        ),
        slug=slug,
    )


def organisation_people(*, organisation: Organisation):
    """People with an account who work for the organisation; deleted accounts are left out."""
    return organisation.people.filter(is_active=True, erased_at__isnull=True).order_by(
        Lower("display_name"), "pk"
    )


def organisations_named(*, names: Iterable[str]) -> tuple[list[Organisation], list[str]]:
    """Organisations for names people typed, one each (the rules are
    ``matching.OrganisationMatcher``'s). Returns what was found and the names that found
    nothing or more than one organisation."""
    names = [" ".join(name.split()) for name in names if name and name.strip()]
    matcher = OrganisationMatcher()
    matcher.prepare(names)
    found: list[Organisation] = []
    problems: list[str] = []
    for name in names:
        match = matcher.match(name)
        if match is None:
            problems.append(name)
        elif match not in found:
            found.append(match)
    return found, problems
