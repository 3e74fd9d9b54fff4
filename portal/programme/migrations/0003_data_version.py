"""Writes to these tables raise the data's version (portal/core/dataversion.py), which the
cached figures are keyed by."""

from django.db import migrations

from portal.core.dataversion import track_changes


class Migration(migrations.Migration):
    dependencies = [("programme", "0002_roles"), ("core", "0001_data_version")]

    operations = [
        track_changes(
            "portal_nonworkingday",
            "portal_programme",
            "portal_milestone",
            "portal_programmesnapshot",
        )
    ]
