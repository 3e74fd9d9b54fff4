"""Writes to these tables raise the data's version (portal/core/dataversion.py), which the
cached figures are keyed by."""

from django.db import migrations

from portal.core.dataversion import track_changes


class Migration(migrations.Migration):
    dependencies = [("villages", "0008_search_and_figures"), ("core", "0001_data_version")]

    operations = [
        track_changes(
            "villages_registryimport",
            "villages_province",
            "villages_regency",
            "villages_district",
            "villages_village",
            "villages_pilot",
        )
    ]
