"""Keeping the index in step with the objects it describes, and recording questions the hub
could not answer.

Apps never call the index directly: saving or deleting a registered model re-indexes it when
the transaction commits. Its text, facets and visibility are written there and then (a few
queries), so an entry archived, deleted or edited is never found as it was, even while the
task worker is busy or down; only the embedding of a changed text waits for the background
worker (``signals.py`` → ``tasks.index_documents``). ``batch()`` makes a
bulk operation (an import) index everything it touched at once, before it returns.
"""

import contextlib
import hashlib
import logging
import threading
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hub.core.audit import audit
from hub.search import registry
from hub.search.embedding import encode, pack_pieces, pack_tokens, text_hash, to_bytes
from hub.search.models import Document, PieceVectors, UnansweredQuery
from hub.search.text import query_terms, without_personal_data
from hub.search.vectors import bump

ONE_DAY = 24 * 60 * 60
# What a document takes from its object (registry.DocumentData), besides its embedding.
SHOWN_FIELDS = ("source_id", "title", "body", "detail", "meta", "url", "published", "facets",
                "caption", "state")
WRITTEN_FIELDS = (*SHOWN_FIELDS, "found_by_name", "names")  # found_by_name: from the kind
_pending = threading.local()
logger = logging.getLogger(__name__)


def index_objects(kind_name: str, object_ids: Iterable[int] | None = None, *,
                  progress: Callable[[int, int], None] | None = None,
                  chunk: int = 256, embed_texts: bool = True) -> dict[str, int]:
    """Write the documents of these objects (all of the kind when ``None``), embed the texts
    that changed, and drop documents of objects that no longer exist.
    Returns ``{"indexed": …, "embedded": …, "removed": …}``.

    With ``embed_texts=False`` nothing is embedded: a changed text keeps its old vector (and
    old ``text_hash``, so the next full indexing embeds it) and a new document has none
    until then; it is found by its words meanwhile."""
    kind = registry.get(kind_name)
    wanted = None if object_ids is None else sorted(set(int(pk) for pk in object_ids))
    documents = list(kind.documents(wanted))
    seen = {document.object_id for document in documents}
    indexed = Document.objects.filter(kind=kind_name)
    if wanted is not None:
        indexed = indexed.filter(object_id__in=wanted)
    gone = sorted(set(indexed.values_list("object_id", flat=True)) - seen)
    counts = {"indexed": 0, "embedded": 0, "removed": len(gone)}
    for start in range(0, len(gone), chunk):
        with transaction.atomic():
            # (Only the keys: the piece vectors go with them, so Django reads the rows first.)
            Document.objects.filter(kind=kind_name, object_id__in=gone[start:start + chunk]
                                    ).only("pk").delete()
            bump()
    total = len(documents)
    for start in range(0, total, chunk):
        part = documents[start:start + chunk]
        embedded = _write(kind_name, part, embed_texts=embed_texts)
        counts["indexed"] += len(part)
        counts["embedded"] += embedded
        if progress:
            progress(min(start + chunk, total), total)
    if total == 0 and progress:
        progress(0, 0)
    return counts


def _write(kind_name: str, documents: list[registry.DocumentData], *,
           embed_texts: bool = True) -> int:
    by_name = registry.get(kind_name).found_by_name
    ids = [d.object_id for d in documents]
    existing = {
        document.object_id: document
        for document in Document.objects.filter(kind=kind_name, object_id__in=ids)
        .defer("embedding", "pieces")
    }
    # A document indexed before word-piece vectors were kept is embedded again.
    with_vector = set(Document.objects.filter(kind=kind_name, object_id__in=ids,
                                              embedding__isnull=False,
                                              piece_vectors__isnull=False)
                      .values_list("object_id", flat=True))
    texts = {d.object_id: d.embedding_text() for d in documents}
    hashes = {pk: text_hash(text) for pk, text in texts.items()}
    # Embed only what is new or whose text changed.
    missing = [d.object_id for d in documents
               if d.object_id not in existing
               or existing[d.object_id].text_hash != hashes[d.object_id]
               or d.object_id not in with_vector]
    if not embed_texts:
        missing = []
    vectors = dict(zip(missing, encode([texts[pk] for pk in missing]), strict=True))
    with transaction.atomic():
        piece_vectors = []
        written = 0
        for data in documents:
            document = existing.get(data.object_id) or Document(kind=kind_name,
                                                                object_id=data.object_id)
            before = [getattr(document, name) for name in WRITTEN_FIELDS]
            for name in SHOWN_FIELDS:
                setattr(document, name, getattr(data, name))
            document.found_by_name = by_name
            document.names = "\n".join(name.strip() for name in data.names if name.strip())
            document.title = document.title[:300]
            document.caption = document.caption[:300]
            document.state = document.state[:40]
            document.source_id = (document.source_id or "")[:100]
            fields = None
            if data.object_id in vectors:
                encoded = vectors[data.object_id]
                document.embedding = to_bytes(encoded.vector)
                document.pieces = pack_pieces(encoded)
                document.text_hash = hashes[data.object_id]
            elif document.pk:
                if before == [getattr(document, name) for name in WRITTEN_FIELDS]:
                    # Unchanged: not written again (on PostgreSQL every rewritten row leaves a
                    # dead one behind; a whole reindex of 100k unchanged documents made the
                    # full-text query seven times slower until VACUUM).
                    continue
                fields = [*WRITTEN_FIELDS, "updated_at"]
            document.save(update_fields=fields)
            written += 1
            if data.object_id in vectors:
                piece_vectors.append(PieceVectors(document=document,
                                                  tokens=pack_tokens(vectors[data.object_id])))
        PieceVectors.objects.bulk_create(piece_vectors, update_conflicts=True,
                                         unique_fields=["document"], update_fields=["tokens"])
        if written:
            bump()
    return len(missing)


def remove_object(kind_name: str, object_id: int) -> None:
    with transaction.atomic():
        deleted, _ = Document.objects.filter(kind=kind_name, object_id=object_id
                                             ).only("pk").delete()
        if deleted:
            bump()


def queue(kind_name: str, object_id: int) -> None:
    """Re-index this object once the current transaction commits: at the end of the
    surrounding ``batch()``; otherwise its text and visibility at once and its embedding in
    a background task."""
    pending = getattr(_pending, "keys", None)
    if pending is not None:
        pending.setdefault(kind_name, set()).add(object_id)
        return

    def refresh_then_enqueue() -> None:
        from hub.search import tasks

        try:
            index_objects(kind_name, [object_id], embed_texts=False)
        except Exception:  # the change is committed: the background task is the fallback
            logger.exception("Could not refresh the search document of %s %s at once",
                             kind_name, object_id)
        tasks.index_documents.enqueue(kind_name, [object_id])

    transaction.on_commit(refresh_then_enqueue)


@contextlib.contextmanager
def batch():
    """Collect the objects changed inside the block and index them together when it ends —
    what a bulk import needs, so its entries are searchable when it returns."""
    outer = getattr(_pending, "keys", None)
    if outer is not None:  # already inside a batch: the outer one indexes
        yield
        return
    _pending.keys = {}
    try:
        yield
    finally:
        keys, _pending.keys = _pending.keys, None
    for kind_name, object_ids in keys.items():
        index_objects(kind_name, object_ids)


# --- Questions the hub cannot answer yet ---------------------------------------------------


def count_if_unanswered(results, *, first_page: bool, narrowed: bool,
                        asked_by: str | None) -> None:
    """The one rule, for the page and the API alike, for when a search is a question the hub
    cannot answer: the hub's own (hybrid) ranking answered poorly, on the first page of
    results, with no filter (kind or facet) narrowing them — a filtered search that finds
    little says nothing about what the library lacks."""
    if results.method == "hybrid" and results.poor and first_page and not narrowed:
        record_unanswered(results.query, results=results.count, best_score=results.closest,
                          asked_by=asked_by)


def record_unanswered(query: str, *, results: int, best_score: float | None,
                      asked_by: str | None = None) -> None:
    """Count a query that found nothing, or nothing close. Only the words are kept; words
    that say nothing (no search terms: "and", "*") are not counted, and each ``asked_by``
    (``hub.core.ratelimit.who``) counts a question once a day, however often they reload the page.
    Asked again after it was marked answered, it is open again (the answer did not reach the
    search); a dismissed question stays dismissed."""
    text = without_personal_data(query)
    if len(text) < 3 or not query_terms(text):
        return
    today = timezone.localdate()
    if asked_by is not None:
        key = hashlib.sha256(f"{today}|{asked_by}|{text}".encode()).hexdigest()
        if not cache.add(f"search:asked:{key}", 1, timeout=ONE_DAY):
            return
    with transaction.atomic():
        record, created = UnansweredQuery.objects.select_for_update().get_or_create(
            text=text, defaults={"results": results, "best_score": best_score,
                                 "first_asked": today, "last_asked": today})
        if not created:
            record.times += 1
            record.results, record.best_score, record.last_asked = results, best_score, today
            if record.status == UnansweredQuery.Status.ANSWERED:
                record.status = UnansweredQuery.Status.OPEN
            record.save()


@transaction.atomic
def unanswered_close(*, record: UnansweredQuery, by, status: str) -> UnansweredQuery:
    if not by.has_perm("search.close_unanswered"):
        raise PermissionDenied("Only curators can close questions.")
    if status not in {UnansweredQuery.Status.ANSWERED, UnansweredQuery.Status.DISMISSED,
                      UnansweredQuery.Status.OPEN}:
        raise ValueError(f"Unknown status {status!r}")
    previous = record.status
    record.status = status
    record.save(update_fields=["status"])
    audit(actor=by, action="search.unanswered_" + status, target=record,
          from_state=previous, to_state=status)
    return record
