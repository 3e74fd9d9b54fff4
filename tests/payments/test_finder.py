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
    response = client.get("/layanan/", {"layanan": "pln_token", "q": "pagar d"})
    search = response.context["search"]
    assert search.place is None and len(search.choices) > 1
    assert response.content.decode().count("&amp;desa=17.") == len(search.choices)


@pytest.mark.parametrize(
    ("q", "first"),
    [("batu ampr", "17.01.01.2001"), ("Kephiang", "17.08"), ("kepahyang", "17.08")],
)
def test_place_box_forgives_like_the_registry_search(client, q, first):
    """The finder's place box is the registry's search (villages.search): typos and spaces
    forgiven, the kabupaten before villages of a similar name."""
    search = client.get("/layanan/", {"layanan": "pln_token", "q": q}).context["search"]
    assert search.place is None and search.choices[0].unit.code in {first, "17.08.05.2007"}


def test_one_exact_name_is_chosen_at_once(client):
    kiosks_at([0.01])
    response = client.get("/layanan/", {"layanan": "pln_token", "q": "pagar dewa"})
    search = response.context["search"]
    exact = [p for p in search.choices if p.unit.name == "Pagar Dewa"] if search.choices else []
    if search.place is None:  # several villages are named exactly "Pagar Dewa"
        assert len(exact) > 1
    else:
        assert search.place.unit.name == "Pagar Dewa" and search.origin is not None


def test_a_kecamatan_or_kabupaten_is_an_origin_too(client):
    kiosks_at([0.01, 0.002])
    response = client.get("/layanan/", {"layanan": "pln_token", "desa": "17.71"})
    assert response.context["search"].place.level == "regency"
    assert [o.warkop.name for o in response.context["results"]] == ["K1", "K0"]
    response = client.get("/layanan/", {"layanan": "pln_token", "desa": "17.71.01"})
    assert response.context["search"].place.level == "district"
    assert len(response.context["results"]) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"q": "%"},
        {"q": "_"},
        {"q": "x" * 5000},
        {"q": "batu\x00ampar"},
        {"desa": "%"},
        {"desa": "99.99"},
        {"desa": "x" * 5000},
        {"layanan": "x" * 5000},
    ],
)
def test_hostile_place_input_never_fails(client, params):
    response = client.get("/layanan/", {"layanan": "pln_token", **params})
    assert response.status_code == 200
    assert response.context["results"] == []


def test_nul_in_the_place_box_is_harmless(client):
    response = client.get("/layanan/?layanan=pln_token&q=batu%00ampar&desa=17%00")
    assert response.status_code in (200, 400)


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


# the data's version (portal/core/datacache.py), categories, the village, the offerings
FINDER_QUERIES = 4
FINDER_CACHED_QUERIES = 1  # the data's version: the same search again is read from the cache
FINDER_SEARCH_QUERIES = 2 + 3  # version, categories, the search (one query per level)


def test_finder_query_count_is_constant(client, django_assert_num_queries):
    kiosks_at([0.01, 0.02])
    with django_assert_num_queries(FINDER_QUERIES):
        client.get("/layanan/", {"layanan": "pln_token", "desa": ORIGIN})
    kiosks_at([0.001 * i for i in range(1, 15)], prefix="L")
    with django_assert_num_queries(FINDER_QUERIES):
        response = client.get("/layanan/", {"layanan": "pln_token", "desa": ORIGIN})
    assert len(response.context["results"]) == 16
    with django_assert_num_queries(FINDER_CACHED_QUERIES):
        again = client.get("/layanan/", {"layanan": "pln_token", "desa": ORIGIN})
    assert again.content.count(b"<li") == response.content.count(b"<li")


def test_finder_search_query_count_is_constant(client, django_assert_num_queries):
    for q in ("batu ampr", "air", "kepahyang"):
        with django_assert_num_queries(FINDER_SEARCH_QUERIES):
            assert client.get("/layanan/", {"layanan": "pln_token", "q": q}).status_code == 200


def test_nearest_kiosks_are_found_on_the_kiosk_table_alone_with_its_index(client):
    """KNN on the kiosk GiST index in a subquery with LIMIT, then the joins (issue #14)."""
    from django.db import connection

    from payments.models import ServiceCategory
    from payments.selectors import nearest_offerings

    kiosks_at([0.01, 0.02])
    origin = village(ORIGIN).centroid
    queryset = nearest_offerings(
        category=ServiceCategory.objects.get(code="pln_token"), origin=origin
    )
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A handful of test kiosks is sorted faster than read from an index: ask for the plan
        # the national database gets by itself (bench/search.py, BENCHMARKS.md).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "warkop_location_gist" in plan
    inner = sql.split("IN (", 1)[1]
    assert "<->" in inner and "LIMIT" in inner and "JOIN" not in inner.split("LIMIT")[0]


def test_nearest_first_among_many_kiosks_with_several_providers(client):
    from payments.models import Provider

    kiosks = kiosks_at([0.03, 0.001, 0.02, 0.005])
    other = Provider.objects.exclude(code="pln").first()
    OfferingFactory(warkop=kiosks[1], provider=other, fee=1000)  # the nearest, twice
    far_away = [0.05 + 0.001 * i for i in range(25)]
    kiosks_at(far_away, prefix="F")
    response = client.get("/layanan/", {"layanan": "pln_token", "desa": ORIGIN})
    results = response.context["results"]
    assert len(results) == 20
    assert [o.warkop.name for o in results[:5]] == ["K1", "K1", "K3", "K2", "K0"]
    assert [o.fee for o in results[:2]] == [1000, 3000]
    distances = [o.distance.m for o in results]
    assert distances == sorted(distances)


def test_anonymous_searches_are_throttled(client, settings):
    settings.FINDER_RATE_PER_MINUTE = 3
    for _ in range(3):
        assert client.get("/layanan/", {"layanan": "pln_token", "desa": ORIGIN}).status_code == 200
    response = client.get("/layanan/", {"layanan": "pln_token", "desa": ORIGIN})
    assert response.status_code == 429
    assert client.get("/layanan/").status_code == 200  # the empty form is never throttled
