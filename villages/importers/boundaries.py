"""`import_boundaries`: simplified boundaries (GeoJSON) and centroids (GeoJSON properties or a
centroid CSV) of units already in the registry.

The files are read and checked first (`geojson.py`); then, in one transaction, their rows are
copied into temporary staging tables, invalid polygons repaired with ST_MakeValid, and only the
units whose geometry differs are updated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from .geojson import read_geo_files
from .levels import LEVELS, Level, counts
from .problems import REPORT_SAMPLE, ImportDataError, listed
from .staging import copy_rows, create_staging, unknown_codes


@dataclass
class GeoLevelChanges:
    """Boundaries and centroids set on one level."""

    level: Level
    boundaries: int = 0  # in the files and in the registry
    boundaries_updated: int = 0
    centroids: int = 0
    centroids_updated: int = 0


@dataclass
class BoundariesReport:
    """The outcome of `import_boundaries`."""

    levels: list[GeoLevelChanges]
    files: list[str]
    unknown: list[str]  # codes in the files but not in the registry (skipped)
    repaired: list[str]  # codes whose invalid polygon was repaired (ST_MakeValid)

    @property
    def changed(self) -> bool:
        return any(lv.boundaries_updated or lv.centroids_updated for lv in self.levels)

    def summary(self, *, sample: int = REPORT_SAMPLE) -> list[str]:
        def of(attribute: str) -> str:
            return counts(self.levels, attribute)

        if self.changed:
            lines = [
                f"Updated boundaries of {of('boundaries_updated')}; "
                f"centroids of {of('centroids_updated')}.",
                f"Boundaries in the files: {of('boundaries')}; centroids: {of('centroids')}.",
            ]
        else:
            lines = [
                f"No changes: boundaries of {of('boundaries')} and centroids of "
                f"{of('centroids')} already up to date."
            ]
        if self.repaired:
            lines.append(
                f"Repaired {len(self.repaired)} invalid polygon(s) (ST_MakeValid): "
                + listed(self.repaired, sample=sample)
            )
        if self.unknown:
            lines.append(
                f"Not in the registry, skipped: {len(self.unknown)} code(s): "
                + listed(self.unknown, sample=sample)
            )
        return lines


def import_boundaries(*, path: Path | str) -> BoundariesReport:
    """Set `boundary` (MultiPolygon, SRID 4326) and `centroid` (Point) of registry units from the
    GeoJSON/CSV files at `path` (a file or a folder).

    The unit is chosen by code (its number of segments gives the model). Invalid polygons are
    repaired with ST_MakeValid (and reported); codes not in the registry are reported and skipped.
    Idempotent: only rows whose geometry differs are written. Raises ImportDataError, with
    nothing written, on malformed input.
    """
    data = read_geo_files(path=Path(path))
    report = BoundariesReport(
        levels=[GeoLevelChanges(level=level) for level in LEVELS],
        files=data.files,
        unknown=[],
        repaired=[],
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL client_min_messages = warning")
        create_staging(
            cursor,
            "import_boundary",
            "code text PRIMARY KEY, depth int NOT NULL, wkt text NOT NULL, place text, "
            "repaired boolean, geom geometry(MultiPolygon, 4326)",
        )
        copy_rows(
            cursor,
            table="import_boundary",
            columns=("code", "depth", "wkt", "place"),
            rows=((code, *values) for code, values in data.boundaries.items()),
        )
        data.boundaries.clear()
        cursor.execute(
            """UPDATE import_boundary SET repaired = NOT ST_IsValid(ST_GeomFromText(wkt, 4326))"""
        )
        cursor.execute(
            """UPDATE import_boundary SET geom = CASE WHEN repaired
                   THEN ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_GeomFromText(wkt, 4326)), 3))
                   ELSE ST_GeomFromText(wkt, 4326) END"""
        )
        cursor.execute("SELECT place FROM import_boundary WHERE ST_IsEmpty(geom) ORDER BY place")
        empty = [place for (place,) in cursor.fetchall()]
        if empty:
            raise ImportDataError(
                [
                    f"{place}: the polygon is degenerate (no area left after repair)"
                    for place in empty
                ]
            )
        cursor.execute("SELECT code FROM import_boundary WHERE repaired ORDER BY code")
        report.repaired = [code for (code,) in cursor.fetchall()]

        create_staging(
            cursor,
            "import_centroid",
            "code text PRIMARY KEY, depth int NOT NULL, lng float8 NOT NULL, lat float8 NOT NULL",
        )
        copy_rows(
            cursor,
            table="import_centroid",
            columns=("code", "depth", "lng", "lat"),
            rows=(
                (code, d, repr(lng), repr(lat))
                for code, (d, lng, lat, *_) in data.centroids.items()
            ),
        )
        data.centroids.clear()
        cursor.execute("ANALYZE import_boundary")
        cursor.execute("ANALYZE import_centroid")
        create_staging(cursor, "import_geo_codes", "code text PRIMARY KEY, depth int NOT NULL")
        cursor.execute(
            """INSERT INTO import_geo_codes
               SELECT code, depth FROM import_boundary
               UNION SELECT code, depth FROM import_centroid"""
        )
        report.unknown = unknown_codes(cursor, "import_geo_codes")
        for changes in report.levels:
            table, depth = changes.level.table, changes.level.depth
            cursor.execute(
                f"""SELECT (SELECT count(*) FROM import_boundary s JOIN {table} t USING (code)
                            WHERE s.depth = %s),
                           (SELECT count(*) FROM import_centroid s JOIN {table} t USING (code)
                            WHERE s.depth = %s)""",  # noqa: S608
                [depth, depth],
            )
            changes.boundaries, changes.centroids = cursor.fetchone()
            cursor.execute(
                f"""UPDATE {table} t SET boundary = s.geom, updated_at = now()
                    FROM import_boundary s
                    WHERE s.depth = %s AND t.code = s.code
                      AND ST_AsEWKB(t.boundary) IS DISTINCT FROM ST_AsEWKB(s.geom)""",  # noqa: S608
                [depth],
            )
            changes.boundaries_updated = cursor.rowcount
            cursor.execute(
                f"""UPDATE {table} t
                    SET centroid = ST_SetSRID(ST_MakePoint(s.lng, s.lat), 4326),
                        updated_at = now()
                    FROM import_centroid s
                    WHERE s.depth = %s AND t.code = s.code
                      AND ST_AsEWKB(t.centroid) IS DISTINCT FROM
                          ST_AsEWKB(ST_SetSRID(ST_MakePoint(s.lng, s.lat), 4326))""",  # noqa: S608
                [depth],
            )
            changes.centroids_updated = cursor.rowcount
        for staging in ("import_boundary", "import_centroid", "import_geo_codes"):
            cursor.execute(f"DROP TABLE {staging}")
    return report
