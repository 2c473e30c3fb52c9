"""Migrations of the search index that change a table the database feeds itself (FTS5
triggers on SQLite) or that move data: what a hub upgraded in place relies on."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hub.search import lexical
from hub.search.models import Document, PieceVectors

BEFORE = [("search", "0005_document_tokens")]
AFTER = [("search", "0006_piece_vectors_apart")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def columns() -> set[str]:
    with connection.cursor() as cursor:
        return {column.name for column in
                connection.introspection.get_table_description(cursor, "search_document")}


def matching(word: str) -> set[int]:
    """The published documents the database's own full-text index finds the word in (in SQL
    of the migration's time: the search's code may need later columns)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT id FROM search_document "
                           "WHERE search_vector @@ to_tsquery('english', %s)", [word])
        else:
            cursor.execute("SELECT rowid FROM search_public_fts "
                           "WHERE search_public_fts MATCH %s", [word])
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_piece_vectors_move_to_their_own_table_and_the_lexical_index_keeps_working():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("search")
    migrate(BEFORE)
    try:
        assert "tokens" in columns()
        with connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO search_document (kind, object_id, source_id, title, body, detail,
                       meta, url, published, facets, caption, text_hash, updated_at, state,
                       tokens)
                   VALUES ('case', 7, 'c007', 'Puffins counted by drones', '', '', '', '/x',
                           %s, '{}', '', '', CURRENT_TIMESTAMP, '', %s),
                          ('case', 8, 'c008', 'Indexed before pieces were kept', '', '', '',
                           '/y', %s, '{}', '', '', CURRENT_TIMESTAMP, '', NULL)""",
                [True, b"\x01\x02packed", True])
        migrate(AFTER)
        assert "tokens" not in columns()
        # (Only the columns of the time: later migrations add others.)
        moved = Document.objects.only("pk").get(object_id=7)
        assert bytes(PieceVectors.objects.get(document=moved).tokens) == b"\x01\x02packed"
        assert not PieceVectors.objects.filter(document__object_id=8).exists()
        # The database still feeds its full-text index from the table (SQLite's triggers
        # survive: a rebuilt table would have lost them).
        Document.objects.filter(pk=moved.pk).update(title="Seabirds counted by drones")
        assert moved.pk in matching("seabird")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    """SELECT attname, attstorage FROM pg_attribute
                       WHERE attrelid = 'search_document'::regclass
                             AND attname IN ('search_vector', 'embedding', 'pieces')""")
                assert dict(cursor.fetchall()) == {"search_vector": "m", "embedding": "m",
                                                   "pieces": "m"}
        # And back: the vectors return to the row.
        migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute("SELECT tokens FROM search_document WHERE object_id = 7")
            assert bytes(cursor.fetchone()[0]) == b"\x01\x02packed"
    finally:
        migrate([("search", name) for _app, name in latest])


@pytest.mark.django_db(transaction=True)
def test_documents_found_by_name_leave_the_published_statistics_and_come_back_on_the_way_down():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("search")
    migrate([("search", "0007_document_found_by_name")])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO search_document (kind, object_id, source_id, title, body, detail,
                       meta, url, published, facets, caption, text_hash, updated_at, state,
                       found_by_name)
                   VALUES ('organisation', 7, '', 'Puffin Trust', '', '', '', '/o', %s, '{}',
                           '', '', CURRENT_TIMESTAMP, '', %s),
                          ('case', 8, 'c008', 'Puffins counted', '', '', '', '/c', %s, '{}',
                           '', '', CURRENT_TIMESTAMP, '', %s)""", [True, True, True, False])
        case = Document.objects.only("pk").get(object_id=8)
        assert dict(lexical.ranked(["puffin"], limit=10)).keys() == {case.pk}
        assert lexical.frequencies(["puffin"], token="t1", documents=2) == {"puffin": 1}
        migrate(AFTER)  # 0006: the organisation is an ordinary published document again
        assert "found_by_name" not in columns()
        if connection.vendor == "sqlite":  # (PostgreSQL keeps no table of its own)
            def public_matches() -> int:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM search_public_fts "
                                   "WHERE search_public_fts MATCH 'puffin'")
                    return cursor.fetchone()[0]

            assert public_matches() == 2
            # ...and the triggers of 0006 can take it out of the table without harm.
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM search_document WHERE object_id = 7")
                cursor.execute("INSERT INTO search_public_fts(search_public_fts) "
                               "VALUES ('integrity-check')")
            assert public_matches() == 1
    finally:
        migrate([("search", name) for _app, name in latest])
