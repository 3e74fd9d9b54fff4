"""Kiosk API: filters, GeoJSON, writes through the services, and the partner scope on writes."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from portal.accounts.services import api_token_create
from portal.core.roles import Role
from tests.factories import OrganisationFactory, UserFactory
from warkop.models import Warkop

from .factories import OfferingFactory, WarkopFactory, village

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganisationFactory()


@pytest.fixture
def partner_api(org):
    user = UserFactory(role=Role.PARTNER, scope__organisation=org)
    _token, secret = api_token_create(user=user, name="t", access="read_write", valid_days=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def location_of(code="17.71.01.1001"):
    v = village(code)
    return {"lat": v.centroid.y, "lng": v.centroid.x}


def test_partner_creates_and_changes_only_their_kiosks(partner_api, org):
    body = {
        "name": "Warkop Mitra",
        "village": "17.71.01.1001",
        "owner_name": "Pak Budi",
        "location": location_of(),
        "connectivity": "4g",
    }
    response = partner_api.post("/api/v1/kiosks/", body, format="json")
    assert response.status_code == 201, response.content
    kiosk = Warkop.objects.get(pk=response.json()["id"])
    assert kiosk.organisation == org and kiosk.status == "proposed"
    other = WarkopFactory(organisation=OrganisationFactory())
    assert partner_api.patch(f"/api/v1/kiosks/{other.pk}/", {"name": "x"}).status_code == 404
    assert partner_api.get(f"/api/v1/kiosks/{other.pk}/").status_code == 404
    ok = partner_api.patch(f"/api/v1/kiosks/{kiosk.pk}/", {"opening_hours": "07-22"}, format="json")
    assert ok.status_code == 200
    stolen = partner_api.post(
        "/api/v1/kiosks/", {**body, "name": "Lain", "organisation": other.organisation_id}, "json"
    )
    # another organisation does not exist for a partner: 400 on the field, as an unknown id
    assert stolen.status_code == 400 and list(stolen.json()) == ["organisation"]
    outside = partner_api.post(
        "/api/v1/kiosks/", {**body, "name": "Jauh", "location": {"lat": -6.2, "lng": 106.8}}, "json"
    )
    assert outside.status_code == 400 and "location" in outside.json()
    # partners may not change the status (provincial staff do)
    assert (
        partner_api.post(
            f"/api/v1/kiosks/{kiosk.pk}/status/", {"status": "preparing", "reason": "r"}
        ).status_code
        == 403
    )


def test_partner_offerings_and_reports_are_scoped(partner_api, org):
    mine = WarkopFactory(organisation=org)
    other = WarkopFactory(organisation=OrganisationFactory())
    offer = {"category": "pln_token", "provider": "pln", "fee": 2500}
    created = partner_api.post("/api/v1/offerings/", {**offer, "warkop": mine.pk}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["last_checked_on"] == timezone.localdate().isoformat()
    refused = partner_api.post("/api/v1/offerings/", {**offer, "warkop": other.pk}, format="json")
    assert refused.status_code == 400
    theirs = OfferingFactory(warkop=other)
    assert partner_api.patch(f"/api/v1/offerings/{theirs.pk}/", {"fee": 1}).status_code == 404
    month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    report = {
        "warkop": mine.pk,
        "month": month.isoformat(),
        "learning_sessions": 2,
        "lines": [{"category": "pln_token", "transaction_count": 5, "transaction_value": 100000}],
    }
    response = partner_api.post("/api/v1/reports/", report, format="json")
    assert response.status_code == 201, response.content
    again = partner_api.post("/api/v1/reports/", report, format="json")
    assert again.status_code == 400
    fixed = partner_api.patch(
        f"/api/v1/reports/{response.json()['id']}/",
        {"lines": [{"category": "pln_token", "transaction_count": 6, "transaction_value": 120000}]},
        format="json",
    )
    assert fixed.status_code == 200 and fixed.json()["lines"][0]["transaction_count"] == 6
    negative = {**report, "month": (month - datetime.timedelta(days=1)).isoformat()}
    negative["lines"] = [{"category": "pulsa", "transaction_count": -1, "transaction_value": 0}]
    assert partner_api.post("/api/v1/reports/", negative, format="json").status_code == 400
    future = {**report, "month": (timezone.localdate() + datetime.timedelta(days=40)).isoformat()}
    assert partner_api.post("/api/v1/reports/", future, format="json").status_code == 400
    assert (
        partner_api.post(
            "/api/v1/reports/", {**report, "warkop": other.pk}, format="json"
        ).status_code
        == 400
    )


def test_officer_records_check_ins_in_their_kabupaten():
    officer = UserFactory(role=Role.OFFICER, scope__regencies=["17.71"])
    client = APIClient()
    client.force_login(officer)
    here = WarkopFactory()  # Kota Bengkulu
    there = WarkopFactory(village=village("17.01.01.2001"))
    assert (
        client.post("/api/v1/check-ins/", {"warkop": here.pk, "kind": "visited"}).status_code == 201
    )
    assert (
        client.post("/api/v1/check-ins/", {"warkop": there.pk, "kind": "visited"}).status_code
        == 400
    )
    assert client.patch(f"/api/v1/kiosks/{here.pk}/", {"name": "x"}).status_code == 403


def test_staff_change_status_and_geojson(client):
    staff = UserFactory(role=Role.PROVINCIAL_STAFF)
    client.force_login(staff)
    kiosk = WarkopFactory(status="preparing")
    WarkopFactory(status="proposed")
    response = client.post(
        f"/api/v1/kiosks/{kiosk.pk}/status/", {"status": "operational", "reason": "Siap"}
    )
    assert response.status_code == 201
    assert (
        client.post(
            f"/api/v1/kiosks/{kiosk.pk}/status/", {"status": "preparing", "reason": "x"}
        ).status_code
        == 400
    )
    data = client.get("/api/v1/kiosks/geojson/?status=operational").json()
    assert [f["properties"]["id"] for f in data["features"]] == [kiosk.pk]
    assert data["features"][0]["geometry"]["type"] == "Point"
    assert set(data["features"][0]["properties"]) >= {"id", "name", "status", "village"}


def test_foreign_and_made_up_ids_get_the_identical_400(partner_api, org):
    """An organisation or kiosk out of the partner's scope answers exactly as an id that exists
    nowhere: no 403, no existence oracle."""
    mine = WarkopFactory(organisation=org)
    foreign_org = OrganisationFactory(name="Bank Rahasia")
    foreign_kiosk = WarkopFactory(organisation=foreign_org)
    made_up = max(foreign_org.pk, foreign_kiosk.pk) + 1000

    def patch_organisation(value):
        return partner_api.patch(
            f"/api/v1/kiosks/{mine.pk}/",
            {"organisation": value},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )

    foreign, unknown = patch_organisation(foreign_org.pk), patch_organisation(made_up)
    assert foreign.status_code == unknown.status_code == 400
    assert foreign.json() == unknown.json() == {"organisation": ["There is no such object."]}
    mine.refresh_from_db()
    assert mine.organisation == org
    assert patch_organisation(org.pk).status_code == 200  # their own is fine

    def check_in(value):
        return partner_api.post(
            "/api/v1/check-ins/",
            {"warkop": value, "kind": "visited"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )

    foreign, unknown = check_in(foreign_kiosk.pk), check_in(made_up)
    assert foreign.status_code == unknown.status_code == 400
    assert foreign.json() == unknown.json() == {"warkop": ["There is no such object."]}
    assert not foreign_kiosk.check_ins.exists()


def test_api_check_in_times_are_bounded(partner_api, org, settings):
    settings.CHECKIN_MAX_AGE_DAYS = 7
    kiosk = WarkopFactory(organisation=org)
    for when in ("2019-06-01T09:00:00+07:00", "2099-01-01T09:00:00+07:00"):
        response = partner_api.post(
            "/api/v1/check-ins/",
            {"warkop": kiosk.pk, "kind": "visited", "checked_in_at": when},
            format="json",
        )
        assert response.status_code == 400
        assert list(response.json()) == ["checked_in_at"]
    assert not kiosk.check_ins.exists()
    yesterday = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    response = partner_api.post(
        "/api/v1/check-ins/",
        {"warkop": kiosk.pk, "kind": "online", "checked_in_at": yesterday},
        format="json",
    )
    assert response.status_code == 201, response.content
