"""Late interaction (decision 6, step 7b): each document keeps its word pieces' vectors, small,
and the best candidates of a query are scored again by how closely their pieces answer the
query's pieces (MaxSim), weighted by how rare each piece is among published documents."""

import logging
import threading
import time
from concurrent.futures import Future, wait
from contextlib import contextmanager

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError, connection

from hub.library.models import Status
from hub.library.tests.factories import EntryFactory
from hub.search import embedding, selectors, vectors
from hub.search.models import Document, PieceVectors
from hub.search.services import index_objects

pytestmark = pytest.mark.django_db

TEXTS = [
    "Early warning system spots pupils at risk of dropping out of school.",
    "Rangers flew drones along the sea cliffs to count nesting puffins.",
]


def reference_maxsim(query: embedding.Encoded, document: embedding.Encoded,
                     weights: np.ndarray) -> float:
    best = (query.tokens @ document.tokens.T).max(axis=1)
    return float((weights * best).sum() / weights.sum())


def test_one_pass_gives_the_vector_and_a_unit_vector_per_word_piece_without_punctuation():
    [encoded] = embedding.encode(["Housing First: keys to a flat, straight away!"])
    assert np.allclose(encoded.vector, embedding.embed(
        ["Housing First: keys to a flat, straight away!"])[0], atol=1e-5)
    pieces = embedding.model().tokenizer.convert_ids_to_tokens(encoded.pieces.tolist())
    assert pieces == ["housing", "first", "keys", "to", "a", "flat", "straight", "away"]
    assert encoded.tokens.shape == (len(pieces), embedding.DIMENSIONS)
    assert np.allclose(np.linalg.norm(encoded.tokens, axis=1), 1.0, atol=1e-5)


def test_stored_piece_vectors_are_a_quarter_of_the_size_and_keep_their_direction():
    [encoded] = embedding.encode([TEXTS[0]])
    packed = embedding.pack_tokens(encoded)
    assert len(packed) == len(encoded.pieces) * (2 + 4 + embedding.DIMENSIONS)
    pieces, tokens = embedding.unpack_tokens(packed)
    assert pieces.tolist() == encoded.pieces.tolist()
    cosines = (tokens * encoded.tokens).sum(axis=1) / np.linalg.norm(tokens, axis=1)
    assert cosines.min() > 0.9995
    assert embedding.unpack_tokens(packed[:-1]) is None  # damaged: ignored, not misread
    assert embedding.unpack_tokens(b"") is None


def test_maxsim_is_the_weighted_mean_of_each_query_piece_s_best_match():
    query, *documents = embedding.encode(["pupils likely to quit class prematurely", *TEXTS])
    entries = [EntryFactory(title=text, summary="", status=Status.PUBLISHED) for text in TEXTS]
    index_objects("case", [entry.pk for entry in entries])
    ids = list(Document.objects.filter(object_id__in=[e.pk for e in entries])
               .order_by("object_id").values_list("id", flat=True))
    stored = [embedding.Encoded(vector=d.vector, pieces=unpacked[0], tokens=unpacked[1])
              for d, unpacked in zip(documents, (
                  embedding.unpack_tokens(PieceVectors.objects.get(document_id=i).tokens)
                  for i in ids),
                  strict=True)]
    weights = np.linspace(0.5, 2.0, len(query.pieces)).astype(np.float32)
    scores = selectors.maxsim(query, weights, ids)
    for document_id, document in zip(ids, stored, strict=True):
        assert scores[document_id] == pytest.approx(
            reference_maxsim(query, document, weights), abs=1e-5)
    # The school case answers the query's pieces better than the puffins do.
    assert scores[ids[0]] > scores[ids[1]] + 0.1
    # All weights nought (every piece in every document): each piece counts the same.
    even = selectors.maxsim(query, np.zeros(len(query.pieces), np.float32), ids)
    assert even[ids[0]] == pytest.approx(
        reference_maxsim(query, stored[0], np.ones(len(query.pieces))), abs=1e-5)


def test_a_piece_weighs_by_how_few_published_documents_have_it():
    common, rare = 1000, 2000
    snapshot = vectors.Snapshot(
        published=np.array([True, True, True, False]),
        pieces=[np.array(p, "<u2").tobytes() for p in ([common, rare], [common], [common],
                                                        [rare])])
    weights = snapshot.piece_weights(np.array([common, rare, 3000]))
    # ln((N + 1) / (n + 0.5)) over the 3 published documents, never below 0; the hidden
    # draft's piece is not counted.
    assert weights.tolist() == pytest.approx([np.log(4 / 3.5), np.log(4 / 1.5), np.log(4 / 0.5)])


def test_documents_found_by_name_count_in_no_piece_weight():
    common, rare = 1000, 2000
    snapshot = vectors.Snapshot(
        kinds=np.array(["case", "case", "organisation"]),
        published=np.array([True, True, True]), found_by_name=np.array([False, False, True]),
        pieces=[np.array(p, "<u2").tobytes() for p in ([common, rare], [common], [rare])])
    weights = snapshot.piece_weights(np.array([common, rare]))
    # Over the 2 cases only: the organisation's "rare" piece is not counted.
    assert weights.tolist() == pytest.approx([np.log(3 / 2.5), np.log(3 / 1.5)])


def test_the_best_candidates_are_scored_again_by_their_pieces_and_others_keep_their_cosine(
        monkeypatch):
    school = EntryFactory(title="Early warning system for school dropout",
                          summary="Schools flag pupils at risk of dropping out early.")
    puffins = EntryFactory(title="Drones count nesting puffins",
                           summary="Rangers flew drones along the sea cliffs.")
    index_objects("case", [school.pk, puffins.pk])
    query = "spotting teenagers likely to quit class prematurely"

    def hits():
        return {hit.document.object_id: hit
                for hit in selectors.search(query, user=None, method="hybrid").hits}

    def own_closeness(hit) -> float:  # the score without the neighbours' part (no boost here)
        return hit.score - selectors.NEIGHBOUR_WEIGHT * hit.near

    late = hits()
    monkeypatch.setattr(selectors, "LATE_POOL", 0)
    vectors.index.forget()
    cosine_only = hits()
    for pk in (school.pk, puffins.pk):
        # The cosine itself (what "poor answer" judges) is the same either way…
        assert late[pk].cosine == pytest.approx(cosine_only[pk].cosine, abs=1e-6)
        assert own_closeness(cosine_only[pk]) == pytest.approx(cosine_only[pk].cosine, abs=1e-6)
    # …but the school case's own closeness is now half its cosine and half its MaxSim.
    weights = vectors.index.snapshot().piece_weights(embedding.encode([query])[0].pieces)
    school_id = Document.objects.get(object_id=school.pk).id
    [encoded] = embedding.encode([query])
    expected = 0.5 * late[school.pk].cosine + 0.5 * selectors.maxsim(
        encoded, weights, [school_id])[school_id]
    assert own_closeness(late[school.pk]) == pytest.approx(expected, abs=1e-5)
    assert abs(expected - late[school.pk].cosine) > 0.01

    # A document indexed before pieces were kept keeps its cosine until it is re-indexed.
    monkeypatch.setattr(selectors, "LATE_POOL", 50)
    PieceVectors.objects.filter(document__object_id=school.pk).delete()
    vectors.bump()
    assert own_closeness(hits()[school.pk]) == pytest.approx(late[school.pk].cosine, abs=1e-6)
    assert index_objects("case", [school.pk])["embedded"] == 1
    assert hits()[school.pk].score == pytest.approx(late[school.pk].score, abs=1e-6)


def test_the_query_memory_keeps_its_size_in_bytes_whatever_the_queries(monkeypatch):
    monkeypatch.setattr(embedding, "_query_cache", type(embedding._query_cache)())
    [one] = embedding.encode(["a question about school dropout"])
    monkeypatch.setattr(embedding, "QUERY_CACHE_BYTES", 3 * one.tokens.nbytes)
    for word in ("school", "pupil", "class", "lesson", "teacher"):
        embedding.embed_query(f"a question about {word} dropout")
    assert list(embedding._query_cache) == [f"a question about {word} dropout"
                                            for word in ("class", "lesson", "teacher")]


def test_piece_counts_follow_each_change_to_the_index_as_a_full_count_would():
    entries = [EntryFactory(title=text, summary="", status=Status.PUBLISHED) for text in TEXTS]
    index_objects("case", [entry.pk for entry in entries])
    probe = np.arange(1000, 30000, dtype=np.uint16)
    vectors.index.snapshot().piece_weights(probe)  # counted once…
    entries[0].status = Status.ARCHIVED  # …then one leaves the public, one joins, one changes
    entries[0].save()
    entries[1].title = "Drones count seabirds and puffins on the cliffs of Skellig Michael"
    entries[1].save()
    added = EntryFactory(title="Pupils at risk of dropping out get a mentor",
                         status=Status.PUBLISHED)
    index_objects("case", [entries[0].pk, entries[1].pk, added.pk])
    followed = vectors.index.snapshot()
    assert followed._piece_counts is not None  # corrected, not counted again
    counted_again = vectors.Snapshot(published=followed.published, pieces=followed.pieces)
    assert followed.piece_weights(probe).tolist() == counted_again.piece_weights(probe).tolist()
    assert followed._piece_counts[1] == 2


def test_a_question_asked_again_rescores_its_candidates_from_memory_until_the_index_changes(
        django_assert_num_queries, monkeypatch):
    entries = [EntryFactory(title=text, summary="", status=Status.PUBLISHED) for text in TEXTS]
    index_objects("case", [entry.pk for entry in entries])
    ids = list(Document.objects.filter(object_id__in=[e.pk for e in entries])
               .values_list("id", flat=True))
    token = vectors.current_token()
    first = vectors.index.piece_vectors(ids, token)
    assert set(first) == set(ids)
    with django_assert_num_queries(0):
        assert vectors.index.piece_vectors(ids, token) == first
    # Any write to the index (here: a new text for one of them) and they are read again.
    entries[0].title = "Mentors for pupils at risk of leaving school early"
    entries[0].save()
    index_objects("case", [entries[0].pk])
    changed = Document.objects.get(object_id=entries[0].pk)
    token = vectors.current_token()
    with django_assert_num_queries(1):
        again = vectors.index.piece_vectors(ids, token)
    assert again[changed.id] == bytes(changed.piece_vectors.tokens) != first[changed.id]
    # The memory keeps to its size: the oldest are let go first.
    monkeypatch.setattr(vectors, "PIECES_MEMORY_BYTES", len(again[ids[1]]))
    vectors.index.forget_pieces()
    vectors.index.piece_vectors(ids, "some token")
    assert list(vectors.index._pieces) == [ids[1]]


def indexed() -> tuple[list[int], str, dict[int, bytes]]:
    """TEXTS indexed as published cases: their documents' ids (in order), the index's token,
    and their piece vectors as stored, none of them in the process's memory."""
    entries = [EntryFactory(title=text, summary="", status=Status.PUBLISHED) for text in TEXTS]
    index_objects("case", [entry.pk for entry in entries])
    ids = list(Document.objects.filter(object_id__in=[e.pk for e in entries])
               .order_by("id").values_list("id", flat=True))
    token = vectors.current_token()
    stored = vectors._read_piece_vectors(ids)
    vectors.index.forget_pieces()
    return ids, token, stored


@contextmanager
def queued_behind_another_search(ids: list[int]):
    """A read ahead of ``ids``, still queued behind another search's read (which waits until
    the block ends)."""
    busy = threading.Event()
    another_search = vectors._ahead_thread.submit(busy.wait, 10)
    try:
        yield vectors.ReadAhead(frozenset(ids),
                                vectors._ahead_thread.submit(vectors._read_ahead, ids))
    finally:
        busy.set()
        another_search.result()


def started(ahead):
    """A read ahead, once it has run (a search waits for one that has started; one still
    queued it cancels and reads itself)."""
    wait([ahead.future])
    return ahead


@pytest.mark.django_db(transaction=True)  # the read-ahead connection sees committed rows only
def test_piece_vectors_read_ahead_are_used_instead_of_read_again_and_guesses_not_kept(
        django_assert_num_queries, monkeypatch, caplog):
    ids, token, stored = indexed()
    if connection.vendor != "postgresql":  # SQLite reads in the process: nothing to overlap
        assert vectors.index.read_ahead(ids, token) is None
        return
    ahead = started(vectors.index.read_ahead(ids, token))
    with django_assert_num_queries(0):  # nothing read again on the search's own connection
        assert vectors.index.piece_vectors(ids, token, ahead=[ahead]) == stored
    # Read ahead but not asked for: not remembered, so guesses do not push out real answers.
    vectors.index.forget_pieces()
    ahead = started(vectors.index.read_ahead(ids, token))
    with django_assert_num_queries(0):
        assert vectors.index.piece_vectors(ids[:1], token,
                                           ahead=[ahead]) == {ids[0]: stored[ids[0]]}
    assert list(vectors.index._pieces) == ids[:1]
    # Already in memory: nothing to read ahead.
    assert vectors.index.read_ahead(ids[:1], token) is None
    # Two reads ahead (the nearest, then those their neighbours lift): both are used.
    vectors.index.forget_pieces()
    halves = [started(vectors.index.read_ahead(ids[:1], token)),
              started(vectors.index.read_ahead(ids[1:], token))]
    with django_assert_num_queries(0):
        assert vectors.index.piece_vectors(ids, token, ahead=halves) == stored
    # A read ahead that fails costs only the time: the search reads them itself.
    read = vectors._read_piece_vectors

    def fails_ahead(document_ids):
        if threading.current_thread().name.startswith("pieces-ahead"):
            raise OperationalError("the connection was lost")
        return read(document_ids)

    monkeypatch.setattr(vectors, "_read_piece_vectors", fails_ahead)
    vectors.index.forget_pieces()
    with caplog.at_level(logging.WARNING, logger="hub.search.vectors"):
        ahead = started(vectors.index.read_ahead(ids, token))
        assert vectors.index.piece_vectors(ids, token, ahead=[ahead]) == stored
    assert "Could not read piece vectors ahead" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_search_ranks_the_same_with_its_candidates_read_ahead_or_not(monkeypatch):
    # Reading ahead happens on PostgreSQL only (CI runs every test there too); on SQLite this
    # checks the ranking itself.
    entries = [EntryFactory(title=text, summary="", status=Status.PUBLISHED) for text in TEXTS]
    index_objects("case", [entry.pk for entry in entries])

    def ranked() -> list[tuple[int, float]]:
        vectors.index.forget_pieces()
        results = selectors.search("children leaving school early", user=AnonymousUser())
        return [(hit.document.id, hit.score) for hit in results.hits]

    read_ahead = ranked()
    monkeypatch.setattr(vectors.VectorIndex, "read_ahead", lambda self, ids, token: None)
    assert ranked() == read_ahead
    assert read_ahead[0][0] == Document.objects.get(object_id=entries[0].pk).id


def test_a_read_ahead_still_queued_behind_another_search_is_not_waited_for():
    ids, token, stored = indexed()
    with queued_behind_another_search(ids) as queued:
        assert vectors.index.piece_vectors(ids, token, ahead=[queued]) == stored
        assert queued.future.cancelled()  # read here, at once, instead


def test_a_queued_read_ahead_that_is_not_needed_is_cancelled(django_assert_num_queries):
    ids, token, stored = indexed()
    vectors.index.piece_vectors(ids, token)  # now in memory
    with queued_behind_another_search(ids) as queued, django_assert_num_queries(0):
        assert vectors.index.piece_vectors(ids, token, ahead=[queued]) == stored
    assert queued.future.cancelled()


POOL_TEXTS = [
    "Early warning system spots pupils at risk of dropping out of school.",
    "Mentors for teenagers who are about to leave school without qualifications.",
    "Schools call parents the first morning a child is absent.",
    "Truancy officers visit families of children who miss lessons.",
    "Rangers flew drones along the sea cliffs to count nesting puffins.",
    "Volunteers count seabirds on the island every summer.",
    "A text message reminds patients of their hospital appointment.",
    "Nurses visit young mothers at home in the first year.",
]


def test_the_late_pool_is_read_ahead_with_the_nearest_and_those_their_neighbours_lift(
        monkeypatch):
    # The guess is the first stage's own ranking without its lexical boost: for a query that
    # shares no word with the texts, it is the pool itself, whichever database reads it.
    entries = [EntryFactory(title=text, summary="", status=Status.PUBLISHED)
               for text in POOL_TEXTS]
    index_objects("case", [entry.pk for entry in entries])
    # One neighbour and a pool of one: a document next to the nearest is lifted past it.
    monkeypatch.setattr(selectors, "NEIGHBOURS", 1)
    monkeypatch.setattr(selectors, "LATE_POOL", 1)
    monkeypatch.setattr(vectors.VectorIndex, "reads_ahead", staticmethod(lambda token: True))
    asked: list[list[int]] = []
    monkeypatch.setattr(vectors.VectorIndex, "read_ahead",
                        lambda self, ids, token: asked.append(list(ids)))
    pools: list[list[int]] = []
    scored = selectors.maxsim

    def maxsim(encoded, weights, document_ids, **kwargs):
        pools.append(list(document_ids))
        return scored(encoded, weights, document_ids, **kwargs)

    monkeypatch.setattr(selectors, "maxsim", maxsim)
    selectors.search("youngsters quitting education prematurely", user=AnonymousUser())
    [pool] = pools
    nearest, lifted = asked
    assert lifted, "the neighbours lift none beyond the nearest: the fixture proves nothing"
    assert set(pool) <= set(nearest) | set(lifted)
    assert not set(pool) <= set(nearest)


def running() -> Future:
    """A read ahead that has started (so it cannot be cancelled), finished when the test sets
    its result."""
    future = Future()
    assert future.set_running_or_notify_cancel()
    return future


def test_a_read_ahead_that_has_started_but_is_not_needed_is_not_waited_for(caplog):
    ids, token, stored = indexed()
    # A read of other documents, still running: waiting for it would take AHEAD_PATIENCE
    # and say so in the log.
    elsewhere = vectors.ReadAhead(frozenset({max(ids) + 1}), running())
    with caplog.at_level(logging.WARNING, logger="hub.search.vectors"):
        assert vectors.index.piece_vectors(ids, token, ahead=[elsewhere]) == stored
    assert not elsewhere.future.done()
    assert "took more than" not in caplog.text


def test_reads_ahead_are_waited_for_at_most_their_patience_together(caplog):
    ids, token, stored = indexed()
    # The first read finishes after 0.8 s, the second never: waited for AHEAD_PATIENCE (1 s)
    # in all (each for its own patience, it would be 1.8), then the search reads what is
    # missing itself.
    assert vectors.AHEAD_PATIENCE == 1.0
    first = vectors.ReadAhead(frozenset(ids[:1]), running())
    second = vectors.ReadAhead(frozenset(ids[1:]), running())
    threading.Timer(0.8, first.future.set_result, [{ids[0]: stored[ids[0]]}]).start()
    started_at = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="hub.search.vectors"):
        assert vectors.index.piece_vectors(ids, token, ahead=[first, second]) == stored
    assert 0.8 <= time.monotonic() - started_at < 1.5
    assert "took more than" in caplog.text


@pytest.mark.django_db(transaction=True)  # the read-ahead connection sees committed rows only
def test_a_search_with_its_late_pool_read_ahead_in_two_reads_ranks_the_same(monkeypatch):
    entries = [EntryFactory(title=text, summary="", status=Status.PUBLISHED)
               for text in POOL_TEXTS]
    index_objects("case", [entry.pk for entry in entries])
    monkeypatch.setattr(selectors, "NEIGHBOURS", 1)  # (as above: the second read has one)
    monkeypatch.setattr(selectors, "LATE_POOL", 1)
    late = selectors._late_interaction

    def after_the_reads(snapshot, legs, scores, score):  # (a search waits for started ones)
        wait([reading.future for reading in legs.pieces_ahead])
        return late(snapshot, legs, scores, score)

    monkeypatch.setattr(selectors, "_late_interaction", after_the_reads)
    read_on = []
    read = vectors._read_piece_vectors

    def recorded(document_ids):
        read_on.append(threading.current_thread().name)
        return read(document_ids)

    monkeypatch.setattr(vectors, "_read_piece_vectors", recorded)

    def ranked() -> list[tuple[int, float]]:
        vectors.index.forget_pieces()
        read_on.clear()
        results = selectors.search("youngsters quitting education prematurely",
                                   user=AnonymousUser())
        return [(hit.document.id, hit.score) for hit in results.hits]

    read_ahead = ranked()
    if connection.vendor == "postgresql":  # (SQLite reads in the process)
        assert len(read_on) == 2 and all(name.startswith("pieces-ahead") for name in read_on)
    monkeypatch.setattr(vectors.VectorIndex, "read_ahead", lambda self, ids, token: None)
    assert ranked() == read_ahead
    assert read_on == ["MainThread"]
