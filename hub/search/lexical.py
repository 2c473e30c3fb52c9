"""The lexical leg, on whichever database the hub runs: SQLite FTS5 (BM25) or PostgreSQL full
text (over the weighted ``search_vector``, scored with the same BM25 as FTS5's). Both take the
same terms (see ``text.query_terms``), OR them, weigh the title most, and answer the same
questions:

- ``ranked``: the best-matching documents with a score where higher is better;
- ``frequencies``: how many documents the person may see contain each term (for its idf);
- ``containing``: which of a few documents contain which terms (for the query's coverage).

Common words do not select documents: an OR with "public" would make the database rank most
of a large index for nothing (measured at 100k documents: 26,000 matches and 300 ms per
query). The rarest words select, as long as together they match at most ``SELECTIVE_DF``
documents; the others still count in the query's coverage, and the semantic leg finds what
they mean. Below that size of index every word selects.
"""

import hashlib
import json
import math
import threading
from collections import OrderedDict

from django.core.cache import cache
from django.db import connection

# Field weights: title, body, detail, meta (see models.Document).
FTS5_WEIGHTS = "2.0, 1.0, 0.5, 0.5"
# ts_rank's weights are in the order D, C, B, A.
POSTGRESQL_WEIGHTS = "{0.25,0.5,1.0,1.0}"
SELECTIVE_DF = 3000
SQLITE_OVERFETCH = 4
PG_CANDIDATES = 2   # PostgreSQL: ts_rank picks 2 × limit candidates for BM25 to order
# ts_rank's normalisation 16: divided by 1 + the log of the document's number of distinct
# lexemes, as BM25 discounts long documents (what it would choose without: see
# _ranked_postgresql).
PG_NORMALISATION = 16
SCORED_HERE = 1000  # up to this many unpublished documents a person may see are scored in Python
FREQUENCY_CACHE_SECONDS = 3600


# What the published statistics count on PostgreSQL, as SQLite's published-only table holds:
# published documents of the kinds found by what they are about, not by their names.
_LISTED = "published AND NOT found_by_name"


def _filters(*, kinds: list[str] | None, extra_visible: list[int], alias: str,
             vendor: str) -> tuple[str, list]:
    """SQL that keeps documents the person may see, of the kinds asked for, among those
    found by what they are about (kinds found by name have a way of their own: ``named``)."""
    sql, params = [], []
    if vendor == "postgresql":
        sql.append(f"({alias}.published OR {alias}.id = ANY(%s)) AND NOT {alias}.found_by_name")
        params.append(extra_visible)
        if kinds:
            sql.append(f"{alias}.kind = ANY(%s)")
            params.append(kinds)
    else:
        sql.append(f"({alias}.published OR {alias}.id IN (SELECT value FROM json_each(%s))) "  # noqa: S608
                   f"AND NOT {alias}.found_by_name")
        params.append(json.dumps(extra_visible))
        if kinds:
            sql.append(f"{alias}.kind IN (SELECT value FROM json_each(%s))")  # noqa: S608
            params.append(json.dumps(kinds))
    return " AND ".join(sql), params


def selective(terms: list[str], frequencies: dict[str, int]) -> list[str]:
    """The terms that select documents: the rarest first, as long as the documents they
    match together stay within SELECTIVE_DF (which bounds what the database must rank)."""
    chosen, matched = [], 0
    for term in sorted(terms, key=lambda term: frequencies.get(term, 0)):
        matched += frequencies.get(term, 0)
        if matched > SELECTIVE_DF:
            break
        chosen.append(term)
    return [term for term in terms if term in chosen]


def ranked(terms: list[str], *, limit: int, kinds: list[str] | None = None,
           extra_visible: list[int] = (), published: dict[str, int] | None = None,
           token: str = "") -> list[tuple[int, float]]:
    """``[(document id, score)]`` for the OR of ``terms``, best first. On PostgreSQL at most
    ``limit``, all visible; on SQLite up to four times as many, visible or not: the caller
    keeps the visible ones (``selectors._rank`` filters every hit through its mask).
    ``published``: how many published documents contain each term, when the caller knows
    (``frequencies`` without ``extra_visible``); ``token``: the index's version (statistics
    are remembered until it changes)."""
    if not terms:
        return []
    vendor = connection.vendor
    where, params = _filters(kinds=kinds, extra_visible=list(extra_visible), alias="d",
                             vendor=vendor)
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            return _ranked_postgresql(cursor, terms, limit, where, params, published, token)
        return _ranked_sqlite(cursor, terms, limit * SQLITE_OVERFETCH, list(extra_visible))


def _ranked_postgresql(cursor, terms: list[str], limit: int, where: str, params: list,
                       published: dict[str, int] | None,
                       token: str) -> list[tuple[int, float]]:
    """The same BM25 as FTS5's, with the same field weights, over PostgreSQL's stemmed
    lexemes: ``ts_rank`` (through the GIN index) picks PG_CANDIDATES × ``limit``
    candidates, which are then scored with the statistics of the published documents (every
    match, on an index of the real cases' size). The candidates need to hold BM25's own best:
    measured at 100k documents on the dev queries, ``ts_rank`` divided by the log of the
    document's length (PG_NORMALISATION) picks 93% of BM25's top 50 in 10 ms (p50), where
    ``ts_rank_cd``, as before, picked 34% in 13–15 ms: without a length discount, ties and long
    documents crowd out what BM25 puts first. Each lexeme's positions carry the weight
    of the field they are in (A title … D meta), so its count per field is read off them; a
    document's length is its number of distinct lexemes (FTS5 counts every word)."""
    lexemes = _lexemes(cursor, terms)
    wanted = sorted({lexeme for found in lexemes.values() for lexeme in found})
    # The candidates' ids first (sorting the vectors themselves costs as much again); only
    # the candidates' vectors are read again and unnested.
    cursor.execute(
        f"""SELECT v.id, length(v.search_vector),
                   array(SELECT u.lexeme || ' ' || array_to_string(u.weights, '')
                         FROM unnest(v.search_vector) u WHERE u.lexeme = ANY(%s))
            FROM (SELECT d.id FROM search_document d, to_tsquery('english', %s) q
                  WHERE d.search_vector @@ q AND {where}
                  ORDER BY ts_rank('{POSTGRESQL_WEIGHTS}', d.search_vector, q,
                                   {PG_NORMALISATION}) DESC, d.id
                  LIMIT %s) AS c
            JOIN search_document v ON v.id = c.id""",  # noqa: S608 - constants; values are parameters
        [wanted, " | ".join(terms), *params, limit * PG_CANDIDATES])
    candidates = cursor.fetchall()
    if not candidates:
        return []
    rows, average = _public_sizes_postgresql(cursor, token)
    matched = {term: (published or {}).get(term) for term in terms}
    matched = {term: count if count is not None else _published_count(cursor, "postgresql", term)
               for term, count in matched.items()}
    scores: dict[int, float] = {}
    for document_id, length, found in candidates:
        counts = dict(item.split(" ", 1) for item in found)
        score = 0.0
        for term in terms:
            letters = "".join(counts.get(lexeme, "") for lexeme in lexemes[term])
            if not letters:
                continue
            frequency = sum(_PG_WEIGHTS[letter] for letter in letters)
            score += _bm25(frequency, idf=_idf(rows, matched[term]),
                           length=length or average, average=average)
        scores[document_id] = score
    return sorted(scores.items(), key=lambda hit: (-hit[1], hit[0]))[:limit]


# The weights of FTS5_WEIGHTS by the letter PostgreSQL gives each field's positions.
_PG_WEIGHTS = dict(zip("ABCD", (float(weight) for weight in FTS5_WEIGHTS.split(",")),
                       strict=True))


# term → its lexemes: the english configuration stems a word the same way every time, so
# each process asks PostgreSQL once per word (a round trip less for most searches).
_stemmed: OrderedDict[str, list[str]] = OrderedDict()
_stemmed_lock = threading.Lock()
STEMS_REMEMBERED = 10_000


def _lexemes(cursor, terms: list[str]) -> dict[str, list[str]]:
    """Each term as PostgreSQL's english configuration stems it ("appointments" → "appoint")."""
    known = {term: _stemmed[term] for term in terms if term in _stemmed}
    missing = [term for term in terms if term not in known]
    if missing:
        cursor.execute(
            """SELECT t, array(SELECT lexeme FROM unnest(to_tsvector('english', t)))
               FROM unnest(%s::text[]) AS t""", [missing])
        found = {term: list(lexemes) for term, lexemes in cursor.fetchall()}
        known.update(found)
        with _stemmed_lock:
            _stemmed.update(found)
            while len(_stemmed) > STEMS_REMEMBERED:
                _stemmed.popitem(last=False)
    return {term: known.get(term, []) for term in terms}


def _public_sizes_postgresql(cursor, token: str) -> tuple[int, float]:
    """How many documents are published, and their average length (in distinct lexemes, as
    ``length(tsvector)`` counts them without reading the positions): exact on a small index;
    on a large one the average is taken from a sample of about 2,000. Remembered until the
    index changes (``token``; a minute without one)."""
    key = "search:pg-sizes:" + hashlib.sha256(token.encode()).hexdigest()
    known = cache.get(key)
    if known is not None:
        return known
    cursor.execute(f"SELECT count(*) FROM search_document WHERE {_LISTED}")  # noqa: S608
    rows = int(cursor.fetchone()[0])
    # SYSTEM sampling reads only the sampled pages (BERNOULLI would read them all); the same
    # pages every time (REPEATABLE), so that every process scores alike: with a new sample
    # per process, the same query's lexical scores differed in the fourth decimal from one
    # web process to the next.
    sample = ("" if rows <= 5000
              else f"TABLESAMPLE SYSTEM ({min(100.0, 2e5 / rows):.4f}) REPEATABLE (0)")
    cursor.execute(
        f"""SELECT avg(length(d.search_vector))
            FROM search_document d {sample} WHERE {_LISTED}""")  # noqa: S608 - a number
    average = float(cursor.fetchone()[0] or 0.0) or 1.0
    cache.set(key, (rows, average), FREQUENCY_CACHE_SECONDS if token else 60)
    return rows, average


def _ranked_sqlite(cursor, terms: list[str], limit: int,
                   extra_visible: list[int]) -> list[tuple[int, float]]:
    """FTS5 ranks its own matches without reading the documents' rows (half the time at 100k);
    who may see what is applied by the caller, from the in-memory snapshot, so more are
    fetched than asked for. Published documents are ranked from the published-only table, so
    that BM25's corpus statistics carry nothing from anyone's unpublished work and a published
    document scores the same for everyone. The unpublished documents this person may see (their
    own drafts) are scored with the same published statistics (``_bm25_among``) and merged in:
    nobody's score, not even that of one's own draft, moves with what others keep
    unpublished. Only someone who may see more than SCORED_HERE of them, all there are (a
    curator), has them ranked from the table of everything, whose statistics are then those
    of what they see."""
    match = " OR ".join(f'"{term}"' for term in terms)
    cursor.execute(
        f"""SELECT rowid, -bm25(search_public_fts, {FTS5_WEIGHTS}) AS lex
            FROM search_public_fts WHERE search_public_fts MATCH %s
            ORDER BY bm25(search_public_fts, {FTS5_WEIGHTS}), rowid LIMIT %s""",  # noqa: S608
        [match, limit])
    hits = {row[0]: float(row[1]) for row in cursor.fetchall()}
    if extra_visible:
        if len(extra_visible) > SCORED_HERE and len(extra_visible) >= _unpublished(cursor):
            # Someone who may see every one of many unpublished documents (a curator): the
            # table of everything is the corpus they see, and ranks them faster.
            cursor.execute(
                f"""SELECT rowid, -bm25(search_document_fts, {FTS5_WEIGHTS}) AS lex
                    FROM search_document_fts WHERE search_document_fts MATCH %s
                         AND rowid IN (SELECT value FROM json_each(%s))
                    ORDER BY bm25(search_document_fts, {FTS5_WEIGHTS}), rowid
                    LIMIT %s""",  # noqa: S608
                [match, json.dumps(extra_visible), limit])
            unpublished = {row[0]: float(row[1]) for row in cursor.fetchall()}
        else:
            unpublished = _bm25_among(cursor, terms, extra_visible)
        for document_id, score in unpublished.items():
            hits.setdefault(document_id, score)
    return sorted(hits.items(), key=lambda hit: (-hit[1], hit[0]))[:limit]


def _unpublished(cursor) -> int:
    cursor.execute("SELECT count(*) FROM search_document WHERE NOT published")
    return int(cursor.fetchone()[0])


_WEIGHTS = tuple(float(weight) for weight in FTS5_WEIGHTS.split(","))
_K1, _B = 1.2, 0.75  # FTS5's bm25()


def _varints(blob: bytes) -> list[int]:
    """SQLite's variable-length integers, as FTS5 stores its sizes: seven bits a byte while
    the top bit is set, and all eight bits of a ninth byte."""
    values, index = [], 0
    while index < len(blob):
        value = 0
        for position in range(9):
            byte = blob[index]
            index += 1
            if position == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        values.append(value)
    return values


def _public_sizes(cursor) -> tuple[int, float]:
    """The published-only table's number of rows and average row length in tokens, from
    FTS5's own record of them (its "averages" row)."""
    cursor.execute("SELECT block FROM search_public_fts_data WHERE id = 1")
    row = cursor.fetchone()
    if row is None or not row[0]:
        return 0, 0.0
    rows, *tokens = _varints(bytes(row[0]))
    return rows, (sum(tokens) / rows if rows else 0.0)


def _bm25_among(cursor, terms: list[str], ids: list[int]) -> dict[int, float]:
    """FTS5's bm25 for the few unpublished documents a person may see (their own drafts),
    computed here with the statistics of the published documents: what other people keep
    unpublished changes nothing, not even the score of one's own draft. Term counts per
    column come from FTS5 itself (its tokenizer and stemmer decide what matches), by marking
    each term's matches with ``highlight()``; the row's length from its docsize record."""
    rows, average = _public_sizes(cursor)
    if not ids:
        return {}
    documents = json.dumps(list(ids))
    cursor.execute(
        """SELECT id, sz FROM search_document_fts_docsize
           WHERE id IN (SELECT value FROM json_each(%s))""", [documents])
    length = {row[0]: sum(_varints(bytes(row[1]))) for row in cursor.fetchall()}
    average = average or (sum(length.values()) / len(length) if length else 1.0) or 1.0
    scores: dict[int, float] = {}
    for term in terms:
        idf = _idf(rows, _published_count(cursor, "sqlite", term))
        marks = ", ".join(f"highlight(search_document_fts, {column}, char(1), '')"
                          for column in range(len(_WEIGHTS)))
        cursor.execute(
            f"""SELECT rowid, {marks} FROM search_document_fts
                WHERE search_document_fts MATCH %s
                      AND rowid IN (SELECT value FROM json_each(%s))""",  # noqa: S608
            [f'"{term}"', documents])
        for document_id, *columns in cursor.fetchall():
            frequency = sum(weight * (text or "").count("\x01")
                            for weight, text in zip(_WEIGHTS, columns, strict=True))
            scores[document_id] = scores.get(document_id, 0.0) + _bm25(
                frequency, idf=idf, length=length.get(document_id, average), average=average)
    return scores


def _idf(rows: int, matched: int) -> float:
    """FTS5's idf: never zero or below (a word in most documents still counts a little)."""
    idf = math.log((0.5 + rows - matched) / (0.5 + matched)) if rows else 0.0
    return idf if idf > 0 else 1e-6


def _bm25(frequency: float, *, idf: float, length: float, average: float) -> float:
    """One term's part of FTS5's bm25(): ``frequency`` is its field-weighted count in the
    document, ``length`` the document's length in words."""
    if not frequency:
        return 0.0
    size = _K1 * (1 - _B + _B * length / average)
    return idf * frequency * (_K1 + 1) / (frequency + size)


def _statistics(cursor, documents: int) -> tuple[bool, float]:
    """Whether PostgreSQL's statistics describe the index as it is (gathered at about its
    present size), and by how much to scale their estimates to its present size. After a
    large import or deletion, until ANALYZE runs again (autovacuum, or ``search_reindex``),
    they describe another index, and could make a rare word look common."""
    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'search_document'::regclass")
    estimated = float(cursor.fetchone()[0])
    if estimated <= 0:
        return False, 0.0
    return 0.8 * documents <= estimated <= 1.25 * documents, documents / estimated


def _estimate(cursor, sql: str, term: str) -> int:
    """The planner's estimate: a common word is in its statistics (the column's most common
    elements, kept by ANALYZE)."""
    cursor.execute("EXPLAIN (FORMAT JSON) SELECT 1 " + sql, [term])  # noqa: S608
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def _published_count(cursor, vendor: str, term: str, *, fresh: bool = False,
                     scale: float = 1.0, hidden: int = 0) -> int:
    """How many published documents contain the term. On PostgreSQL, with ``fresh``
    statistics, a common word's count is the planner's estimate (counting it exactly would
    read most of the table: 150 ms at 100k), unless the ``hidden`` (unpublished) documents
    could be what makes it look common: the statistics cover them too, and thousands of
    drafts sharing a word must not make it common for people who cannot see them. Otherwise
    it is counted through the GIN index up to just past SELECTIVE_DF (every rare word
    exactly), and past that the estimate is scaled to the index's present size."""
    if vendor == "postgresql":
        sql = f"FROM search_document WHERE search_vector @@ to_tsquery('english', %s) AND {_LISTED}"
        if fresh:
            estimate = _estimate(cursor, sql, term)
            if estimate > SELECTIVE_DF + hidden:
                return estimate
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 {sql} LIMIT %s) AS matches",  # noqa: S608
                       [term, SELECTIVE_DF + 1])
        counted = int(cursor.fetchone()[0])
        if counted <= SELECTIVE_DF:
            return counted
        return max(counted, round(_estimate(cursor, sql, term) * scale))
    # The published-only FTS5 table counts its own matches, without reading the documents.
    cursor.execute("SELECT count(*) FROM search_public_fts WHERE search_public_fts MATCH %s",
                   [f'"{term}"'])
    return int(cursor.fetchone()[0])


def _count_among(cursor, vendor: str, term: str, ids: list[int]) -> int:
    """How many of these (few) unpublished documents contain the term."""
    if vendor == "postgresql":
        cursor.execute("""SELECT count(*) FROM search_document
                          WHERE id = ANY(%s) AND NOT published
                                AND search_vector @@ to_tsquery('english', %s)""",
                       [ids, term])
    else:
        cursor.execute("""SELECT count(*) FROM search_document_fts
                          WHERE search_document_fts MATCH %s AND rowid IN (
                              SELECT id FROM search_document
                              WHERE published = 0 AND id IN (SELECT value FROM json_each(%s)))""",
                       [f'"{term}"', json.dumps(ids)])
    return int(cursor.fetchone()[0])


def frequencies(terms: list[str], *, token: str, documents: int,
                extra_visible: list[int] = ()) -> dict[str, int]:
    """``{term: how many documents this person may see contain it}``, of every kind (idf is a
    property of the whole index, which holds ``documents``). Counts over published documents
    are cached until the index changes (``token``); the person's own unpublished documents are
    counted on top, and never cached."""
    vendor = connection.vendor
    keys = {term: "search:df:" + hashlib.sha256(f"{vendor}:{token}:{term}".encode()).hexdigest()
            for term in terms}
    found = cache.get_many(list(keys.values()))
    counts = {term: found[key] for term, key in keys.items() if key in found}
    missing = [term for term in terms if term not in counts]
    with connection.cursor() as cursor:
        if missing:
            fresh, scale, hidden = True, 1.0, 0
            if vendor == "postgresql":
                fresh, scale = (_statistics(cursor, documents) if documents > SELECTIVE_DF
                                else (False, 1.0))  # a small index: counting costs little
                hidden = _unpublished(cursor) if fresh else 0
            counted = {term: _published_count(cursor, vendor, term, fresh=fresh,
                                              scale=scale or 1.0, hidden=hidden)
                       for term in missing}
            # Estimates from stale statistics are remembered only until ANALYZE may have run.
            seconds = FREQUENCY_CACHE_SECONDS if fresh else 60
            cache.set_many({keys[term]: count for term, count in counted.items()}, seconds)
            counts.update(counted)
        if extra_visible:
            for term in terms:
                counts[term] += _count_among(cursor, vendor, term, list(extra_visible))
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
