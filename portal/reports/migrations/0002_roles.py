"""Staff read, generate and sign off reports (portal.core.roles: REPORTS)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def sync(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    from portal.core.roles import sync_roles

    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_report")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
