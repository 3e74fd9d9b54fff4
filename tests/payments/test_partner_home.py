"""The partner's home: their kiosks, the monthly reports they owe, the services to check; partners
land there after login."""

import datetime

import pytest

from portal.core.roles import Role
from tests.factories import OrganisationFactory, UserFactory
from tests.warkop.factories import OfferingFactory, WarkopFactory
from warkop.models import MonthlyReport, Warkop, report_due_month

pytestmark = pytest.mark.django_db


def test_report_due_month_waits_for_the_due_day(settings):
    settings.MONTHLY_REPORT_DUE_DAY = 10
    assert report_due_month(datetime.date(2026, 12, 11)) == datetime.date(2026, 11, 1)
    assert report_due_month(datetime.date(2026, 12, 10)) == datetime.date(2026, 10, 1)


def test_partner_home_lists_overdue_reports_and_stale_services(client):
    org = OrganisationFactory()
    owing = WarkopFactory(name="Warkop Lupa Lapor", organisation=org)
    reported = WarkopFactory(name="Warkop Rajin", organisation=org)
    WarkopFactory(name="Warkop Lain", organisation=OrganisationFactory())
    MonthlyReport.objects.create(warkop=reported, month=report_due_month())
    OfferingFactory(warkop=reported, last_checked_on=datetime.date(2025, 1, 1))
    partner = UserFactory(username="mitra", role=Role.PARTNER, scope__organisation=org)
    client.force_login(partner)
    assert client.get("/").url == "/warkop/partner/"
    page = client.get("/warkop/partner/")
    assert [k.name for k in page.context["overdue"]] == [owing.name]
    assert len(page.context["stale_offerings"]) == 1
    assert {k.name for k in page.context["kiosks"]} == {owing.name, reported.name}
    assert "Laporan bulanan terlambat" in page.content.decode()
    assert Warkop.objects.report_overdue().filter(pk=reported.pk).count() == 0
