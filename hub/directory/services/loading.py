"""Loading the public registers (data/orgs/) into the directory: upsert by stable code,
report bad rows by file and line, audit each run."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from hub.core.audit import audit
from hub.directory.models import Organisation, Source, Status
from hub.directory.search import KIND as SEARCH_KIND
from hub.directory.services.slugs import free_slug
from hub.directory.sources import (
    SOURCES,
    Record,
    Rejection,
    SourceSpec,
    SourceUnreadable,
    find_source_file,
    read_source,
)
from hub.search.services import batch as search_batch
from hub.search.services import index_objects


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

    - Every body is searchable when it returns: what changed is indexed together at the end
      (not one by one in the background), and so is any body the search index lacks (a
      directory loaded before organisations were searchable).

    One audit entry records each run, with its counts.
    """
    report = LoadReport()
    with search_batch():
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
    index_objects(SEARCH_KIND.name)  # embeds only what is new or changed
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
                slug=free_slug(preferred=record.preferred_slug, code=record.code, taken=taken),
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
