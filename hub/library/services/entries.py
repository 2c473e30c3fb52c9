"""Writing library entries and moving them through their lifecycle:

    draft → submitted → in review → published → archived
                 ↘ changes requested ↗ (back to the author, who fixes and resubmits)

Each transition is checked against the permission table in ``permissions.py`` and written to
the audit log; every saved change is kept as a version by django-simple-history.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from hub.core.audit import audit
from hub.library.models import Entry, ReviewComment, Status, Tag

EDITABLE_FIELDS = [
    "kind", "title", "summary", "problem", "approach", "results", "lessons", "costs",
    "organisation_names", "countries", "country_text", "locality", "start_year", "end_year",
    "challenge_area", "origin_sector", "evidence_level", "evidence_reason", "evaluation_type",
    "links", "sources", "licence", "contact_text",
]


@dataclass
class EntryData:
    """What a person or an import supplies for an entry. ``organisations`` are directory
    organisations already matched; ``tags`` are tag names."""

    values: dict
    organisations: Iterable | None = None
    tags: Iterable[str] | None = None
    contacts: Iterable | None = None
    extra: dict = field(default_factory=dict)


# Paths under /library/entries/ that an entry's slug must never take.
RESERVED_SLUGS = {"new"}


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """A slug from the title. When it is taken, a random suffix is added — not a counter,
    which would tell people that an entry they cannot see has the same title."""
    base = slugify(title)[:300].strip("-") or "entry"
    if base in RESERVED_SLUGS:
        base = f"{base}-entry"
    candidate = base
    while Entry.objects.filter(slug=candidate).exclude(pk=exclude_pk).exists():
        candidate = f"{base}-{secrets.token_hex(3)}"
    return candidate


def _hub_source_id(slug: str) -> str:
    """The stable identifier of an entry made on the hub: "hub-<slug>", within the field's
    100 characters and not already used by an imported entry."""
    base = f"hub-{slug}"[:100].rstrip("-")
    candidate = base
    while Entry.objects.filter(source_id=candidate).exists():
        candidate = f"{base[:93]}-{secrets.token_hex(3)}"
    return candidate


def _lock(entry: Entry) -> None:
    """Re-read the entry's state under a row lock inside the caller's transaction, so that
    a change made meanwhile by someone else (an archive, a publication) is seen and checked,
    never silently undone."""
    current = (Entry.objects.select_for_update()
               .only("status", "submitted_at", "published_at").get(pk=entry.pk))
    entry.status = current.status
    entry.submitted_at = current.submitted_at
    entry.published_at = current.published_at


def tags_from_names(names: Iterable[str]) -> list[Tag]:
    tags = []
    for name in names:
        name = " ".join(name.split())[:80]
        if not name:
            continue
        slug = slugify(name)[:90] or "tag"
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.create(name=name, slug=slug)
        if tag not in tags:
            tags.append(tag)
    return tags


def _apply(entry: Entry, data: EntryData) -> None:
    for name in EDITABLE_FIELDS:
        if name in data.values:
            setattr(entry, name, data.values[name])
    if entry.start_year and entry.end_year and entry.end_year < entry.start_year:
        raise ValidationError({"end_year": "The end year must be the same as or after the "
                                           "start year"})
    # The database enforces the check constraints; choices and the year rule are checked here.
    entry.full_clean(exclude=["slug", "author", "source_id"], validate_constraints=False)


def _set_relations(entry: Entry, data: EntryData) -> None:
    if data.organisations is not None:
        entry.organisations.set(list(data.organisations))
    if data.tags is not None:
        entry.tags.set(tags_from_names(data.tags))
    if data.contacts is not None:
        entry.contacts.set(list(data.contacts))


@transaction.atomic
def entry_create(*, by, data: EntryData, status: str = Status.DRAFT,
                 source_id: str | None = None, imported_by=None) -> Entry:
    """A practitioner or curator starts a draft. Imports (``by=None``) create entries in the
    state they say — imported cases are published — with no author; ``imported_by``, the
    curator who uploaded the file (``None`` from the command line), is named in the audit log
    and the history."""
    if by is not None and not by.has_perm("library.create_entry"):
        raise PermissionDenied("Only practitioners and curators can add entries to the library.")
    entry = Entry(author=by, status=status, source_id=source_id)
    _apply(entry, data)
    entry.slug = unique_slug(entry.title)
    # Every entry has a stable identifier for exports and re-imports; the hub's own ones
    # start with "hub-".
    entry.source_id = source_id or _hub_source_id(entry.slug)
    now = timezone.now()
    if status == Status.PUBLISHED:
        entry.published_at = now
    entry._change_reason = "created" if by else "imported"
    entry._history_user = by or imported_by
    entry.save()
    _set_relations(entry, data)
    audit(actor=by or imported_by, action="entry.create", target=entry, to_state=entry.status,
          detail={"source_id": source_id} if source_id else None)
    return entry


@transaction.atomic
def entry_update(*, entry: Entry, by, data: EntryData, reason: str = "",
                 imported_by=None) -> Entry:
    """``by`` edits the entry; an import passes ``by=None`` and ``imported_by`` as above."""
    _lock(entry)
    if by is not None and not by.has_perm("library.edit_entry", entry):
        raise PermissionDenied("You cannot change this entry in its current state.")
    _apply(entry, data)
    entry._change_reason = reason or "edited"
    entry._history_user = by or imported_by
    # An edit never writes the state: only the transitions below change it.
    entry.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
    _set_relations(entry, data)
    return entry


def _transition(*, entry: Entry, by, perm: str, to: str, action: str,
                message: str = "") -> Entry:
    _lock(entry)
    if not by.has_perm(perm, entry):
        raise PermissionDenied(f"This entry cannot be {to.replace('-', ' ')} now.")
    previous = entry.status
    entry.status = to
    fields = ["status", "updated_at"]
    now = timezone.now()
    if to == Status.SUBMITTED:
        entry.submitted_at = now
        fields.append("submitted_at")
    if to == Status.PUBLISHED and entry.published_at is None:
        entry.published_at = now
        fields.append("published_at")
    entry._change_reason = action
    entry._history_user = by
    entry.save(update_fields=fields)
    audit(actor=by, action=action, target=entry, from_state=previous, to_state=to,
          detail={"message": message} if message else None)
    return entry


@transaction.atomic
def entry_submit(*, entry: Entry, by) -> Entry:
    """The author sends a draft (or a corrected entry) to the curators."""
    return _transition(entry=entry, by=by, perm="library.submit_entry", to=Status.SUBMITTED,
                       action="entry.submit")


@transaction.atomic
def entry_start_review(*, entry: Entry, by) -> Entry:
    return _transition(entry=entry, by=by, perm="library.review_entry", to=Status.IN_REVIEW,
                       action="entry.review")


@transaction.atomic
def entry_request_changes(*, entry: Entry, by, message: str) -> Entry:
    """A curator sends the entry back to its author, saying what to change."""
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": "Say what the author needs to change"})
    _transition(entry=entry, by=by, perm="library.request_changes_entry",
                to=Status.CHANGES_REQUESTED, action="entry.request_changes", message=message)
    ReviewComment.objects.create(entry=entry, author=by, body=message,
                                 kind=ReviewComment.Kind.CHANGES_REQUESTED)
    return entry


@transaction.atomic
def entry_publish(*, entry: Entry, by) -> Entry:
    return _transition(entry=entry, by=by, perm="library.publish_entry", to=Status.PUBLISHED,
                       action="entry.publish")


@transaction.atomic
def entry_archive(*, entry: Entry, by) -> Entry:
    return _transition(entry=entry, by=by, perm="library.archive_entry", to=Status.ARCHIVED,
                       action="entry.archive")


@transaction.atomic
def entry_restore(*, entry: Entry, by) -> Entry:
    return _transition(entry=entry, by=by, perm="library.restore_entry", to=Status.PUBLISHED,
                       action="entry.restore")


@transaction.atomic
def entry_comment(*, entry: Entry, by, body: str) -> ReviewComment:
    if not by.has_perm("library.comment_entry", entry):
        raise PermissionDenied("You cannot comment on this entry now.")
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Enter a comment"})
    comment = ReviewComment.objects.create(entry=entry, author=by, body=body)
    audit(actor=by, action="entry.comment", target=entry)
    return comment
