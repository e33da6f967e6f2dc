"""Seed the 54 official ethnic groups (the list lives in treem/registry/ethnicities.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from treem.core.text import fold
    from treem.registry.ethnicities import ETHNICITIES

    Ethnicity = apps.get_model("registry", "Ethnicity")
    for code, name in ETHNICITIES:
        Ethnicity.objects.update_or_create(
            code=code, defaults={"name": name, "name_folded": fold(name)}
        )


def unseed(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
