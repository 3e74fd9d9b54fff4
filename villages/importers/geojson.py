"""Reading boundary and centroid files: GeoJSON FeatureCollections of (Multi)Polygons and centroid
CSV files, checked and turned into WKT and coordinates for `import_boundaries`.

Geometry is never built from user-supplied spatial-reference text: GeoJSON is parsed with the json
module, its `crs` member is compared as a plain string with the WGS84 names allowed, and geometries
are rebuilt from their coordinates alone (the importer fixes the SRID at 4326).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from .files import read_csv, without_bom
from .levels import Level, level_of
from .problems import ImportDataError, InvalidValue, Problems

#: The `crs` names a GeoJSON file may declare: WGS84 longitude/latitude only. They are compared as
#: plain strings and never handed to GDAL/PROJ.
ALLOWED_CRS_NAMES = frozenset(
    {
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "urn:ogc:def:crs:OGC:2:84",
        "urn:ogc:def:crs:EPSG::4326",
        "urn:ogc:def:crs:EPSG:6.6:4326",
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        "https://www.opengis.net/def/crs/OGC/1.3/CRS84",
        "http://www.opengis.net/def/crs/EPSG/0/4326",
        "https://www.opengis.net/def/crs/EPSG/0/4326",
        "OGC:CRS84",
        "CRS84",
        "EPSG:4326",
        "WGS84",
    }
)

#: Level names used by the boundary files (Indonesian) and the centroid CSV (English).
LEVEL_NAMES = {
    "provinsi": 1,
    "province": 1,
    "kabupaten_kota": 2,
    "kabupaten": 2,
    "kota": 2,
    "regency": 2,
    "kecamatan": 3,
    "district": 3,
    "desa_kelurahan": 4,
    "desa": 4,
    "kelurahan": 4,
    "village": 4,
}


def _coordinate(value, *, name: str) -> float:
    """A finite number from JSON (int or float) or CSV text."""
    if isinstance(value, bool) or value is None:
        raise InvalidValue(f"{name} {value!r} is not a number")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise InvalidValue(f"{name} {value!r} is not a number") from None
    elif not isinstance(value, int | float):
        raise InvalidValue(f"{name} {value!r} is not a number")
    if not math.isfinite(value):
        raise InvalidValue(f"{name} {value!r} is not a finite number")
    return float(value)


def _lon_lat(lng, lat, *, what: str = "coordinate") -> tuple[float, float]:
    lng = _coordinate(lng, name="longitude")
    lat = _coordinate(lat, name="latitude")
    if not (-180.0 <= lng <= 180.0 and -90.0 <= lat <= 90.0):
        raise InvalidValue(
            f"{what} (lng {lng}, lat {lat}) outside longitude -180..180 / latitude -90..90"
        )
    return lng, lat


def _ring_wkt(ring) -> str:
    if not isinstance(ring, list) or len(ring) < 4:
        raise InvalidValue("a polygon ring needs at least 4 positions")
    parts = []
    for position in ring:
        if not isinstance(position, list) or len(position) < 2:
            raise InvalidValue(f"position {position!r} is not [longitude, latitude]")
        lng, lat = _lon_lat(position[0], position[1])
        parts.append(f"{lng!r} {lat!r}")
    if parts[0] != parts[-1]:
        raise InvalidValue("a polygon ring is not closed (first and last positions differ)")
    return "(" + ",".join(parts) + ")"


def _polygon_wkt(rings) -> str:
    if not isinstance(rings, list) or not rings:
        raise InvalidValue("a polygon needs at least one ring")
    return "(" + ",".join(_ring_wkt(ring) for ring in rings) + ")"


def geometry_wkt(geometry) -> str:
    """MULTIPOLYGON WKT (lon lat) of a GeoJSON Polygon or MultiPolygon geometry object.

    Only `type` and `coordinates` are read: any `crs` or other member is ignored, so no
    user-supplied spatial-reference text reaches GDAL or PostGIS; the SRID is fixed at 4326 by the
    caller. Raises InvalidValue for anything else or for coordinates outside lon/lat ranges.
    """
    if not isinstance(geometry, dict):
        raise InvalidValue("the geometry is not an object")
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        return "MULTIPOLYGON(" + _polygon_wkt(coordinates) + ")"
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise InvalidValue("a MultiPolygon needs at least one polygon")
        return "MULTIPOLYGON(" + ",".join(_polygon_wkt(p) for p in coordinates) + ")"
    raise InvalidValue(f"geometry type {kind!r} is not Polygon or MultiPolygon")


def _check_level(code: str, level_name) -> Level:
    """The level of `code`; its declared `level_name` (if any) must agree."""
    level = level_of(code)
    if level_name not in (None, ""):
        depth = LEVEL_NAMES.get(str(level_name).strip().lower())
        if depth is None:
            raise InvalidValue(f"unknown level {level_name!r}")
        if depth != level.depth:
            raise InvalidValue(
                f"level {level_name!r} does not match code {code} (a {level.singular})"
            )
    return level


@dataclass
class GeoInput:
    boundaries: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # depth, wkt, place
    # code -> depth, lng, lat, place, from GeoJSON
    centroids: dict[str, tuple[int, float, float, str, bool]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def _read_geojson(path: Path, *, data: GeoInput, problems: Problems) -> None:
    """Validate a GeoJSON FeatureCollection of boundaries and collect its rows into `data`."""
    try:
        raw = without_bom(path.read_bytes())
    except OSError as exc:
        problems.add(path=path, message=f"cannot read the file ({exc.strerror})")
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problems.add(path=path, line=line, message="bytes that are not UTF-8")
        return
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.add(
            path=path, line=exc.lineno, message=f"invalid JSON ({exc.msg}, column {exc.colno})"
        )
        return
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        problems.add(path=path, message="not a GeoJSON FeatureCollection")
        return
    crs = document.get("crs")
    if crs is not None:
        name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
        if not isinstance(name, str) or name.strip() not in ALLOWED_CRS_NAMES:
            problems.add(
                path=path,
                message=(
                    f"coordinate reference system {name if isinstance(name, str) else crs!r} is "
                    "not accepted: only WGS84 longitude/latitude (CRS84 / EPSG:4326); reproject "
                    "the file first"
                ),
            )
            return
    features = document.get("features")
    if not isinstance(features, list):
        problems.add(path=path, message="the FeatureCollection has no 'features' list")
        return
    seen: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        where = f"feature {number}"
        try:
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise InvalidValue("not a GeoJSON Feature")
            properties = feature.get("properties")
            if not isinstance(properties, dict) or "code" not in properties:
                raise InvalidValue("missing property 'code'")
            code = str(properties["code"]).strip()
            where = f"feature {number} (code {code})"
            level = _check_level(code, properties.get("level"))
            if code in seen:
                raise InvalidValue(f"duplicate code {code} (also feature {seen[code]})")
            seen[code] = number
            if code in data.boundaries:
                raise InvalidValue(f"duplicate code {code} (also {data.boundaries[code][2]})")
            geometry = feature.get("geometry")
            if geometry is not None:
                wkt = geometry_wkt(geometry)
                data.boundaries[code] = (level.depth, wkt, f"{path.name}, {where}")
            lat = properties.get("centroid_lat")
            lng = properties.get("centroid_lng")
            if lat is not None or lng is not None:
                lng, lat = _lon_lat(lng, lat, what="centroid")
                data.centroids[code] = (level.depth, lng, lat, f"{path.name}, {where}", True)
        except InvalidValue as exc:
            problems.add(path=path, where=where, message=str(exc))
            if problems.full:
                return


def _read_centroid_csv(path: Path, *, data: GeoInput, problems: Problems) -> None:
    """Validate a centroid CSV (code,name,level,lat,lng) and collect its rows into `data`.

    A centroid given by a GeoJSON feature (more precise) wins over the CSV's for the same code.
    """
    lines: dict[str, int] = {}
    for line, (code, level_name, lat, lng) in read_csv(
        path, columns=("code", "level", "lat", "lng"), problems=problems
    ):
        code = code.strip()
        try:
            level = _check_level(code, level_name)
            if code in lines:
                raise InvalidValue(f"duplicate code {code} (also on line {lines[code]})")
            lines[code] = line
            lng, lat = _lon_lat(lng, lat, what="centroid")
        except InvalidValue as exc:
            problems.add(path=path, line=line, message=str(exc))
            if problems.full:
                return
            continue
        previous = data.centroids.get(code)
        if previous is None or not previous[4]:
            data.centroids[code] = (level.depth, lng, lat, f"{path.name}, line {line}", False)


def read_geo_files(*, path: Path) -> GeoInput:
    """Read and validate boundary/centroid files: `path` is a file or a folder of .geojson,
    .json and .csv files. Raises ImportDataError."""
    path = Path(path)
    if path.is_dir():
        files = sorted(
            p for p in path.iterdir() if p.suffix.lower() in {".geojson", ".json", ".csv"}
        )
        if not files:
            raise ImportDataError([f"{path}: no .geojson or .csv file in the folder"])
    elif path.is_file():
        files = [path]
    else:
        raise ImportDataError([f"{path.name}: file not found ({path})"])
    data = GeoInput()
    problems = Problems()
    # GeoJSON first, so that its centroids take precedence over the CSV's.
    for file in sorted(files, key=lambda p: p.suffix.lower() == ".csv"):
        suffix = file.suffix.lower()
        if suffix in {".geojson", ".json"}:
            _read_geojson(file, data=data, problems=problems)
        elif suffix == ".csv":
            _read_centroid_csv(file, data=data, problems=problems)
        else:
            problems.add(path=file, message="not a .geojson, .json or .csv file")
        data.files.append(file.name)
        if problems.full:
            break
    problems.raise_if_any()
    return data
