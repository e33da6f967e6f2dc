"""Seed the public holiday calendar for 2025–2027 (see treem/cases/holidays.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from treem.cases.holidays import HOLIDAYS

    PublicHoliday = apps.get_model("core", "PublicHoliday")
    for date, name, _source in HOLIDAYS:
        PublicHoliday.objects.get_or_create(date=date, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_roles")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
