"""Writes to these tables raise the data's version (portal/core/dataversion.py), which the
cached figures are keyed by."""

from django.db import migrations

from portal.core.dataversion import track_changes


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_report_audit_without_figures"), ("core", "0001_data_version")]

    operations = [track_changes("reports_report")]
