"""Any of Indonesia's provinces runs its own portal from its own registry rows: a tiny registry
of Lampung (18) imported through `import_regions --province 18` and `import_boundaries` from
files in the idn-area-data format, the portal set to it with PORTAL_PROVINCE, and every page and
location check shows or accepts Lampung's units, never Bengkulu's (also in the database).

The Lampung rows are a small sample (codes in the Kemendagri format, a square for the province's
boundary), written here: they stand for the real files, which import the same way."""

import datetime
import json
import re
import uuid
from io import StringIO

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from coverage import services as coverage_services
from coverage.models import Electricity, PlaceType, Source, Survey
from portal.core.roles import Role
from tests.factories import UserFactory
from villages.models import District, Province, Regency, Village
from warkop import services as warkop_services
from warkop.models import Warkop

pytestmark = pytest.mark.django_db

# The national files list every province; `--province 18` imports Lampung's rows only (the
# renamed Bengkulu rows below would change the session's registry if they were imported).
PROVINCES = "code,name\n17,Bengkulu\n18,Lampung\n"
REGENCIES = (
    "code,province_code,name\n"
    "17.71,17,Kota Tidak Diimpor\n"
    "18.71,18,Kota Bandar Lampung\n"
    "18.72,18,Kota Metro\n"
)
DISTRICTS = (
    "code,regency_code,name\n"
    "17.71.01,17.71,Kecamatan Tidak Diimpor\n"
    "18.71.01,18.71,Teluk Betung Barat\n"
    "18.71.02,18.71,Tanjung Karang Pusat\n"
    "18.72.01,18.72,Metro Pusat\n"
)
VILLAGES = (
    "code,district_code,name\n"
    "17.71.01.1001,17.71.01,Desa Tidak Diimpor\n"
    "18.71.01.1001,18.71.01,Bakung\n"
    "18.71.02.1001,18.71.02,Durian Payung\n"
    "18.71.02.1002,18.71.02,Kaliawi\n"
    "18.72.01.1001,18.72.01,Hadimulyo Barat\n"
)
#: Lampung's boundary in this sample: a square around Bandar Lampung, well away from Bengkulu.
SQUARE = [[[105.0, -5.6], [105.4, -5.6], [105.4, -5.2], [105.0, -5.2], [105.0, -5.6]]]
INSIDE = (-5.42, 105.26)  # lat, lng
#: Bengkulu's units, which no page of the Lampung portal shows.
BENGKULU_UNITS = ["Kota Bengkulu", "Bengkulu Selatan", "Rejang Lebong", "Batu Ampar", "Selebar"]


@pytest.fixture
def lampung(tmp_path, settings):
    for name, text in {
        "provinces": PROVINCES,
        "regencies": REGENCIES,
        "districts": DISTRICTS,
        "villages": VILLAGES,
    }.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    call_command("import_regions", str(tmp_path), "--province", "18", stdout=StringIO())
    geo = tmp_path / "lampung_provinsi.geojson"
    geo.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": "18", "name": "Lampung", "level": "provinsi"},
                        "geometry": {"type": "Polygon", "coordinates": SQUARE},
                    }
                ],
            }
        )
    )
    call_command("import_boundaries", str(geo), stdout=StringIO())
    settings.PORTAL_PROVINCE = "18"
    return Province.objects.get(code="18")


def test_import_takes_only_the_chosen_provinces_rows(lampung):
    assert Regency.objects.filter(province=lampung).count() == 2
    assert District.objects.filter(regency__province=lampung).count() == 3
    assert Village.objects.filter(district__regency__province=lampung).count() == 4
    # Bengkulu's registry (loaded for the session) is untouched.
    assert not Village.objects.filter(name__contains="Tidak Diimpor").exists()
    assert Regency.objects.get(code="17.71").name == "Kota Bengkulu"
    assert Village.objects.filter(code__startswith="17.").count() == 1513
    assert lampung.boundary is not None


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def assert_no_bengkulu_unit(html: str):
    for name in BENGKULU_UNITS:
        assert name not in html, name


@pytest.mark.parametrize(
    ("url", "shown", "not_shown"),
    [
        # The registry's first page is the portal's province.
        ("/registry/", ["Lampung", "Kota Bandar Lampung", "Kota Metro"], []),
        ("/registry/provinces/18/", ["Kota Bandar Lampung", "Kota Metro"], []),
        (
            "/registry/regencies/18.71/",
            ["Teluk Betung Barat", "Tanjung Karang Pusat", "Lampung"],
            ["Metro Pusat"],
        ),
        ("/registry/districts/18.71.02/", ["Durian Payung", "Kaliawi"], ["Bakung"]),
        (
            "/registry/villages/18.71.02.1001/",
            ["Durian Payung", "Tanjung Karang Pusat", "Kota Bandar Lampung"],
            [],
        ),
        # Search looks in the portal's province only.
        ("/registry/search/?q=kota", ["Kota Bandar Lampung", "Kota Metro"], []),
        ("/registry/search/?q=batu", [], []),
        (
            "/registry/search/?q=18.71.02",
            ["Tanjung Karang Pusat", "Durian Payung", "Kaliawi"],
            ["Hadimulyo Barat", "Teluk Betung Barat"],
        ),
        # Its hints name the province's units.
        ("/registry/search/", ["Bakung", "18.71.01", "18.71 (Kota Bandar Lampung)"], []),
        ("/registry/pilots/", ["Kota Bandar Lampung", "Tanjung Karang Pusat"], []),
    ],
)
def test_registry_pages_show_the_portals_province(lampung, staff_client, url, shown, not_shown):
    html = page(staff_client, url)
    for name in shown:
        assert name in html, name
    for name in not_shown:
        assert name not in html, name
    assert_no_bengkulu_unit(html)


def test_search_of_a_bengkulu_name_finds_nothing(lampung, staff_client):
    response = staff_client.get("/registry/search/?q=batu")
    assert response.context["places"] == []


def test_dashboard_counts_the_portals_province(lampung, staff_client):
    response = staff_client.get("/")
    assert response.status_code == 200
    assert response.context["province"] == lampung
    assert response.context["district_count"] == 3


def test_coverage_and_kiosk_pages_list_the_portals_province(lampung, staff_client):
    html = page(staff_client, "/coverage/villages/")
    assert "Durian Payung" in html and "Hadimulyo Barat" in html
    assert_no_bengkulu_unit(html)
    assert "Kota Bandar Lampung" in page(staff_client, "/coverage/")
    kiosk_list = page(staff_client, "/warkop/")  # its kabupaten/kecamatan filters
    assert "Kota Bandar Lampung" in kiosk_list and "Tanjung Karang Pusat" in kiosk_list
    assert_no_bengkulu_unit(kiosk_list)
    kiosk_form = page(staff_client, "/warkop/new/")
    assert "18.71.02.1001 Durian Payung" in kiosk_form
    assert not re.search(r'<option value="17\.', kiosk_form)


def test_field_form_offers_the_portals_villages(lampung, client):
    officer = UserFactory(role=Role.OFFICER)
    client.force_login(officer)
    html = page(client, "/coverage/field/")
    start = html.index('id="field-config"')
    config = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert sorted(row[0] for row in config["villages"]) == [
        "18.71.01.1001",
        "18.71.02.1001",
        "18.71.02.1002",
        "18.72.01.1001",
    ]
    manifest = json.loads(client.get("/coverage/field/manifest.webmanifest").content)
    assert manifest["name"].endswith("Lampung")


# --- Locations must lie in the portal's province ------------------------------------------------


def survey(village_code: str, lat: float, lng: float) -> coverage_services.SurveyInput:
    return coverage_services.SurveyInput(
        client_uuid=uuid.uuid4(),
        village=Village.objects.defer("boundary").get(code=village_code),
        observed_at=timezone.now() - datetime.timedelta(hours=1),
        latitude=lat,
        longitude=lng,
        place_type=PlaceType.SETTLEMENT,
        electricity=Electricity.PLN_24H,
        measurements=[{"operator": "telkomsel", "technology": "4g", "signal_dbm": -90}],
    )


def test_survey_location_is_checked_against_the_portals_province(lampung):
    officer = UserFactory(role=Role.OFFICER)
    stored, created = coverage_services.survey_submit(
        data=survey("18.71.02.1001", *INSIDE), by=officer, source=Source.API
    )
    assert created and stored.village_id == "18.71.02.1001"

    bengkulu = Village.objects.get(code="17.01.01.2001").centroid
    with pytest.raises(ValidationError) as outside:
        coverage_services.survey_submit(
            data=survey("18.71.02.1001", bengkulu.y, bengkulu.x), by=officer, source=Source.API
        )
    assert "location" in outside.value.message_dict
    with pytest.raises(ValidationError) as other_province:
        coverage_services.survey_submit(
            data=survey("17.01.01.2001", bengkulu.y, bengkulu.x), by=officer, source=Source.API
        )
    assert "tidak berada di provinsi yang dilayani portal ini" in str(
        other_province.value.message_dict["village"]
    )
    assert Survey.objects.count() == 1


def test_kiosk_location_is_checked_against_the_portals_province(lampung):
    village = Village.objects.get(code="18.71.02.1001")
    common = {"owner_name": "Pemilik", "by": None}
    kiosk = warkop_services.warkop_create(
        village=village,
        name="Warkop Kaliawi",
        location=Point(INSIDE[1], INSIDE[0], srid=4326),
        **common,
    )
    assert kiosk.village_id == "18.71.02.1001"
    bengkulu = Village.objects.get(code="17.01.01.2001")
    with pytest.raises(ValidationError) as outside:
        warkop_services.warkop_create(
            village=village, name="Warkop Jauh", location=bengkulu.centroid, **common
        )
    assert "location" in outside.value.message_dict
    with pytest.raises(ValidationError) as other_province:
        warkop_services.warkop_create(
            village=bengkulu, name="Warkop Bengkulu", location=bengkulu.centroid, **common
        )
    assert "village" in other_province.value.message_dict
    assert Warkop.objects.count() == 1
