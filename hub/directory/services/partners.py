"""Curators adding and editing organisations: partner companies and charities, and the
description and website of public bodies. Every change is audited."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify

from hub.core.audit import audit
from hub.directory.models import PARTNER_KINDS, Organisation, Source, Status
from hub.directory.services.slugs import free_slug

PARTNER_FIELDS = {"name", "abbreviation", "kind", "website", "description", "parents"}
# Public bodies' other fields come from their registers and would be overwritten by the next
# load; curators may add what the registers do not hold.
PUBLIC_BODY_FIELDS = {"website", "description"}

_WEBSITE = URLValidator(schemes=["http", "https"])


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Enter the organisation’s name"})
    if len(name) > 255:
        raise ValidationError({"name": "The name must be 255 characters or fewer"})
    return name


def _check_name_is_free(name: str, *, exclude: Organisation | None = None) -> None:
    others = Organisation.objects.filter(name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    other = others.first()
    if other is not None:
        raise ValidationError(
            {
                "name": f"An organisation called {other.name} is already in the directory: "
                "use a different name, or find and change the existing one"
            }
        )


def _clean_kind(kind: str) -> str:
    if kind not in PARTNER_KINDS:
        raise ValidationError({"kind": "Select company, charity or other"})
    return kind


def _clean_abbreviation(abbreviation: str) -> str:
    abbreviation = " ".join((abbreviation or "").split())
    if len(abbreviation) > 50:
        raise ValidationError({"abbreviation": "The abbreviation must be 50 characters or fewer"})
    return abbreviation


def _clean_website(website: str) -> str:
    website = (website or "").strip()
    if website:
        try:
            _WEBSITE(website)
        except ValidationError:
            raise ValidationError(
                {
                    "website": "Enter a web address in the correct format, like "
                    "https://www.example.org"
                }
            ) from None
        if len(website) > 300:
            raise ValidationError({"website": "The web address must be 300 characters or fewer"})
    return website


def _check_parents(organisation: Organisation | None, parents: list[Organisation]) -> None:
    if organisation is None:
        return
    if any(parent.pk == organisation.pk for parent in parents):
        raise ValidationError({"parents": "An organisation cannot be its own parent"})
    # A parent that is already below this organisation would make a loop.
    below: set[int] = set()
    frontier = {organisation.pk}
    while frontier:
        frontier = (
            set(
                Organisation.parents.through.objects.filter(
                    to_organisation_id__in=frontier
                ).values_list("from_organisation_id", flat=True)
            )
            - below
        )
        below |= frontier
    looped = [parent.name for parent in parents if parent.pk in below]
    if looped:
        raise ValidationError(
            {
                "parents": f"{looped[0]} is already part of this organisation, so it cannot also "
                "be its parent"
            }
        )


def _short(value):
    """Audit details keep long texts (descriptions) short."""
    if isinstance(value, str) and len(value) > 200:
        return value[:199] + "…"
    return value


def _names(organisations: Iterable[Organisation]) -> list[str]:
    return sorted(organisation.name for organisation in organisations)


@transaction.atomic
def organisation_create_partner(
    *,
    by,
    kind: str,
    name: str,
    abbreviation: str = "",
    website: str = "",
    description: str = "",
    parents: Iterable[Organisation] = (),
) -> Organisation:
    """A curator adds a company, charity or other partner to the directory."""
    if not by.has_perm("directory.add_partner"):
        raise PermissionDenied("Only curators can add organisations.")
    parents = list(parents)
    name = _clean_name(name)
    _check_name_is_free(name)
    taken = set(
        Organisation.objects.filter(slug__startswith=slugify(name)[:100]).values_list(
            "slug", flat=True
        )
    )
    organisation = Organisation.objects.create(
        slug=free_slug(preferred=name, code="", taken=taken),
        name=name,
        kind=_clean_kind(kind),
        abbreviation=_clean_abbreviation(abbreviation),
        website=_clean_website(website),
        description=(description or "").strip(),
        source=Source.HUB,
        status=Status.OPEN,
    )
    organisation.parents.set(parents)
    audit(
        actor=by,
        action="organisation.create",
        target=organisation,
        to_state=organisation.status,
        detail={"kind": organisation.kind, "parents": _names(parents)},
    )
    return organisation


_UNCHANGED: Any = object()


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    by,
    name: str = _UNCHANGED,
    abbreviation: str = _UNCHANGED,
    kind: str = _UNCHANGED,
    website: str = _UNCHANGED,
    description: str = _UNCHANGED,
    parents: Iterable[Organisation] = _UNCHANGED,
) -> Organisation:
    """A curator changes an organisation. Partners can be changed in full; for public bodies
    only the website and description can be, since the rest comes from their registers.
    Arguments left out are left as they are. Nothing is audited when nothing changed."""
    if not by.has_perm("directory.change_organisation", organisation):
        raise PermissionDenied("Only curators can change organisations.")
    requested = {
        key: value
        for key, value in {
            "name": name,
            "abbreviation": abbreviation,
            "kind": kind,
            "website": website,
            "description": description,
            "parents": parents,
        }.items()
        if value is not _UNCHANGED
    }
    allowed = PARTNER_FIELDS if organisation.is_partner else PUBLIC_BODY_FIELDS
    refused = sorted(set(requested) - allowed)
    if refused:
        raise ValidationError(
            {
                key: "This comes from the official register and cannot be changed here"
                for key in refused
            }
        )

    cleaners = {
        "name": _clean_name,
        "abbreviation": _clean_abbreviation,
        "kind": _clean_kind,
        "website": _clean_website,
        "description": lambda text: (text or "").strip(),
    }
    changes: dict[str, list] = {}
    for key, cleaner in cleaners.items():
        if key not in requested:
            continue
        value = cleaner(requested[key])
        if getattr(organisation, key) != value:
            changes[key] = [getattr(organisation, key), value]
    if "name" in changes:
        _check_name_is_free(changes["name"][1], exclude=organisation)

    new_parents = None
    if "parents" in requested:
        new_parents = list(requested["parents"])
        _check_parents(organisation, new_parents)
        old_parents = list(organisation.parents.all())
        if {parent.pk for parent in old_parents} != {parent.pk for parent in new_parents}:
            changes["parents"] = [_names(old_parents), _names(new_parents)]

    if not changes:
        return organisation
    fields = [key for key in changes if key != "parents"]
    for key in fields:
        setattr(organisation, key, changes[key][1])
    if fields:
        organisation.save(update_fields=[*fields, "updated_at"])
    if new_parents is not None and "parents" in changes:
        organisation.parents.set(new_parents)
    audit(
        actor=by,
        action="organisation.update",
        target=organisation,
        from_state=organisation.status,
        to_state=organisation.status,
        detail={
            "changed": {key: [_short(old), _short(new)] for key, (old, new) in changes.items()}
        },
    )
    return organisation
