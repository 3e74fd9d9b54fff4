"""Where a survey was taken (docs/connectivity.md, "Where the survey was taken"): a point outside
the village's province is refused on every path (API, service, file import, outbox file); one
farther than SURVEY_LOCATION_TOLERANCE_M outside its village is kept, flagged with its distance,
shown to the supervisor, and counts only once a supervisor confirms the location. Real registry
boundaries throughout."""

import json
import uuid

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connection
from rest_framework.test import APIClient

from coverage import services
from coverage.importers import (
    OUTBOX_FORMAT,
    TEMPLATE_COLUMNS,
    SurveyImportError,
    import_outbox,
    import_surveys,
)
from coverage.models import MapCell, Survey, VillageConnectivity
from portal.core.roles import Role
from tests.factories import UserFactory
from villages.models import Village

from .factories import make_survey, payload, survey_input, verified_survey

pytestmark = pytest.mark.django_db

#: A village of Kabupaten Bengkulu Utara (17.03), and Pagar Dewa in Kota Bengkulu (17.71), some
#: 25 km from the nearest Bengkulu Utara village.
NORTH_VILLAGE = "17.03.16.2001"
CITY_VILLAGE = "17.71.01.1001"
BERLIN = (52.5200, 13.4050)
#: In the Indian Ocean off Kota Bengkulu, about 1.4 km from the province's coast.
OFFSHORE = (-3.80, 102.237)


@pytest.fixture
def north_officer(db):
    return UserFactory(username="petugas-bu", role=Role.OFFICER, scope__regencies=["17.03"])


@pytest.fixture
def north_supervisor(db):
    return UserFactory(username="supervisor-bu", role=Role.SUPERVISOR, scope__regencies=["17.03"])


def city_point():
    return Village.objects.get(code=CITY_VILLAGE).centroid


def utm_distance_m(village_code: str, point: Point) -> float:
    """Metres from the point to the village's boundary in UTM zone 48S (EPSG:32748): a check of
    the service's geography distance by another method."""
    village = Village.objects.get(code=village_code)
    return village.boundary.transform(32748, clone=True).distance(
        point.transform(32748, clone=True)
    )


def test_the_offshore_point_really_is_offshore_by_1_4_km():
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT ST_Distance(boundary::geography,
                                  ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography),
                      ST_Intersects(boundary, ST_SetSRID(ST_MakePoint(%s, %s), 4326))
               FROM villages_province WHERE code = '17'""",
            [OFFSHORE[1], OFFSHORE[0], OFFSHORE[1], OFFSHORE[0]],
        )
        metres, inside = cursor.fetchone()
    assert 1300 < metres < 1500 and not inside


@pytest.mark.parametrize("lat, lng", [BERLIN, OFFSHORE], ids=["berlin", "offshore"])
def test_a_point_outside_the_province_is_refused_by_the_api(lat, lng, north_officer):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(north_officer)
    body = payload(village=NORTH_VILLAGE, latitude=lat, longitude=lng)
    response = client.post("/api/v1/surveys/", body, format="json")
    assert response.status_code == 400
    [message] = response.json()["location"]
    assert "outside the province" in message and f"{lat:.5f}" in message
    assert not Survey.objects.exists()


@pytest.mark.parametrize("lat, lng", [BERLIN, OFFSHORE], ids=["berlin", "offshore"])
def test_a_point_outside_the_province_is_refused_by_the_service(lat, lng, north_officer):
    data = survey_input(NORTH_VILLAGE, latitude=lat, longitude=lng)
    with pytest.raises(ValidationError) as refused:
        services.survey_submit(data=data, by=north_officer, source="api")
    assert "location" in refused.value.error_dict
    assert not Survey.objects.exists()


def test_a_point_outside_the_province_is_refused_by_the_file_import(north_officer):
    import csv
    import io

    row = {
        "village_code": NORTH_VILLAGE,
        "observed_at": "2026-01-15 09:30",
        "_gps_latitude": str(BERLIN[0]),
        "_gps_longitude": str(BERLIN[1]),
        "place_type": "road",
        "electricity": "pln_24h",
        "telkomsel_technology": "4g",
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow([row.get(column, "") for column in TEMPLATE_COLUMNS])
    with pytest.raises(SurveyImportError) as refused:
        import_surveys(name="kobo.csv", content=buffer.getvalue().encode(), by=north_officer)
    [(line, message)] = refused.value.errors
    assert line == 2 and "province" in message
    assert not Survey.objects.exists()


def test_a_point_outside_the_province_is_refused_in_an_outbox_file(north_officer):
    survey = payload(village=NORTH_VILLAGE, latitude=OFFSHORE[0], longitude=OFFSHORE[1])
    item = {"client_uuid": survey["client_uuid"], "officer": north_officer.username}
    content = json.dumps(
        {"format": OUTBOX_FORMAT, "version": 1, "items": [{**item, "survey": survey}]}
    ).encode()
    with pytest.raises(SurveyImportError) as refused:
        import_outbox(content=content, by=north_officer)
    assert "province" in str(refused.value.errors)
    assert not Survey.objects.exists()


def test_a_point_in_its_village_is_not_flagged(north_officer):
    survey = make_survey(north_officer, village=NORTH_VILLAGE)  # at the village's centroid
    assert survey.outside_village_m is None
    assert survey.location_needs_confirmation is False


def test_a_north_survey_placed_in_the_city_is_flagged_and_counts_only_once_confirmed(
    north_officer, north_supervisor, staff_user
):
    point = city_point()
    survey = make_survey(north_officer, village=NORTH_VILLAGE, latitude=point.y, longitude=point.x)
    # Flagged with its distance, computed in metres (checked here in UTM by GEOS).
    expected = utm_distance_m(NORTH_VILLAGE, Point(point.x, point.y, srid=4326))
    assert survey.outside_village_m == pytest.approx(expected, rel=0.01)
    assert survey.outside_village_m > 20_000
    # Verified without the confirmation: it does not count anywhere.
    services.survey_review(survey=survey, status="verified", reason="", by=north_supervisor)
    survey.refresh_from_db()
    assert survey.review_status == "verified" and survey.counts is False
    assert not VillageConnectivity.objects.filter(village_id=NORTH_VILLAGE).exists()
    assert not VillageConnectivity.objects.filter(village_id=CITY_VILLAGE).exists()
    assert not MapCell.objects.exists()
    client = APIClient()
    client.force_login(staff_user)
    city_bbox = f"{point.x - 0.01},{point.y - 0.01},{point.x + 0.01},{point.y + 0.01}"
    assert client.get(f"/api/v1/coverage/map/?bbox={city_bbox}&zoom=17").json()["features"] == []
    # The rebuild keeps it out too.
    services.rebuild_derived()
    assert not VillageConnectivity.objects.exists() and not MapCell.objects.exists()
    # The supervisor confirms the location: who and when are recorded, and it counts.
    services.survey_review(
        survey=survey, status="verified", reason="", confirm_location=True, by=north_supervisor
    )
    survey.refresh_from_db()
    assert survey.location_confirmed_by == north_supervisor
    assert survey.location_confirmed_at is not None
    assert survey.counts is True
    row = VillageConnectivity.objects.get(village_id=NORTH_VILLAGE)
    assert (row.survey_count, row.status) == (1, "single_operator")
    assert MapCell.objects.filter(level=17).get().count == 1
    services.rebuild_derived()
    assert VillageConnectivity.objects.get(village_id=NORTH_VILLAGE).survey_count == 1


def test_the_review_page_warns_with_the_distance_and_confirms(
    north_officer, north_supervisor, client
):
    point = city_point()
    survey = make_survey(north_officer, village=NORTH_VILLAGE, latitude=point.y, longitude=point.x)
    km = f"{survey.outside_village_m / 1000:.1f}"
    client.force_login(north_supervisor)
    page = client.get(f"/coverage/surveys/{survey.client_uuid}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'id="location-warning"' in html
    assert km in html or km.replace(".", ",") in html
    assert 'name="confirm_location"' in html
    listing = client.get("/coverage/surveys/?outside_village=unconfirmed").content.decode()
    assert str(survey.client_uuid) in listing and "location-unconfirmed" in listing
    assert km in listing or km.replace(".", ",") in listing
    # Verified without ticking the box: verified, not counted, still to confirm.
    url = f"/coverage/surveys/{survey.client_uuid}/review/"
    assert client.post(url, {"status": "verified"}).status_code == 302
    assert not VillageConnectivity.objects.filter(village_id=NORTH_VILLAGE).exists()
    page = client.get(f"/coverage/surveys/{survey.client_uuid}/").content.decode()
    assert 'id="location-warning"' in page
    # "Confirm the location" without the box is refused with the reason, nothing changes.
    refused = client.post(url, {"status": "verified"})
    assert refused.status_code == 400
    assert Survey.objects.get(pk=survey.pk).location_confirmed_at is None
    # With the box: confirmed, and the village gets its status.
    assert client.post(url, {"status": "verified", "confirm_location": "on"}).status_code == 302
    assert VillageConnectivity.objects.get(village_id=NORTH_VILLAGE).survey_count == 1
    page = client.get(f"/coverage/surveys/{survey.client_uuid}/").content.decode()
    assert 'id="location-warning"' not in page and 'id="location-confirmed"' in page
    assert (
        str(survey.client_uuid)
        not in client.get("/coverage/surveys/?outside_village=unconfirmed").content.decode()
    )


def test_verify_and_confirm_at_once_through_the_api(north_officer, north_supervisor):
    point = city_point()
    survey = make_survey(north_officer, village=NORTH_VILLAGE, latitude=point.y, longitude=point.x)
    client = APIClient()
    client.force_login(north_supervisor)
    url = f"/api/v1/surveys/{survey.client_uuid}/review/"
    response = client.post(url, {"status": "verified", "confirm_location": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["outside_village_m"] == survey.outside_village_m
    assert response.json()["location_confirmed_at"]
    assert VillageConnectivity.objects.get(village_id=NORTH_VILLAGE).survey_count == 1


def test_confirming_a_survey_inside_its_village_is_refused(officer, supervisor):
    survey = make_survey(officer)
    with pytest.raises(ValidationError) as refused:
        services.survey_review(
            survey=survey, status="verified", reason="", confirm_location=True, by=supervisor
        )
    assert "confirm_location" in refused.value.error_dict


def test_tolerance_is_a_setting_and_the_rebuild_applies_it(officer, supervisor, settings):
    village = Village.objects.get(code="17.01.01.2002")  # 16 km from the province's edge
    # 0.009° of latitude north of the northernmost point of the boundary: about 1 km outside.
    north = max(y for polygon in village.boundary for ring in polygon for _x, y in ring)
    x = [x for polygon in village.boundary for ring in polygon for x, y in ring if y == north][0]
    settings.SURVEY_LOCATION_TOLERANCE_M = 500
    survey = verified_survey(
        officer, supervisor, village=village.code, latitude=north + 0.009, longitude=x
    )
    assert 900 < survey.outside_village_m < 1100
    assert not VillageConnectivity.objects.exists()
    settings.SURVEY_LOCATION_TOLERANCE_M = 2000
    result = services.rebuild_derived()
    assert result["location_flags_changed"] == 1
    survey.refresh_from_db()
    assert survey.outside_village_m is None and survey.counts
    assert VillageConnectivity.objects.get(village_id=village.code).survey_count == 1


def test_a_village_without_boundary_is_checked_against_its_centroid(officer, settings):
    settings.SURVEY_LOCATION_TOLERANCE_M = 500
    Village.objects.filter(code="17.01.01.2001").update(boundary=None)
    centroid = Village.objects.get(code="17.01.01.2001").centroid
    near = make_survey(officer, latitude=centroid.y + 0.003, longitude=centroid.x)  # ~330 m
    far = make_survey(officer, latitude=centroid.y + 0.008, longitude=centroid.x)  # ~885 m
    assert near.outside_village_m is None
    assert 850 < far.outside_village_m < 920


def test_a_village_with_neither_boundary_nor_centroid_is_not_checked(officer):
    Village.objects.filter(code="17.01.01.2001").update(boundary=None, centroid=None)
    survey = make_survey(officer, latitude=-4.0, longitude=102.5)  # somewhere in the province
    assert survey.outside_village_m is None


def test_resending_the_same_survey_is_still_the_same_survey(north_officer):
    point = city_point()
    data = survey_input(
        NORTH_VILLAGE, client_uuid=uuid.uuid4(), latitude=point.y, longitude=point.x
    )
    first, created = services.survey_submit(data=data, by=north_officer, source="api")
    again, created_again = services.survey_submit(data=data, by=north_officer, source="api")
    assert (created, created_again) == (True, False) and first.pk == again.pk
