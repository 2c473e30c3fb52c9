"""A document's other names, one per line ("HMRC"): for kinds found by name, a query that is
one of them names it exactly (``registry.DocumentData.names``).

As in 0004, the column is added in place, in SQL: on SQLite, Django's table rebuild would
drop the triggers that feed the FTS5 tables. The names are not in the lexical index of their
own: a kind puts them in its text too, to be found by them.
"""

from django.db import migrations, models

ADD = "ALTER TABLE search_document ADD COLUMN names text NOT NULL DEFAULT ''"
DROP = "ALTER TABLE search_document DROP COLUMN names"


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_document_found_by_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD, DROP)],
            state_operations=[
                migrations.AddField(
                    model_name="document",
                    name="names",
                    field=models.TextField(blank=True, default=""),
                ),
            ],
        ),
    ]
