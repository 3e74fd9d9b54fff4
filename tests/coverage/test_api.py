"""The survey API: officers POST (client UUID rule), staff read, scopes, GeoJSON. Partners read
no survey at all: tests/coverage/test_privacy.py."""

import uuid

import pytest
from rest_framework.test import APIClient

from coverage.models import Measurement, ReviewStatus, Source, Survey

from .factories import OTHER_REGENCY_VILLAGE, make_survey, payload

pytestmark = pytest.mark.django_db


def api(user=None, csrf=False):
    client = APIClient(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


def test_officer_posts_a_survey_which_waits_for_review(officer):
    body = payload()
    response = api(officer).post("/api/v1/surveys/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["client_uuid"] == body["client_uuid"]
    assert data["review_status"] == "pending"
    assert data["best_technology"] == "4g"
    assert data["operators_with_signal"] == 1
    survey = Survey.objects.get(client_uuid=body["client_uuid"])
    assert survey.officer == officer
    assert survey.source == Source.API
    assert Measurement.objects.filter(survey=survey).count() == 2


def test_same_uuid_same_content_returns_the_stored_survey_with_200(officer):
    body = payload()
    client = api(officer)
    first = client.post("/api/v1/surveys/", body, format="json")
    again = client.post("/api/v1/surveys/", body, format="json")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["client_uuid"] == body["client_uuid"]
    assert again.json()["created_at"] == first.json()["created_at"]
    assert Survey.objects.filter(client_uuid=body["client_uuid"]).count() == 1
    assert Measurement.objects.filter(survey__client_uuid=body["client_uuid"]).count() == 2


def test_same_uuid_sent_with_equivalent_formatting_is_the_same_survey(officer):
    body = payload()
    client = api(officer)
    assert client.post("/api/v1/surveys/", body, format="json").status_code == 201
    # Measurements in another order, speeds as numbers, notes with surrounding spaces.
    body2 = dict(
        body, measurements=list(reversed(body["measurements"])), notes=f"  {body['notes']} "
    )
    body2["measurements"][1] = dict(body["measurements"][0], download_mbps=8.5, upload_mbps=2.1)
    assert client.post("/api/v1/surveys/", body2, format="json").status_code == 200


def test_same_uuid_different_content_is_a_409_and_changes_nothing(officer):
    body = payload()
    client = api(officer)
    assert client.post("/api/v1/surveys/", body, format="json").status_code == 201
    changed = dict(body, notes="Catatan lain")
    response = client.post("/api/v1/surveys/", changed, format="json")
    assert response.status_code == 409
    assert response.json()["client_uuid"] == body["client_uuid"]
    assert Survey.objects.get(client_uuid=body["client_uuid"]).notes == body["notes"]
    changed = dict(body, measurements=[dict(body["measurements"][0], signal_dbm=-80)])
    assert client.post("/api/v1/surveys/", changed, format="json").status_code == 409


def test_same_uuid_from_another_officer_is_a_409(officer):
    from portal.core.roles import Role
    from tests.factories import UserFactory

    other = UserFactory(role=Role.OFFICER, scope__regencies=["17.01"])
    body = payload()
    assert api(officer).post("/api/v1/surveys/", body, format="json").status_code == 201
    assert api(other).post("/api/v1/surveys/", body, format="json").status_code == 409


def test_session_posts_need_the_csrf_token(officer):
    client = api(officer, csrf=True)
    response = client.post("/api/v1/surveys/", payload(), format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    client.get("/coverage/field/")  # sets the CSRF cookie, as the field form does
    token = client.cookies["csrftoken"].value
    response = client.post("/api/v1/surveys/", payload(), format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_an_expired_session_gets_401_and_nothing_is_stored():
    response = api().post("/api/v1/surveys/", {"client_uuid": str(uuid.uuid4())}, format="json")
    assert response.status_code == 401
    assert Survey.objects.count() == 0


def test_validation_errors_are_400(officer):
    client = api(officer)
    body = payload(measurements=[])
    response = client.post("/api/v1/surveys/", body, format="json")
    assert response.status_code == 400
    assert "measurements" in response.json()
    body = payload()
    body["measurements"] = [{"operator": "telkomsel", "technology": "none", "signal_dbm": -90}]
    assert client.post("/api/v1/surveys/", body, format="json").status_code == 400
    body = payload(fibre="none", fibre_distance_m=200)
    assert client.post("/api/v1/surveys/", body, format="json").status_code == 400
    dupe = payload()
    dupe["measurements"] = [dupe["measurements"][0], dupe["measurements"][0]]
    assert client.post("/api/v1/surveys/", dupe, format="json").status_code == 400
    assert Survey.objects.count() == 0


def test_officer_cannot_survey_outside_their_kabupaten(officer):
    response = api(officer).post(
        "/api/v1/surveys/", payload(village=OTHER_REGENCY_VILLAGE), format="json"
    )
    assert response.status_code == 400
    assert "village" in response.json()


def test_staff_read_but_do_not_post_and_partners_do_neither(officer, staff_user, partner):
    survey = make_survey(officer)
    client = api(staff_user)
    listing = client.get("/api/v1/surveys/")
    assert listing.status_code == 200
    assert [row["client_uuid"] for row in listing.json()["results"]] == [str(survey.client_uuid)]
    assert client.get(f"/api/v1/surveys/{survey.client_uuid}/").status_code == 200
    assert client.post("/api/v1/surveys/", payload(), format="json").status_code == 403
    client = api(partner)
    assert client.get("/api/v1/surveys/").status_code == 403
    assert client.get(f"/api/v1/surveys/{survey.client_uuid}/").status_code == 403
    assert client.post("/api/v1/surveys/", payload(), format="json").status_code == 403


def test_officers_see_only_their_kabupaten(officer, supervisor):
    from portal.core.roles import Role
    from tests.factories import UserFactory

    seluma = UserFactory(role=Role.OFFICER, scope__regencies=["17.05"])
    mine = make_survey(officer)
    theirs = make_survey(seluma, village=OTHER_REGENCY_VILLAGE)
    rows = api(officer).get("/api/v1/surveys/").json()["results"]
    assert [row["client_uuid"] for row in rows] == [str(mine.client_uuid)]
    assert api(officer).get(f"/api/v1/surveys/{theirs.client_uuid}/").status_code == 404
    assert api(supervisor).get(f"/api/v1/surveys/{theirs.client_uuid}/").status_code == 404


def test_geojson_of_surveys(officer, staff_user):
    survey = make_survey(officer)
    response = api(staff_user).get("/api/v1/surveys/geojson/?review_status=pending")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    [feature] = data["features"]
    assert feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == pytest.approx(
        [survey.location.x, survey.location.y], abs=1e-5
    )
    assert feature["properties"]["uuid"] == str(survey.client_uuid)
    assert feature["properties"]["review_status"] == ReviewStatus.PENDING
    assert (
        api(staff_user).get("/api/v1/surveys/geojson/?review_status=verified").json()["features"]
        == []
    )


def test_list_costs_a_constant_number_of_queries(officer, staff_user, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(staff_user)
    make_survey(officer)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/surveys/").status_code == 200
    for _ in range(5):
        make_survey(officer)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get("/api/v1/surveys/").json()["results"]) == 6


def test_photo_upload_once_per_uuid(officer, staff_user):
    import io

    from PIL import Image

    survey = make_survey(officer)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(buffer, "JPEG")
    photo_uuid = str(uuid.uuid4())

    def send(content):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("p.jpg", content, content_type="image/jpeg")
        return api(officer).post(
            f"/api/v1/surveys/{survey.client_uuid}/photos/",
            {"client_uuid": photo_uuid, "image": upload},
            format="multipart",
        )

    assert send(buffer.getvalue()).status_code == 201
    assert send(buffer.getvalue()).status_code == 200
    assert survey.photos.count() == 1
    assert send(b"not an image").status_code in (200, 400)
    bad = api(officer).post(
        f"/api/v1/surveys/{survey.client_uuid}/photos/",
        {
            "client_uuid": str(uuid.uuid4()),
            "image": __import__(
                "django.core.files.uploadedfile", fromlist=["SimpleUploadedFile"]
            ).SimpleUploadedFile("x.jpg", b"GIF89a....", content_type="image/jpeg"),
        },
        format="multipart",
    )
    assert bad.status_code == 400
    url = survey.photos.get().get_absolute_url()
    client = APIClient()
    client.force_login(staff_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_field_form_surveys_are_recorded_as_such_only_in_a_browser_session(officer):
    """The field form posts with X-Survey-Source: field_app in the officer's session; an API
    client (a token) sending the same header is still an API client."""
    from portal.accounts.services import api_token_create

    body = payload()
    response = api(officer).post(
        "/api/v1/surveys/", body, format="json", HTTP_X_SURVEY_SOURCE="field_app"
    )
    assert response.status_code == 201, response.content
    assert Survey.objects.get(client_uuid=body["client_uuid"]).source == Source.FIELD_APP

    _, secret = api_token_create(user=officer, name="kobo", access="read_write", valid_days=30)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = payload()
    response = client.post(
        "/api/v1/surveys/", body, format="json", HTTP_X_SURVEY_SOURCE="field_app"
    )
    assert response.status_code == 201, response.content
    assert Survey.objects.get(client_uuid=body["client_uuid"]).source == Source.API
