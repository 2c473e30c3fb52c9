"""The lexical leg's word counts (for idf and the coverage gate) are right on both databases."""

import pytest
from django.db import connection

from hub.search import lexical
from hub.search.models import Document

pytestmark = pytest.mark.django_db


def documents(count: int, *, word: str, first_id: int = 900_000) -> None:
    Document.objects.bulk_create([
        Document(kind="case", object_id=first_id + n, title=f"{word.title()} trial {n}",
                 body=f"A {word} study.", url=f"/x/{n}/", published=True)
        for n in range(count)])


def test_a_word_made_rare_by_a_large_deletion_is_counted_exactly_before_statistics_catch_up(
        monkeypatch):
    # On PostgreSQL a common word's count comes from the planner's statistics. After most of
    # its documents are deleted, and before ANALYZE runs again, those statistics still say
    # common: the word must be counted, not estimated, once it is rare again.
    monkeypatch.setattr(lexical, "SELECTIVE_DF", 5)
    documents(60, word="zephyr")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_document")
    Document.objects.filter(title__startswith="Zephyr").exclude(
        object_id__in=[900_000, 900_001]).delete()
    assert lexical.frequencies(["zephyr"], token="after-deletion") == {"zephyr": 2}


def test_a_common_word_is_counted_at_least_as_often_as_it_is_found(monkeypatch):
    monkeypatch.setattr(lexical, "SELECTIVE_DF", 5)
    documents(40, word="quokka")
    counts = lexical.frequencies(["quokka"], token="common")
    assert counts["quokka"] > lexical.SELECTIVE_DF
    if connection.vendor == "sqlite":
        assert counts["quokka"] == 40  # FTS5 counts its own matches exactly
