"""`import_boundaries`: boundaries (GeoJSON) and centroids (GeoJSON properties or CSV)."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from villages.models import District, Province, Regency, Village

GEO = Path(__file__).resolve().parents[2] / "villages" / "data" / "bengkulu" / "geo"
CRS84 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
SQUARE = [[[102.0, -4.0], [102.1, -4.0], [102.1, -3.9], [102.0, -3.9], [102.0, -4.0]]]


def feature(code: str, coordinates=SQUARE, kind: str = "Polygon", **properties) -> dict:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": "x", **properties},
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def write_geojson(path: Path, features: list, crs=CRS84) -> Path:
    document = {"type": "FeatureCollection", "features": features}
    if crs is not None:
        document["crs"] = crs
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def run(path: Path) -> str:
    out = StringIO()
    call_command("import_boundaries", str(path), stdout=out)
    return out.getvalue()


def snapshot() -> tuple:
    village = Village.objects.get(code="17.01.01.2001")
    return (
        Village.objects.filter(boundary__isnull=False).count(),
        Village.objects.filter(centroid__isnull=False).count(),
        village.boundary.wkb.hex(),
        village.centroid.coords,
        village.updated_at,
    )


@pytest.mark.django_db
def test_bengkulu_boundaries_and_centroids_are_loaded():
    for model, count in ((Province, 1), (Regency, 10), (District, 129), (Village, 1513)):
        units = model.objects.filter(code__startswith="17")
        assert units.count() == count
        assert units.filter(boundary__isnull=True).count() == 0
        assert units.filter(centroid__isnull=True).count() == 0
    province = Province.objects.get(code="17")
    assert province.boundary.geom_type == "MultiPolygon"
    assert province.boundary.srid == 4326
    # Regency boundaries are Polygons in the file: stored wrapped in a MultiPolygon.
    kota = Regency.objects.get(code="17.71")
    assert kota.boundary.geom_type == "MultiPolygon"
    lng, lat = kota.centroid.coords
    assert (round(lat, 4), round(lng, 4)) == (-3.8414, 102.3082)
    enggano = District.objects.get(code="17.03.01")
    assert (round(enggano.centroid.y, 3), round(enggano.centroid.x, 3)) == (-5.394, 102.247)


@pytest.mark.django_db
def test_second_run_changes_nothing():
    before = snapshot()
    output = run(GEO)
    assert output.startswith("No changes: boundaries of 1 province, 10 regencies, 129 districts")
    assert snapshot() == before


@pytest.mark.django_db
def test_single_file_polygon_is_wrapped_and_centroid_set(tmp_path):
    path = write_geojson(
        tmp_path / "one.geojson",
        [feature("17.01.01.2001", centroid_lat=-3.95, centroid_lng=102.05, level="desa_kelurahan")],
    )
    output = run(path)
    assert "Updated boundaries of 0 provinces, 0 regencies, 0 districts, 1 village" in output
    village = Village.objects.get(code="17.01.01.2001")
    assert village.boundary.geom_type == "MultiPolygon"
    assert village.boundary.srid == 4326
    assert village.boundary.num_geom == 1
    assert village.centroid.coords == (102.05, -3.95)
    assert "No changes" in run(path)


@pytest.mark.django_db
def test_invalid_polygon_is_repaired_and_reported(tmp_path):
    bowtie = [[[102.0, -4.0], [102.1, -3.9], [102.1, -4.0], [102.0, -3.9], [102.0, -4.0]]]
    path = write_geojson(tmp_path / "bowtie.geojson", [feature("17.01.01.2001", bowtie)])
    output = run(path)
    assert "Repaired 1 invalid polygon(s) (ST_MakeValid): 17.01.01.2001" in output
    boundary = Village.objects.get(code="17.01.01.2001").boundary
    assert boundary.valid
    assert boundary.geom_type == "MultiPolygon"


@pytest.mark.django_db
def test_unknown_codes_are_reported_and_skipped(tmp_path):
    path = tmp_path / "centroids.csv"
    path.write_text(
        "code,name,level,lat,lng\n"
        "17.01.01.2001,Batu Ampar,village,-4.3,103.1\n"
        "99.01.01.2001,Nowhere,village,-1.0,100.0\n"
        "99.01,Nowhere,regency,-1.0,100.0\n",
        encoding="utf-8",
    )
    output = run(path)
    assert "Not in the registry, skipped: 2 code(s): 99.01, 99.01.01.2001" in output
    assert Village.objects.get(code="17.01.01.2001").centroid.coords == (103.1, -4.3)
    assert not Village.objects.filter(code="99.01.01.2001").exists()


BAD_GEOJSON = [
    pytest.param(
        lambda p: write_geojson(
            p, [feature("17.01.01.2001")], crs={"type": "name", "properties": {"name": "EPSG:3857"}}
        ),
        ["coordinate reference system 'EPSG:3857' is not accepted"],
        id="foreign-crs",
    ),
    pytest.param(
        lambda p: write_geojson(
            p,
            [
                feature("17.01.01.2001"),
                feature(
                    "17.01.01.2002", [[[200.0, -4.0], [102.1, -4.0], [102.0, -3.9], [200.0, -4.0]]]
                ),
            ],
        ),
        ["feature 2 (code 17.01.01.2002)", "outside longitude -180..180"],
        id="out-of-range",
    ),
    pytest.param(
        lambda p: p.write_text('{"type": "FeatureCollection",\n "features": [}\n', "utf-8"),
        ["line 2", "invalid JSON"],
        id="bad-json",
    ),
    pytest.param(
        lambda p: write_geojson(p, [feature("17.01.01.2001", [[0, 0]], kind="Point")]),
        ["feature 1 (code 17.01.01.2001)", "not Polygon or MultiPolygon"],
        id="wrong-geometry-type",
    ),
    pytest.param(
        lambda p: write_geojson(p, [feature("17.01.01.2001", level="kecamatan")]),
        ["feature 1", "level 'kecamatan' does not match code 17.01.01.2001"],
        id="level-mismatch",
    ),
    pytest.param(
        lambda p: write_geojson(
            p,
            [
                feature(
                    "17.01.01.2001", [[[102.0, -4.0], [102.1, -4.0], [102.1, -3.9], [102.0, -3.9]]]
                )
            ],
        ),
        ["feature 1", "not closed"],
        id="open-ring",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("make", "expected"), BAD_GEOJSON)
def test_bad_geojson_stops_with_file_and_feature_and_writes_nothing(tmp_path, make, expected):
    path = tmp_path / "bad.geojson"
    make(path)
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        run(path)
    message = str(raised.value)
    assert "bad.geojson" in message
    for part in expected:
        assert part in message
    assert snapshot() == before


@pytest.mark.django_db
def test_bad_centroid_row_stops_with_file_and_line_and_writes_nothing(tmp_path):
    good = write_geojson(tmp_path / "good.geojson", [feature("17.01.01.2001")])
    (tmp_path / "centroids.csv").write_text(
        "code,name,level,lat,lng\n17.01.01.2002,Rantau Sialang,village,-4.3,103.1\n"
        "17.01.01.2003,X,village,minus four,103.1\n",
        encoding="utf-8",
    )
    assert good.exists()
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        run(tmp_path)
    assert "centroids.csv, line 3: latitude 'minus four' is not a number" in str(raised.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_missing_column_in_centroid_csv(tmp_path):
    path = tmp_path / "centroids.csv"
    path.write_text("code,name,level,lat\n17,Bengkulu,province,-3.5\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"centroids\.csv, line 1: missing column 'lng'"):
        run(path)


@pytest.mark.django_db
def test_crs_member_of_a_geometry_is_never_used(tmp_path):
    """Only type and coordinates of a geometry are read; a crs inside it changes nothing."""
    item = feature("17.01.01.2001")
    item["geometry"]["crs"] = {"type": "name", "properties": {"name": "EPSG:3857"}}
    run(write_geojson(tmp_path / "g.geojson", [item]))
    boundary = Village.objects.get(code="17.01.01.2001").boundary
    assert boundary.srid == 4326
    assert boundary.extent == pytest.approx((102.0, -4.0, 102.1, -3.9))
