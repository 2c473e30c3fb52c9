"""The lexical index, which Django's ORM cannot describe: an FTS5 table on SQLite kept in step
by triggers, or a generated, weighted tsvector column with a GIN index on PostgreSQL."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE search_document_fts USING fts5(
        title, body, detail, meta,
        content='search_document', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN
        INSERT INTO search_document_fts(rowid, title, body, detail, meta)
        VALUES (new.id, new.title, new.body, new.detail, new.meta);
    END""",
    """CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, title, body, detail, meta)
        VALUES ('delete', old.id, old.title, old.body, old.detail, old.meta);
    END""",
    """CREATE TRIGGER search_document_au AFTER UPDATE OF title, body, detail, meta
    ON search_document BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, title, body, detail, meta)
        VALUES ('delete', old.id, old.title, old.body, old.detail, old.meta);
        INSERT INTO search_document_fts(rowid, title, body, detail, meta)
        VALUES (new.id, new.title, new.body, new.detail, new.meta);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_document_fts",
]
POSTGRESQL = [
    """ALTER TABLE search_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(detail, '')), 'C')
        || setweight(to_tsvector('english'::regconfig, coalesce(meta, '')), 'D')
    ) STORED""",
    "CREATE INDEX search_document_vector ON search_document USING GIN (search_vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
