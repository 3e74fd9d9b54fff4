"""`manage.py import_boundaries PATH`: boundaries (GeoJSON) and centroids (GeoJSON or CSV)."""

from pathlib import Path

from villages.importers.boundaries import import_boundaries
from villages.management.base import ImportCommand


class Command(ImportCommand):
    help = (
        "Set the boundary and centroid of registry units from GeoJSON boundary files "
        "(WGS84 lon/lat) and centroid CSV files (code,name,level,lat,lng). PATH is a file or a "
        "folder. Units not in the registry are reported and skipped. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A .geojson/.csv file or a folder of them.")

    def run_import(self, *, path, **options):
        return import_boundaries(path=path)
