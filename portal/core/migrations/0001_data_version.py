"""The data's version (portal/core/dataversion.py): its table, the per-transaction mark and the
triggers' functions. The apps' own migrations put the trigger on their tables."""

from django.db import migrations

from portal.core.dataversion import INSTALL_SQL, UNINSTALL_SQL


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunSQL(INSTALL_SQL, UNINSTALL_SQL)]
