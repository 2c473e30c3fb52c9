"""Every change to the directory goes through these functions, whichever page, API call or
command asks for it: loading the public registers, and curators adding and editing partners.
Each one that changes something is audited."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify

from hub.core.audit import audit
from hub.directory.models import PARTNER_KINDS, Organisation, Source, Status
from hub.directory.sources import (
    SOURCES,
    Record,
    Rejection,
    SourceSpec,
    SourceUnreadable,
    find_source_file,
    read_source,
)

# Words that are paths under /organisations/ and so can never be an organisation's slug.
RESERVED_SLUGS = {"add"}


def _free_slug(*, preferred: str, code: str, taken: set[str]) -> str:
    """A slug nobody has yet: the preferred one, else with the body's code added, else with a
    number. Slugs are only chosen when a body is created, so a later load never renames."""
    base = slugify(preferred)[:100].strip("-") or "organisation"
    candidates = [base]
    if code:
        candidates.append(f"{base}-{slugify(code)}"[:115].strip("-"))
    for candidate in candidates:
        if candidate not in taken and candidate not in RESERVED_SLUGS:
            return candidate
    number = 2
    while f"{candidates[-1]}-{number}" in taken:
        number += 1
    return f"{candidates[-1]}-{number}"


# --- Loading the public registers ---------------------------------------------------------


@dataclass
class LoadReport:
    """What one run of the loader did.

    Every row read ends up in exactly one of ``created``, ``updated``, ``unchanged`` or
    ``rejections``. ``closed`` counts the bodies this run marked as closed (newly created as
    closed, or open before and closed now); they are also counted as created or updated, so
    a second run over the same files reports only ``unchanged``.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)
    links_added: int = 0
    links_removed: int = 0
    links_to_unknown_bodies: int = 0

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "closed": self.closed,
            "rejected": self.rejected,
            "files": self.files,
            "unreadable": self.unreadable,
            "links_added": self.links_added,
            "links_removed": self.links_removed,
            "links_to_unknown_bodies": self.links_to_unknown_bodies,
            # The first rejections are enough to act on; the command prints them all.
            "rejections": [str(rejection) for rejection in self.rejections[:50]],
        }


def public_bodies_load(*, data_dir: Path) -> LoadReport:
    """Create or update an organisation for every body in the four registers under
    ``data_dir`` (GOV.UK organisations, mySociety's local authorities, NHS trusts and
    integrated care boards), matching each by its stable code: GOV.UK slug, local authority
    code, NHS ODS code.

    - Loading the same files twice changes nothing. Fields the registers own are kept in step
      with the files; a website is only filled in when empty, and descriptions are never
      touched, so curators' edits survive.
    - A body that is no longer in a file is kept as it is, never deleted.
    - Each file is loaded in its own transaction: a file that cannot be read is reported and
      left out without undoing the others; a bad row is reported and skipped.
    - GOV.UK's parent and child links are kept in step for the bodies in the file (links to
      bodies not in the directory are counted and left out).

    One audit entry records each run, with its counts.
    """
    report = LoadReport()
    for spec in SOURCES:
        try:
            path = find_source_file(data_dir, spec)
            records, rejections = read_source(path, spec)
        except SourceUnreadable as error:
            report.unreadable.append(str(error))
            continue
        report.rejections.extend(rejections)
        report.files[path.name] = len(records)
        _load_records(spec=spec, records=records, report=report, file_name=path.name)
    audit(actor=None, action="organisation.load", detail=report.as_dict())
    return report


@transaction.atomic
def _load_records(
    *, spec: SourceSpec, records: list[Record], report: LoadReport, file_name: str
) -> None:
    code_field = spec.code_field
    existing = {
        getattr(organisation, code_field): organisation
        for organisation in Organisation.objects.filter(**{f"{code_field}__isnull": False})
    }
    taken = set(Organisation.objects.values_list("slug", flat=True))
    outcomes: dict[str, str] = {}
    for record in records:
        organisation = existing.get(record.code)
        if organisation is not None and organisation.source != spec.source:
            report.rejections.append(
                Rejection(
                    file_name,
                    record.line,
                    f"{code_field} {record.code} already belongs to {organisation.name} "
                    f"({organisation.get_source_display()})",
                )
            )
            continue
        if organisation is None:
            organisation = Organisation(
                slug=_free_slug(preferred=record.preferred_slug, code=record.code, taken=taken),
                **{code_field: record.code},
                **record.fields,
                **record.fill_fields,
            )
            organisation.save()
            taken.add(organisation.slug)
            existing[record.code] = organisation
            outcomes[record.code] = "created"
            if organisation.status == Status.CLOSED:
                report.closed += 1
            continue
        changed = [
            name for name, value in record.fields.items() if getattr(organisation, name) != value
        ]
        changed += [
            name
            for name, value in record.fill_fields.items()
            if value and not getattr(organisation, name)
        ]
        if not changed:
            outcomes[record.code] = "unchanged"
            continue
        was_open = organisation.status == Status.OPEN
        for name in changed:
            value = record.fields[name] if name in record.fields else record.fill_fields[name]
            setattr(organisation, name, value)
        organisation.save(update_fields=[*changed, "updated_at"])
        outcomes[record.code] = "updated"
        if was_open and organisation.status == Status.CLOSED:
            report.closed += 1

    if spec.source == Source.GOVUK:
        for code in _sync_govuk_links(records=records, outcomes=outcomes, report=report):
            if outcomes.get(code) == "unchanged":
                outcomes[code] = "updated"
    for outcome in outcomes.values():
        setattr(report, outcome, getattr(report, outcome) + 1)


def _sync_govuk_links(
    *, records: list[Record], outcomes: dict[str, str], report: LoadReport
) -> set[str]:
    """Make each GOV.UK body's GOV.UK parents those the file gives, from either side: a body's
    ``parent_slugs`` and its parents' ``child_slugs`` (the file does not always say both).
    Returns the codes of bodies whose parents changed. Links a curator made to partners are
    left alone, and so are the parents of bodies that were not read from the file."""
    Link = Organisation.parents.through
    ids = dict(
        Organisation.objects.filter(source=Source.GOVUK, govuk_slug__isnull=False).values_list(
            "govuk_slug", "id"
        )
    )
    managed = {ids[record.code] for record in records if record.code in outcomes}
    wanted: set[tuple[int, int]] = set()
    unknown: set[tuple[str, str]] = set()
    for record in records:
        if record.code not in outcomes:
            continue
        pairs = [(record.code, parent) for parent in record.parent_codes]
        pairs += [(child, record.code) for child in record.child_codes]
        for child, parent in pairs:
            if child == parent:
                continue
            if child in ids and parent in ids:
                wanted.add((ids[child], ids[parent]))
            else:
                unknown.add((child, parent))
    report.links_to_unknown_bodies += len(unknown)

    children = managed | {child for child, _ in wanted}
    current = set(
        Link.objects.filter(
            from_organisation_id__in=children, to_organisation__source=Source.GOVUK
        ).values_list("from_organisation_id", "to_organisation_id")
    )
    to_add = wanted - current
    to_remove = {pair for pair in current - wanted if pair[0] in managed}
    Link.objects.bulk_create(
        [Link(from_organisation_id=child, to_organisation_id=parent) for child, parent in to_add]
    )
    for child, parent in to_remove:
        Link.objects.filter(from_organisation_id=child, to_organisation_id=parent).delete()
    report.links_added += len(to_add)
    report.links_removed += len(to_remove)
    code_of = {pk: code for code, pk in ids.items()}
    return {code_of[child] for child, _ in to_add | to_remove}


# --- Partners added by curators -----------------------------------------------------------

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
        slug=_free_slug(preferred=name, code="", taken=taken),
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
