"""Recompute Child.name_sort with the tie-safe layout (given name, rest, then tones)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from treem.core.text import clean
    from treem.registry.models import name_sort_string

    Child = apps.get_model("registry", "Child")
    batch = []
    for child in Child.objects.only("pk", "full_name").iterator(chunk_size=2000):
        words = clean(child.full_name).split(" ") if child.full_name else []
        child.name_sort = name_sort_string(words[-1] if words else "", " ".join(words[:-1]))
        batch.append(child)
        if len(batch) >= 2000:
            Child.objects.bulk_update(batch, ["name_sort"])
            batch = []
    if batch:
        Child.objects.bulk_update(batch, ["name_sort"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_search_indexes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
