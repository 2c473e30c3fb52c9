"""Curating collections: ordered sets of entries with an introduction. Only curators (the
``library.manage_collections`` permission) change them; every change is in the audit log."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from hub.core.audit import audit
from hub.library.models import Collection, CollectionItem, Entry


def _check(by) -> None:
    if not by.has_perm("library.manage_collections"):
        raise PermissionDenied("Only curators can change collections.")


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200].strip("-") or "collection"
    taken = set(
        Collection.objects.filter(slug__startswith=base).exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": "Enter a title"})
    return title


@transaction.atomic
def collection_create(*, by, title: str, introduction: str = "") -> Collection:
    """A curator starts a collection; it stays a draft until published."""
    _check(by)
    title = _clean_title(title)
    collection = Collection.objects.create(
        title=title, slug=_unique_slug(title), introduction=introduction or "", created_by=by,
    )
    audit(actor=by, action="collection.create", target=collection, to_state=collection.status)
    return collection


@transaction.atomic
def collection_update(*, collection: Collection, by, title: str,
                      introduction: str = "") -> Collection:
    """Change the title and introduction. The address (slug) stays, so links keep working."""
    _check(by)
    collection.title = _clean_title(title)
    collection.introduction = introduction or ""
    collection.save(update_fields=["title", "introduction", "updated_at"])
    audit(actor=by, action="collection.update", target=collection)
    return collection


def _set_status(*, collection: Collection, by, to: str, action: str) -> Collection:
    _check(by)
    if collection.status == to:
        return collection
    previous = collection.status
    collection.status = to
    collection.save(update_fields=["status", "updated_at"])
    audit(actor=by, action=action, target=collection, from_state=previous, to_state=to)
    return collection


@transaction.atomic
def collection_publish(*, collection: Collection, by) -> Collection:
    """Show the collection to everyone (only its published entries are shown to them)."""
    return _set_status(collection=collection, by=by, to=Collection.Status.PUBLISHED,
                       action="collection.publish")


@transaction.atomic
def collection_unpublish(*, collection: Collection, by) -> Collection:
    """Take the collection back to a draft that only curators see."""
    return _set_status(collection=collection, by=by, to=Collection.Status.DRAFT,
                       action="collection.unpublish")


@transaction.atomic
def collection_add_entry(*, collection: Collection, by, entry: Entry,
                         note: str = "") -> CollectionItem:
    """Add an entry at the end of the collection."""
    _check(by)
    if collection.items.filter(entry=entry).exists():
        raise ValidationError({"entry": "This entry is already in the collection"})
    last = collection.items.aggregate(last=Max("position"))["last"]
    item = CollectionItem.objects.create(
        collection=collection, entry=entry, note=(note or "").strip(),
        position=0 if last is None else last + 1,
    )
    audit(actor=by, action="collection.add_entry", target=collection,
          detail={"entry": entry.pk, "title": entry.title})
    return item


@transaction.atomic
def collection_update_note(*, item: CollectionItem, by, note: str) -> CollectionItem:
    _check(by)
    item.note = (note or "").strip()
    item.save(update_fields=["note"])
    audit(actor=by, action="collection.update_note", target=item.collection,
          detail={"entry": item.entry_id})
    return item


@transaction.atomic
def collection_remove_entry(*, collection: Collection, by, entry: Entry) -> None:
    _check(by)
    deleted, _ = collection.items.filter(entry=entry).delete()
    if not deleted:
        raise ValidationError("This entry is not in the collection")
    _renumber(collection)
    audit(actor=by, action="collection.remove_entry", target=collection,
          detail={"entry": entry.pk, "title": entry.title})


@transaction.atomic
def collection_reorder(*, collection: Collection, by, entry_ids: list[int]) -> None:
    """Put the entries in this order; ``entry_ids`` must name each entry once."""
    _check(by)
    items = {item.entry_id: item for item in collection.items.select_for_update()}
    if sorted(entry_ids) != sorted(items):
        raise ValidationError("The new order must list every entry in the collection once")
    for position, entry_id in enumerate(entry_ids):
        items[entry_id].position = position
    CollectionItem.objects.bulk_update(items.values(), ["position"])
    audit(actor=by, action="collection.reorder", target=collection,
          detail={"order": list(entry_ids)})


def collection_move_entry(*, collection: Collection, by, entry: Entry, up: bool) -> None:
    """Swap the entry with the one above it (``up``) or below it; at an end, nothing moves."""
    order = list(collection.items.values_list("entry_id", flat=True))
    if entry.pk not in order:
        raise ValidationError("This entry is not in the collection")
    index = order.index(entry.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(order):
        return
    order[index], order[other] = order[other], order[index]
    collection_reorder(collection=collection, by=by, entry_ids=order)


def _renumber(collection: Collection) -> None:
    items = list(collection.items.all())
    for position, item in enumerate(items):
        item.position = position
    CollectionItem.objects.bulk_update(items, ["position"])
