"""Search latency at 1k, 10k and 100k documents: the API, and beside it each part it rests on.

Run with `make bench` (or `DEBUG=true .venv/bin/python bench/search_latency.py [1k 10k 100k]`;
sizes also from BENCH_SIZES="1k,10k"; default all three; BENCH_DIRECTORY=1 indexes the
directory's 1,417 UK public bodies too, beside those sizes). It builds its own database (SQLite
by default, in a temp file; set BENCH_DATABASE_URL for PostgreSQL — an existing, scratch
database: bench entries left there are deleted first), imports the 149 real cases (embedded
with the real model, so real queries have real hits), then for each size adds synthetic
published entries (`manage.py generate_bench_data`: text from the real cases' words, random
unit vectors) until the index holds that many documents, and times, for the 29 dev queries'
texts (data/queries-dev.jsonl), BENCH_ROUNDS rounds each (default 3):

- `GET /api/v1/search?q=…&limit=10` in-process through Django's test client (whole stack:
  middleware, ranking, facets, snippets, serialisation), anonymous, the hub's hybrid ranking:
  "warm" with the query's embedding already in `embedding._query_cache` (and its candidates'
  word-piece vectors in the process's memory), "cold" with both cleared before each request
  (its words' document counts stay cached, as for a new question in words asked before since
  the index last changed; uncounted words cost what the row "lexical.frequencies" shows);
  and the lexical-only and semantic-only methods, warm;
- the bare lexical database query (`lexical.ranked(terms, limit=50)`), the coverage look-ups
  (`lexical.frequencies`, uncached, and `lexical.containing` over the 3 best hits), the
  semantic leg alone (mask + the half-precision scan + the query's region of 1,000 made exact,
  over the in-memory snapshot) and the query embedding (the model, one thread, cache cleared);
- a breakdown of where a warm and a cold API request spend their time (the functions above
  wrapped with timers during one more round of each);
- once per size: loading the whole vector snapshot from the database (what every process pays
  after a write to the index), and how many documents the OR of a query's terms matches.

A round of every query after each size is built is a warm-up and not counted. Prints markdown
tables; not a test, nothing is asserted.
"""

import io
import math
import os
import platform
import statistics
import sys
import time
from collections import defaultdict

from _django import (  # sets up Django before anything of it is imported
    ROOT,
    fresh_database_with_real_cases,
    start,
)

_db_file = start("search-latency")

import json  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
DEFAULT_SIZES = "1k,10k,100k"


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "").replace(",", "")
    return int(float(text[:-1]) * 1000) if text.endswith("k") else int(text)


def sizes() -> list[int]:
    given = [arg for arg in sys.argv[1:] if not arg.startswith("-")]
    if not given:
        given = os.environ.get("BENCH_SIZES", DEFAULT_SIZES).split(",")
    return sorted({parse_size(size) for size in given if size.strip()})


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share / 100 * len(ordered)) - 1)]


def summary(values: list[float]) -> tuple[float, float, float, float]:
    return (percentile(values, 50), percentile(values, 95), percentile(values, 99),
            statistics.mean(values))


def timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, result


def load_average() -> str:
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "?"


def matches(terms: list[str]) -> int:
    """How many documents the OR of these terms matches (what the lexical leg must rank)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM search_document "
                           "WHERE search_vector @@ to_tsquery('english', %s)",
                           [" | ".join(terms)])
        else:
            cursor.execute("SELECT count(*) FROM search_document_fts "
                           "WHERE search_document_fts MATCH %s",
                           [" OR ".join(f'"{term}"' for term in terms)])
        return int(cursor.fetchone()[0])


PARTS = (
    "snapshot check (token query)",
    "semantic leg (its own thread, beside the DB legs: embedding, scan, the nearest 1,000)",
    "lexical.ranked (DB)",
    "lexical.frequencies (DB; cached until the index changes)",
    "lexical.containing (DB, the 3 best hits)",
    "semantic: the nearest 1,000 (and 200), made exact",
    "neighbours: each candidate's closest documents (near)",
    "late interaction: the 50 best candidates' piece vectors (memory or DB)",
    "late interaction: MaxSim (incl. the piece vectors)",
    "fetch the shown hits' documents and texts (DB)",
    "the shown hits' texts, if not read with them (DB)",
    "facet counts",
    "snippets",
    "record unanswered (DB write)",
    "_rank (both legs + fusion, incl. the scan)",
    "selectors.search",
)


class Breakdown:
    """Wraps the functions a search calls with timers; ``totals`` is ms per part."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self._undo: list = []

    def wrap(self, owner, name: str, label: str, *, instance: bool = False) -> None:
        original = getattr(owner, name)
        totals = self.totals

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                totals[label] += (time.perf_counter() - started) * 1000

        setattr(owner, name, wrapper)
        if instance:
            self._undo.append(lambda: delattr(owner, name))
        else:
            self._undo.append(lambda: setattr(owner, name, original))

    def __enter__(self):
        from hub.api import search as api
        from hub.search import lexical, selectors
        from hub.search.vectors import Snapshot, index

        for owner, name, label in zip(
                (index, selectors, lexical, lexical, lexical, Snapshot, selectors, index,
                 selectors, selectors, selectors, selectors, selectors, api, selectors,
                 selectors),
                ("snapshot", "_semantic", "ranked", "frequencies", "containing", "nearest", "_near",
                 "piece_vectors", "maxsim", "_hits", "with_text",
                 "facet_counts", "snippet", "count_if_unanswered", "_rank", "search"),
                PARTS, strict=True):
            self.wrap(owner, name, label, instance=owner is index)
        return self

    def __exit__(self, *exc):
        for undo in reversed(self._undo):
            undo()


def public_sizes(token: str) -> None:
    """The published documents' count and average length, remembered as a search remembers
    them (PostgreSQL; FTS5 keeps its own)."""
    from hub.search import lexical

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            lexical._public_sizes_postgresql(cursor, token)


def measure(size: int, client: Client, queries: list[str], generated_s: float) -> dict:
    from hub.search import embedding, lexical
    from hub.search.models import Document
    from hub.search.selectors import NEIGHBOURHOOD, POOL
    from hub.search.text import query_terms
    from hub.search.vectors import index

    out: dict = {"size": size, "documents": Document.objects.count(), "generated_s": generated_s,
                 "load_before": load_average()}
    # Whole-snapshot load, as a fresh process (or one after deletions) pays it.
    loads = []
    for _ in range(2):
        index.forget()
        loads.append(timed(index.snapshot)[0])
    out["snapshot_load_ms"] = min(loads)
    out["snapshot_check_ms"] = summary([timed(index.snapshot)[0] for _ in range(50)])
    out["matches"] = [matches(query_terms(query)) for query in queries]

    # Warm-up, not counted: each query once, so that "warm" means what a question asked again
    # finds (its embedding, its words' counts until the index changes: 18-40 ms on
    # PostgreSQL at 100k when not, the row "lexical.frequencies" below).
    for query in queries:
        client.get("/api/v1/search", {"q": query, "limit": 10})
    rows: dict[str, list[float]] = {}

    def api(label: str, *, method: str = "hybrid", cold: bool = False) -> None:
        timings = []
        for _ in range(ROUNDS):
            for query in queries:
                if cold:  # a question never asked: nor are its candidates' pieces in memory
                    embedding._query_cache.clear()
                    index.forget_pieces()
                else:
                    embedding.embed_query(query)
                started = time.perf_counter()
                response = client.get("/api/v1/search", {"q": query, "limit": 10,
                                                          "method": method})
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{query!r}: HTTP {response.status_code}")
                reset_queries()
        rows[label] = timings

    api("API hybrid, warm (embedding cached)")
    api("API hybrid, cold (embedding cache cleared)", cold=True)
    api("API lexical only, warm", method="lexical")
    api("API semantic only, warm", method="semantic")

    from django.core.cache import cache

    ranked, counts, containing, semantic, embed = [], [], [], [], []
    snapshot = index.snapshot()
    for _ in range(ROUNDS):
        for query in queries:
            terms = query_terms(query)
            cache.clear()  # the frequencies cold, as after any change to the index
            elapsed, frequencies = timed(lexical.frequencies, terms, token=snapshot.token,
                                          documents=len(snapshot))
            counts.append(elapsed)
            # …but the index's size and average length remembered, as in a request: they are
            # counted once per change to the index (on PostgreSQL a count of every published
            # document, which until session 10 this row paid on every query).
            public_sizes(snapshot.token)
            elapsed, found = timed(lexical.ranked, lexical.selective(terms, frequencies),
                                   limit=POOL, extra_visible=[], published=frequencies,
                                   token=snapshot.token)
            ranked.append(elapsed)
            best_three = [document_id for document_id, _ in found[:3]]
            if best_three:
                containing.append(timed(lexical.containing, terms, best_three)[0])
            vector = embedding.embed_query(query)
            started = time.perf_counter()
            mask = snapshot.mask()
            cosines = snapshot.scan(vector)
            snapshot.nearest(cosines, mask, NEIGHBOURHOOD, vector)  # the nearest 200 are its first
            semantic.append((time.perf_counter() - started) * 1000)
            embedding._query_cache.clear()
            embed.append(timed(embedding.embed_query, query)[0])
    rows["lexical.ranked: the bare DB query (top 50)"] = ranked
    rows["lexical.frequencies: each term's document count, uncached"] = counts
    rows["lexical.containing: which terms the 3 best hits have"] = containing
    rows["semantic leg alone: mask + scan + the nearest 1,000 made exact"] = semantic
    rows["query embedding (model, cache cleared)"] = embed
    out["rows"] = {label: summary(values) for label, values in rows.items()}
    out["n"] = {label: len(values) for label, values in rows.items()}

    for query in queries:  # warm, as in the first row: the words' counts cached again
        client.get("/api/v1/search", {"q": query, "limit": 10})
    for temperature in ("warm", "cold"):
        total = 0.0
        with Breakdown() as breakdown:
            for query in queries:
                if temperature == "cold":
                    embedding._query_cache.clear()
                    index.forget_pieces()
                else:
                    embedding.embed_query(query)  # not counted
                started = time.perf_counter()
                client.get("/api/v1/search", {"q": query, "limit": 10})
                total += (time.perf_counter() - started) * 1000
                reset_queries()
        out[f"breakdown_{temperature}"] = {label: value / len(queries)
                                           for label, value in breakdown.totals.items()}
        out[f"breakdown_total_{temperature}"] = total / len(queries)
    out["load_after"] = load_average()
    return out


def report(results: list[dict]) -> None:
    vendor = connection.vendor
    version = connection.pg_version if vendor == "postgresql" else None
    print(f"\n## Search latency on {vendor}"
          f"{f' {version // 10000}.{version % 10000}' if version else ''}, "
          f"Python {platform.python_version()}, {os.cpu_count()} cores; "
          f"{ROUNDS} rounds of the 29 dev queries per row; in-process (Django test client), "
          "anonymous, DEBUG on\n")
    print("| documents | bench docs added in | snapshot full load | snapshot check / request "
          "(p50) | OR-query matches: median / max | load avg before → after |")
    print("|---:|---:|---:|---:|---:|---|")
    for r in results:
        print(f"| {r['documents']:,} | {r['generated_s']:.0f} s | "
              f"{r['snapshot_load_ms']:.0f} ms | {r['snapshot_check_ms'][0]:.2f} ms | "
              f"{statistics.median(r['matches']):,.0f} / {max(r['matches']):,} | "
              f"{r['load_before']} → {r['load_after']} |")
    labels = list(results[0]["rows"])
    print("\np50 / p95 / p99 in ms (nearest rank; n per cell in the last column)\n")
    print("| measurement | " + " | ".join(f"{r['documents']:,} docs" for r in results) + " | n |")
    print("|---|" + "---:|" * len(results) + "---:|")
    for label in labels:
        cells = []
        for r in results:
            p50, p95, p99, _ = r["rows"][label]
            cells.append(f"{p50:.1f} / {p95:.1f} / {p99:.1f}")
        print(f"| {label} | " + " | ".join(cells) + f" | {results[0]['n'][label]} |")
    print("\nWhere a hybrid API request spends its time, warm and cold as above (mean ms per "
          "request, one round each; nested: `selectors.search` contains `_rank`, which "
          "contains the DB legs and late interaction; the semantic leg runs in another thread "
          "at the same time, so the parts add up to more than `_rank`)\n")
    columns = [(r, temperature) for r in results for temperature in ("warm", "cold")]
    print("| part | " + " | ".join(f"{r['documents']:,} docs, {temperature}"
                                   for r, temperature in columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for label in PARTS:
        print(f"| {label} | " + " | ".join(
            f"{r[f'breakdown_{temperature}'].get(label, 0.0):.1f}"
            for r, temperature in columns) + " |")
    print("| whole request (test client) | " + " | ".join(
        f"{r[f'breakdown_total_{temperature}']:.1f}" for r, temperature in columns) + " |")
    print()


def main() -> None:
    wanted = sizes()
    imported = fresh_database_with_real_cases(_db_file)
    print(f"Imported the 149 real cases in {imported:.0f} s "
          f"(on {connection.vendor}); sizes {', '.join(f'{size:,}' for size in wanted)}",
          flush=True)

    from hub.search import embedding
    from hub.search.models import Document

    if os.environ.get("BENCH_DIRECTORY", "").lower() in ("1", "true", "yes"):
        # The directory's UK public bodies too, as on a real hub: found by name, beside the
        # sizes below (which count what is found by meaning).
        call_command("load_public_bodies", stdout=io.StringIO(), stderr=io.StringIO())
        print(f"With the directory: {Document.objects.filter(found_by_name=True).count():,} "
              "organisations indexed", flush=True)
    else:
        # Left by an earlier run with the directory: not part of this one.
        from hub.search.vectors import bump

        with transaction.atomic():
            if Document.objects.filter(found_by_name=True).only("pk").delete()[0]:
                bump()

    embedding.model()
    embedding.embed(["warm up"])
    queries = [json.loads(line)["query"] for line in
               (ROOT / "data" / "queries-dev.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()]
    client = Client()
    results = []
    for size in wanted:
        missing = size - Document.objects.filter(found_by_name=False).count()
        started = time.monotonic()
        if missing > 0:
            print(f"Adding {missing:,} bench documents …", flush=True)
            call_command("generate_bench_data", cases=missing, stdout=io.StringIO())
        if connection.vendor == "postgresql":
            # What autovacuum would have done by the time anyone searches: statistics, dead
            # rows cleared and the GIN index's pending list merged.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE search_document")
                cursor.execute("VACUUM ANALYZE search_piecevectors")
            # The gigabytes just written are flushed now, not during the first rows measured
            # (which were slower than later ones; it needs a superuser).
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("CHECKPOINT")
            except DatabaseError as error:
                print(f"(no CHECKPOINT: {error})", flush=True)
        generated = time.monotonic() - started
        print(f"Measuring at {Document.objects.count():,} documents "
              f"(load average {load_average()}) …", flush=True)
        results.append(measure(size, client, queries, generated))
    report(results)


if __name__ == "__main__":
    main()
