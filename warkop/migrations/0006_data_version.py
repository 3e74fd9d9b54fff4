"""Writes to these tables raise the data's version (portal/core/dataversion.py), which the
cached figures are keyed by."""

from django.db import migrations

from portal.core.dataversion import track_changes


class Migration(migrations.Migration):
    dependencies = [("warkop", "0005_choice_labels_in_words"), ("core", "0001_data_version")]

    operations = [
        track_changes(
            "warkop_warkop",
            "warkop_warkopstatuschange",
            "warkop_warkopphoto",
            "warkop_checkin",
            "warkop_monthlyreport",
            "warkop_monthlyreportline",
        )
    ]
