"""Seed the service categories and providers (payments/catalogue.py, payments/data/SOURCE.md)."""

from django.db import migrations


def seed(apps, schema_editor):
    from payments.catalogue import seed as seed_catalogue

    seed_catalogue(apps.get_model("payments", "ServiceCategory"), apps.get_model("payments", "Provider"))


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_service_offering")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
