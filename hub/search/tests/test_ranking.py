"""The parts of the hybrid ranking that need no database: "near" (a document is lifted by the
closest of its neighbours to the query) and the query embedding that runs beside the lexical
leg."""

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from hub.search import embedding, selectors
from hub.search.vectors import Snapshot, top


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


QUERY = unit(1, 0, 0)
# A is about something else; B is much like A and half-way to the query; C is the query's
# twin but unlike A; D is like A a little, and as far from the query as A.
ROWS = {"A": unit(0, 1, 0), "B": unit(0.5, 1, 0), "C": unit(1, 0, 0), "D": unit(0, 1, 1)}


def semantic(visible: list[str], rows: dict[str, np.ndarray] = ROWS):
    matrix = np.stack(list(rows.values()))
    snapshot = Snapshot(ids=np.arange(len(rows)), matrix=matrix, present=matrix.any(axis=1))
    mask = np.array([name in visible for name in rows])
    legs = selectors._semantic_rows(snapshot, snapshot.scan(QUERY), mask, mask, vector=QUERY)
    return snapshot, legs


def near(visible: list[str], of: str, rows: dict[str, np.ndarray] = ROWS) -> float:
    snapshot, legs = semantic(visible, rows)
    row = list(rows).index(of)
    return selectors._near(snapshot, legs, [row])[row]


@pytest.fixture
def one_neighbour(monkeypatch):
    monkeypatch.setattr(selectors, "NEIGHBOURS", 1)


def test_a_document_takes_the_query_closeness_of_its_closest_neighbour(one_neighbour):
    assert near(["A", "B", "C", "D"], of="A") == pytest.approx(float(ROWS["B"] @ QUERY))
    assert near(["A", "B", "C", "D"], of="B") == pytest.approx(0.0, abs=1e-6)  # B's is A


def test_a_document_is_never_its_own_neighbour(one_neighbour):
    assert near(["C", "A"], of="C") == pytest.approx(0.0, abs=1e-6)


def test_documents_the_person_may_not_see_are_nobody_s_neighbour(one_neighbour):
    # Without B, A's closest visible document is D, as far from the query as A itself.
    assert near(["A", "C", "D"], of="A") == pytest.approx(0.0, abs=1e-6)


def test_near_is_the_best_query_closeness_among_the_neighbours(monkeypatch):
    monkeypatch.setattr(selectors, "NEIGHBOURS", 3)
    assert near(["A", "B", "C", "D"], of="A") == pytest.approx(1.0)  # C is among A's three


def test_a_lone_document_has_no_neighbours():
    assert near(["A"], of="A") == 0.0


def test_a_document_without_a_vector_has_no_neighbours_and_is_nobody_s(one_neighbour):
    rows = {**ROWS, "E": np.zeros(3, dtype=np.float32)}
    assert near(list(rows), of="E", rows=rows) == 0.0
    assert near(list(rows), of="A", rows=rows) == pytest.approx(float(ROWS["B"] @ QUERY))


def test_a_document_outside_the_query_s_region_has_no_neighbours(monkeypatch, one_neighbour):
    # The region is the two documents nearest the query (C, then B): A is outside it.
    monkeypatch.setattr(selectors, "NEIGHBOURHOOD", 2)
    assert near(["A", "B", "C", "D"], of="A") == 0.0
    assert near(["A", "B", "C", "D"], of="B") == pytest.approx(1.0)  # its neighbour: C


def test_queries_embedded_from_many_threads_at_once_get_the_vectors_of_one_at_a_time():
    texts = [f"text messages that remind people of appointment number {n}" for n in range(8)]
    alone = embedding.embed(texts)
    embedding._query_cache.clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(embedding.embed_query, texts))
    assert np.allclose(np.stack(together), alone, atol=1e-5)
    assert embedding.encode_query_soon(texts[0]).done()  # remembered


# Python 3.12+ warns that forking a threaded process may deadlock: that is what is tested.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_worker_embeds_with_threads_of_its_own():
    # gunicorn --preload forks workers from a parent that may have used the model: the child
    # inherits the thread pools but not their threads, and must not wait on them for ever.
    text = "text messages that remind people of appointments"
    expected = embedding.embed([text])[0]
    selectors._semantic_legs.submit(int).result()  # the parent's pools have running threads
    embedding._query_cache.clear()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child process
        try:
            vector = selectors._semantic_legs.submit(embedding.embed_query, text).result(
                timeout=60)
            os.write(write, vector.astype("<f4").tobytes())
        finally:
            os._exit(0)
    os.close(write)
    received = b""
    while chunk := os.read(read, 65536):
        received += chunk
    os.close(read)
    os.waitpid(child, 0)
    assert np.allclose(np.frombuffer(received, dtype="<f4"), expected, atol=1e-5)


@pytest.mark.parametrize(("setting", "warmed"), [(None, 1), ("false", 0), ("true", 1)])
def test_the_web_server_loads_the_model_as_it_starts(monkeypatch, setting, warmed):
    import importlib

    import config.wsgi

    calls = []
    monkeypatch.setattr(embedding, "warm_up", lambda: calls.append(1))
    if setting is None:
        monkeypatch.delenv("HUB_WARM_UP", raising=False)
    else:
        monkeypatch.setenv("HUB_WARM_UP", setting)
    importlib.reload(config.wsgi)
    assert len(calls) == warmed


def test_warming_up_loads_the_model_and_the_query_model_on_its_own_thread(monkeypatch):
    monkeypatch.setattr(embedding, "_query_session", None)  # as a new process
    warmed = embedding.warm_up().result()
    assert warmed.vector.shape == (embedding.DIMENSIONS,)
    assert embedding._model is not None and embedding._punctuation is not None
    assert embedding._query_session  # `make setup` exported it


def random_snapshot(count: int = 1500, seed: int = 7, dimensions: int = 8) -> Snapshot:
    """Held as a process holds the index: in half precision."""
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((count, dimensions)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix[5] = 0.0  # a document not yet embedded
    return Snapshot(ids=np.arange(count), matrix=matrix.astype(np.float16),
                    present=matrix.any(axis=1))


def test_the_nearest_documents_are_the_same_whether_or_not_they_come_from_the_region():
    snapshot = random_snapshot()
    query = unit(1, 2, 0, 0, 1, 0, 0, 3)
    exact = snapshot.matrix.astype(np.float32) @ query
    visible = np.ones(len(snapshot.ids), dtype=bool)
    visible[::7] = False  # unpublished, not theirs
    for mask in (visible & snapshot.present,  # no filter: taken from the region
                 visible,                     # with a document that has no vector yet
                 visible & (np.arange(len(snapshot.ids)) % 3 == 0)):  # a filter
        legs = selectors._semantic_rows(snapshot, snapshot.scan(query), mask, visible,
                                        vector=query)
        expected = top(exact, mask, selectors.SEMANTIC_POOL).tolist()
        assert legs.nearest == expected
        assert legs.region.tolist() == top(exact, visible & snapshot.present,
                                           selectors.NEIGHBOURHOOD).tolist()
        assert np.allclose(legs.cosines[legs.region], exact[legs.region], rtol=0, atol=1e-6)


@pytest.fixture(params=["eight bits", "half precision"])
def scan_kind(request, monkeypatch):
    """Each test that takes it runs with the 8-bit scan and with the half-precision one (used
    where torch lacks the 8-bit product)."""
    from hub.search import vectors

    assert vectors._eight_bit_scan()  # the torch this project pins has it
    if request.param == "half precision":
        monkeypatch.setattr(vectors, "_eight_bit", False)
    return request.param


def test_the_scan_chooses_what_exact_cosines_choose(scan_kind, monkeypatch):
    # 384 numbers a vector, as the model's: the scan's own arithmetic is within a few
    # thousandths of the exact cosine, and what is chosen and in what order is decided on the
    # exact numbers.
    from hub.search import vectors

    snapshot = random_snapshot(count=vectors.SPLIT_SCAN_ROWS, seed=3, dimensions=384)
    rng = np.random.default_rng(4)
    for _ in range(5):
        query = rng.standard_normal(384).astype(np.float32)
        query /= np.linalg.norm(query)
        exact = snapshot.matrix.astype(np.float32) @ query
        scanned = snapshot.scan(query)
        if scan_kind == "half precision":  # in two halves at once, or in one: the same
            with monkeypatch.context() as patched:
                patched.setattr(vectors, "SPLIT_SCAN_ROWS", len(snapshot) + 1)
                assert np.array_equal(snapshot.scan(query), scanned)
            assert np.abs(scanned - exact).max() < 1e-3
        else:
            assert np.abs(scanned - exact).max() < 5e-3
        for k in (1000, 200, 10):
            chosen = snapshot.nearest(scanned.copy(), snapshot.present, k, query)
            assert chosen.tolist() == top(exact, snapshot.present, k).tolist()


def test_the_eight_bit_scan_s_error_is_within_its_bound():
    # The bound decides which rows are made exact: were it ever too small, a row among the
    # best could be left out. Rows of very different sizes and spreads, a query that is not
    # quite of unit length, and a row of one large number among small ones (the worst case
    # for a scale set by the largest number).
    from hub.search import vectors

    rng = np.random.default_rng(11)
    matrix = rng.standard_normal((5000, 384)).astype(np.float32)
    matrix *= rng.uniform(0.01, 3.0, size=(5000, 1)).astype(np.float32)
    matrix[::5] = rng.laplace(size=(1000, 384))
    matrix[7] = 0.0
    matrix[8, :] = 1e-3
    matrix[8, 100] = 0.9
    matrix = matrix.astype(np.float16)
    snapshot = Snapshot(ids=np.arange(5000), matrix=matrix, present=matrix.any(axis=1))
    quantised = snapshot.eight_bits()
    missed = matrix.astype(np.float32) - quantised.scales[:, None] * quantised.codes
    # Random queries, and the worst ones: a query along what a row's 8 bits miss meets the
    # bound's main term (the residual's length) for that row.
    queries = [rng.standard_normal(384).astype(np.float32) * rng.uniform(0.5, 2.0)
               for _ in range(10)]
    queries += [missed[row] / np.linalg.norm(missed[row]) for row in (8, 10, 11, 2000)]
    worst = 0.0
    for query in queries:
        exact = matrix.astype(np.float32) @ query
        scanned = snapshot.scan(query)
        bound = snapshot.scan_error(scanned, query)
        assert (np.abs(scanned - exact) <= bound).all()
        worst = max(worst, float((np.abs(scanned - exact) / bound).max()))
        assert bound.max() < 0.2 * np.abs(exact).max()  # a bound, but not a useless one
        reach = set(vectors.within_reach(scanned, bound, snapshot.present, 50).tolist())
        assert set(top(exact, snapshot.present, 50).tolist()) <= reach
    assert worst > 0.5  # the worst queries come close to it: a bound half as wide would fail


def test_rows_changed_in_the_index_are_made_again_in_eight_bits():
    # A process follows the database by changing the rows that changed (``_apply``): their
    # 8-bit rows must be what making the whole matrix again would give.
    from hub.search.vectors import Quantised

    rng = np.random.default_rng(5)
    matrix = rng.standard_normal((300, 384)).astype(np.float16)
    quantised = Quantised.of(matrix)
    grown = np.concatenate([matrix, rng.standard_normal((20, 384)).astype(np.float16)])
    grown[[3, 150]] = rng.standard_normal((2, 384)).astype(np.float16)
    followed = quantised.with_rows(grown, [3, 150, *range(300, 320)])
    made = Quantised.of(grown)
    for name in ("codes", "scales", "residuals", "norms"):
        assert np.array_equal(getattr(followed, name), getattr(made, name)), name
    assert not np.array_equal(followed.codes[3], quantised.codes[3])


def test_neighbours_found_on_two_threads_are_those_found_on_one(monkeypatch):
    snapshot = random_snapshot()
    query = unit(3, 1, 0, 2, 0, 0, 1, 0)
    visible = snapshot.present.copy()

    def neighbours(split_from: int) -> tuple[dict, dict]:
        monkeypatch.setattr(selectors, "SPLIT_NEIGHBOUR_ROWS", split_from)
        legs = selectors._semantic_rows(snapshot, snapshot.scan(query), visible, visible,
                                        vector=query)
        near = selectors._near(snapshot, legs, legs.nearest[:150])
        return near, {row: mask.tolist() for row, mask in legs.neighbours.items()}

    on_one = neighbours(10**9)
    assert neighbours(2) == on_one  # the same masks and nearness, row by row
    assert len(on_one[1]) == 150


def test_neighbours_found_once_give_what_a_fresh_search_for_them_gives():
    snapshot = random_snapshot()
    query = unit(3, 1, 0, 2, 0, 0, 1, 0)
    visible = snapshot.present.copy()

    def fresh():
        return selectors._semantic_rows(snapshot, snapshot.scan(query), visible, visible,
                                        vector=query)

    legs = fresh()
    first = legs.nearest[:150]
    selectors._near(snapshot, legs, first)
    assert set(legs.neighbours) == set(first)
    # Scoring again with other rows and other closeness uses what was found and adds to it.
    again = legs.nearest[100:250]
    closeness = {row: 0.9 for row in legs.nearest[:40]}
    assert selectors._near(snapshot, legs, again, closeness=closeness) == selectors._near(
        snapshot, fresh(), again, closeness=closeness)
    assert selectors._near(snapshot, legs, first) == selectors._near(snapshot, fresh(), first)


@pytest.mark.django_db
def test_the_nearest_documents_neighbours_are_found_beside_the_lexical_leg(real_cases):
    # The semantic leg's thread finds the neighbours of the nearest documents while the
    # request's own thread asks the database; the ranking then finds only the lexical hits'.
    from hub.search.vectors import index

    snapshot = index.snapshot()
    visible = snapshot.mask()
    legs = selectors._semantic("text reminders for hospital appointments", snapshot, visible,
                               visible, neighbours=True)
    kept = selectors._kept_nearest(legs)
    assert set(legs.neighbours) == set(kept) & set(legs.region.tolist())
    assert selectors._near(snapshot, legs, kept) == selectors._near(
        snapshot, selectors._semantic("text reminders for hospital appointments", snapshot,
                                      visible, visible), kept)
