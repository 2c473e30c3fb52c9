"""Word-piece vectors move to a table of their own, and PostgreSQL keeps what a search reads
in the document's row.

At 100k documents on PostgreSQL, a row that also held 32 KB of piece vectors had its
``search_vector`` moved out to TOAST, and the full-text query read three buffers per match
instead of one (twice the time). The vectors now live in ``search_piecevectors``; and
``search_vector``, ``embedding`` and ``pieces`` are stored MAIN, so that PostgreSQL moves the
texts out of a long row before them. Rows written before this are rewritten once so that the
new storage applies to them too.

As in 0004, the column is dropped in place, in SQL: on SQLite, Django's table rebuild would
drop the triggers that feed the FTS5 tables (migration 0002).
"""

import django.db.models.deletion
from django.db import migrations, models

COPY = """INSERT INTO search_piecevectors (document_id, tokens)
          SELECT id, tokens FROM search_document WHERE tokens IS NOT NULL"""
COPY_BACK = """UPDATE search_document SET tokens = (
                   SELECT v.tokens FROM search_piecevectors v
                   WHERE v.document_id = search_document.id)"""
MAIN = ("search_vector", "embedding", "pieces")


def drop_tokens(apps, schema_editor):
    schema_editor.execute("ALTER TABLE search_document DROP COLUMN tokens")


def add_tokens(apps, schema_editor):
    kind = "bytea" if schema_editor.connection.vendor == "postgresql" else "blob"
    schema_editor.execute(f"ALTER TABLE search_document ADD COLUMN tokens {kind} NULL")


def storage(rule: str):
    """On PostgreSQL, store MAIN's columns under this rule (MAIN: in the row)."""

    def change(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in MAIN:
            schema_editor.execute(
                f"ALTER TABLE search_document ALTER COLUMN {column} SET STORAGE {rule}")
        if rule == "MAIN":
            # Only a changed value goes through the new rule: the generated search_vector is
            # computed again when a column it is made from is set, and the embedding is made
            # anew (an unchanged value would keep its place out of the row).
            schema_editor.execute(
                "UPDATE search_document SET title = title, embedding = embedding || ''::bytea, "
                "pieces = pieces || ''::bytea")

    return change


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0005_document_tokens"),
    ]

    operations = [
        migrations.CreateModel(
            name="PieceVectors",
            fields=[
                ("document", models.OneToOneField(
                    on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                    related_name="piece_vectors", serialize=False, to="search.document")),
                ("tokens", models.BinaryField()),
            ],
            options={
                "verbose_name_plural": "piece vectors",
            },
        ),
        migrations.RunSQL(COPY, COPY_BACK),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_tokens, add_tokens)],
            state_operations=[migrations.RemoveField(model_name="document", name="tokens")],
        ),
        migrations.RunPython(storage("MAIN"), storage("EXTENDED")),
    ]
