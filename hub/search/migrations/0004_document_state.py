from django.db import migrations, models

# On SQLite, Django adds a NOT NULL column by rebuilding the table, and the triggers that
# feed the FTS5 tables (migration 0002) would be dropped with the old table: every later
# write would be missing from the lexical index. So the column is added in place, in SQL
# that both databases accept. Any later change to search_document must do the same
# (hub/search/tests/test_lexical.py fails if the triggers are gone).
ADD = "ALTER TABLE search_document ADD COLUMN state varchar(40) NOT NULL DEFAULT ''"
DROP = "ALTER TABLE search_document DROP COLUMN state"


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_public_lexical_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD, DROP)],
            state_operations=[
                migrations.AddField(
                    model_name="document",
                    name="state",
                    field=models.CharField(blank=True, default="", max_length=40),
                ),
            ],
        ),
    ]
