"""The lexical leg's word counts (for idf and the coverage gate) are right on both databases."""

import pytest
from django.db import connection

from hub.search import lexical
from hub.search.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(monkeypatch):
    """100 published documents, 60 of them with "zephyr", and statistics gathered; a
    "large" index for these tests (common means in more than 5 documents)."""
    monkeypatch.setattr(lexical, "SELECTIVE_DF", 5)
    Document.objects.bulk_create([
        Document(kind="case", object_id=900_000 + n, url=f"/x/{n}/", published=True,
                 title=f"Zephyr trial {n}" if n < 60 else f"Another trial {n}")
        for n in range(100)])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_document")


def count(word: str, token: str) -> int:
    return lexical.frequencies([word], token=token,
                               documents=Document.objects.count())[word]


def test_a_common_word_is_counted_as_common(index):
    counted = count("zephyr", "before")
    assert counted > lexical.SELECTIVE_DF
    if connection.vendor == "sqlite":
        assert counted == 60  # FTS5 counts its own matches exactly


def test_a_word_made_rare_by_a_large_deletion_is_counted_exactly_before_statistics_catch_up(
        index):
    # On PostgreSQL a common word's count comes from the planner's statistics. After most
    # documents are deleted, and before ANALYZE runs again, those statistics still say
    # common: the word must be counted, not estimated, now that it is rare.
    Document.objects.filter(title__startswith="Zephyr").exclude(
        object_id__in=[900_000, 900_001]).delete()
    assert count("zephyr", "after") == 2


def test_hidden_documents_never_make_a_word_look_common(index):
    # Thousands of unpublished documents sharing a word: PostgreSQL's statistics (over the
    # whole table) would call it common, but the public sees it in one document.
    Document.objects.bulk_create([
        Document(kind="case", object_id=950_000 + n, url=f"/h/{n}/", published=False,
                 title=f"Quokka draft {n}") for n in range(40)])
    Document.objects.create(kind="case", object_id=960_000, url="/q/", published=True,
                            title="Quokka counting on Rottnest")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_document")
    assert count("quokka", "hidden") == 1


def test_a_published_document_scores_the_same_for_everyone_and_others_drafts_never_come_back():
    def document(object_id, title, *, published):
        return Document.objects.create(kind="case", object_id=object_id, url=f"/x/{object_id}/",
                                       title=title, body=title, published=published)

    shown = document(1, "Rooftop beekeeping at the town hall", published=True)
    document(2, "Allotments for council tenants", published=True)
    document(3, "Beekeeping beekeeping beekeeping: bees in every park", published=False)
    own_draft = document(4, "Beekeeping lessons in primary schools", published=False)

    def scores(extra_visible):
        return dict(lexical.ranked(["beekeeping"], limit=10, extra_visible=extra_visible))

    everyone = scores([])
    author = scores([own_draft.pk])
    assert set(everyone) == {shown.pk}
    assert set(author) == {shown.pk, own_draft.pk}  # someone else's draft is not returned
    assert author[shown.pk] == pytest.approx(everyone[shown.pk], abs=1e-12)


def test_an_authors_draft_scores_the_same_whatever_others_keep_unpublished():
    def document(object_id, title, body, *, published):
        return Document.objects.create(kind="case", object_id=object_id, url=f"/x/{object_id}/",
                                       title=title, body=body, published=published)

    shown = document(1, "Quokka counting on Rottnest", "Rangers count quokkas every spring.",
                     published=True)
    for n in range(2, 8):
        document(n, f"Allotments for tenants {n}", "Council tenants grow vegetables.",
                 published=True)
    draft = document(10, "Quokka selfies and tourism", "Visitors photograph the quokka, "
                     "and the quokka population is counted.", published=False)

    def scores():
        return dict(lexical.ranked(["quokka", "count"], limit=10, extra_visible=[draft.pk]))

    before = scores()
    for n in range(20, 26):  # someone else's drafts, full of the same words
        document(n, f"Quokka quokka {n}", "Quokka quokka count count.", published=False)
    after = scores()
    assert set(after) == {shown.pk, draft.pk}
    assert after == pytest.approx(before, abs=1e-9)

    if connection.vendor != "sqlite":
        return  # what follows compares with FTS5's own bm25()
    # The formula is FTS5's own: for a published document, computed here with the published
    # statistics, it is exactly the score FTS5 gives it in the published table.
    with connection.cursor() as cursor:
        ours = lexical._bm25_among(cursor, ["quokka", "count"], [shown.pk])
    assert ours[shown.pk] == pytest.approx(before[shown.pk], rel=1e-9)


def test_both_databases_rank_by_the_same_bm25_a_rare_word_outweighs_a_common_one():
    """The same ordering on SQLite (FTS5's bm25) and PostgreSQL (the same formula over its
    lexemes): a document with the query's rare word beats one with its common word twice,
    and a word in the title beats the same word among the metadata."""
    def document(object_id, title, body="", meta=""):
        return Document.objects.create(kind="case", object_id=object_id, url=f"/x/{object_id}/",
                                       title=title, body=body, meta=meta, published=True)

    for n in range(12):
        document(100 + n, f"Council housing repairs {n}", "Repairs to council homes.")
    common = document(1, "Council council repairs", "Council repairs, council homes.")
    rare = document(2, "Heat pumps for tenants", "Tenants get heat pumps and council help.")
    in_title = document(3, "Damp survey of flats", "A survey of flats.")
    in_meta = document(4, "Survey of flats", "A survey of flats.", meta="damp")

    order = [document_id for document_id, _ in lexical.ranked(["council", "pumps"], limit=20)]
    assert order.index(rare.pk) < order.index(common.pk)
    order = [document_id for document_id, _ in lexical.ranked(["damp"], limit=20)]
    assert order == [in_title.pk, in_meta.pk]


def test_the_few_candidates_the_database_picks_hold_what_bm25_puts_first():
    """When many documents match, the database picks a few candidates (on PostgreSQL
    2 × limit, by ts_rank) for BM25 to order: they must include BM25's best, a short
    document about the word, and not only long documents that mention it as often."""
    filler = " ".join(f"word{n}" for n in range(300))
    for n in range(6):
        Document.objects.create(kind="case", object_id=200 + n, url=f"/l/{n}/", published=True,
                                title=f"Annual report {n}",
                                body=f"Quokka {filler} quokka {filler} quokka.")
    short = Document.objects.create(kind="case", object_id=300, url="/s/", published=True,
                                    title="Quokka survey", body="Quokka.")

    every_match = lexical.ranked(["quokka"], limit=100)
    assert every_match[0][0] == short.pk
    assert lexical.ranked(["quokka"], limit=1)[0][0] == short.pk


def test_the_statistics_follow_the_index_as_it_grows():
    """Statistics remembered from a small index must not outlive it: once cases are imported
    (the index changes: ``bump``), words are weighed by the index as it is."""
    from hub.search.vectors import bump, current_token

    def document(object_id, title):
        return Document.objects.create(kind="case", object_id=object_id, url=f"/x/{object_id}/",
                                       title=title, body=title, published=True)

    document(10, "Council repairs 0")
    bump()
    assert lexical.ranked(["council"], limit=10, token=current_token())
    for n in range(1, 10):
        document(10 + n, f"Council repairs {n}")
    bees = document(1, "Rooftop beekeeping council")
    repairs = document(2, "Council repairs council")
    bump()
    order = [document_id for document_id, _ in
             lexical.ranked(["beekeeping", "council"], limit=20, token=current_token())]
    assert order[0] == bees.pk and repairs.pk in order


def test_someone_who_sees_every_one_of_many_drafts_has_them_ranked_by_the_database(
        monkeypatch):
    """A curator sees every unpublished document: past SCORED_HERE of them they are ranked
    from the table of everything (whose statistics are then exactly what the curator sees),
    and published documents still score as they do for everyone."""
    monkeypatch.setattr(lexical, "SCORED_HERE", 1)

    def document(object_id, title, *, published):
        return Document.objects.create(kind="case", object_id=object_id, url=f"/x/{object_id}/",
                                       title=title, body=title, published=published)

    shown = document(1, "Rooftop beekeeping at the town hall", published=True)
    document(2, "Allotments for council tenants", published=True)
    drafts = [document(3, "Beekeeping in parks", published=False).pk,
              document(4, "Beekeeping lessons in schools", published=False).pk]
    everyone = dict(lexical.ranked(["beekeeping"], limit=10))
    curator = dict(lexical.ranked(["beekeeping"], limit=10, extra_visible=drafts))
    assert set(curator) == {shown.pk, *drafts}
    assert curator[shown.pk] == pytest.approx(everyone[shown.pk], abs=1e-12)
    assert all(curator[pk] > 0 for pk in drafts)


def test_postgresql_is_asked_how_a_word_is_stemmed_once_per_process(
        django_assert_num_queries):
    if connection.vendor != "postgresql":
        return  # FTS5 stems inside its own query
    lexical._stemmed.clear()

    def stems(words):
        with connection.cursor() as cursor:
            return lexical._lexemes(cursor, words)

    with django_assert_num_queries(1):
        assert stems(["appointments", "missed"]) == {"appointments": ["appoint"],
                                                     "missed": ["miss"]}
    with django_assert_num_queries(1):  # only the new word
        assert stems(["missed", "letters"]) == {"missed": ["miss"], "letters": ["letter"]}
    with django_assert_num_queries(0):
        assert stems(["letters", "appointments"]) == {"letters": ["letter"],
                                                      "appointments": ["appoint"]}
