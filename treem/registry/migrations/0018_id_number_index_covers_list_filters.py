"""The unique index on the ID number also carries the columns every child list filters
on (status, birth date, area path, merged into), so that counting an ID-number-prefix
search ("0982" typed in the search box: tens of thousands of matches in a province) is
an index-only scan instead of a visit to every matching child's row: at 1 M children
the API's capped count went from ~16 ms to ~1 ms (bench/bench_registry_search.py).

PostgreSQL only (SQLite has no INCLUDE). The model keeps its UniqueConstraint as it was:
the index keeps its name, its key, its condition and its uniqueness; INCLUDE columns are
stored beside the key and take no part in uniqueness. tests/registry/test_search_pg.py
checks that the index covers the list's filters."""

from django.db import migrations

COVERED = """
DROP INDEX IF EXISTS child_unique_id_number;
CREATE UNIQUE INDEX child_unique_id_number ON registry_child
    (id_number varchar_pattern_ops) INCLUDE (status, birth_date, area_path, merged_into_id)
    WHERE id_number IS NOT NULL;
"""
PLAIN = """
DROP INDEX IF EXISTS child_unique_id_number;
CREATE UNIQUE INDEX child_unique_id_number ON registry_child
    (id_number varchar_pattern_ops) WHERE id_number IS NOT NULL;
"""


def covered(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COVERED, params=None)


def plain(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PLAIN, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0017_sqlite_caregiver_pairs"),
    ]

    operations = [migrations.RunPython(covered, plain)]
