"""`manage.py import_regions DIR [--province CODE]`: the Kemendagri registry from idn-area-data."""

from pathlib import Path

from villages.importers.regions import import_regions
from villages.management.base import ImportCommand


class Command(ImportCommand):
    help = (
        "Create or update provinces, regencies, districts and villages from the idn-area-data "
        "CSV files (provinces.csv, regencies.csv, districts.csv, villages.csv) of DIR. "
        "Idempotent; units missing from the files are reported, never deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="Folder holding the four CSV files.")
        parser.add_argument(
            "--province",
            metavar="CODE",
            help="Import only this province's rows (e.g. 17 for Bengkulu).",
        )

    def run_import(self, *, directory, province, **options):
        return import_regions(directory=directory, province=province)
