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
        found = dict(lexical.ranked(["seabirds"], limit=10))
        assert moved.pk in found
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
