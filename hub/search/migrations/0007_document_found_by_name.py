"""Documents of kinds found by their names (organisations: ``registry.Kind.found_by_name``)
are marked, and kept out of the published-only lexical index (SQLite) and the statistics the
other kinds are ranked by (both databases), so that loading the directory changes no case's
score.

As in 0004, the column is added in place, in SQL: on SQLite, Django's table rebuild would
drop the triggers that feed the FTS5 tables. The published-only table's triggers (0003) are
made again with the new condition; no document is found by name yet, so its rows stay right.
"""

from django.db import migrations, models

ADD = "ALTER TABLE search_document ADD COLUMN found_by_name boolean NOT NULL DEFAULT false"
DROP = "ALTER TABLE search_document DROP COLUMN found_by_name"

COLUMNS = "title, body, detail, meta"
LISTED = "{row}.published AND NOT {row}.found_by_name"


def _triggers(listed_new: str, listed_old: str, watched: str) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS search_public_ai",
        "DROP TRIGGER IF EXISTS search_public_ad",
        "DROP TRIGGER IF EXISTS search_public_au",
        f"""CREATE TRIGGER search_public_ai AFTER INSERT ON search_document WHEN {listed_new}
        BEGIN
            INSERT INTO search_public_fts(rowid, {COLUMNS})
            VALUES (new.id, new.title, new.body, new.detail, new.meta);
        END""",
        f"""CREATE TRIGGER search_public_ad AFTER DELETE ON search_document WHEN {listed_old}
        BEGIN
            INSERT INTO search_public_fts(search_public_fts, rowid, {COLUMNS})
            VALUES ('delete', old.id, old.title, old.body, old.detail, old.meta);
        END""",
        # One trigger, so that the old row always leaves before the new one arrives.
        f"""CREATE TRIGGER search_public_au AFTER UPDATE OF {watched} ON search_document
        BEGIN
            INSERT INTO search_public_fts(search_public_fts, rowid, {COLUMNS})
            SELECT 'delete', old.id, old.title, old.body, old.detail, old.meta
            WHERE {listed_old};
            INSERT INTO search_public_fts(rowid, {COLUMNS})
            SELECT new.id, new.title, new.body, new.detail, new.meta WHERE {listed_new};
        END""",
    ]


SQLITE = _triggers(LISTED.format(row="new"), LISTED.format(row="old"),
                   f"{COLUMNS}, published, found_by_name")
# Back: the documents found by name return to the published-only table (which must hold
# every published row before triggers that assume so may delete one from it).
SQLITE_REVERSE = [
    f"""INSERT INTO search_public_fts(rowid, {COLUMNS})
        SELECT id, {COLUMNS} FROM search_document WHERE published AND found_by_name""",
    *_triggers("new.published", "old.published", f"{COLUMNS}, published"),
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_piece_vectors_apart"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD, DROP)],
            state_operations=[
                migrations.AddField(
                    model_name="document",
                    name="found_by_name",
                    field=models.BooleanField(default=False),
                ),
            ],
        ),
        migrations.RunPython(_run(SQLITE), _run(SQLITE_REVERSE)),
    ]
