"""PostgreSQL only: pg_trgm + unaccent and GIN trigram indexes on the folded name columns.

SQLite keeps the plain b-tree indexes of 0001 and searches the folded columns with LIKE.
"""

from django.db import migrations

INDEXES = [
    ("child_name_folded_trgm", "registry_child", "name_folded"),
    ("child_name_tokens_trgm", "registry_child", "name_tokens"),
    ("caregiver_name_folded_trgm", "registry_caregiver", "name_folded"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_ethnicities")]

    operations = [migrations.RunPython(forwards, backwards)]
