"""Staff in a real browser: a misspelt search from the header finds Kabupaten Kepahiang first, and
a kecamatan's villages are compared side by side and sorted by a click on a column's title."""

import pytest

from portal.core.roles import Role
from tests.factories import PASSWORD, UserFactory

from ..warkop.factories import WarkopFactory, village
from .conftest import OFF_SITE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("committed_registry", "restore_migration_data"),
]


def test_search_then_choose_a_pilot_by_comparing_villages(
    live_server, static_files, browser, artifacts
):
    UserFactory(username="staf-cari", role=Role.PROVINCIAL_STAFF)
    WarkopFactory(village=village("17.01.01.2003"), name="Warkop Bumi Agung")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    page.route(OFF_SITE, lambda route: route.abort())

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "staf-cari")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server.url}/")

    # The header's search box, misspelt: the kabupaten comes first.
    page.fill("header input[name=q]", "Kephiang")
    page.press("header input[name=q]", "Enter")
    first = page.locator("table tbody tr").first
    assert "Kabupaten Kepahiang" in first.inner_text()
    page.screenshot(path=str(artifacts / "registry-search-kephiang.png"), full_page=True)

    # Kecamatan Kedurang: its villages side by side; sort by kiosks, most first.
    page.goto(f"{live_server.url}/registry/districts/17.01.01/")
    assert "Memilih desa percontohan" in page.inner_text("main")
    page.click("th >> text=Kios Warkop Digital")  # ascending
    page.click("th >> text=Kios Warkop Digital")  # descending
    page.wait_for_url("**sort=-kiosks")
    assert page.locator("th[aria-sort=descending]").inner_text().startswith("Kios Warkop Digital")
    assert "Bumi Agung" in page.locator("table.choice-table tbody tr").first.inner_text()
    assert "None" not in page.inner_text("main")
    page.screenshot(path=str(artifacts / "registry-kecamatan-choice.png"), full_page=True)
    assert errors == []
