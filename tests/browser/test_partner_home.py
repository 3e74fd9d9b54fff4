"""A partner logs in and lands on their home, which shows the monthly report they owe.
Screenshot in test-artifacts/."""

import pytest

from portal.core.roles import Role
from tests.factories import OrganisationFactory, UserFactory
from tests.warkop.factories import WarkopFactory

from .test_dashboard_map import PageWatch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("committed_registry", "restore_migration_data"),
]

PASSWORD = "a long browser test password"


def test_partner_lands_on_their_kiosks_with_the_overdue_report(
    live_server, static_files, browser, artifacts
):
    org = OrganisationFactory(name="Koperasi Kopi Kaur")
    WarkopFactory(name="Warkop Lupa Lapor", organisation=org)
    UserFactory(username="mitra", role=Role.PARTNER, scope__organisation=org, password=PASSWORD)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "mitra")
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/warkop/partner/")
    overdue = page.locator("#overdue-reports").inner_text()
    assert "Laporan bulanan terlambat" in overdue and "Warkop Lupa Lapor" in overdue
    page.screenshot(path=str(artifacts / "partner-home.png"), full_page=True)
    watch.assert_clean()
