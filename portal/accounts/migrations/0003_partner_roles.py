"""Partner members read and update their own organisation (see portal.core.roles)."""

from django.db import migrations


def sync(apps, schema_editor):
    from portal.core.roles import sync_roles

    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_roles")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
