"""Who sees surveys (docs/data-protection.md): partners read village connectivity and map cells,
never a single survey, its officer, notes, exact point or photos; officers and supervisors keep
their regional scopes. Photos are stored re-encoded, without EXIF GPS; hostile files are refused."""

import base64
import json
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from coverage import selectors, services
from coverage.importers import OUTBOX_FORMAT, SurveyImportError, import_outbox
from coverage.models import Survey, SurveyPhoto
from portal.accounts.services import api_token_create
from portal.core.roles import Role
from tests.factories import OrganisationFactory, UserFactory
from tests.photos import html_with_jpeg_signature, jpeg_with_gps, metadata_of, png_declaring

from .factories import OTHER_REGENCY_VILLAGE, VILLAGE, make_survey, payload, verified_survey

pytestmark = pytest.mark.django_db

NOTE = "Pak Kades minta dihubungi di 0812-3456-7890"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def org_partner(db):
    return UserFactory(
        username="mitra-bank", role=Role.PARTNER, scope__organisation=OrganisationFactory()
    )


def partner_clients(partner):
    """The partner through a read-write API token, and through a browser session."""
    _token, secret = api_token_create(
        user=partner, name=f"erp-{uuid.uuid4()}", access="read_write", valid_days=1
    )
    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    session_client = APIClient()
    session_client.force_login(partner)
    return {"token": token_client, "session": session_client}


def add_photo(survey, officer, data, name="p.jpg"):
    photo, _created = services.survey_photo_add(
        survey=survey,
        client_uuid=uuid.uuid4(),
        image=SimpleUploadedFile(name, data, "image/jpeg"),
        caption="",
        by=officer,
    )
    return photo


@pytest.mark.parametrize("how", ["token", "session"])
def test_partner_gets_403_on_every_survey_endpoint_page_and_photo(
    how, officer, supervisor, org_partner, media
):
    survey = verified_survey(officer, supervisor, notes=NOTE)
    pending = make_survey(officer, notes=NOTE)
    photo = add_photo(survey, officer, jpeg_with_gps())
    client = partner_clients(org_partner)[how]
    requests = [
        ("get", "/api/v1/surveys/"),
        ("get", f"/api/v1/surveys/{survey.client_uuid}/"),
        ("get", f"/api/v1/surveys/{pending.client_uuid}/"),
        ("get", "/api/v1/surveys/geojson/"),
        ("get", "/api/v1/surveys/geojson/?review_status=pending"),
        ("post", f"/api/v1/surveys/{pending.client_uuid}/review/"),
        ("post", f"/api/v1/surveys/{survey.client_uuid}/photos/"),
        ("post", "/api/v1/surveys/"),
        ("get", "/coverage/surveys/"),
        ("get", f"/coverage/surveys/{survey.client_uuid}/"),
        ("post", f"/coverage/surveys/{pending.client_uuid}/review/"),
        ("get", f"/coverage/photos/{photo.pk}/"),
        ("get", "/coverage/import/"),
        ("get", "/coverage/field/"),
    ]
    for method, url in requests:
        response = getattr(client, method)(url, {"status": "verified"})
        if how == "token" and not url.startswith("/api/"):
            # A token opens no page: the login page is all it gets.
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
            continue
        assert response.status_code == 403, (method, url, response.status_code)
        body = response.content.decode(errors="replace")
        for secret in (NOTE, officer.username, str(survey.client_uuid), "0812"):
            if secret not in url:  # the 403 page repeats the address asked for
                assert secret not in body, (url, secret)
    assert Survey.objects.get(pk=pending.pk).review_status == "pending"


def test_partner_reads_village_connectivity_and_its_pages(officer, supervisor, org_partner):
    survey = verified_survey(officer, supervisor, notes=NOTE)
    client = partner_clients(org_partner)["token"]
    row = client.get(f"/api/v1/connectivity/{VILLAGE}/").json()
    assert (row["connectivity"], row["survey_count"]) == ("single_operator", 1)
    features = client.get("/api/v1/connectivity/geojson/?regency=17.01").json()["features"]
    assert {f["properties"]["code"] for f in features} >= {VILLAGE}
    session = partner_clients(org_partner)["session"]
    pages = ("/coverage/", "/coverage/villages/?status=single_operator", "/coverage/blank-spots/")
    for url in (*pages, "/coverage/map/"):
        response = session.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "/coverage/surveys/" not in page  # no link to the survey pages
        assert str(survey.client_uuid) not in page and NOTE not in page
    config = session.get("/coverage/map/").context["map_config"]
    assert config["surveyUrl"] == ""


def test_partner_map_answers_cells_at_every_zoom_never_a_survey_point(
    officer, supervisor, staff_user, org_partner
):
    survey = verified_survey(officer, supervisor)
    x, y = survey.location.x, survey.location.y
    client = partner_clients(org_partner)["token"]
    for zoom in range(0, 23):
        span = 360 / 2**zoom
        bbox = f"{x - span},{y - span / 2},{x + span},{y + span / 2}"
        data = client.get(f"/api/v1/coverage/map/?bbox={bbox}&zoom={zoom}").json()
        assert data["mode"] == "cells", zoom
        assert data["level"] <= selectors.AGGREGATE_MAX_LEVEL
        [cell] = data["features"]
        assert set(cell["properties"]) == {"n", "c"}
        assert cell["properties"]["n"] == 1
        # The cell sits at the centre of its square, not on the survey's point.
        level = data["level"]
        cx = selectors.x_to_lng(selectors.lng_to_x(x, level) + 0.5, level)
        cy = selectors.y_to_lat(selectors.lat_to_y(y, level) + 0.5, level)
        assert cell["geometry"]["coordinates"] == pytest.approx([cx, cy], abs=1e-5)
        assert cell["geometry"]["coordinates"] != pytest.approx([x, y], abs=1e-4)
    # At the finest zoom the staff still see the survey itself.
    bbox = f"{x - 0.005},{y - 0.003},{x + 0.005},{y + 0.003}"
    staff = APIClient()
    staff.force_login(staff_user)
    data = staff.get(f"/api/v1/coverage/map/?bbox={bbox}&zoom=17").json()
    assert data["mode"] == "points"
    assert data["features"][0]["properties"]["u"] == str(survey.client_uuid)


def test_officers_and_supervisors_keep_their_regional_scopes(officer, supervisor, media):
    seluma = UserFactory(role=Role.OFFICER, scope__regencies=["17.05"])
    mine = verified_survey(officer, supervisor, notes=NOTE)
    theirs = make_survey(seluma, village=OTHER_REGENCY_VILLAGE)
    photo = add_photo(mine, officer, jpeg_with_gps())
    for user in (officer, supervisor):
        client = APIClient()
        client.force_login(user)
        assert client.get(f"/api/v1/surveys/{mine.client_uuid}/").json()["notes"] == NOTE
        assert client.get(f"/api/v1/surveys/{theirs.client_uuid}/").status_code == 404
        assert client.get(f"/coverage/surveys/{mine.client_uuid}/").status_code == 200
        assert client.get(f"/coverage/surveys/{theirs.client_uuid}/").status_code == 404
        assert client.get(f"/coverage/photos/{photo.pk}/").status_code == 200
        rows = client.get("/api/v1/surveys/").json()["results"]
        assert [row["client_uuid"] for row in rows] == [str(mine.client_uuid)]


# --- Photos: re-encoded without metadata; hostile files refused --------------------------------


def upload(client, survey, data, name="photo.jpg"):
    return client.post(
        f"/api/v1/surveys/{survey.client_uuid}/photos/",
        {"client_uuid": str(uuid.uuid4()), "image": SimpleUploadedFile(name, data, "image/jpeg")},
        format="multipart",
    )


def test_survey_photo_is_stored_without_its_exif_gps(officer, staff_user, media):
    survey = make_survey(officer)
    client = APIClient()
    client.force_login(officer)
    response = upload(client, survey, jpeg_with_gps(size=(64, 48)))
    assert response.status_code == 201, response.content
    photo = SurveyPhoto.objects.get(survey=survey)
    with photo.image.open("rb") as handle:
        stored = handle.read()
    meta = metadata_of(stored)
    assert meta["format"] == "JPEG"
    assert (meta["exif"], meta["gps"], meta["has_exif_marker"]) == ({}, {}, False)
    assert meta["info"] == set()
    assert meta["size"] == (48, 64)  # turned upright by its EXIF orientation
    # What the portal serves is that file.
    staff = APIClient()
    staff.force_login(staff_user)
    served = b"".join(staff.get(f"/coverage/photos/{photo.pk}/").streaming_content)
    assert served == stored


@pytest.mark.parametrize(
    "data, message",
    [
        (png_declaring(50000, 50000), "megapixel"),
        (png_declaring(8000, 6000), "8000 × 6000"),
        (html_with_jpeg_signature(), "JPEG, PNG or WebP"),
    ],
    ids=["50000x50000-png", "48-megapixel-png", "html-with-jpeg-signature"],
)
def test_hostile_photos_are_refused_with_400_and_nothing_is_stored(officer, media, data, message):
    survey = make_survey(officer)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    response = upload(client, survey, data)
    assert response.status_code == 400
    assert message in " ".join(response.json()["image"])
    assert SurveyPhoto.objects.count() == 0
    assert stored_files(media) == []


def _outbox(officer, survey, photo_data: bytes) -> bytes:
    item = {
        "client_uuid": survey["client_uuid"],
        "officer": officer.username,
        "survey": survey,
        "photos": [
            {
                "client_uuid": str(uuid.uuid4()),
                "name": "p.jpg",
                "type": "image/jpeg",
                "data": "data:image/jpeg;base64," + base64.b64encode(photo_data).decode(),
            }
        ],
    }
    return json.dumps({"format": OUTBOX_FORMAT, "version": 1, "items": [item]}).encode()


def test_outbox_photos_are_stored_without_exif_and_hostile_ones_refused(officer, media):
    body = payload()
    result = import_outbox(content=_outbox(officer, body, jpeg_with_gps()), by=officer)
    assert result.created == 1
    photo = SurveyPhoto.objects.get(survey__client_uuid=body["client_uuid"])
    with photo.image.open("rb") as handle:
        meta = metadata_of(handle.read())
    assert (meta["gps"], meta["has_exif_marker"]) == ({}, False)
    files_before = stored_files(media)
    for hostile in (html_with_jpeg_signature(), png_declaring()):
        other = payload()
        with pytest.raises(SurveyImportError):
            import_outbox(content=_outbox(officer, other, hostile), by=officer)
        assert not Survey.objects.filter(client_uuid=other["client_uuid"]).exists()
    assert stored_files(media) == files_before


def test_sanitise_photos_re_encodes_the_photos_stored_before(officer, media):
    """Photos stored before the image gate (written here straight to the storage): the command
    re-encodes them without EXIF, lists a file that is no photo, and removes it when asked."""
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from tests.warkop.factories import WarkopFactory
    from warkop.models import WarkopPhoto

    survey = make_survey(officer)
    old = SurveyPhoto(survey=survey, client_uuid=uuid.uuid4())
    old.image.save("old.jpg", ContentFile(jpeg_with_gps()), save=False)
    old.save()
    kiosk_photo = WarkopPhoto(warkop=WarkopFactory())
    kiosk_photo.image.save("kiosk.jpg", ContentFile(jpeg_with_gps()), save=False)
    kiosk_photo.save()
    fake = SurveyPhoto(survey=survey, client_uuid=uuid.uuid4())
    fake.image.save("fake.jpg", ContentFile(html_with_jpeg_signature()), save=False)
    fake.save()
    import io

    names = {old: old.image.name, kiosk_photo: kiosk_photo.image.name}
    out, err = io.StringIO(), io.StringIO()
    call_command("sanitise_photos", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("sanitise_photos", stdout=out, stderr=err)  # again: names do not grow
    assert "2 photos re-encoded" in out.getvalue() and "1 not photos" in out.getvalue()
    assert f"coverage.SurveyPhoto {fake.pk}" in err.getvalue()
    for photo in (SurveyPhoto.objects.get(pk=old.pk), WarkopPhoto.objects.get(pk=kiosk_photo.pk)):
        with photo.image.open("rb") as handle:
            meta = metadata_of(handle.read())
        assert (meta["gps"], meta["has_exif_marker"]) == ({}, False)
        assert photo.image.name == names[photo]
    assert sorted(p.name for p in stored_files(media)) == sorted(
        Path(name).name for name in [*names.values(), fake.image.name]
    )
    assert SurveyPhoto.objects.filter(pk=fake.pk).exists()  # only listed
    call_command("sanitise_photos", "--delete-unreadable", stdout=out, stderr=err)
    assert not SurveyPhoto.objects.filter(pk=fake.pk).exists()
    assert not (media / fake.image.name).exists()
