"""Synthetic library entries and their search documents, for benchmarks only
(``bench/search_latency.py``): ``manage.py generate_bench_data --cases 100000``.

Each entry is published, its ``source_id`` and slug start with ``bench-`` and its title with
"[bench]", so ``--clear`` (or anyone) can tell them from real entries. The text is made by a
word-bigram chain trained on the real cases (``data/cases.jsonl``: titles, summaries,
outcomes), with lengths drawn from the real ones, so the lexical index sees text-like term
statistics. The vocabulary is only the real cases' (a few thousand words), so a query's words
match more documents than in a real 100k library: a pessimistic case for the lexical leg.

The model is not run: latency does not depend on meaning, so each document gets a random unit
vector. Entries and documents are written with ``bulk_create`` (no signals, no history rows,
no background indexing); the SQLite FTS5 triggers and PostgreSQL's generated ``tsvector``
column fill the lexical index as rows go in. ``vectors.bump()`` at the end makes every process
reload its vectors.
"""

import json
import random
import time
from collections import Counter
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from hub.library.countries import country_code
from hub.library.models import Entry, Status
from hub.library.search import entry_document
from hub.library.taxonomy import ChallengeArea, EntryKind, EvidenceLevel, OriginSector
from hub.search.embedding import DIMENSIONS, Encoded, pack_pieces, pack_tokens, text_hash, to_bytes
from hub.search.models import Document, PieceVectors
from hub.search.vectors import bump

PREFIX = "bench-"
TITLE_PREFIX = "[bench] "
KIND = "case"
CHUNK = 2000
FIELDS = ("title", "summary", "outcome")


class Chain:
    """A word-bigram chain over one field of the real cases."""

    def __init__(self, texts: list[str]) -> None:
        self.starts: list[str] = []
        self.next: dict[str, list[str]] = {}
        self.lengths: list[int] = []
        for text in texts:
            words = text.split()
            if not words:
                continue
            self.lengths.append(len(words))
            self.starts.append(words[0])
            for current, following in zip(words, words[1:], strict=False):
                self.next.setdefault(current, []).append(following)
                if current.endswith("."):
                    self.starts.append(following)

    def text(self, rng: random.Random) -> str:
        length = rng.choice(self.lengths)
        words = [rng.choice(self.starts)]
        while len(words) < length:
            following = self.next.get(words[-1])
            words.append(rng.choice(following) if following else rng.choice(self.starts))
        return " ".join(words)


def _random_pieces(rng: np.random.Generator, count: int = 256) -> list[tuple[bytes, bytes]]:
    """Word-piece data for bench documents, as ``pack_tokens`` and ``pack_pieces`` store it:
    ``count`` random sets (40 to 150 pieces of random unit vectors, as long as real cases' texts
    are), shared out at random. Searching reads each document's own row whatever it holds, so
    the cost is that of real ones, and random vectors make no closeness to any query."""
    made = []
    for _ in range(count):
        length = int(rng.integers(40, 151))
        tokens = rng.standard_normal((length, DIMENSIONS), dtype=np.float32)
        tokens /= np.linalg.norm(tokens, axis=1, keepdims=True)
        encoded = Encoded(vector=tokens[0], tokens=tokens,
                          pieces=rng.integers(1000, 30000, size=length).astype(np.uint16))
        made.append((pack_tokens(encoded), pack_pieces(encoded)))
    return made


def _cases(path: Path) -> list[dict]:
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error.strerror})") from None


class Command(BaseCommand):
    help = ("Create N synthetic published library entries (source_id 'bench-…') and their "
            "search documents with random embeddings, for benchmarks. Never on a real hub.")

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=0,
                            help="How many entries to add (to any already there)")
        parser.add_argument("--clear", action="store_true",
                            help="Delete every bench entry and document first")
        parser.add_argument("--seed", type=int, default=20261129,
                            help="Random seed (text, facets and vectors)")
        parser.add_argument("--source", default=str(Path(settings.BASE_DIR) / "data"
                                                    / "cases.jsonl"),
                            help="Real cases whose words and lengths the text imitates")

    def handle(self, *args, cases: int, clear: bool, seed: int, source: str, **options):
        if cases < 0:
            raise CommandError("--cases must be 0 or more")
        if clear:
            self._clear()
        if cases:
            self._generate(cases, seed, Path(source))
        elif not clear:
            self.stdout.write("Nothing to do: give --cases N (and/or --clear).")

    # --- Deleting ------------------------------------------------------------------------

    def _clear(self) -> None:
        """Plain SQL deletes: a queryset ``delete()`` would send a signal per entry (history
        rows, re-indexing tasks). Bench entries have no comments, files, links or history."""
        started = time.monotonic()
        pattern = PREFIX + "%"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {PieceVectors._meta.db_table} "  # noqa: S608
                           f"WHERE document_id IN (SELECT id FROM {Document._meta.db_table} "
                           "WHERE kind = %s AND source_id LIKE %s)", [KIND, pattern])
            cursor.execute(f"DELETE FROM {Document._meta.db_table} "  # noqa: S608 - model names
                           "WHERE kind = %s AND source_id LIKE %s", [KIND, pattern])
            documents = cursor.rowcount
            for m2m in (Entry.organisations, Entry.tags, Entry.contacts):
                through = m2m.through._meta
                cursor.execute(
                    f"DELETE FROM {through.db_table} WHERE entry_id IN "  # noqa: S608
                    f"(SELECT id FROM {Entry._meta.db_table} WHERE source_id LIKE %s)",
                    [pattern])
            cursor.execute(f"DELETE FROM {Entry._meta.db_table} "  # noqa: S608
                           "WHERE source_id LIKE %s", [pattern])
            entries = cursor.rowcount
            bump()
        self.stdout.write(f"Deleted {entries} bench entries and {documents} documents in "
                          f"{time.monotonic() - started:.1f} s")

    # --- Creating ------------------------------------------------------------------------

    def _generate(self, count: int, seed: int, source: Path) -> None:
        real = _cases(source)
        chains = {name: Chain([case.get(name) or "" for case in real]) for name in FIELDS}
        organisations = [name.strip() for case in real
                         for name in (case.get("organisation") or "").split(";") if name.strip()]
        country_codes = [code for code in (country_code(case.get("country") or "")
                                           for case in real) if code] or ["GB"]
        areas = Counter(ChallengeArea.from_text(case.get("challenge_area") or "")
                        or ChallengeArea.OTHER for case in real)
        area_values, area_weights = [a.value for a in areas], list(areas.values())
        years = [case["year"] for case in real] or [None]
        kinds, kind_weights = list(EntryKind.values), [8, 1, 1]
        sectors = [OriginSector.from_text(case.get("sector") or "") for case in real]
        sector_values = [sector.value if sector else "" for sector in sectors]

        rng = random.Random(seed)  # noqa: S311 - synthetic text, not secrets
        vectors_rng = np.random.default_rng(seed)
        pieces_pool = _random_pieces(vectors_rng)
        start = self._next_number()
        now = timezone.now()
        started = time.monotonic()
        self.stdout.write(f"Creating {count} bench entries and documents on {connection.vendor} "
                          f"(from {PREFIX}{start:07d})")
        done = 0
        while done < count:
            size = min(CHUNK, count - done)
            entries = []
            for offset in range(size):
                number = start + done + offset
                code = rng.choice(country_codes)
                entries.append(Entry(
                    kind=rng.choices(kinds, kind_weights)[0],
                    title=(TITLE_PREFIX + chains["title"].text(rng))[:300],
                    slug=f"{PREFIX}{number:07d}",
                    summary=chains["summary"].text(rng),
                    results=chains["outcome"].text(rng),
                    organisation_names=[rng.choice(organisations)] if organisations else [],
                    countries=[code],
                    start_year=rng.choice(years),
                    challenge_area=rng.choices(area_values, area_weights)[0],
                    origin_sector=rng.choice(sector_values),
                    evidence_level=rng.choice([None, *EvidenceLevel.values]),
                    source_id=f"{PREFIX}{number:07d}",
                    status=Status.PUBLISHED,
                    published_at=now,
                ))
            vectors = vectors_rng.standard_normal((size, DIMENSIONS), dtype=np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            pieces = [pieces_pool[i] for i in vectors_rng.integers(len(pieces_pool), size=size)]
            with transaction.atomic():
                entries = Entry.objects.bulk_create(entries, batch_size=500)
                documents = []
                for entry, vector, (_tokens, distinct) in zip(entries, vectors, pieces,
                                                             strict=True):
                    data = entry_document(entry)
                    documents.append(Document(
                        kind=KIND, object_id=data.object_id,
                        source_id=(data.source_id or "")[:100], title=data.title[:300],
                        body=data.body, detail=data.detail, meta=data.meta, url=data.url,
                        published=data.published, facets=data.facets,
                        caption=data.caption[:300],
                        # The hash of the text a real indexing would embed: a later
                        # search_reindex keeps these vectors instead of running the model.
                        text_hash=text_hash(data.embedding_text()),
                        embedding=to_bytes(vector), pieces=distinct,
                    ))
                documents = Document.objects.bulk_create(documents, batch_size=500)
                PieceVectors.objects.bulk_create(
                    [PieceVectors(document=document, tokens=tokens)
                     for document, (tokens, _) in zip(documents, pieces, strict=True)],
                    batch_size=500)
            done += size
            elapsed = time.monotonic() - started
            self.stdout.write(f"  {done}/{count} ({done / max(elapsed, 1e-6):.0f}/s)")
        with transaction.atomic():
            bump()
        self.stdout.write(f"Created {count} bench entries and documents in "
                          f"{time.monotonic() - started:.1f} s")

    @staticmethod
    def _next_number() -> int:
        last = (Entry.objects.filter(source_id__startswith=PREFIX)
                .order_by("-source_id").values_list("source_id", flat=True).first())
        return int(last.removeprefix(PREFIX)) + 1 if last else 1
