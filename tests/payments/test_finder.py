"""The public service finder: no login, nearest first with distance, constant queries, throttled."""

import json
import re

import pytest
from django.core.cache import cache

from tests.warkop.factories import OfferingFactory, WarkopFactory, village
from warkop.models import WarkopStatus

pytestmark = pytest.mark.django_db

ORIGIN = "17.71.01.1001"  # Pagar Dewa, Kota Bengkulu


@pytest.fixture(autouse=True)
def fresh_finder_counter():
    client = cache._cache.get_client(None, write=True)
    keys = list(client.scan_iter("*finder-rate:*"))
    if keys:
        client.delete(*keys)


def kiosks_at(distances_deg, prefix="K"):
    v = village(ORIGIN)
    return [
        OfferingFactory(warkop=WarkopFactory(village=v, name=f"{prefix}{i}", dlat=d)).warkop
        for i, d in enumerate(distances_deg)
    ]


def test_results_are_nearest_first_with_distance(client):
    far, near, middle = kiosks_at([0.05, 0.001, 0.02])
    closed = OfferingFactory(
        warkop=WarkopFactory(village=village(ORIGIN), name="Tutup", status=WarkopStatus.CLOSED)
    )
    OfferingFactory(warkop=WarkopFactory(village=village(ORIGIN), name="Nonaktif"), is_active=False)
    response = client.get("/layanan/", {"layanan": "pln_token", "desa": ORIGIN})
    assert response.status_code == 200
    results = response.context["results"]
    assert [o.warkop.name for o in results] == ["K1", "K2", "K0"]
    distances = [o.distance.m for o in results]
    assert distances == sorted(distances)
    assert 90 < distances[0] < 130  # 0.001° of latitude ≈ 111 m
    assert 5400 < distances[2] < 5700
    html = response.content.decode()
    assert "Tutup" not in html and closed.warkop.name not in html
    assert "0,1 km" in html or "0.1 km" in html


def test_near_me_is_posted_as_lat_lng(client):
    kiosks_at([0.01, 0.002])
    v = village(ORIGIN)
    response = client.post(
        "/layanan/", {"layanan": "pln_token", "lat": f"{v.centroid.y}", "lng": f"{v.centroid.x}"}
    )
    assert [o.warkop.name for o in response.context["results"]] == ["K1", "K0"]
    bad = client.post("/layanan/", {"layanan": "pln_token", "lat": "x", "lng": "1"})
    assert bad.context["results"] == [] and bad.context["search"].error


def test_village_search_offers_choices(client):
    response = client.get("/layanan/", {"layanan": "pln_token", "q": "pagar"})
    search = response.context["search"]
    assert search.village is None and len(search.village_choices) > 1
    assert response.content.decode().count("&amp;desa=17.") == len(search.village_choices)


def test_page_is_light_and_needs_no_login(client):
    kiosks_at([0.01])
    response = client.get("/layanan/", {"layanan": "pln_token", "desa": ORIGIN})
    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.content) < 20_000
    assert "leaflet.js" not in re.findall(r'<script[^>]*src="([^"]+)"', html)[0]
    assert re.findall(r'<script[^>]*src="([^"]+)"', html) == ["/static/payments/finder.js"]
    assert "Cari Warkop Digital" in html  # Bahasa Indonesia


def test_geojson_for_the_optional_map(client):
    kiosks_at([0.01, 0.002])
    v = village(ORIGIN)
    response = client.get(
        "/layanan/peta.geojson", {"layanan": "pln_token", "lat": v.centroid.y, "lng": v.centroid.x}
    )
    data = json.loads(response.content)
    kinds = [f["properties"]["kind"] for f in data["features"]]
    assert kinds == ["origin", "kiosk", "kiosk"]


FINDER_QUERIES = 3  # categories, the village, the offerings


def test_finder_query_count_is_constant(client, django_assert_num_queries):
    kiosks_at([0.01, 0.02])
    with django_assert_num_queries(FINDER_QUERIES):
        client.get("/layanan/", {"layanan": "pln_token", "desa": ORIGIN})
    kiosks_at([0.001 * i for i in range(1, 15)], prefix="L")
    with django_assert_num_queries(FINDER_QUERIES):
        response = client.get("/layanan/", {"layanan": "pln_token", "desa": ORIGIN})
    assert len(response.context["results"]) == 16


def test_anonymous_searches_are_throttled(client, settings):
    settings.FINDER_RATE_PER_MINUTE = 3
    for _ in range(3):
        assert client.get("/layanan/", {"layanan": "pln_token", "desa": ORIGIN}).status_code == 200
    response = client.get("/layanan/", {"layanan": "pln_token", "desa": ORIGIN})
    assert response.status_code == 429
    assert client.get("/layanan/").status_code == 200  # the empty form is never throttled
