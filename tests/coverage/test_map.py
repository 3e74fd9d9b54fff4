"""The map endpoint: points when few enough, grid cells otherwise; bounded answers; scopes."""

import pytest
from rest_framework.test import APIClient

from coverage import selectors

from .factories import OTHER_REGENCY_VILLAGE, VILLAGE, verified_survey

pytestmark = pytest.mark.django_db

PROVINCE = "101.0,-5.5,104.0,-2.2"


def get(user, bbox, zoom):
    client = APIClient()
    client.force_login(user)
    return client.get(f"/api/v1/coverage/map/?bbox={bbox}&zoom={zoom}")


def test_cells_when_zoomed_out_points_when_zoomed_in(officer, supervisor, staff_user):
    one = verified_survey(officer, supervisor)
    verified_survey(officer, supervisor)
    zoomed_out = get(staff_user, PROVINCE, 8)
    assert zoomed_out.status_code == 200
    data = zoomed_out.json()
    assert data["mode"] == "cells"
    assert data["level"] == 10
    assert sum(f["properties"]["n"] for f in data["features"]) == 2
    [cell] = data["features"]
    assert cell["properties"]["c"] == [0, 0, 0, 2, 0]
    x, y = one.location.x, one.location.y
    bbox = f"{x - 0.005},{y - 0.003},{x + 0.005},{y + 0.003}"
    zoomed_in = get(staff_user, bbox, 16).json()
    assert zoomed_in["mode"] == "points"
    assert {f["properties"]["u"] for f in zoomed_in["features"]} >= {str(one.client_uuid)}
    assert zoomed_in["features"][0]["properties"]["b"] == "4g"


def test_a_huge_box_at_a_high_zoom_is_still_cells_of_bounded_number(staff_user):
    assert selectors.level_for((95.0, -11.0, 141.0, 6.0), 18) <= 12
    response = get(staff_user, "95.0,-11.0,141.0,6.0", 18)
    assert response.json()["mode"] == "cells"


def test_too_many_points_fall_back_to_the_finest_cells(
    officer, supervisor, staff_user, monkeypatch
):
    monkeypatch.setattr(selectors, "POINT_LIMIT", 1)
    one = verified_survey(officer, supervisor)
    verified_survey(officer, supervisor)
    x, y = one.location.x, one.location.y
    data = get(staff_user, f"{x - 0.005},{y - 0.003},{x + 0.005},{y + 0.003}", 17).json()
    assert data["mode"] == "cells"
    assert data["level"] == selectors.MAX_LEVEL


def test_officers_see_only_their_kabupaten_on_the_map(officer, supervisor, staff_user):
    from portal.core.roles import Role
    from tests.factories import UserFactory

    seluma_officer = UserFactory(role=Role.OFFICER, scope__regencies=["17.05"])
    seluma_supervisor = UserFactory(role=Role.SUPERVISOR, scope__regencies=["17.05"])
    verified_survey(officer, supervisor, village=VILLAGE)
    verified_survey(seluma_officer, seluma_supervisor, village=OTHER_REGENCY_VILLAGE)
    total = sum(f["properties"]["n"] for f in get(staff_user, PROVINCE, 8).json()["features"])
    mine = sum(f["properties"]["n"] for f in get(officer, PROVINCE, 8).json()["features"])
    assert (total, mine) == (2, 1)


def test_bad_bbox_is_400(staff_user):
    assert get(staff_user, "1,2,3", 8).status_code == 400
    assert get(staff_user, "104,-2,101,-5", 8).status_code == 400


def test_village_connectivity_api(officer, supervisor, staff_user):
    verified_survey(officer, supervisor)
    client = APIClient()
    client.force_login(staff_user)
    rows = client.get("/api/v1/connectivity/?status=single_operator").json()["results"]
    assert [row["code"] for row in rows] == [VILLAGE]
    assert rows[0]["survey_count"] == 1
    data = client.get(f"/api/v1/connectivity/geojson/?bbox={PROVINCE}").json()
    assert len(data["features"]) == 1513
    statuses = {f["properties"]["code"]: f["properties"]["connectivity"] for f in data["features"]}
    assert statuses[VILLAGE] == "single_operator"
    assert statuses[OTHER_REGENCY_VILLAGE] == "no_data"


def test_rows_carry_the_same_points_in_half_the_bytes(officer, supervisor, staff_user):
    """`rows=true` (the portal's map, issue #14): the points of the GeoJSON answer as compact
    rows; cells are GeoJSON either way."""
    surveys = [verified_survey(officer, supervisor) for _ in range(3)]
    x, y = surveys[0].location.x, surveys[0].location.y
    bbox = f"{x - 0.005},{y - 0.003},{x + 0.005},{y + 0.003}"
    client = APIClient()
    client.force_login(staff_user)
    geojson = client.get(f"/api/v1/coverage/map/?bbox={bbox}&zoom=16")
    rows = client.get(f"/api/v1/coverage/map/?bbox={bbox}&zoom=16&rows=true")
    assert rows["Content-Type"] == "application/json"
    data = rows.json()
    assert data["mode"] == "points" and data["fields"] == ["lng", "lat", "u", "b", "o", "d"]
    as_rows = sorted(tuple(row[2:]) for row in data["rows"])
    as_features = sorted(
        tuple(f["properties"][k] for k in ("u", "b", "o", "d")) for f in geojson.json()["features"]
    )
    assert as_rows == as_features and len(as_rows) == 3
    for row, feature in zip(
        sorted(data["rows"], key=lambda r: r[2]),
        sorted(geojson.json()["features"], key=lambda f: f["properties"]["u"]),
        strict=True,
    ):
        assert row[:2] == pytest.approx(feature["geometry"]["coordinates"], abs=1e-5)
    assert len(rows.content) < 0.7 * len(geojson.content)
    cells = client.get(f"/api/v1/coverage/map/?bbox={PROVINCE}&zoom=8&rows=true").json()
    assert cells["mode"] == "cells" and "features" in cells
