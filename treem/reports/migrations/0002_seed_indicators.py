from django.db import migrations


def seed(apps, schema_editor):
    from treem.reports.catalogue import seed_indicators

    seed_indicators(apps.get_model("reports", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
