"""Child.area_path: a copy of the residence's area path, filled here for existing rows,
so scoping and the list order read one table (index on area_path, name_sort)."""

from django.db import migrations, models

FILL = (
    "UPDATE registry_child SET area_path = "
    "(SELECT path FROM core_area WHERE core_area.id = registry_child.area_id)"
)


def fill(apps, schema_editor):
    schema_editor.execute(FILL)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_account_state"),
        ("registry", "0004_recompute_name_sort"),
    ]

    operations = [
        migrations.AddField(
            model_name="child",
            name="area_path",
            field=models.CharField(blank=True, default="", editable=False, max_length=255),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="child",
            index=models.Index(
                fields=["area_path", "name_sort"],
                name="child_area_path_sort_idx",
                opclasses=["varchar_pattern_ops", "text_ops"],
            ),
        ),
    ]
