"""SQLite: store the caregivers' word pairs in `search_words`, so that a search of two
words asks them of one caregiver's name, as on PostgreSQL (where the pairs were always
stored and nothing changes)."""

from collections import defaultdict

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        return
    from treem.registry.search import search_words_for

    Child = apps.get_model("registry", "Child")
    Caregiver = apps.get_model("registry", "Caregiver")
    carers = defaultdict(list)
    for child_id, folded in Caregiver.objects.filter(removed_at__isnull=True).values_list(
        "child_id", "name_folded"
    ):
        carers[child_id].append(folded)
    batch = []
    for child in Child.objects.only("pk", "name_folded", "name_sort").iterator(chunk_size=2000):
        child.search_words = search_words_for(
            child.name_folded, carers.get(child.pk, []), name_sort=child.name_sort
        )
        batch.append(child)
        if len(batch) >= 2000:
            Child.objects.bulk_update(batch, ["search_words"])
            batch = []
    if batch:
        Child.objects.bulk_update(batch, ["search_words"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0016_area_path_index_without_sort")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
