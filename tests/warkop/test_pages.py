"""Kiosk staff pages, exports and the dashboard section: access, content and query counts."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from portal.core.roles import Role
from tests.factories import OrganisationFactory, UserFactory
from tests.figures import computed
from warkop.models import WarkopStatus

from .factories import OfferingFactory, WarkopFactory, village

pytestmark = pytest.mark.django_db


def test_list_detail_and_forms_render(staff_client):
    kiosk = WarkopFactory(is_sample=True)
    OfferingFactory(warkop=kiosk)
    for url in ["/warkop/", f"/warkop/{kiosk.pk}/", "/warkop/new/", f"/warkop/{kiosk.pk}/edit/"]:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"\sstyle=", html)
    detail = staff_client.get(f"/warkop/{kiosk.pk}/").content.decode()
    assert "Data contoh" in detail
    assert "Token listrik PLN prabayar" in detail


def test_list_filters_by_status_service_and_stale(staff_client):
    a = WarkopFactory(name="Alpha", last_check_in_at=timezone.now())
    b = WarkopFactory(name="Beta", status=WarkopStatus.PREPARING)
    OfferingFactory(warkop=a)
    # Stale is live: no check-in for WARKOP_STALE_DAYS, flagged by the daily task or not yet.
    WarkopFactory(name="Gamma", last_check_in_at=timezone.now() - datetime.timedelta(days=40))
    names = lambda url: [k.name for k in computed(staff_client, url).context["page"].object_list]  # noqa: E731
    assert "Beta" in names("/warkop/?status=preparing") and "Alpha" not in names(
        "/warkop/?status=preparing"
    )
    assert names("/warkop/?service=pln_token") == ["Alpha"]
    assert names("/warkop/?stale=true") == ["Gamma"]
    assert b.name not in names("/warkop/?regency=17.01")


# ... and the data's version, when the next kiosk turns stale (portal/core/datacache.py)
LIST_QUERIES = 13


def test_kiosk_list_query_count_is_constant(staff_client, django_assert_num_queries):
    WarkopFactory.create_batch(2)
    with django_assert_num_queries(LIST_QUERIES):
        assert staff_client.get("/warkop/").status_code == 200
    for code in ("17.01.01.2001", "17.05.01.2002", "17.03.10.1010"):
        WarkopFactory.create_batch(5, village=village(code))
    with django_assert_num_queries(LIST_QUERIES):
        assert staff_client.get("/warkop/").status_code == 200


def test_exports_use_the_filters_and_the_scope(client):
    org, other = OrganisationFactory(), OrganisationFactory()
    WarkopFactory(name="Milik Mitra", organisation=org)
    WarkopFactory(name="=HYPERLINK(1)", organisation=org, status=WarkopStatus.PROPOSED)
    WarkopFactory(name="Milik Lain", organisation=other)
    client.force_login(UserFactory(role=Role.PARTNER, scope__organisation=org))
    response = client.get("/warkop/export/csv/?status=operational")
    assert response.streaming
    body = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["Milik Mitra"]
    response = client.get("/warkop/export/xlsx/")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["'=HYPERLINK(1)", "Milik Mitra"]
    assert client.get("/warkop/export/pdf/").status_code == 404


def test_dashboard_shows_counts_and_stale_kiosks(staff_client):
    WarkopFactory(name="Hidup", last_check_in_at=timezone.now())
    WarkopFactory(name="Sunyi", last_check_in_at=timezone.now() - datetime.timedelta(days=40))
    html = staff_client.get("/").content.decode()
    assert 'id="kiosk-status"' in html
    assert "Sunyi" in html
    section = staff_client.get("/").context["warkop_dashboard"]
    assert section["counts"]["operational"] == 2 and section["counts"]["stale"] == 1


def test_partner_sees_only_their_kiosks(client):
    org = OrganisationFactory()
    mine = WarkopFactory(organisation=org)
    theirs = WarkopFactory(organisation=OrganisationFactory())
    client.force_login(UserFactory(role=Role.PARTNER, scope__organisation=org))
    assert client.get(f"/warkop/{mine.pk}/").status_code == 200
    assert client.get(f"/warkop/{theirs.pk}/").status_code == 404
    listed = [k.pk for k in client.get("/warkop/").context["page"].object_list]
    assert listed == [mine.pk]
