"""Search relevance: nDCG@10, recall@10 and MRR of the hub's search on the labelled queries.

Run with `make bench` (or `DEBUG=true .venv/bin/python bench/search_relevance.py [--perquery]`).
It builds its own database (SQLite by default; set BENCH_DATABASE_URL for PostgreSQL — a
scratch database: synthetic "bench-" entries left there are deleted first), imports
the 149 real cases (data/cases.jsonl, embedded with the real model: about a minute), then
sends every labelled query through the API — `GET /api/v1/search?q=…&limit=10&method=…` via
Django's test client, anonymous — for the lexical leg alone, the semantic leg alone and the
hub's hybrid ranking. Results are mapped to case ids by `source_id`.

Metrics (as in docs/research/search-lab/REPORT.md §2): nDCG@10 with linear gains (the label
grades, 2 or 1), log2 discount and the ideal ranking from the labels; recall@10 of the cases
graded >= 1; MRR of the first case graded >= 1 within the 10 results (0 when none).

The dev queries are then run again with the directory's UK public bodies loaded and indexed
(``load_public_bodies``, as ``make run`` does): the organisations are found by name, and the
table shows that the cases' ranking does not move.

Query sets: data/queries-dev.jsonl (the product team's), and, when present,
docs/research/search-lab/queries-self-labelled.jsonl (written and labelled by us after reading
the cases: a sanity check, not evidence). `--perquery` adds each query's hybrid nDCG.

Prints tables; not a test, nothing is asserted.
"""

import json
import math
import sys
from pathlib import Path

from _django import (  # sets up Django before anything of it is imported
    ROOT,
    fresh_database_with_real_cases,
    start,
)

_db_file = start("search-relevance")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

METHODS = ("lexical", "semantic", "hybrid")
K = 10
DEV = ROOT / "data" / "queries-dev.jsonl"
SELF_LABELLED = ROOT / "docs" / "research" / "search-lab" / "queries-self-labelled.jsonl"


def ndcg(ranked: list[str], labels: dict[str, int], k: int = K) -> float:
    dcg = sum(labels.get(case, 0) / math.log2(rank + 2) for rank, case in enumerate(ranked[:k]))
    ideal = sorted(labels.values(), reverse=True)[:k]
    best = sum(grade / math.log2(rank + 2) for rank, grade in enumerate(ideal))
    return dcg / best if best else 0.0


def recall(ranked: list[str], labels: dict[str, int], k: int = K) -> float:
    relevant = {case for case, grade in labels.items() if grade >= 1}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: list[str], labels: dict[str, int], k: int = K) -> float:
    for rank, case in enumerate(ranked[:k]):
        if labels.get(case, 0) >= 1:
            return 1 / (rank + 1)
    return 0.0


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def run(client: Client, queries: list[dict]) -> dict[str, list[dict]]:
    """method → one row per query: its metrics and what came back."""
    rows: dict[str, list[dict]] = {}
    for method in METHODS:
        rows[method] = []
        for query in queries:
            response = client.get("/api/v1/search", {"q": query["query"], "limit": K,
                                                      "method": method})
            if response.status_code != 200:
                raise SystemExit(f"{method} {query['query']!r}: HTTP {response.status_code} "
                                 f"{response.content[:300]!r}")
            ranked = [result["source_id"] for result in response.json()["results"]]
            labels = {case: int(grade) for case, grade in query["relevant"].items()}
            rows[method].append({"query": query["query"], "type": query.get("type", "?"),
                                 "ranked": ranked,
                                 "ndcg": ndcg(ranked, labels),
                                 "recall": recall(ranked, labels),
                                 "mrr": reciprocal_rank(ranked, labels)})
    return rows


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def table(title: str, queries: list[dict], rows: dict[str, list[dict]]) -> None:
    types = sorted({query.get("type", "?") for query in queries},
                   key=lambda name: (name != "keyword", name != "paraphrase", name))
    counts = {name: sum(1 for q in queries if q.get("type", "?") == name) for name in types}
    print(f"\n### {title}: {len(queries)} queries "
          f"({', '.join(f'{name} {counts[name]}' for name in types)})\n")
    head = ["method", "nDCG@10", "recall@10", "MRR"] + [f"{name} nDCG (n={counts[name]})"
                                                        for name in types]
    print("| " + " | ".join(head) + " |")
    print("|---|" + "---:|" * (len(head) - 1))
    for method in METHODS:
        method_rows = rows[method]
        cells = [method if method != "hybrid" else "**hybrid (the hub's ranking)**",
                 f"{mean([r['ndcg'] for r in method_rows]):.3f}",
                 f"{mean([r['recall'] for r in method_rows]):.3f}",
                 f"{mean([r['mrr'] for r in method_rows]):.3f}"]
        cells += [f"{mean([r['ndcg'] for r in method_rows if r['type'] == name]):.3f}"
                  for name in types]
        print("| " + " | ".join(cells) + " |")
    print("\nPer type, recall@10 / MRR (hybrid): " + "; ".join(
        f"{name} {mean([r['recall'] for r in rows['hybrid'] if r['type'] == name]):.2f} / "
        f"{mean([r['mrr'] for r in rows['hybrid'] if r['type'] == name]):.2f}"
        for name in types))


def per_query(title: str, queries: list[dict], rows: dict[str, list[dict]]) -> None:
    print(f"\n#### {title}: per query (nDCG@10; hybrid first)\n")
    print("| query | type | hybrid | lexical | semantic | hybrid recall@10 | relevant missed |")
    print("|---|---|---:|---:|---:|---:|---|")
    by_method = {method: {r["query"]: r for r in rows[method]} for method in METHODS}
    ordered = sorted(rows["hybrid"], key=lambda r: r["ndcg"])
    for row in ordered:
        query = next(q for q in queries if q["query"] == row["query"])
        missed = sorted(case for case, grade in query["relevant"].items()
                        if grade >= 1 and case not in row["ranked"])
        print(f"| {row['query']} | {row['type']} | {row['ndcg']:.2f} | "
              f"{by_method['lexical'][row['query']]['ndcg']:.2f} | "
              f"{by_method['semantic'][row['query']]['ndcg']:.2f} | {row['recall']:.2f} | "
              f"{', '.join(missed) or '–'} |")


def with_directory(client: Client, queries: list[dict], alone: dict[str, list[dict]]) -> None:
    """The dev queries again with the directory's UK public bodies in the index (as
    ``make run`` loads them): organisations are found by name, so none should come into the
    first ten of a question about what has been tried, and no case should move."""
    import io
    import time

    from django.core.management import call_command

    from hub.search.models import Document

    started = time.monotonic()
    call_command("load_public_bodies", stdout=io.StringIO(), stderr=io.StringIO())
    organisations = Document.objects.filter(kind="organisation").count()
    rows = run(client, queries)
    table(f"Dev queries with the directory loaded ({organisations} organisations indexed in "
          f"{time.monotonic() - started:.0f} s)", queries, rows)
    shown = sum(1 for query in queries for result in client.get(
        "/api/v1/search", {"q": query["query"], "limit": K}).json()["results"]
        if result["kind"] == "organisation")
    moved = sum(1 for method in METHODS for before, after in zip(alone[method], rows[method],
                                                                   strict=True)
                if [case for case in before["ranked"] if case]
                != [case for case in after["ranked"] if case])
    print(f"\nOrganisations in the first {K} of the dev queries: {shown}; "
          f"rankings of cases that changed (of {len(queries) * len(METHODS)}): {moved}")


def main() -> None:
    show_per_query = "--perquery" in sys.argv[1:]
    # A database that search_latency.py used holds synthetic entries: they are cleared.
    imported = fresh_database_with_real_cases(_db_file)

    from hub.search.models import Document

    documents = Document.objects.filter(kind="case", published=True,
                                        embedding__isnull=False).count()
    print(f"\nSearch relevance on {connection.vendor}: {documents} case documents with "
          f"embeddings (import and embedding took {imported:.0f} s); every query through "
          f"GET /api/v1/search?limit={K}&method=…, anonymous")
    client = Client()
    dev = load(DEV)
    dev_rows = run(client, dev)
    table("Dev queries (data/queries-dev.jsonl)", dev, dev_rows)
    sets = [("Dev", dev, dev_rows)]
    if SELF_LABELLED.exists():
        own = load(SELF_LABELLED)
        own_rows = run(client, own)
        table("Self-labelled (written by us; a sanity check, not evidence)", own, own_rows)
        sets.append(("Self-labelled (written by us; a sanity check, not evidence)", own,
                     own_rows))
    with_directory(client, dev, dev_rows)
    print("\nTargets: nDCG@10 >= 0.85, recall@10 >= 0.90, paraphrase nDCG@10 >= 0.70 "
          "(MRR is within the first 10 results).")
    if show_per_query:
        for title, queries, rows in sets:
            per_query(title, queries, rows)
    print()


if __name__ == "__main__":
    main()
