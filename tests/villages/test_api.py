"""The read-only registry API, its filters, pagination, GeoJSON and OpenAPI schema."""

import pytest

from tests.figures import computed
from villages.models import Village, VillageKind
from villages.services import pilot_decide, pilot_propose

pytestmark = pytest.mark.django_db


def test_api_requires_authentication(client):
    response = client.get("/api/v1/villages/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_village_list_is_paginated_and_filtered(staff_client):
    response = staff_client.get("/api/v1/villages/", {"regency": "17.71", "page_size": 10})
    assert response.status_code == 200
    body = response.json()
    expected = Village.objects.filter(district__regency_id="17.71").count()
    assert body["count"] == expected
    assert len(body["results"]) == 10
    assert all(row["kind"] == "kelurahan" for row in body["results"])
    assert body["next"] is not None


def test_village_search_by_name_and_code(staff_client):
    village = Village.objects.get(code="17.01.01.2001")
    by_code = staff_client.get("/api/v1/villages/", {"q": "17.01.01.20"}).json()
    assert village.code in [row["code"] for row in by_code["results"]]
    by_name = staff_client.get("/api/v1/villages/", {"q": village.name.upper()}).json()
    assert village.code in [row["code"] for row in by_name["results"]]


def test_village_detail_by_code(staff_client):
    body = staff_client.get("/api/v1/villages/17.01.01.2001/").json()
    assert body["code"] == "17.01.01.2001"
    assert body["district"] == "17.01.01"
    assert body["kind"] == VillageKind.DESA
    assert body["postal_code"] == "38553"
    assert -6 < body["centroid"]["lat"] < -2
    assert staff_client.get("/api/v1/villages/99.99.99.9999/").status_code == 404


def test_counts_by_level(staff_client):
    assert staff_client.get("/api/v1/provinces/").json()["count"] == 1
    assert staff_client.get("/api/v1/regencies/").json()["count"] == 10
    assert staff_client.get("/api/v1/regencies/", {"kind": "kota"}).json()["count"] == 1
    assert staff_client.get("/api/v1/districts/").json()["count"] == 129
    assert staff_client.get("/api/v1/villages/").json()["count"] == 1513
    assert staff_client.get("/api/v1/villages/", {"kind": "desa"}).json()["count"] == 1341


def test_district_pilot_filter_and_geojson(staff_client, staff_user):
    village = Village.objects.get(code="17.01.01.2001")
    pilot = pilot_propose(village=village, proposed_by="Camat", reason="r", by=staff_user)
    pilot_decide(pilot=pilot, status="selected", reason="r", by=staff_user)

    with_pilot = staff_client.get("/api/v1/districts/", {"has_pilot": "true"}).json()
    assert [row["code"] for row in with_pilot["results"]] == ["17.01.01"]
    assert staff_client.get("/api/v1/districts/", {"has_pilot": "false"}).json()["count"] == 128

    response = staff_client.get("/api/v1/districts/geojson/", {"province": "17"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 129
    feature = next(f for f in collection["features"] if f["properties"]["code"] == "17.01.01")
    assert feature["properties"]["has_pilot"] is True
    assert feature["geometry"]["type"] == "MultiPolygon"

    pilots = staff_client.get("/api/v1/pilots/", {"status": "selected"}).json()
    assert pilots["count"] == 1
    assert pilots["results"][0]["village"] == "17.01.01.2001"


def test_geojson_query_count_is_constant(staff_client, django_assert_num_queries):
    # Session, user, the data's version, role, two permission lookups (portal.core.roles.
    # user_access), the version again (the answer's own entry), then one query for all features.
    with django_assert_num_queries(8):
        small = computed(staff_client, "/api/v1/villages/geojson/", {"district": "17.01.01"})
    with django_assert_num_queries(8):
        large = computed(staff_client, "/api/v1/villages/geojson/", {"regency": "17.03"})
    assert len(small.json()["features"]) < 30 < len(large.json()["features"])


def test_openapi_schema_and_docs_are_served_locally(staff_client):
    schema = staff_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/villages/" in paths and "/api/v1/districts/geojson/" in paths
    docs = staff_client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
