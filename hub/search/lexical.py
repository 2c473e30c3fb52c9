"""The lexical leg, on whichever database the hub runs: SQLite FTS5 (BM25) or PostgreSQL full
text (``ts_rank_cd`` over the weighted ``search_vector``). Both take the same terms (see
``text.query_terms``), OR them, weigh the title most, and answer the same questions:

- ``ranked``: the best-matching documents with a score where higher is better;
- ``frequencies``: how many documents the person may see contain each term (for its idf);
- ``containing``: which of a few documents contain which terms (for the query's coverage).

A word found in more than ``SELECTIVE_DF`` documents does not select documents: an OR with
"public" would make the database rank most of a large index for nothing (measured at 100k
documents: 26,000 matches and 300 ms per query). It still counts in the query's coverage, and
the semantic leg finds what it means. Below that size of index every word selects.
"""

import hashlib
import json

from django.core.cache import cache
from django.db import connection

# Field weights: title, body, detail, meta (see models.Document).
FTS5_WEIGHTS = "2.0, 1.0, 0.5, 0.5"
# ts_rank_cd's weights are in the order D, C, B, A.
POSTGRESQL_WEIGHTS = "{0.25,0.5,1.0,1.0}"
SELECTIVE_DF = 5000
FREQUENCY_CACHE_SECONDS = 3600


def _filters(*, kinds: list[str] | None, extra_visible: list[int], alias: str,
             vendor: str) -> tuple[str, list]:
    """SQL that keeps documents the person may see, of the kinds asked for."""
    sql, params = [], []
    if vendor == "postgresql":
        sql.append(f"({alias}.published OR {alias}.id = ANY(%s))")
        params.append(extra_visible)
        if kinds:
            sql.append(f"{alias}.kind = ANY(%s)")
            params.append(kinds)
    else:
        sql.append(f"({alias}.published OR {alias}.id IN (SELECT value FROM json_each(%s)))")  # noqa: S608
        params.append(json.dumps(extra_visible))
        if kinds:
            sql.append(f"{alias}.kind IN (SELECT value FROM json_each(%s))")  # noqa: S608
            params.append(json.dumps(kinds))
    return " AND ".join(sql), params


def selective(terms: list[str], frequencies: dict[str, int]) -> list[str]:
    """The terms rare enough to select documents by."""
    return [term for term in terms if frequencies.get(term, 0) <= SELECTIVE_DF]


def ranked(terms: list[str], *, limit: int, kinds: list[str] | None = None,
           extra_visible: list[int] = ()) -> list[tuple[int, float]]:
    """``[(document id, score)]`` for the OR of ``terms``, best first, at most ``limit``."""
    if not terms:
        return []
    vendor = connection.vendor
    where, params = _filters(kinds=kinds, extra_visible=list(extra_visible), alias="d",
                             vendor=vendor)
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                f"""SELECT d.id, ts_rank_cd('{POSTGRESQL_WEIGHTS}', d.search_vector, q) AS lex
                    FROM search_document d, to_tsquery('english', %s) q
                    WHERE d.search_vector @@ q AND {where}
                    ORDER BY lex DESC, d.id LIMIT %s""",  # noqa: S608 - constants; values are parameters
                [" | ".join(terms), *params, limit],
            )
        else:
            cursor.execute(
                f"""SELECT d.id, -bm25(search_document_fts, {FTS5_WEIGHTS}) AS lex
                    FROM search_document_fts JOIN search_document d
                         ON d.id = search_document_fts.rowid
                    WHERE search_document_fts MATCH %s AND {where}
                    ORDER BY bm25(search_document_fts, {FTS5_WEIGHTS}), d.id LIMIT %s""",  # noqa: S608
                [" OR ".join(f'"{term}"' for term in terms), *params, limit],
            )
        return [(row[0], float(row[1])) for row in cursor.fetchall()]


def _count(cursor, vendor: str, term: str, where: str, params: list) -> int:
    if vendor == "postgresql":
        cursor.execute(
            f"""SELECT count(*) FROM search_document d
                WHERE d.search_vector @@ to_tsquery('english', %s) AND {where}""",  # noqa: S608
            [term, *params],
        )
    else:
        cursor.execute(
            f"""SELECT count(*) FROM search_document_fts JOIN search_document d
                     ON d.id = search_document_fts.rowid
                WHERE search_document_fts MATCH %s AND {where}""",  # noqa: S608
            [f'"{term}"', *params],
        )
    return int(cursor.fetchone()[0])


def frequencies(terms: list[str], *, token: str, kinds: list[str] | None = None,
                extra_visible: list[int] = ()) -> dict[str, int]:
    """``{term: how many documents this person may see contain it}``. Counts over published
    documents are cached until the index changes (``token``); the person's own unpublished
    documents are counted on top, and never cached."""
    vendor = connection.vendor
    kinds_key = ",".join(sorted(kinds or []))
    keys = {term: "search:df:" + hashlib.sha256(
        f"{vendor}:{token}:{kinds_key}:{term}".encode()).hexdigest() for term in terms}
    found = cache.get_many(list(keys.values()))
    counts = {term: found[key] for term, key in keys.items() if key in found}
    missing = [term for term in terms if term not in counts]
    with connection.cursor() as cursor:
        if missing:
            where, params = _filters(kinds=kinds, extra_visible=[], alias="d", vendor=vendor)
            fresh = {term: _count(cursor, vendor, term, where, params) for term in missing}
            cache.set_many({keys[term]: count for term, count in fresh.items()},
                           FREQUENCY_CACHE_SECONDS)
            counts.update(fresh)
        if extra_visible:
            extra = list(extra_visible)
            if vendor == "postgresql":
                where, params = "d.id = ANY(%s) AND NOT d.published", [extra]
            else:
                where = "d.id IN (SELECT value FROM json_each(%s)) AND NOT d.published"
                params = [json.dumps(extra)]
            if kinds:
                where += (" AND d.kind = ANY(%s)" if vendor == "postgresql"
                          else " AND d.kind IN (SELECT value FROM json_each(%s))")
                params.append(kinds if vendor == "postgresql" else json.dumps(kinds))
            for term in terms:
                counts[term] += _count(cursor, vendor, term, where, params)
    return counts


def containing(terms: list[str], among: list[int]) -> dict[str, set[int]]:
    """``{term: which of the documents ``among`` contain it}`` (a few documents only)."""
    if not terms or not among:
        return {term: set() for term in terms}
    out: dict[str, set[int]] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tests = ", ".join("d.search_vector @@ to_tsquery('english', %s)" for _ in terms)
            cursor.execute(
                f"SELECT d.id, {tests} FROM search_document d WHERE d.id = ANY(%s)",  # noqa: S608
                [*terms, list(among)],
            )
            rows = cursor.fetchall()
            for index, term in enumerate(terms):
                out[term] = {row[0] for row in rows if row[index + 1]}
        else:
            for term in terms:
                cursor.execute(
                    """SELECT rowid FROM search_document_fts
                       WHERE search_document_fts MATCH %s
                             AND rowid IN (SELECT value FROM json_each(%s))""",
                    [f'"{term}"', json.dumps(list(among))],
                )
                out[term] = {row[0] for row in cursor.fetchall()}
    return out


def document_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_document")
        return int(cursor.fetchone()[0])
