from django.db import migrations


def seed_roles(apps, schema_editor):
    from treem.core.roles import DEFAULT_ROLES

    Role = apps.get_model("core", "Role")
    for order, (slug, name, level, caps) in enumerate(DEFAULT_ROLES):
        Role.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "area_level": level, "capabilities": caps, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed_roles, migrations.RunPython.noop)]
