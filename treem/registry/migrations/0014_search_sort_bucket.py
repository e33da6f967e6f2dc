"""Every child's search words get its sort bucket (treem/registry/search.py `sort_bucket`):
"@" and the hex code of its `name_sort`'s first character, kept between 0x20 and 0x9f.
PostgreSQL only: SQLite's text form keeps no bucket."""

from django.db import migrations

ADD = """
UPDATE registry_child
SET search_words = array_append(
    search_words,
    '@' || lpad(to_hex(least(greatest(ascii(name_sort), 32), 159)), 2, '0')
)
WHERE NOT EXISTS (SELECT 1 FROM unnest(search_words) k WHERE k LIKE '@%')
"""
REMOVE = """
UPDATE registry_child
SET search_words = ARRAY(SELECT k FROM unnest(search_words) k WHERE k NOT LIKE '@%')
WHERE EXISTS (SELECT 1 FROM unnest(search_words) k WHERE k LIKE '@%')
"""


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0013_child_ethnicity_unchecked"),
    ]

    operations = [migrations.RunPython(add, remove)]
