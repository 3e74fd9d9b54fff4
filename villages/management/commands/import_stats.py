"""`manage.py import_stats DIR`: population, area and postal codes of registry units."""

from pathlib import Path

from villages.importers.stats import import_stats
from villages.management.base import ImportCommand


class Command(ImportCommand):
    help = (
        "Set population (*penduduk.csv: code,name,male,female,total), area (*luas.csv: "
        "code,name,area_km2), of any level, and postal codes (*kodepos.csv: "
        "code,name_idn_area_data,postal_code) from the files of DIR. Unknown codes are "
        "reported and skipped. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="Folder holding the figure files.")

    def run_import(self, *, directory, **options):
        return import_stats(directory=directory)
