"""On SQLite, a second FTS5 table holding published documents only. FTS5's BM25 uses corpus
statistics (how many documents have a word, their average length); computed over everything,
a hidden draft would shift the scores visitors see. Searches by people who may see nothing
unpublished use this table. (PostgreSQL's ts_rank_cd uses no corpus statistics.)"""

from django.db import migrations

COLUMNS = "title, body, detail, meta"
SQLITE = [
    f"""CREATE VIRTUAL TABLE search_public_fts USING fts5(
        {COLUMNS}, content='search_document', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""INSERT INTO search_public_fts(rowid, {COLUMNS})
        SELECT id, {COLUMNS} FROM search_document WHERE published""",
    f"""CREATE TRIGGER search_public_ai AFTER INSERT ON search_document WHEN new.published
    BEGIN
        INSERT INTO search_public_fts(rowid, {COLUMNS})
        VALUES (new.id, new.title, new.body, new.detail, new.meta);
    END""",
    f"""CREATE TRIGGER search_public_ad AFTER DELETE ON search_document WHEN old.published
    BEGIN
        INSERT INTO search_public_fts(search_public_fts, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.title, old.body, old.detail, old.meta);
    END""",
    # One trigger, so that the old row always leaves before the new one arrives (two
    # triggers would run in an order SQLite does not promise, and FTS5 must never hold a
    # row twice).
    f"""CREATE TRIGGER search_public_au AFTER UPDATE OF {COLUMNS}, published
    ON search_document BEGIN
        INSERT INTO search_public_fts(search_public_fts, rowid, {COLUMNS})
        SELECT 'delete', old.id, old.title, old.body, old.detail, old.meta WHERE old.published;
        INSERT INTO search_public_fts(rowid, {COLUMNS})
        SELECT new.id, new.title, new.body, new.detail, new.meta WHERE new.published;
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_public_au",
    "DROP TRIGGER IF EXISTS search_public_ad",
    "DROP TRIGGER IF EXISTS search_public_ai",
    "DROP TABLE IF EXISTS search_public_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_lexical_index")]

    operations = [migrations.RunPython(_run(SQLITE), _run(SQLITE_REVERSE))]
