"""Matching organisation names, as people and sources write them, to the directory."""

import re
from collections.abc import Iterable

from django.db.models import Q
from django.db.models.functions import Lower

from hub.directory.models import Organisation


class OrganisationMatcher:
    """Finds directory organisations for names as people and sources write them, with one
    query per batch of names (``prepare``), then ``match`` per name.

    A full name, else an abbreviation, else a slug; open bodies before closed ones; a name
    that fits several bodies links none. Each rule is tried on the name as given, then for
    "Name (ABBR)" on the name alone and on ABBR as an abbreviation, each also with "and" and
    "&" swapped ("HM Revenue and Customs" is HM Revenue & Customs)."""

    def __init__(self) -> None:
        self._asked: set[str] = set()
        self._by_name: dict[str, list[Organisation]] = {}
        self._by_abbreviation: dict[str, list[Organisation]] = {}
        self._by_slug: dict[str, list[Organisation]] = {}

    @staticmethod
    def _variants(name: str) -> list[tuple[str, bool]]:
        """(text, whether it may be a full name or slug rather than only an abbreviation)."""
        name = " ".join(name.split())
        variants = [(name, True)]
        bracketed = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", name)
        if bracketed:
            variants += [(bracketed.group(1), True), (bracketed.group(2).strip(), False)]
        for text, full in list(variants):
            if " and " in text:
                variants.append((text.replace(" and ", " & "), full))
            elif " & " in text:
                variants.append((text.replace(" & ", " and "), full))
        return variants

    def prepare(self, names: Iterable[str]) -> None:
        keys = {text.lower() for name in names for text, _full in self._variants(name)}
        keys -= self._asked
        if not keys:
            return
        self._asked |= keys
        found = (
            Organisation.objects.annotate(name_lower=Lower("name"),
                                          abbreviation_lower=Lower("abbreviation"))
            .filter(Q(name_lower__in=keys) | Q(abbreviation_lower__in=keys) | Q(slug__in=keys))
            .only("id", "name", "abbreviation", "slug", "status")
        )
        for organisation in found:
            for index, key in ((self._by_name, organisation.name.lower()),
                               (self._by_abbreviation, organisation.abbreviation.lower()),
                               (self._by_slug, organisation.slug)):
                if key in keys and organisation not in index.setdefault(key, []):
                    index[key].append(organisation)

    def match(self, name: str) -> Organisation | None:
        for text, full in self._variants(name):
            key = text.lower()
            indexes = ((self._by_name, self._by_abbreviation, self._by_slug) if full
                       else (self._by_abbreviation,))
            for index in indexes:
                candidates = index.get(key, [])
                open_ones = [candidate for candidate in candidates if not candidate.is_closed]
                candidates = open_ones or candidates
                if len(candidates) == 1:
                    return candidates[0]
                if len(candidates) > 1:
                    break
        return None

    def match_all(self, names: Iterable[str]) -> list[Organisation]:
        found = []
        for name in names:
            organisation = self.match(name)
            if organisation is not None and organisation not in found:
                found.append(organisation)
        return found
