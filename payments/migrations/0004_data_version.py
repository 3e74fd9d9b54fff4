"""Writes to these tables raise the data's version (portal/core/dataversion.py), which the
cached figures are keyed by."""

from django.db import migrations

from portal.core.dataversion import track_changes


class Migration(migrations.Migration):
    dependencies = [("payments", "0003_catalogue"), ("core", "0001_data_version")]

    operations = [
        track_changes("payments_servicecategory", "payments_provider", "payments_serviceoffering")
    ]
