"""`manage.py import_boundaries PATH`: boundaries (GeoJSON) and centroids (GeoJSON or CSV)."""

from pathlib import Path

from django.core.management.base import CommandError

from portal.management.base import AuditedCommand
from villages.importers import ImportDataError, import_boundaries


class Command(AuditedCommand):
    help = (
        "Set the boundary and centroid of registry units from GeoJSON boundary files "
        "(WGS84 lon/lat) and centroid CSV files (code,name,level,lat,lng). PATH is a file or a "
        "folder. Units not in the registry are reported and skipped. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A .geojson/.csv file or a folder of them.")

    def handle(self, *args, path, verbosity, **options):
        try:
            report = import_boundaries(path=path)
        except ImportDataError as exc:
            raise CommandError(exc.message) from exc
        if verbosity:
            lines = report.summary(sample=0 if verbosity > 1 else 10)
            style = self.style.SUCCESS if report.changed else self.style.NOTICE
            self.stdout.write(style(lines[0]))
            for line in lines[1:]:
                self.stdout.write(line)
