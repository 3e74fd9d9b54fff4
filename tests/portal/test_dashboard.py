"""The staff dashboard: registry counts, the pilot target, the map's data and its query count."""

import json
import re

import pytest

from villages.models import Village
from villages.services import pilot_decide, pilot_propose

pytestmark = pytest.mark.django_db

# Computed (the figures cache holds nothing for this version of the data and this scope):
# session, user, the data's version, role, user and role permissions (portal.core.roles.
# user_access), the version again (the dashboard's own entry)
# + the registry: Bengkulu, the pilot target, regency, village and pilot counts, province count
# + the 100-day programme section: current programme, its staff-added non-working days,
#   milestones, and live: its recent snapshots, one query per metric in use (4), sample kiosks
# + the coverage section: village statuses, blank-spot pilots, surveys waiting for review
# + the kiosk section: counts by status, the 20 longest stale kiosks with their rows (one query
#   whether there are any or not), and when the next kiosk turns stale (the entry's expiry)
DASHBOARD_QUERIES = 7 + 6 + 9 + 3 + 3
# Read from the figures cache: session, user, the version (role and permissions, then the
# dashboard's entry: two reads).
DASHBOARD_CACHED_QUERIES = 4


def test_dashboard_needs_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_registry_counts_of_bengkulu(staff_client):
    response = staff_client.get("/")
    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts["provinces"] == 1
    assert counts["regencies"] == {"total": 10, "kabupaten": 9, "kota": 1}
    assert response.context["district_count"] == 129
    assert counts["villages"] == {"total": 1513, "desa": 1341, "kelurahan": 172}
    html = response.content.decode()
    assert "9 kabupaten · 1 kota" in html
    assert "1.341 desa · 172 kelurahan" in html


def test_dashboard_is_made_of_sections(staff_client):
    html = staff_client.get("/").content.decode()
    for section in ("registry-counts", "pilot-target", "pilot-map", "pilot-regencies"):
        assert re.search(rf'<section class="card[^"]*" id="{section}"', html), section
    assert "Target desa percontohan" in html
    assert "0</span>" in html and "dari 129 kecamatan" in html
    assert '<progress class="progress progress-large' in html


def test_map_element_carries_its_data(staff_client, settings):
    html = staff_client.get("/").content.decode()
    element = re.search(r'<div id="district-map"[^>]*>', html, re.S).group(0)
    assert "data-map" in element
    assert 'data-geojson-url="/api/v1/districts/geojson/?province=17"' in element
    assert 'data-config="district-map-config"' in element
    assert "data-tiles-url=" in element
    assert "/static/leaflet/leaflet.js" in html
    assert "/static/js/map.js" in html
    config = json.loads(
        re.search(
            r'<script id="district-map-config" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert config["colorProperty"] == "has_pilot"
    assert set(config["colors"]) == {"true", "false"}
    assert config["tooltip"][0]["lookup"]["17.71"] == "Kota Bengkulu"
    assert config["linkTemplate"] == "/registry/districts/__code__/"
    assert [entry["label"] for entry in config["legend"]] == [
        "Ada desa percontohan terpilih",
        "Belum ada desa percontohan terpilih",
    ]


def test_map_without_tiles_url(staff_client, settings):
    settings.MAP_TILES_URL = ""
    html = staff_client.get("/").content.decode()
    assert 'data-tiles-url=""' in html


def test_map_data_comes_from_the_api(staff_client):
    body = staff_client.get("/api/v1/districts/geojson/", {"province": "17"}).json()
    assert len(body["features"]) == 129
    assert {"code", "name", "regency_id", "has_pilot"} <= set(body["features"][0]["properties"])


def test_dashboard_query_count_is_constant(
    staff_client, django_user_model, django_assert_num_queries
):
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert staff_client.get("/").status_code == 200
    with django_assert_num_queries(DASHBOARD_CACHED_QUERIES):
        assert staff_client.get("/").status_code == 200

    admin = django_user_model.objects.create_superuser("admin-dash", "a@example.org", "x-irr-123")
    for village in Village.objects.filter(district__regency_id="17.03").order_by("code")[::40]:
        pilot = pilot_propose(village=village, proposed_by="Camat", reason="Siap.", by=admin)
        pilot_decide(pilot=pilot, status="selected", reason="Layak.", by=admin)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = staff_client.get("/")
    assert response.context["target"].districts_with_pilot > 1


def test_dashboard_in_english(staff_client):
    staff_client.cookies["django_language"] = "en"
    html = staff_client.get("/").content.decode()
    assert "of 129 kecamatan" in html
    assert "Kecamatan still without a selected pilot village" in html
