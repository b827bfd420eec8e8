"""Indexes that let PostgreSQL answer a search without reading every person.

Search looks for words anywhere in names (`icontains`, which PostgreSQL runs as
UPPER(column::text) LIKE UPPER('%word%')) and for ids ignoring case (`iexact`): trigram indexes
on the same expressions serve the first, expression indexes the second. SQLite has neither; there
the search reads every person, which suits a development database.
"""

from django.db import migrations

NAMES = [
    ("people_person", "given_name"),
    ("people_person", "family_name"),
    ("people_alias", "given_name"),
    ("people_alias", "family_name"),
]
IDS = [("people_person", "pnc_id"), ("people_person", "local_id")]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in NAMES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )
    for table, column in IDS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_{column}_upper ON {table} (UPPER({column}::text))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")
    for table, column in IDS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_upper")


class Migration(migrations.Migration):
    dependencies = [("people", "0005_intelligence_entries")]
    operations = [migrations.RunPython(create, drop)]
