"""The lexical leg, on whichever database the hub runs: SQLite FTS5 (BM25) or PostgreSQL full
text (``ts_rank_cd`` over the weighted ``search_vector``). Both take the same terms (see
``text.query_terms``), OR them, weigh the title most, and answer the same questions:

- ``ranked``: the best-matching documents with a score where higher is better;
- ``term_counts``: for each term, how many documents contain it (for its idf) and which of a
  few given documents do (for the query's coverage).
"""

import json

from django.db import connection

# Field weights: title, body, detail, meta (see models.Document).
FTS5_WEIGHTS = "2.0, 1.0, 0.5, 0.5"
# ts_rank_cd's weights are in the order D, C, B, A.
POSTGRESQL_WEIGHTS = "{0.25,0.5,1.0,1.0}"
# On PostgreSQL every matching row is ranked; an OR of common words can match most of a large
# index, so ranking is capped at this many matches, taken in physical order (see bench/README).
POSTGRESQL_RANK_CAP = 20000


def _filters(*, kinds: list[str] | None, allowed_ids: list[int] | None,
             extra_visible: list[int], alias: str, vendor: str) -> tuple[str, list]:
    """SQL that keeps documents the person may see, of the kinds asked for."""
    sql, params = [], []
    if vendor == "postgresql":
        sql.append(f"({alias}.published OR {alias}.id = ANY(%s))")
        params.append(extra_visible)
        if kinds:
            sql.append(f"{alias}.kind = ANY(%s)")
            params.append(kinds)
        if allowed_ids is not None:
            sql.append(f"{alias}.id = ANY(%s)")
            params.append(allowed_ids)
    else:
        sql.append(f"({alias}.published OR {alias}.id IN (SELECT value FROM json_each(%s)))")  # noqa: S608
        params.append(json.dumps(extra_visible))
        if kinds:
            sql.append(f"{alias}.kind IN (SELECT value FROM json_each(%s))")  # noqa: S608
            params.append(json.dumps(kinds))
        if allowed_ids is not None:
            sql.append(f"{alias}.id IN (SELECT value FROM json_each(%s))")  # noqa: S608
            params.append(json.dumps(allowed_ids))
    return " AND ".join(sql), params


def ranked(terms: list[str], *, limit: int, kinds: list[str] | None = None,
           extra_visible: list[int] = (), allowed_ids: list[int] | None = None,
           ) -> list[tuple[int, float]]:
    """``[(document id, score)]``, best first, at most ``limit``."""
    if not terms:
        return []
    vendor = connection.vendor
    where, params = _filters(kinds=kinds, allowed_ids=allowed_ids,
                             extra_visible=list(extra_visible), alias="d", vendor=vendor)
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                f"""SELECT m.id, ts_rank_cd('{POSTGRESQL_WEIGHTS}', m.search_vector, q) AS lex
                    FROM (SELECT d.id, d.search_vector FROM search_document d
                          WHERE d.search_vector @@ to_tsquery('english', %s) AND {where}
                          LIMIT {POSTGRESQL_RANK_CAP}) m,
                         to_tsquery('english', %s) q
                    ORDER BY lex DESC, m.id LIMIT %s""",  # noqa: S608 - constants; values are parameters
                [" | ".join(terms), *params, " | ".join(terms), limit],
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


def term_counts(terms: list[str], among: list[int], *, kinds: list[str] | None = None,
                extra_visible: list[int] = ()) -> dict[str, tuple[int, set[int]]]:
    """``{term: (documents containing it, which of ``among`` contain it)}``, counting only
    documents the person may see: what others keep unpublished must not change anything a
    person is shown, not even a score."""
    counts: dict[str, tuple[int, set[int]]] = {}
    vendor = connection.vendor
    where, params = _filters(kinds=kinds, allowed_ids=None, extra_visible=list(extra_visible),
                             alias="d", vendor=vendor)
    with connection.cursor() as cursor:
        for term in terms:
            if vendor == "postgresql":
                cursor.execute(
                    f"""SELECT count(*),
                               coalesce(array_agg(d.id) FILTER (WHERE d.id = ANY(%s)), '{{}}')
                        FROM search_document d
                        WHERE d.search_vector @@ to_tsquery('english', %s) AND {where}""",  # noqa: S608
                    [among, term, *params],
                )
                total, found = cursor.fetchone()
            else:
                cursor.execute(
                    f"""SELECT count(*), json_group_array(d.id) FILTER (
                               WHERE d.id IN (SELECT value FROM json_each(%s)))
                        FROM search_document_fts JOIN search_document d
                             ON d.id = search_document_fts.rowid
                        WHERE search_document_fts MATCH %s AND {where}""",  # noqa: S608
                    [json.dumps(among), f'"{term}"', *params],
                )
                total, found = cursor.fetchone()
                found = json.loads(found) if found else []
            counts[term] = (int(total), set(found or []))
    return counts


def document_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_document")
        return int(cursor.fetchone()[0])
