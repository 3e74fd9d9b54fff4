"""`manage.py import_stats DIR`: population, area and postal codes of registry units."""

from pathlib import Path

from django.core.management.base import CommandError

from portal.management.base import AuditedCommand
from villages.importers import ImportDataError, import_stats


class Command(AuditedCommand):
    help = (
        "Set population (*penduduk.csv: code,name,male,female,total), area (*luas.csv: "
        "code,name,area_km2) and postal codes (*kodepos.csv: code,name_idn_area_data,postal_code) "
        "from the files of DIR. Unknown codes are reported and skipped. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="Folder holding the figure files.")

    def handle(self, *args, directory, verbosity, **options):
        try:
            report = import_stats(directory=directory)
        except ImportDataError as exc:
            raise CommandError(exc.message) from exc
        if verbosity:
            lines = report.summary(sample=0 if verbosity > 1 else 10)
            style = self.style.SUCCESS if report.changed else self.style.NOTICE
            self.stdout.write(style(lines[0]))
            for line in lines[1:]:
                self.stdout.write(line)
