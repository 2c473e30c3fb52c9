"""Searching: the hub's ranking, and "similar" look-ups.

The ranking ("coverage-gated, semantic-first, with neighbours"; why:
docs/decisions/0006-search-ranking.md):

    lex(d)   = the lexical score of d for the OR of the query's terms (top POOL)
    cos(d)   = cosine between the query's and d's embeddings (top SEMANTIC_POOL)
    near(d)  = the largest cos(n) among d's NEIGHBOURS closest documents n (closest to d, found
               among the NEIGHBOURHOOD documents nearest the query that the person may see)
    coverage = the largest idf-weighted share of the query's terms found in one of the
               three best lexical hits
    place(d) = 1 if the query names a place (country, region, "Nordic"…) and d is from there
    boost    = BETA_ALL_WORDS if one of them has every term (coverage 1, a name: "BITUP"),
               BETA if coverage >= THETA (most of the query's words found together), else 0
    score(d) = cos(d) + NEIGHBOUR_WEIGHT * near(d) + PLACE_BOOST * place(d)
               + boost * lex(d) / max lex

When the query's own words occur together in the best lexical hits, lexical evidence adds at
most BETA (BETA_ALL_WORDS when all of them do); otherwise (a paraphrase: none of the case's
words) the ranking is semantic alone, so a document that shares one common word with the query
cannot push its way in. ``near`` lifts a document whose own words the model misreads when the
documents most like it are close to the query (the cluster hypothesis: similar documents
answer the same questions). ``place`` reads what the model cannot: to it "Asian cities" is a
topic, not Singapore and Seoul.

Everything here filters by what the person may see *before* ranking: unpublished documents
they may not open never reach results, counts, facets, snippets or similar panels.
"""

import math
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from django.db.models import Count, Q, QuerySet

from hub.search import lexical, places, registry
from hub.search.embedding import Encoded, embed, encode_query_soon, unpack_codes
from hub.search.models import Document, UnansweredQuery
from hub.search.text import normalise_query, query_terms, snippet, word_stems
from hub.search.threads import Threads
from hub.search.vectors import ReadAhead, Snapshot, index

POOL = 50           # candidates from the lexical leg; at most 2 × POOL results
SEMANTIC_POOL = 200  # candidates from the semantic leg
NEIGHBOURS = 20      # near(d) looks at d's twenty closest documents…
NEIGHBOURHOOD = 1000  # …among the thousand nearest the query
NEIGHBOUR_WEIGHT = 0.5
PLACE_BOOST = 0.1
THETA = 0.5         # coverage at which the lexical boost is switched on…
BETA = 0.1          # …to at most this, in cosine units…
BETA_ALL_WORDS = 0.3  # …or this when one document has every word of the query (a name)
MIN_COSINE = 0.15   # below this a document is not about the query at all…
ALWAYS_SHOWN = 10   # …but the ten nearest are always shown (marked as poor answers when far)
POOR_SCORE = 0.35   # nothing this close by its own text: a poor answer (recorded as demand)
# "Similar" panels show nothing less close than this. Two whole documents share their
# structure ("Country: … Challenge area: …"), so they need to be closer than a short text
# and a document: among the 149 real cases the nearest neighbour's median cosine is 0.47.
SIMILAR_OBJECT_MIN = 0.4
SIMILAR_TEXT_MIN = 0.3
PRIOR_ART_CHARACTERS = 2000
METHODS = ("hybrid", "lexical", "semantic")
ALL_WORDS = 0.999   # coverage that means every word of the query
FACET_POOL = 20     # with facets chosen, lexical hits are filtered from POOL × this
# Late interaction: the LATE_POOL best candidates are compared piece by piece with the query
# (MaxSim), and their closeness becomes (1 − LATE_WEIGHT) · cosine + LATE_WEIGHT · MaxSim.
LATE_POOL = 50
LATE_WEIGHT = 0.5
# Something found by name (an organisation) whose name the query is, word for word, comes
# first: whoever types "Government Digital Service" is looking for it.
NAME_FIRST = 1.0

# The semantic leg (embed the query, multiply, take the nearest) touches no database, so it
# runs here while the request's own thread asks the database for the lexical leg.
_semantic_legs = Threads(4, "semantic-leg")


@dataclass
class Hit:
    document: Document
    score: float
    cosine: float
    lexical: float  # the lexical score divided by the best one (0 when not a lexical hit)
    near: float = 0.0  # the best cosine among the document's neighbours (hybrid ranking)
    terms: list[str] = field(default_factory=list)

    @cached_property
    def snippet(self) -> str:
        """Where the text matched, made only for the hits that are shown (their texts read
        together by ``with_text`` first; otherwise each reads its own)."""
        return snippet(self.document.body or self.document.detail, self.terms)

    @property
    def kind(self) -> str:
        return self.document.kind


@dataclass
class Results:
    query: str
    terms: list[str]
    method: str = "hybrid"
    hits: "Hits" = field(default_factory=lambda: Hits(Snapshot(), [], np.zeros(0, np.int64),
                                                    terms=[]))
    coverage: float = 0.0
    closest: float = 0.0  # the best cosine plus lexical boost: how close by its own text
    places: frozenset[str] = frozenset()  # ISO codes of the places the query names
    facets: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.hits)

    @property
    def best_score(self) -> float | None:
        return self.hits.best_score

    @property
    def poor(self) -> bool:
        """Nothing, or nothing close: no document is close by its own text (closeness in
        meaning, plus the boost when the query's own words were found together: not its
        neighbours' closeness or its place) by POOR_SCORE, and no document has every word of
        the query (a programme's name, "BITUP", is an answer, however far its meaning is from
        the model's idea of the word)."""
        if not self.hits:
            return True
        return (self.method == "hybrid" and self.closest < POOR_SCORE
                and self.coverage < ALL_WORDS)


def _visibility(snapshot: Snapshot, user, kinds: list[str] | None) -> np.ndarray:
    """Rows of unpublished documents this person may see (their own drafts; everything for
    curators), as the owning apps decide."""
    rows = []
    for name, kind in registry.kinds().items():
        if kinds and name not in kinds:
            continue
        visible = kind.visible_unpublished(user)
        if visible is not None:
            rows.append(snapshot.rows_for(name, visible.values_list("pk", flat=True)))
    return np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)


def _coverage(terms: list[str], lexical_hits: list[tuple[int, float]], total: int,
              frequencies: dict[str, int]) -> float:
    """Statistics over the documents this person may see only: what others keep unpublished
    must not change anything a person is shown, not even a score."""
    if not terms or not lexical_hits or not total:
        return 0.0
    best_three = [document_id for document_id, _ in lexical_hits[:3]]
    contained = lexical.containing(terms, best_three)
    idf = {term: max(math.log((total + 1) / (frequencies.get(term, 0) + 0.5)), 0.0)
           for term in terms}
    weight = sum(idf.values()) or 1.0
    return max(
        sum(idf[term] for term in terms if document_id in contained[term]) / weight
        for document_id in best_three
    )


def search(query: str, *, user, kinds: list[str] | None = None,
           facets: dict[str, list[str]] | None = None, method: str = "hybrid",
           with_facets: bool = False) -> Results:
    """The documents this person may see that answer ``query`` best, best first: at most
    2 × POOL found by what they are about, and 2 × POOL of kinds found by name. ``kinds`` and
    ``facets`` ({"country": ["GB"], …}: one of the chosen values of each facet) keep those of
    them that match, so a filter narrows the very results it was offered on; only when none
    of them match are the nearest documents that do shown instead (as poor answers, as a
    rule). ``with_facets``: for each facet value, how many results would remain if it were
    chosen too, the other choices kept (what ticking it gives)."""
    query = normalise_query(query)
    # The model starts on the query at once; the rest is looked up meanwhile.
    soon = encode_query_soon(query) if query and method != "lexical" else None
    results = Results(query=query, terms=query_terms(query), method=method,
                      places=places.countries_in(query) if method == "hybrid" else frozenset())
    if not query:
        return results
    snapshot = index.snapshot()
    # Of every kind, whatever kinds were asked for: word counts and neighbours are properties
    # of the whole index the person may see, and must not change with a filter.
    extra_rows = _visibility(snapshot, user, None)
    ordered, results.coverage, boost = _rank(query, results.terms, snapshot, extra_rows,
                                             kinds=None, facets=None, method=method,
                                             soon=soon)
    chosen = {name: {str(value) for value in values}
              for name, values in {**(facets or {}), "kind": kinds or []}.items() if values}
    kept = [item for item in ordered if _has(snapshot, item[0], chosen)]
    if chosen and not kept:
        kept, _coverage_there, boost = _rank(query, results.terms, snapshot, extra_rows,
                                             kinds=kinds, facets=facets, method=method,
                                             soon=soon)
    # Named (found by name): every word of the query is in it, the all-words boost.
    by_name = snapshot.by_name()
    results.closest = max((cosine + (BETA_ALL_WORDS if by_name[row] else boost) * lex
                           for row, (_s, cosine, lex, _n) in kept), default=0.0)
    results.hits = Hits(snapshot, kept, extra_rows, terms=results.terms)
    if with_facets:
        results.facets = _facet_counts(snapshot, [row for row, _ in ordered], chosen)
    return results


def _values(snapshot: Snapshot, row: int) -> dict[str, tuple[str, ...]]:
    return snapshot.facet_values(row)


def _has(snapshot: Snapshot, row: int, chosen: dict[str, set[str]], *,
         but: str | None = None, values: dict[str, tuple[str, ...]] | None = None) -> bool:
    """Whether a row has one of the chosen values of every chosen facet (but ``but``);
    ``values``: the row's, when the caller has them."""
    if values is None:
        values = _values(snapshot, row)
    return all(not chosen[name].isdisjoint(values.get(name, ()))
               for name in chosen if name != but)


def _facet_counts(snapshot: Snapshot, rows: list[int],
                  chosen: dict[str, set[str]]) -> dict[str, list[dict]]:
    counts: dict[str, dict[str, int]] = {"kind": {}}
    for row in rows:
        values_of = _values(snapshot, row)
        for name, values in values_of.items():
            if not chosen or _has(snapshot, row, chosen, but=name, values=values_of):
                by_value = counts.setdefault(name, {})
                for value in values:
                    by_value[value] = by_value.get(value, 0) + 1
    return facet_counts(counts)


@dataclass
class _Semantic:
    cosines: np.ndarray     # every document's cosine to the query
    nearest: list[int]      # the rows of the SEMANTIC_POOL nearest allowed documents
    region: np.ndarray      # the rows of the NEIGHBOURHOOD nearest visible documents
    encoded: Encoded | None = None  # the query, with its word pieces
    vector: np.ndarray | None = None  # the query's vector
    # {row: which documents of ``region`` are its NEIGHBOURS closest (a mask)}, as found
    neighbours: dict[int, np.ndarray] = field(default_factory=dict)
    region_vectors: np.ndarray | None = None  # the region's vectors in float32, once needed
    # The likely candidates' piece vectors, being read meanwhile (VectorIndex.read_ahead)
    pieces_ahead: list[ReadAhead] = field(default_factory=list)
    _positions: dict[int, int] | None = None

    def positions(self) -> dict[int, int]:
        """{row: its place in ``region``}."""
        if self._positions is None:
            self._positions = {row: at for at, row in enumerate(self.region.tolist())}
        return self._positions


def _semantic(query: str, snapshot: Snapshot, mask: np.ndarray, visible: np.ndarray,
              soon: Future | None = None, *, neighbours: bool = False) -> _Semantic:
    if not len(snapshot):
        return _Semantic(np.zeros(0), [], np.zeros(0, dtype=np.int64))
    encoded = (soon or encode_query_soon(query)).result()
    legs = _semantic_rows(snapshot, snapshot.scan(encoded.vector), mask, visible,
                          vector=encoded.vector, encoded=encoded)
    if neighbours:
        nearest = _kept_nearest(legs)
        # Late interaction will score the best candidates piece by piece: most of them are
        # among the nearest, whose piece vectors are read meanwhile (on PostgreSQL: 5–6 ms
        # for 50 at 100k, otherwise on the request's path).
        ahead = index.reads_ahead(snapshot.token)
        first = nearest[:LATE_POOL]
        if ahead:
            _read_ahead(snapshot, legs, first)
        # Found here, while the request's own thread waits for the lexical leg: the
        # ranking then looks for the neighbours of lexical hits only.
        near = _near(snapshot, legs, nearest)
        if ahead:
            # The rest of the late pool are mostly nearest documents whose neighbours lift
            # them (measured at 100k on the dev queries: 511 of the 540 read after the legs
            # met, for 530 read here), so theirs are read too, while the lexical hits' own
            # neighbours are found.
            likely = sorted(nearest, key=lambda row: (
                -(legs.cosines[row] + NEIGHBOUR_WEIGHT * near[row]), int(snapshot.ids[row])))
            read = set(first)
            _read_ahead(snapshot, legs, [row for row in likely[:LATE_POOL] if row not in read])
    return legs


def _read_ahead(snapshot: Snapshot, legs: "_Semantic", rows: list[int]) -> None:
    reading = index.read_ahead([int(snapshot.ids[row]) for row in rows], snapshot.token)
    if reading is not None:
        legs.pieces_ahead.append(reading)


def _kept_nearest(legs: _Semantic) -> list[int]:
    """The nearest rows worth ranking: the ALWAYS_SHOWN nearest, and those beyond them that
    are not far in meaning (a far one stays only if it contains some of the words)."""
    return [row for position, row in enumerate(legs.nearest)
            if position < ALWAYS_SHOWN or legs.cosines[row] >= MIN_COSINE]


def _semantic_rows(snapshot: Snapshot, cosines: np.ndarray, mask: np.ndarray,
                   visible: np.ndarray, *, vector: np.ndarray,
                   encoded: Encoded | None = None) -> _Semantic:
    region_mask = visible & snapshot.present
    region = snapshot.nearest(cosines, region_mask, NEIGHBOURHOOD, vector)
    # Unfiltered, as a rule: the nearest are the region's first (one pass over the index).
    nearest = (region[:SEMANTIC_POOL] if np.array_equal(mask, region_mask)
               else snapshot.nearest(cosines, mask, SEMANTIC_POOL, vector))
    return _Semantic(cosines, nearest.tolist(), region, encoded, vector)


def maxsim(encoded: Encoded, weights: np.ndarray, document_ids: list[int], *,
           token: str = "", ahead: Sequence[ReadAhead] = ()) -> dict[int, float]:
    """{document id: how closely its word pieces answer the query's}, for documents that have
    word-piece vectors: for each piece of the query the best cosine with any piece of the
    document, averaged with the pieces' weights (rare pieces count more: ``weights``, one per
    piece of the query). Read from the database for these documents only (or from the
    process's memory of them, while the index is at ``token``, or as read ahead: ``ahead``)."""
    packed = index.piece_vectors(document_ids, token, ahead=ahead)
    unpacked = [(document_id, unpack_codes(packed[document_id]))
                for document_id in document_ids if document_id in packed]
    unpacked = [(document_id, parts) for document_id, parts in unpacked if parts is not None]
    if not unpacked or not len(encoded.tokens):
        return {}
    lengths = [len(parts[0]) for _, parts in unpacked]
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    # Every candidate's 8-bit codes at once: the products with the query's pieces, each
    # scaled by its document piece's scale afterwards (the same numbers as scaling first).
    # The document pieces are the rows of the product: BLAS computes (pieces × 384) · (384 ×
    # query pieces) in a third of the time of the transposed product (1 ms instead of 3 for
    # 50 documents), to the same bits.
    codes = np.concatenate([parts[2] for _, parts in unpacked]).astype(np.float32)
    scales = np.concatenate([parts[1] for _, parts in unpacked])
    best = np.ascontiguousarray(np.maximum.reduceat(
        (codes @ encoded.tokens.T) * scales[:, None], starts, axis=0).T)  # (query pieces, docs)
    if not weights.sum():
        weights = np.ones(len(encoded.tokens), dtype=np.float32)
    scores = (weights @ best) / weights.sum()
    return {document_id: float(score)
            for (document_id, _), score in zip(unpacked, scores, strict=True)}


def _near(snapshot: Snapshot, semantic: _Semantic, rows: list[int], *,
          closeness: dict[int, float] | None = None) -> dict[int, float]:
    """{row: the best closeness to the query among the row's NEIGHBOURS closest documents in
    the query's region} (itself excluded): their cosine, or the late-interaction closeness
    of those that have one (``closeness``). The region is the NEIGHBOURHOOD documents nearest
    the query that the person may see and that have a vector: what others keep unpublished
    cannot move a score. A row outside the region (far from the query, found by its words or
    a filter) has no neighbours there worth the name: 0."""
    near = dict.fromkeys(rows, 0.0)
    region = semantic.region
    count = min(NEIGHBOURS, len(region) - 1)
    positions = semantic.positions()
    candidates = [row for row in rows if row in positions]
    if not candidates or count < 1:
        return near
    known = semantic.neighbours
    unknown = [row for row in candidates if row not in known]
    if unknown:  # (scoring again with late interaction: the same neighbours)
        if semantic.region_vectors is None:
            semantic.region_vectors = snapshot.vectors(region)
        at = np.array([positions[row] for row in unknown], dtype=np.int64)
        # Many rows (a query's nearest): half of them on a second thread, since the other
        # core is free by then (the database has answered): 4.8 ms → 3.7 at 100k.
        half = len(at) // 2 if len(at) >= SPLIT_NEIGHBOUR_ROWS else len(at)
        second = (_neighbour_thread.submit(_neighbours_in_region, semantic, at[half:], count)
                  if half < len(at) else None)
        found = _neighbours_in_region(semantic, at[:half], count)
        if second is not None:
            found = np.concatenate([found, second.result()])
        known.update(zip(unknown, found, strict=True))
    neighbours = np.stack([known[row] for row in candidates])
    values = semantic.cosines[region].copy()
    for row, value in (closeness or {}).items():
        if row in positions:
            values[positions[row]] = value
    best = np.where(neighbours, values[None, :], -np.inf).max(axis=1)
    near.update(zip(candidates, best.tolist(), strict=True))
    return near


SPLIT_NEIGHBOUR_ROWS = 64
_neighbour_thread = Threads(1, "neighbours")


def _neighbours_in_region(semantic: _Semantic, at: np.ndarray, count: int) -> np.ndarray:
    """For the region's documents at these places, which documents of the region are each
    one's ``count`` closest (a mask over the region; itself excluded)."""
    vectors = semantic.region_vectors
    between = vectors[at] @ vectors.T
    between[np.arange(len(at)), at] = -np.inf
    # A row's closest: those at least as close to it as its count-th closest.
    nth = np.partition(between, between.shape[1] - count, axis=1)[:, -count]
    return between >= nth[:, None]


def _rank(query, terms, snapshot, extra_rows, *, kinds, facets, method, soon=None):
    """The best candidate rows with their (score, cosine, lexical, near), best first: 2 × POOL
    found by meaning and 2 × POOL found by name at most; the coverage of the query's words,
    and the lexical boost it switched on."""
    mask = snapshot.mask(kinds=kinds, extra_rows=extra_rows, facets=facets)
    visible = snapshot.mask(extra_rows=extra_rows)
    # Kinds found by name (organisations) join only when the query names them (every word of
    # it in their document), and count in nothing the other kinds are ranked by. Asked for on
    # their own, when none is named (``search``'s second try), they are ranked by meaning.
    by_name = snapshot.by_name()
    by_name_only = by_name.any() and (
        (bool(kinds) and set(kinds) <= registry.found_by_name())
        or (any((facets or {}).values()) and not (mask & ~by_name).any()))
    named_allowed = None
    if not by_name_only and by_name.any():
        named_allowed = mask & by_name
        mask, visible = mask & ~by_name, visible & ~by_name
    semantic = (_semantic_legs.submit(_semantic, query, snapshot, mask, visible, soon,
                                      neighbours=method == "hybrid")
                if method != "lexical" else None)
    filtered = any((facets or {}).values())
    extra_visible = [int(i) for i in snapshot.ids[extra_rows]]
    lexical_hits: list[tuple[int, float]] = []
    frequencies: dict[str, int] = {}
    if method in ("hybrid", "lexical") and terms and not by_name_only:
        published = lexical.frequencies(terms, token=snapshot.token, documents=len(snapshot))
        frequencies = published if not extra_visible else lexical.frequencies(
            terms, token=snapshot.token, documents=len(snapshot), extra_visible=extra_visible)
        found = lexical.ranked(lexical.selective(terms, frequencies),
                               limit=POOL * (FACET_POOL if filtered else 1),
                               kinds=kinds, extra_visible=extra_visible, published=published,
                               token=snapshot.token)
        lexical_hits = [(document_id, score) for document_id, score in found
                        if document_id in snapshot.row_of
                        and mask[snapshot.row_of[document_id]]][:POOL]
    coverage = 0.0
    if method == "hybrid":
        coverage = _coverage(terms, lexical_hits, int(visible.sum()), frequencies)
    named_rows, exact = (snapshot.named(word_stems(" ".join(terms)), named_allowed)
                         if named_allowed is not None and method != "semantic" and terms
                         else (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)))
    exactly_named = set(named_rows[exact].tolist())
    scores: dict[int, tuple[float, float, float, float]] = {}  # row → score, cos, lex, near
    named_scores: dict[int, tuple[float, float, float, float]] = {}  # the same, found by name
    boost = 1.0 if method == "lexical" else 0.0  # lexical: closeness is the lexical score
    best_lexical = max((score for _, score in lexical_hits), default=0.0) or 1.0
    if method == "lexical":
        for document_id, score in lexical_hits:
            scores[snapshot.row_of[document_id]] = (score / best_lexical, 0.0,
                                                    score / best_lexical, 0.0)
        for row in named_rows.tolist():  # every word found: the best lexical score
            named_scores[row] = (1.0 + NAME_FIRST * (row in exactly_named), 0.0, 1.0, 0.0)
    else:
        legs = semantic.result()
        boost = (0.0 if method != "hybrid" or coverage < THETA
                 else BETA_ALL_WORDS if coverage >= ALL_WORDS else BETA)
        lexical_of = {snapshot.row_of[document_id]: score / best_lexical
                      for document_id, score in lexical_hits}
        if lexical_of and legs.vector is not None:  # exact, as the nearest are
            found = np.fromiter(lexical_of, dtype=np.int64, count=len(lexical_of))
            legs.cosines[found] = snapshot.exact(found, legs.vector)
        rows = list(dict.fromkeys(_kept_nearest(legs) + list(lexical_of)))
        hybrid = method == "hybrid"
        near = _near(snapshot, legs, rows) if hybrid else dict.fromkeys(rows, 0.0)
        named = places.countries_in(query) if hybrid else frozenset()  # cached

        def score(row: int, closeness: float, near_row: float) -> float:
            place = PLACE_BOOST if named and named & snapshot.countries(row) else 0.0
            return (closeness + boost * lexical_of.get(row, 0.0) + NEIGHBOUR_WEIGHT * near_row
                    + place)

        for row in rows:
            cosine = float(legs.cosines[row])
            scores[row] = (score(row, cosine, near[row]), cosine, lexical_of.get(row, 0.0),
                           near[row])
        if hybrid and legs.encoded is not None:
            _late_interaction(snapshot, legs, scores, score)
        # Those named: their own cosine with the whole all-words boost, first when the query
        # is their name. No neighbours or word pieces: they are found by name, not meaning,
        # and their own lane leaves the others' neighbours and late pool as they were.
        cosines = (snapshot.exact(named_rows, legs.vector) if legs.vector is not None
                   else np.zeros(len(named_rows)))
        for row, cosine in zip(named_rows.tolist(), cosines.tolist(), strict=True):
            named_scores[row] = (cosine + BETA_ALL_WORDS + NAME_FIRST * (row in exactly_named),
                                 cosine, 1.0, 0.0)

    def best(lane: dict) -> list:
        return sorted(lane.items(), key=lambda item: (-item[1][0], int(snapshot.ids[item[0]])))

    # Each lane keeps its 2 × POOL best, so the named never push out what answers by meaning.
    return best(dict(best(scores)[:2 * POOL] + best(named_scores)[:2 * POOL])), coverage, boost


def _late_interaction(snapshot: Snapshot, legs: _Semantic, scores: dict, score) -> None:
    """Score the LATE_POOL best rows again, each with its closeness by word pieces mixed into
    its cosine, and its neighbours' closeness the same way (decision 6, step 7b)."""
    pool = sorted(scores, key=lambda row: (-scores[row][0], int(snapshot.ids[row])))[:LATE_POOL]
    late = maxsim(legs.encoded, snapshot.piece_weights(legs.encoded.pieces),
                  [int(snapshot.ids[row]) for row in pool], token=snapshot.token,
                  ahead=legs.pieces_ahead)
    closeness = {row: (1 - LATE_WEIGHT) * scores[row][1]
                 + LATE_WEIGHT * late[int(snapshot.ids[row])]
                 for row in pool if int(snapshot.ids[row]) in late}
    if not closeness:
        return
    near = _near(snapshot, legs, pool, closeness=closeness)
    for row in pool:
        _, cosine, lex, _ = scores[row]
        scores[row] = (score(row, closeness.get(row, cosine), near[row]), cosine, lex, near[row])


READ_AHEAD = 10  # one result asked for: this many read with it


class Hits(Sequence):
    """A search's results, best first. How many there are, and their facets, come from the
    index in memory (as it was when the search began); the documents themselves are read
    only for the results shown — a page of them in one query — with the visibility rule
    applied once more, so that a document unpublished a moment ago is dropped from the page.
    (Reading all hundred results' rows, for the ten shown, cost 7–8 ms at 100k on
    PostgreSQL.)"""

    def __init__(self, snapshot: Snapshot, ordered: list, extra_rows: np.ndarray, *,
                 terms: list[str]) -> None:
        self.snapshot, self._ordered, self._extra_rows = snapshot, ordered, extra_rows
        self._terms = terms
        self._read: dict[int, Hit | None] = {}  # position → its hit (None: dropped)

    def __len__(self) -> int:
        return len(self._ordered)

    @property
    def best_score(self) -> float | None:
        return self._ordered[0][1][0] if self._ordered else None

    def rows(self) -> list[int]:
        """The results' rows in the index, best first."""
        return [row for row, _ in self._ordered]

    def __getitem__(self, index):
        if isinstance(index, slice):
            positions = range(len(self))[index]
            unread = [position for position in positions if position not in self._read]
            if unread:
                hits = _hits(self.snapshot, [self._ordered[p] for p in unread],
                             self._extra_rows, with_texts=True)
                by_id = {hit.document.id: hit for hit in hits}
                for position in unread:
                    hit = by_id.get(int(self.snapshot.ids[self._ordered[position][0]]))
                    if hit is not None:
                        hit.terms = self._terms
                    self._read[position] = hit
            return [self._read[p] for p in positions if self._read[p] is not None]
        position = range(len(self))[index]
        while position < len(self):  # the next shown, if this one was dropped
            found = self[position:position + READ_AHEAD]
            if found:
                return found[0]
            position += READ_AHEAD
        raise IndexError(index)

    def __iter__(self):
        return iter(self[:])


def _hits(snapshot: Snapshot, ordered, extra_rows, *, with_texts: bool = False) -> list[Hit]:
    """The documents of the ranked rows, read again from the database with the visibility
    rule applied once more (a document unpublished a moment ago is dropped); their texts too
    when they are to be shown (``with_texts``)."""
    ids = [int(snapshot.ids[row]) for row, _ in ordered]
    extra_ids = [int(i) for i in snapshot.ids[extra_rows]]
    unread = UNREAD_FOR_HITS if not with_texts else UNREAD_WITH_TEXTS
    documents = Document.objects.defer(*unread).filter(
        Q(published=True) | Q(id__in=extra_ids), id__in=ids)
    by_id = {document.id: document for document in documents}
    return [Hit(document=by_id[document_id], score=score, cosine=cosine, lexical=lex,
                near=near)
            for document_id, (row, (score, cosine, lex, near)) in zip(ids, ordered, strict=True)
            if document_id in by_id]


# What a list of results does not show. The texts are read only for the hits on the page
# (``with_text``): for a hundred real cases they cost more than the rest of the row.
UNREAD_FOR_HITS = ("embedding", "text_hash", "pieces", "body", "detail", "meta")
UNREAD_WITH_TEXTS = ("embedding", "text_hash", "pieces", "meta")


def with_text(hits: list[Hit]) -> list[Hit]:
    """These hits, with the texts their snippets are made from read in one query."""
    unread = [hit.document for hit in hits
              if {"body", "detail"} & hit.document.get_deferred_fields()]
    texts = {document_id: (body, detail) for document_id, body, detail in
             Document.objects.filter(id__in=[document.id for document in unread])
             .values_list("id", "body", "detail")} if unread else {}
    for document in unread:
        document.body, document.detail = texts.get(document.id, ("", ""))
    return hits


def facet_counts(counts: dict[str, dict[str, int]]) -> dict[str, list[dict]]:
    """{"kind": {"case": 12}, …} → {"kind": [{"value": "case", "label": "Cases",
    "count": 12}, …], …}: years newest first, evidence levels in order, the rest by count."""
    all_kinds = registry.kinds()
    out: dict[str, list[dict]] = {}
    for name, by_value in counts.items():
        rows = []
        for value, count in by_value.items():
            if name == "kind":
                label = all_kinds[value].plural if value in all_kinds else value
            else:
                label = next((kind.facet_label(name, value) for kind in all_kinds.values()
                              if name in kind.facets), value)
            rows.append({"value": value, "label": label, "count": count})
        if name == "year":
            order = lambda row: -int(row["value"]) if row["value"].isdigit() else 0  # noqa: E731
        elif name == "evidence_level":
            order = lambda row: row["value"]  # noqa: E731
        else:
            order = lambda row: (-row["count"], row["label"])  # noqa: E731
        out[name] = sorted(rows, key=order)
    return out


@dataclass
class NamedPlaces:
    values: list[str]   # the "country" facet values of results from the places the query names
    labels: list[str]
    count: int          # how many results are from there


def from_named_places(results: Results) -> NamedPlaces | None:
    """The results from the places the query names, as a country filter would choose them;
    None when it names none, or no result is from there."""
    if not results.places:
        return None
    there = [row for row in results.facets.get("country", [])
             if places.of_values([row["value"]]) & results.places]
    if not there:
        return None
    count = sum(1 for row in results.hits.rows()
                if results.hits.snapshot.countries(row) & results.places)
    return NamedPlaces(values=[row["value"] for row in there],
                       labels=[row["label"] for row in there], count=count)


def facet_names() -> dict[str, str]:
    """Every facet any kind offers, with its label, in the order pages show them: those of
    kinds found by what they are about first (cases: what people search for), then those of
    kinds found by name (organisations)."""
    names = {"kind": "Kind"}
    for kind in sorted(registry.kinds().values(), key=lambda kind: kind.found_by_name):
        for name, label in kind.facets.items():
            names.setdefault(name, label)
    return names


def similar_to_object(kind: str, object_id: int, *, user, limit: int = 5,
                      kinds: list[str] | None = None) -> list[Hit]:
    """The documents closest in meaning to this object's own, itself excluded."""
    snapshot = index.snapshot()
    rows = snapshot.rows_for(kind, [object_id])
    if not len(rows) or not snapshot.present[rows[0]]:
        return []
    return _closest(snapshot, snapshot.vectors(rows[0]), user=user, limit=limit, kinds=kinds,
                    exclude_row=int(rows[0]), minimum=SIMILAR_OBJECT_MIN)


def similar_to_text(title: str, text: str, *, user, limit: int = 5,
                    kinds: list[str] | None = None, exclude: tuple[str, int] | None = None,
                    ) -> list[Hit]:
    """The documents closest in meaning to a text someone is writing (prior art). The model
    reads about 256 word-pieces, so only the first PRIOR_ART_CHARACTERS are embedded (a long
    draft costs no more than a short one), and not remembered (each draft is different)."""
    words = normalise_query(f"{title.strip().rstrip('.')}. {text}".strip(". "))
    words = words[:PRIOR_ART_CHARACTERS]
    if len(words) < 3:
        return []
    snapshot = index.snapshot()
    exclude_row = None
    if exclude:
        rows = snapshot.rows_for(exclude[0], [exclude[1]])
        exclude_row = int(rows[0]) if len(rows) else None
    return _closest(snapshot, embed([words])[0], user=user, limit=limit, kinds=kinds,
                    exclude_row=exclude_row, minimum=SIMILAR_TEXT_MIN)


def _closest(snapshot, vector, *, user, limit, kinds, exclude_row, minimum) -> list[Hit]:
    extra_rows = _visibility(snapshot, user, kinds)
    mask = snapshot.mask(kinds=kinds, extra_rows=extra_rows)
    if not kinds:  # what is found by name is no answer to "what is like this?"
        mask &= ~snapshot.by_name()
    if exclude_row is not None:
        mask[exclude_row] = False
    cosines = snapshot.scan(vector)
    rows = [row for row in snapshot.nearest(cosines, mask, limit, vector).tolist()
            if cosines[row] >= minimum]
    ordered = [(row, (float(cosines[row]), float(cosines[row]), 0.0, 0.0)) for row in rows]
    return _hits(snapshot, ordered, extra_rows)


def unanswered_questions(status: str = UnansweredQuery.Status.OPEN) -> QuerySet:
    """The questions the hub could not answer, in this state, most asked first."""
    return UnansweredQuery.objects.filter(status=status)


def unanswered_counts() -> list[tuple[str, str, int]]:
    """``[(status, label, how many)]`` for every state, in one query."""
    counts = dict(UnansweredQuery.objects.values_list("status").annotate(n=Count("id"))
                  .values_list("status", "n"))
    return [(value, label, counts.get(value, 0))
            for value, label in UnansweredQuery.Status.choices]
