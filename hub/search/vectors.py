"""The semantic leg: every document's embedding held in this process's memory as one matrix of
half-precision numbers (73 MB at 100k documents; half precision keeps a unit vector's numbers
to within 0.05%: cosines move by less than 1e-4), searched exhaustively (cosine = dot product
of unit vectors). Every row is scanned in 8 bits (``Quantised``: 38 MB more at 100k, and 5–6
ms of one core a query where the half-precision scan took 8–10, or 11–12 split over two),
each approximate cosine with a bound on its error; every row the bound leaves in reach of the
best is then computed again in float32 arithmetic from the half-precision row (``nearest``,
``exact``), so what is ranked is decided on exact products of the stored numbers, whatever
the scan's error. (Where torch lacks the 8-bit product, the scan is in half precision, and
the best rows with a margin are made exact.) Each document's distinct word
pieces are held too (their weights); the word-piece vectors themselves (``PieceVectors``) are
read only for a query's best candidates, and remembered until the index changes.

The matrix follows the database: every write to the index changes ``IndexState.token``; before
a search the process compares the token with the one it loaded and, when it differs, reads
only the documents changed since (or everything, when documents were deleted).
"""

import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from django.db import connection
from django.db.models import Count, Max, Sum

from hub.search import places
from hub.search.embedding import DIMENSIONS, from_bytes
from hub.search.models import Document, IndexState, PieceVectors
from hub.search.text import word_stems
from hub.search.threads import Threads


def bump() -> None:
    """Tell every process that the index changed (call inside the writing transaction)."""
    token = uuid.uuid4().hex
    if not IndexState.objects.filter(pk=1).update(token=token):
        IndexState.objects.update_or_create(pk=1, defaults={"token": token})


def current_token() -> str:
    """Asked before every search: plain SQL (through the ORM it cost three times as long)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {IndexState._meta.db_table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return (row[0] if row else "") or ""


@dataclass
class Snapshot:
    token: str = ""
    last_updated: object = None
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    object_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    kinds: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="<U20"))
    published: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, DIMENSIONS), np.float16))
    present: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # has a vector
    facets: list[dict | str] = field(default_factory=list)  # dict, or JSON text until needed
    pieces: list[bytes | None] = field(default_factory=list)  # distinct word pieces (uint16)
    row_of: dict[int, int] = field(default_factory=dict)
    _postings: dict | None = None
    _piece_counts: tuple[np.ndarray, int] | None = None
    # Which rows are of kinds found by name (Document.found_by_name, set from the kind).
    found_by_name: np.ndarray | None = None
    # Their words, read when first needed (row → (every stem, the stems of its title and of
    # each of its other names)); after an index change only the changed rows are read again
    # (``_names_missing``).
    _names: dict[int, tuple[frozenset[str], tuple[frozenset[str], ...]]] | None = None
    _names_missing: frozenset[int] = frozenset()
    _facet_values: dict[int, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    # The matrix in 8 bits, for the scan (made from ``matrix`` when not given).
    quantised: "Quantised | None" = None

    def __len__(self) -> int:
        return len(self.ids)

    def scan(self, vector: np.ndarray) -> np.ndarray:
        """Every row's approximate cosine to a unit vector, good for choosing candidates
        (``nearest`` makes them exact): from the 8-bit rows (``Quantised``), each within
        ``scan_error`` of the exact one; where torch cannot, from the half-precision rows
        (within about 3e-4), a large index in two halves at once, the second on a thread of
        its own (torch runs on one thread, so as not to take the whole machine from other
        work)."""
        import torch  # loaded with the model, which made the vector

        if not len(self):
            return np.zeros(0, dtype=np.float32)
        if self.scans_eight_bit():
            quantised = self.eight_bits()
            query = torch.from_numpy(np.asarray(vector, dtype=np.float32)).to(torch.bfloat16)
            return torch._weight_int8pack_mm(query[None, :], quantised.codes_tensor,
                                             quantised.scales_tensor)[0].float().numpy()
        matrix = torch.from_numpy(self.matrix)
        query = torch.from_numpy(np.ascontiguousarray(vector, dtype=self.matrix.dtype))
        if len(self) < SPLIT_SCAN_ROWS:
            return torch.mv(matrix, query).numpy().astype(np.float32)
        half = len(self) // 2
        second = _scan_thread.submit(torch.mv, matrix[half:], query)
        first = torch.mv(matrix[:half], query)
        return torch.cat([first, second.result()]).numpy().astype(np.float32)

    def scans_eight_bit(self) -> bool:
        """Whether ``scan`` is in 8 bits: where torch can, for rows of a width the product
        takes (a multiple of 8 numbers, as the model's 384: it reads narrower rows wrongly)."""
        return self.matrix.shape[1] % 8 == 0 and _eight_bit_scan()

    def eight_bits(self) -> "Quantised":
        """The matrix in 8 bits (made once, if the snapshot was not given it)."""
        if self.quantised is None or len(self.quantised.scales) != len(self.matrix):
            self.quantised = Quantised.of(self.matrix)
        return self.quantised

    def scan_error(self, cosines: np.ndarray, vector: np.ndarray) -> np.ndarray | None:
        """For each row, a bound on how far ``scan``'s cosine (or the exact one, where it
        has been written into ``cosines`` since) may be from the exact cosine; None for the
        half-precision scan, whose error is not bounded here."""
        if not len(self) or not self.scans_eight_bit():
            return None
        return self.eight_bits().error(cosines, vector)

    def vectors(self, rows) -> np.ndarray:
        """These rows' vectors, in float32 for arithmetic (converted by torch: numpy's
        conversion from half precision took 1.4 ms for a query's 1,000 nearest, torch's
        0.1–0.4; both exact)."""
        import torch

        return torch.from_numpy(self.matrix[rows]).float().numpy()

    def exact(self, rows, vector: np.ndarray) -> np.ndarray:
        """These rows' cosines to a unit vector, in float32 arithmetic."""
        return self.vectors(rows) @ np.asarray(vector, dtype=np.float32)

    def nearest(self, cosines: np.ndarray, mask: np.ndarray, k: int,
                vector: np.ndarray) -> np.ndarray:
        """The rows of the ``k`` highest cosines among the allowed rows, best first, decided on
        exact cosines: every row the scan's error leaves in reach of the ``k`` best (after
        the half-precision scan: its best with a margin of a tenth, wider than its error) is
        computed again exactly and written back into ``cosines``."""
        error = self.scan_error(cosines, vector)
        candidates = (top(cosines, mask, k + k // 10 + 10) if error is None
                      else within_reach(cosines, error, mask, k))
        cosines[candidates] = self.exact(candidates, vector)
        order = np.lexsort((candidates, -cosines[candidates]))
        return candidates[order][:k]

    def postings(self) -> dict[str, dict[str, np.ndarray]]:
        """facet → value → the rows that have it."""
        if self._postings is None:
            built: dict[str, dict[str, list[int]]] = {}
            for row, facets in enumerate(self.facets):
                if isinstance(facets, str):
                    facets = json.loads(facets)
                for name, values in (facets or {}).items():
                    for value in values:
                        built.setdefault(name, {}).setdefault(str(value), []).append(row)
            self._postings = {name: {value: np.array(rows, dtype=np.int64)
                                     for value, rows in by_value.items()}
                              for name, by_value in built.items()}
        return self._postings

    def by_name(self) -> np.ndarray:
        """Which rows are of kinds found by their names (``registry.Kind.found_by_name``), as
        the database marks them (the lexical index leaves out the same rows)."""
        if self.found_by_name is None:
            self.found_by_name = np.zeros(len(self.published), dtype=bool)
        return self.found_by_name

    def named(self, stems: frozenset[str], allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The allowed rows of kinds found by name whose document holds every one of these word
        stems (``text.word_stems``, without stopwords) in its title, main text or metadata; and
        which of them the stems name exactly (their title's words, or one of their other
        names', stopwords aside: "pensions regulator" is The Pensions Regulator, "HMRC" is HM
        Revenue & Customs)."""
        if not stems or not self.by_name().any():
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
        names = self._names
        if names is None or self._names_missing:
            texts = Document.objects.filter(found_by_name=True)
            if names is not None:  # only what changed since the last snapshot
                texts = texts.filter(id__in=[int(self.ids[row]) for row in self._names_missing])
            read = {self.row_of[pk]: (word_stems(f"{title} {body} {meta}"),
                                      tuple(word_stems(name, stopwords=False)
                                            for name in [title, *others.splitlines()]))
                    for pk, title, body, meta, others in texts.values_list(
                        "id", "title", "body", "meta", "names").iterator(chunk_size=2000)
                    if pk in self.row_of}
            # A new dict, never one changed in place: other searches may be reading the old.
            names = self._names = {**(names or {}), **read}
            self._names_missing = frozenset()
        rows = sorted(row for row, (held, _title) in names.items()
                      if allowed[row] and stems <= held)
        return (np.array(rows, dtype=np.int64),
                np.array([stems in names[row][1] for row in rows], dtype=bool))

    def piece_weights(self, pieces: np.ndarray) -> np.ndarray:
        """How telling each of these word pieces is: ln((N + 1) / (n + 0.5)), at least 0, where
        n of the N published documents contain it (never counting unpublished work, so nobody's
        drafts move anyone's scores, nor documents of kinds found by name, so that the
        directory moves no case's score)."""
        if self._piece_counts is None:
            listed = self.published & ~self.by_name()
            chunks = [np.frombuffer(self.pieces[row], dtype="<u2")
                      for row in np.flatnonzero(listed).tolist() if self.pieces[row]]
            counts = (np.bincount(np.concatenate(chunks), minlength=1 << 16) if chunks
                      else np.zeros(1 << 16, dtype=np.int64))
            self._piece_counts = (counts, len(chunks))
        counts, documents = self._piece_counts
        found = counts[np.asarray(pieces, dtype=np.int64)]
        return np.maximum(np.log((documents + 1) / (found + 0.5)), 0.0).astype(np.float32)

    def facets_at(self, row: int) -> dict[str, list]:
        """A row's facets: {"country": ["GB"], …}."""
        facets = self.facets[row]
        if isinstance(facets, str):
            facets = self.facets[row] = json.loads(facets) or {}
        return facets or {}

    def facet_values(self, row: int) -> dict[str, tuple[str, ...]]:
        """A row's facet values as text, its kind among them: {"country": ("GB",), …,
        "kind": ("case",)} (remembered: every search counts its results' values)."""
        values = self._facet_values.get(row)
        if values is None:
            values = self._facet_values[row] = {
                **{name: tuple(str(value) for value in found)
                   for name, found in self.facets_at(row).items()},
                "kind": (str(self.kinds[row]),)}
        return values

    def countries(self, row: int) -> frozenset[str]:
        """The ISO codes of the places a row's "country" facet names."""
        return places.of_values(self.facets_at(row).get("country"))

    def rows_for(self, kind: str, object_ids) -> np.ndarray:
        mask = (self.kinds == kind) & np.isin(self.object_ids, np.fromiter(object_ids, np.int64))
        return np.flatnonzero(mask)

    def mask(self, *, kinds: list[str] | None = None, extra_rows: np.ndarray | None = None,
             facets: dict[str, list[str]] | None = None) -> np.ndarray:
        """Rows a search may return: published (or among ``extra_rows``), of these kinds, with
        at least one chosen value of every chosen facet."""
        allowed = self.published.copy()
        if extra_rows is not None and len(extra_rows):
            allowed[extra_rows] = True
        if kinds:
            allowed &= np.isin(self.kinds, kinds)
        for name, values in (facets or {}).items():
            if not values:
                continue
            by_value = self.postings().get(name, {})
            chosen = np.zeros(len(self), dtype=bool)
            for value in values:
                rows = by_value.get(str(value))
                if rows is not None:
                    chosen[rows] = True
            allowed &= chosen
        return allowed


# The 8-bit scan's error, besides each row's own rounding (``Quantised.error``): bfloat16
# keeps 8 significant bits, so its rounding of the product is within 2^-8 of it, relatively;
# the product's float32 sums of 384 terms are within 384 × 2^-24 of the sum of their sizes.
# Each is doubled, for safety.
BFLOAT16_ROUNDING = 2.0 ** -7
FLOAT32_SUMS = 2 * DIMENSIONS * 2.0 ** -24
QUANTISE_CHUNK = 8192  # rows made 8-bit at a time (a chunk's float32 copy: 12 MB)


@dataclass(frozen=True)
class Quantised:
    """The matrix in 8 bits, for the scan (torch's ``_weight_int8pack_mm``: the query in
    bfloat16 times each row's codes, times the row's scale). Row i stands for
    ``scales[i] · codes[i]``; ``residuals[i]`` is the length of what that misses of the
    half-precision row, and ``norms[i]`` the length of ``scales[i] · codes[i]``, both rounded
    up, so that the scan's error can be bounded for any query (``error``)."""

    codes: np.ndarray      # (n, DIMENSIONS) int8
    scales: np.ndarray     # (n,) float32, each a bfloat16 number
    residuals: np.ndarray  # (n,) float32
    norms: np.ndarray      # (n,) float32
    codes_tensor: object = None
    scales_tensor: object = None

    def __post_init__(self) -> None:
        import torch

        object.__setattr__(self, "codes_tensor", torch.from_numpy(self.codes))
        object.__setattr__(self, "scales_tensor",
                           torch.from_numpy(self.scales).to(torch.bfloat16))

    @classmethod
    def of(cls, matrix: np.ndarray) -> "Quantised":
        parts = [_quantise(matrix[start:start + QUANTISE_CHUNK])
                 for start in range(0, len(matrix), QUANTISE_CHUNK)] or [_quantise(matrix)]
        return cls(*(np.concatenate(arrays) for arrays in zip(*parts, strict=True)))

    def with_rows(self, matrix: np.ndarray, rows: list[int]) -> "Quantised":
        """For ``matrix``, which extends (or is) the matrix these were made from, with
        ``rows`` changed or added: these, and those rows made again."""
        count = len(matrix)
        arrays = []
        for old in (self.codes, self.scales, self.residuals, self.norms):
            new = np.zeros((count, *old.shape[1:]), dtype=old.dtype)
            new[: len(old)] = old
            arrays.append(new)
        if rows:
            for new, made in zip(arrays, _quantise(matrix[rows]), strict=True):
                new[rows] = made
        return Quantised(*arrays)

    def error(self, cosines: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """A bound on each row's |scanned − exact cosine| for this query: the row's rounding
        to 8 bits (its residual, times the query's length), the query's to bfloat16 (its
        length, times the row's), the float32 sums and the product's rounding to bfloat16
        (relative to the cosine; exact cosines written into ``cosines`` are within it too)."""
        import torch

        query = np.asarray(vector, dtype=np.float32)
        rounded = torch.from_numpy(query).to(torch.bfloat16).float().numpy()
        length = float(np.linalg.norm(query.astype(np.float64)))
        missed = float(np.linalg.norm(query.astype(np.float64) - rounded))
        rounded_length = float(np.linalg.norm(rounded.astype(np.float64)))
        return (self.residuals * length + self.norms * (missed + FLOAT32_SUMS * rounded_length)
                + BFLOAT16_ROUNDING * np.abs(cosines) + 1e-6)


def _quantise(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(codes, scales, residuals, norms) of these rows, as in ``Quantised``: each row scaled
    so that its largest number is 127 (the scale rounded to bfloat16, as the product takes
    it) and rounded to 8 bits."""
    import torch

    exact = np.asarray(rows, dtype=np.float32)
    scales = np.abs(exact).max(axis=1) / 127.0 if exact.size else np.zeros(len(exact))
    scales = torch.from_numpy(scales.astype(np.float32)).to(torch.bfloat16).float().numpy()
    scales[scales == 0] = 1.0
    codes = np.rint(exact / scales[:, None]).clip(-127, 127).astype(np.int8)
    stood_for = codes.astype(np.float64) * scales[:, None]
    residuals = np.linalg.norm(exact - stood_for, axis=1)
    norms = np.linalg.norm(stood_for, axis=1)
    return (codes, scales, np.nextafter(residuals.astype(np.float32), np.float32(np.inf)),
            np.nextafter(norms.astype(np.float32), np.float32(np.inf)))


_eight_bit: bool | None = None


def _eight_bit_scan() -> bool:
    """Whether torch has the 8-bit product the scan uses (a private operator of torch's,
    checked once per process against numpy on a small example; without it the scan is in
    half precision)."""
    global _eight_bit
    if _eight_bit is None:
        try:
            import torch

            codes = (np.arange(2 * DIMENSIONS) % 255 - 127).astype(np.int8).reshape(2, DIMENSIONS)
            query = np.linspace(-1, 1, DIMENSIONS, dtype=np.float32)
            scales = np.array([0.5, 0.25], dtype=np.float32)
            found = torch._weight_int8pack_mm(
                torch.from_numpy(query).to(torch.bfloat16)[None, :], torch.from_numpy(codes),
                torch.from_numpy(scales).to(torch.bfloat16))[0].float().numpy()
            expected = (codes.astype(np.float32) @ query) * scales
            _eight_bit = bool(np.allclose(found, expected, rtol=2e-2))
        except (AttributeError, RuntimeError, NotImplementedError):
            _eight_bit = False
    return _eight_bit


FIELDS = ("id", "object_id", "kind", "published", "facets", "embedding", "pieces", "updated_at",
          "found_by_name")
SPLIT_SCAN_ROWS = 20_000  # below this, a second thread costs more than it saves
_scan_thread = Threads(1, "scan")


PIECES_MEMORY_BYTES = 32 * 1024 * 1024  # the word-piece vectors a process keeps (~850 cases)


@contextmanager
def vector_cursor():
    """A cursor for reading vectors. On PostgreSQL its results come in binary: as text, every
    byte of a ``bytea`` travels as two hex digits to be decoded again, which made reading the
    50 candidates' piece vectors three times slower (11 ms instead of 4 at 100k) and the whole
    matrix 1.4 s instead of 0.5. Only for queries whose columns are plain numbers, text and
    bytes: Django's own loaders (JSON, dates) are for text results."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    # What connection.cursor() checks first.
    connection.validate_thread_sharing()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)  # binds on the server, so binary is allowed
    raw.format = psycopg.pq.Format.BINARY
    # Wrapped as Django wraps its own (query logging, execute wrappers, error translation).
    wrapped = (connection.make_debug_cursor(raw) if connection.queries_logged
               else connection.make_cursor(raw))
    with wrapped as cursor:
        yield cursor


def _read_piece_vectors(document_ids: list[int]) -> dict[int, bytes]:
    if not document_ids:
        return {}
    table = PieceVectors._meta.db_table
    placeholders = ", ".join(["%s"] * len(document_ids))
    with vector_cursor() as cursor:
        cursor.execute(f"SELECT document_id, tokens FROM {table} "  # noqa: S608 - a model name
                       f"WHERE document_id IN ({placeholders})", list(document_ids))
        return {document_id: bytes(data) for document_id, data in cursor.fetchall()}


_ahead_thread = Threads(1, "pieces-ahead")


def _read_ahead(document_ids: list[int]) -> dict[int, bytes]:
    """``_read_piece_vectors`` on this thread's own connection (kept open as a request's is,
    for CONN_MAX_AGE; a broken one is replaced). A failure only means the search reads them
    itself: nothing is returned."""
    try:
        connection.close_if_unusable_or_obsolete()
        return _read_piece_vectors(document_ids)
    except Exception:  # noqa: BLE001 - only a guess: the search reads what it needs itself
        logging.getLogger(__name__).warning("Could not read piece vectors ahead; the search "
                                            "reads them itself", exc_info=True)
        return {}


# seconds: reads ahead that take longer than this, together, are not waited for
AHEAD_PATIENCE = 1.0


@dataclass(frozen=True)
class ReadAhead:
    """A read of piece vectors started ahead (``VectorIndex.read_ahead``): of which documents,
    and its future (their packed piece vectors, by document id)."""

    ids: frozenset[int]
    future: Future


def _result(ahead: Future, deadline: float) -> dict[int, bytes]:
    """What a read ahead found; nothing if it has not finished by ``deadline`` (a
    ``time.monotonic()``; a hung connection must not hang the search: it reads them itself)."""
    try:
        return ahead.result(timeout=max(0.0, deadline - time.monotonic()))
    except TimeoutError:
        logging.getLogger(__name__).warning("Reading piece vectors ahead took more than %s s; "
                                            "the search reads them itself", AHEAD_PATIENCE)
        return {}


def close_read_ahead_connection() -> None:
    """Close the read-ahead thread's database connection (before a test database is dropped)."""
    # (``connection`` looked up on that thread: each thread has its own)
    _ahead_thread.submit(lambda: connection.close()).result()


class VectorIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot = Snapshot()
        # Recently read word-piece vectors (packed), for the index as it was at _pieces_token:
        # a question asked again rescores the same candidates without reading them again.
        self._pieces: OrderedDict[int, bytes] = OrderedDict()
        self._pieces_token = ""

    @staticmethod
    def reads_ahead(token: str) -> bool:
        """Whether ``read_ahead`` reads anything: on PostgreSQL (SQLite reads in the process,
        with nothing to overlap), for an index with a token."""
        return connection.vendor == "postgresql" and bool(token)

    def read_ahead(self, document_ids: list[int], token: str) -> ReadAhead | None:
        """Start reading the piece vectors of documents a search will probably score (those
        not in memory), on PostgreSQL on a connection of its own, while the search goes on
        with other work; hand the read to ``piece_vectors``. What is read ahead is
        remembered only if it is then asked for, so guesses do not push out what is."""
        if not self.reads_ahead(token):
            return None
        with self._lock:
            missing = [document_id for document_id in document_ids
                       if token != self._pieces_token or document_id not in self._pieces]
        if not missing:
            return None
        return ReadAhead(frozenset(missing), _ahead_thread.submit(_read_ahead, missing))

    def piece_vectors(self, document_ids: list[int], token: str, *,
                      ahead: Sequence[ReadAhead] = ()) -> dict[int, bytes]:
        """{document id: its packed word-piece vectors} for those that have them, read from
        the database unless this process read them since the index last changed (``token``:
        any write to the index empties the memory, so nothing changed or hidden since is used;
        without a token nothing is remembered), or they were read ahead (``ahead``: reads
        from ``read_ahead`` with the same token, waited for AHEAD_PATIENCE at most in all)."""
        if not token:
            return _read_piece_vectors(document_ids)
        with self._lock:
            if token != self._pieces_token:
                self._pieces.clear()
                self._pieces_token = token
            known = {}
            for document_id in document_ids:
                if document_id in self._pieces:
                    self._pieces.move_to_end(document_id)
                    known[document_id] = self._pieces[document_id]
        missing = [document_id for document_id in document_ids if document_id not in known]
        read: dict[int, bytes] = {}
        deadline = time.monotonic() + AHEAD_PATIENCE  # for all of them together
        for reading in ahead:
            needed = reading.ids.intersection(missing).difference(read)
            if not needed:
                reading.future.cancel()  # not needed after all (if it has not started)
                continue
            if reading.future.cancel():
                # Still queued behind another search's read (a threaded server): not waited
                # for, what it would have read is read here.
                continue
            read.update({document_id: data
                         for document_id, data in _result(reading.future, deadline).items()
                         if document_id in needed})
        if missing:
            # (a document read ahead without piece vectors is read again: it may have none)
            unread = [document_id for document_id in missing if document_id not in read]
            if unread:
                read.update(_read_piece_vectors(unread))
            known.update(read)
            with self._lock:
                if token == self._pieces_token:
                    self._pieces.update(read)
                    size = sum(len(data) for data in self._pieces.values())
                    while self._pieces and size > PIECES_MEMORY_BYTES:
                        size -= len(self._pieces.popitem(last=False)[1])
        return known

    def snapshot(self) -> Snapshot:
        """The documents as they are in the database now."""
        token = current_token()
        with self._lock:
            if token != self._snapshot.token or not token:
                self._snapshot = self._refresh(self._snapshot, token)
            return self._snapshot

    def _refresh(self, old: Snapshot, token: str) -> Snapshot:
        totals = Document.objects.aggregate(count=Count("id"), ids=Sum("id"),
                                            last=Max("updated_at"))
        if old.last_updated is not None and totals["count"] >= len(old):
            # A minute's margin: a transaction that committed late may carry an earlier time.
            since = old.last_updated - timedelta(minutes=1)
            changed = list(Document.objects.filter(updated_at__gte=since)
                           .values_list(*FIELDS))
            snapshot = self._apply(old, changed, token)
            if (len(snapshot) == totals["count"]
                    and int(snapshot.ids.sum()) == int(totals["ids"] or 0)):
                snapshot.last_updated = totals["last"]
                return snapshot
        snapshot = self._load_all(token)
        snapshot.last_updated = totals["last"]
        return snapshot

    @staticmethod
    def _load_all(token: str) -> Snapshot:
        """Every document, read with one plain query and turned into arrays at once (at 100k
        documents: half a second to a second, where row-by-row building took four to six)."""
        facets_sql = "facets::text" if connection.vendor == "postgresql" else "facets"
        with vector_cursor() as cursor:
            cursor.execute(
                f"SELECT id, object_id, kind, published, {facets_sql}, embedding, "  # noqa: S608
                "pieces, found_by_name FROM search_document ORDER BY id"
            )
            rows = cursor.fetchall()
        if not rows:
            return Snapshot(token=token)
        ids, object_ids, kinds, published, facets, embeddings, pieces, by_name = zip(
            *rows, strict=True)
        width = DIMENSIONS * 4
        blank = bytes(width)
        raw = b"".join(bytes(e) if e is not None and len(e) == width else blank
                       for e in embeddings)
        matrix = np.frombuffer(raw, dtype="<f4").reshape(len(rows), DIMENSIONS).astype(
            np.float16)
        id_array = np.fromiter(ids, dtype=np.int64, count=len(rows))
        return Snapshot(
            token=token, ids=id_array,
            object_ids=np.fromiter(object_ids, dtype=np.int64, count=len(rows)),
            kinds=np.array(kinds, dtype="<U20"),
            published=np.fromiter((bool(p) for p in published), dtype=bool, count=len(rows)),
            found_by_name=np.fromiter((bool(b) for b in by_name), dtype=bool, count=len(rows)),
            matrix=matrix, present=matrix.any(axis=1), facets=list(facets),
            pieces=[bytes(p) if p else None for p in pieces],
            row_of=dict(zip(ids, range(len(rows)), strict=True)),
            quantised=Quantised.of(matrix) if _eight_bit_scan() else None,
        )

    @staticmethod
    def _apply(old: Snapshot, rows: list[tuple], token: str) -> Snapshot:
        """A new snapshot: ``old`` with ``rows`` replaced or added (never changed in place:
        searches running in other threads keep the one they hold)."""
        updates = [row for row in rows if row[0] in old.row_of]
        additions = [row for row in rows if row[0] not in old.row_of]
        count = len(old) + len(additions)
        ids = np.concatenate([old.ids, np.array([r[0] for r in additions], dtype=np.int64)])
        object_ids = np.concatenate([old.object_ids,
                                     np.array([r[1] for r in additions], dtype=np.int64)])
        kinds = np.concatenate([old.kinds, np.array([r[2] for r in additions], dtype="<U20")])
        published = np.concatenate([old.published,
                                    np.array([r[3] for r in additions], dtype=bool)])
        by_name = np.concatenate([old.by_name(), np.array([r[8] for r in additions], dtype=bool)])
        matrix = np.zeros((count, DIMENSIONS), dtype=np.float16)
        matrix[: len(old)] = old.matrix
        facets = list(old.facets) + [r[4] for r in additions]
        pieces = list(old.pieces) + [None] * len(additions)
        row_of = dict(old.row_of)
        for offset, row in enumerate(additions):
            row_of[row[0]] = len(old) + offset
        for row in updates + additions:
            index = row_of[row[0]]
            kinds[index], published[index], facets[index] = row[2], row[3], row[4]
            by_name[index] = row[8]
            pieces[index] = bytes(row[6]) if row[6] else None
            vector = from_bytes(row[5])
            matrix[index] = vector if vector is not None else 0.0
        quantised = None
        if old.quantised is not None and len(old.quantised.scales) == len(old):
            # Only the rows that changed are made again in 8 bits.
            quantised = old.quantised.with_rows(
                matrix, sorted({row_of[row[0]] for row in updates + additions}))
        snapshot = Snapshot(token=token, last_updated=old.last_updated, ids=ids,
                            object_ids=object_ids, kinds=kinds, published=published,
                            found_by_name=by_name, matrix=matrix, present=matrix.any(axis=1),
                            facets=facets, pieces=pieces, row_of=row_of, quantised=quantised)
        if old._piece_counts is not None:
            # Counting every document's pieces again takes 0.2 s at 100k: correct the counts
            # by the rows that changed instead.
            counts, documents = old._piece_counts[0].copy(), old._piece_counts[1]
            old_by_name = old.by_name()
            for row in updates + additions:
                index = row_of[row[0]]
                if (index < len(old) and old.published[index] and not old_by_name[index]
                        and old.pieces[index]):
                    np.subtract.at(counts, np.frombuffer(old.pieces[index], dtype="<u2"), 1)
                    documents -= 1
                if published[index] and not by_name[index] and pieces[index]:
                    np.add.at(counts, np.frombuffer(pieces[index], dtype="<u2"), 1)
                    documents += 1
            snapshot._piece_counts = (counts, documents)
        if old._names is not None:  # the words of rows found by name, but those that changed
            changed = {row_of[row[0]] for row in updates + additions}
            snapshot._names = {row: words for row, words in old._names.items()
                               if row not in changed}
            snapshot._names_missing = frozenset(old._names_missing | {
                index for index in changed if by_name[index]})
        return snapshot

    def forget_pieces(self) -> None:
        """Empty the memory of word-piece vectors (as a process that has just started)."""
        with self._lock:
            self._pieces.clear()
            self._pieces_token = ""

    def forget(self) -> None:
        self.forget_pieces()
        with self._lock:
            self._snapshot = Snapshot()


index = VectorIndex()


def top(scores: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
    """The rows of the ``k`` highest scores among the allowed rows, best first."""
    allowed = np.flatnonzero(mask)
    if not len(allowed):
        return allowed
    candidates = scores[allowed]
    if len(allowed) > k:
        part = np.argpartition(-candidates, k - 1)[:k]
        allowed, candidates = allowed[part], candidates[part]
    order = np.lexsort((allowed, -candidates))
    return allowed[order]


def within_reach(cosines: np.ndarray, error: np.ndarray, mask: np.ndarray,
                 k: int) -> np.ndarray:
    """The allowed rows whose exact cosine may be among the ``k`` highest, when each exact
    cosine is within ``error`` of ``cosines``: those whose highest possible value reaches the
    k-th highest of the lowest possible values."""
    allowed = np.flatnonzero(mask)
    if len(allowed) <= k:
        return allowed
    approximate, margin = cosines[allowed], error[allowed]
    lowest = approximate - margin
    kth = np.partition(lowest, len(lowest) - k)[len(lowest) - k]
    return allowed[approximate + margin >= kth]
