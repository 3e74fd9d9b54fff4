"""Personal data of kiosks (docs/data-protection.md): the public finder never shows the owner's
personal phone, and shows the kiosk's public phone only with the owner's consent; kiosk and
check-in photos are stored re-encoded, without EXIF GPS; hostile files are refused."""

import io
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from portal.core.roles import Role
from tests.factories import UserFactory
from tests.photos import html_with_jpeg_signature, jpeg_with_gps, metadata_of, png_declaring
from warkop.models import CheckIn, WarkopPhoto
from warkop.services import checkin_record, warkop_add_photo, warkop_update

from .factories import OfferingFactory, WarkopFactory, village

pytestmark = pytest.mark.django_db

ORIGIN = "17.71.01.1001"  # Pagar Dewa, Kota Bengkulu
OWNER_PHONE = "0812-1111-2222"
BUSINESS_PHONE = "0736-555-0101"


@pytest.fixture(autouse=True)
def fresh_finder_counter():
    client = cache._cache.get_client(None, write=True)
    keys = list(client.scan_iter("*finder-rate:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def kiosk(**fields):
    return OfferingFactory(
        warkop=WarkopFactory(village=village(ORIGIN), owner_phone=OWNER_PHONE, **fields)
    ).warkop


def finder_outputs(client) -> str:
    """The finder's page and its map data, as a visitor gets them."""
    origin = village(ORIGIN).centroid
    page = client.get("/layanan/", {"layanan": "pln_token", "desa": ORIGIN}).content.decode()
    data = client.get(
        "/layanan/peta.geojson",
        {"layanan": "pln_token", "lat": origin.y, "lng": origin.x},
    )
    return page + data.content.decode()


def test_finder_never_shows_the_owners_phone(client):
    kiosk(name="Tanpa nomor usaha")
    kiosk(name="Nomor usaha tanpa izin", business_phone=BUSINESS_PHONE, publish_phone=False)
    out = finder_outputs(client)
    assert "Tanpa nomor usaha" in out and "Nomor usaha tanpa izin" in out
    assert OWNER_PHONE not in out and "0812" not in out
    assert BUSINESS_PHONE not in out  # no consent, no number
    assert "tel:" not in out


def test_finder_shows_the_business_phone_with_consent(client):
    kiosk(name="Dengan izin", business_phone=BUSINESS_PHONE, publish_phone=True)
    origin = village(ORIGIN).centroid
    page = client.get("/layanan/", {"layanan": "pln_token", "desa": ORIGIN}).content.decode()
    assert f'href="tel:{BUSINESS_PHONE}"' in page
    assert OWNER_PHONE not in page
    data = client.get(
        "/layanan/peta.geojson", {"layanan": "pln_token", "lat": origin.y, "lng": origin.x}
    ).json()
    [feature] = [f for f in data["features"] if f["properties"]["kind"] == "kiosk"]
    assert feature["properties"]["phone"] == BUSINESS_PHONE
    assert OWNER_PHONE not in str(data)


def test_consent_needs_a_number_and_is_recorded_by_the_service(staff_user):
    shop = kiosk(name="Warkop")
    with pytest.raises(ValidationError) as refused:
        warkop_update(warkop=shop, by=staff_user, publish_phone=True)
    assert "business_phone" in refused.value.error_dict
    updated = warkop_update(
        warkop=shop, by=staff_user, business_phone=f" {BUSINESS_PHONE} ", publish_phone=True
    )
    assert (updated.business_phone, updated.public_phone) == (BUSINESS_PHONE, BUSINESS_PHONE)
    assert warkop_update(warkop=shop, by=staff_user, publish_phone=False).public_phone == ""


def test_kiosk_form_asks_for_consent_separately(staff_client):
    shop = kiosk(name="Warkop Form")
    html = staff_client.get(f"/warkop/{shop.pk}/edit/").content.decode()
    assert 'name="business_phone"' in html and 'name="publish_phone"' in html
    assert 'type="checkbox" name="publish_phone"' in html
    assert "checked" not in html.split('name="publish_phone"')[1].split(">")[0]


def test_staff_page_shows_both_numbers_and_the_consent(staff_client):
    shop = kiosk(name="Warkop Detail", business_phone=BUSINESS_PHONE)
    html = staff_client.get(f"/warkop/{shop.pk}/").content.decode()
    assert OWNER_PHONE in html and BUSINESS_PHONE in html


# --- Photos --------------------------------------------------------------------------------------


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_kiosk_photo_uploaded_on_the_page_is_stored_without_exif_gps(staff_client, media):
    shop = kiosk(name="Warkop Foto")
    upload = SimpleUploadedFile("IMG_0001.JPG", jpeg_with_gps(size=(64, 48)), "image/jpeg")
    response = staff_client.post(f"/warkop/{shop.pk}/photos/", {"image": upload, "caption": "x"})
    assert response.status_code == 302
    photo = WarkopPhoto.objects.get(warkop=shop)
    assert photo.image.name.endswith(".jpg")
    with photo.image.open("rb") as handle:
        meta = metadata_of(handle.read())
    assert (meta["format"], meta["exif"], meta["gps"]) == ("JPEG", {}, {})
    assert meta["has_exif_marker"] is False and meta["info"] == set()
    assert meta["size"] == (48, 64)  # upright


def test_check_in_photo_is_stored_without_exif_gps(staff_user, media):
    shop = kiosk(name="Warkop Check-in")
    check_in = checkin_record(
        warkop=shop,
        kind="visited",
        by=staff_user,
        photo=SimpleUploadedFile("c.jpg", jpeg_with_gps(), "image/jpeg"),
    )
    with check_in.photo.open("rb") as handle:
        meta = metadata_of(handle.read())
    assert (meta["gps"], meta["has_exif_marker"]) == ({}, False)


@pytest.mark.parametrize(
    "data", [png_declaring(50000, 50000), html_with_jpeg_signature()], ids=["bomb", "polyglot"]
)
def test_hostile_kiosk_photos_are_refused_and_nothing_is_stored(data, staff_user, media):
    shop = kiosk(name="Warkop Aman")
    with pytest.raises(ValidationError) as refused:
        warkop_add_photo(warkop=shop, image=SimpleUploadedFile("a.png", data), by=staff_user)
    assert "image" in refused.value.error_dict
    officer = UserFactory(role=Role.OFFICER)
    client = APIClient()
    client.force_login(officer)
    response = client.post(
        "/api/v1/check-ins/",
        {"warkop": shop.pk, "kind": "visited", "photo": SimpleUploadedFile("b.jpg", data)},
        format="multipart",
    )
    assert response.status_code == 400 and "photo" in response.json()
    assert not WarkopPhoto.objects.exists() and not CheckIn.objects.exists()
    assert stored_files(media) == []


def test_png_with_transparency_stays_a_png(staff_user, media):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(buffer, "PNG")
    photo = warkop_add_photo(
        warkop=kiosk(name="Warkop PNG"),
        image=SimpleUploadedFile("logo.png", buffer.getvalue()),
        by=staff_user,
    )
    assert photo.image.name.endswith(".png")
    with photo.image.open("rb") as handle:
        assert metadata_of(handle.read())["format"] == "PNG"
