"""Writes to these tables raise the data's version (portal/core/dataversion.py), which the
cached figures are keyed by."""

from django.db import migrations

from portal.core.dataversion import track_changes


class Migration(migrations.Migration):
    dependencies = [("coverage", "0007_choice_labels_in_words"), ("core", "0001_data_version")]

    operations = [
        track_changes(
            "coverage_survey",
            "coverage_measurement",
            "coverage_surveyphoto",
            "coverage_mapcell",
            "coverage_villageconnectivity",
        )
    ]
