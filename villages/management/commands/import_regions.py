"""`manage.py import_regions DIR [--province CODE]`: the Kemendagri registry from idn-area-data."""

from pathlib import Path

from django.core.management.base import CommandError

from portal.management.base import AuditedCommand
from villages.importers import ImportDataError, import_regions


class Command(AuditedCommand):
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

    def handle(self, *args, directory, province, verbosity, **options):
        try:
            report = import_regions(directory=directory, province=province)
        except ImportDataError as exc:
            raise CommandError(exc.message) from exc
        if verbosity:
            lines = report.summary(sample=0 if verbosity > 1 else 10)
            style = self.style.SUCCESS if report.changed else self.style.NOTICE
            self.stdout.write(style(lines[0]))
            for line in lines[1:]:
                self.stdout.write(line)
