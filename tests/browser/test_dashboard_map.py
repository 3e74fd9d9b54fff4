"""The dashboard's kecamatan map in a real browser: 129 shapes coloured by pilot status, drawn
although every base-map tile fails; then a kecamatan page and a village page with their maps."""

import re

import pytest

from villages.models import District, Village
from villages.services import pilot_decide, pilot_propose

from .conftest import OFF_SITE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("committed_registry", "restore_migration_data"),
]

PASSWORD = "a long browser test password"
COLOR_PILOT = "#1f8a4c"
COLOR_NO_PILOT = "#e4572e"


class PageWatch:
    """Collects what went wrong in the page: HTTP errors, script errors, console errors."""

    def __init__(self, page, live_url):
        self.http_errors, self.page_errors, self.console_errors = [], [], []
        self.off_site = []
        page.on(
            "response",
            lambda r: r.status >= 400 and self.http_errors.append(f"{r.status} {r.url}"),
        )
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("console", self._console)
        page.route(OFF_SITE, self._abort)

    def _abort(self, route):
        self.off_site.append(route.request.url)
        route.abort()

    def _console(self, message):
        # Aborted tiles log "Failed to load resource"; anything else is a real error.
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.console_errors.append(message.text)

    def assert_clean(self):
        assert self.http_errors == []
        assert self.page_errors == []
        assert self.console_errors == []


def shapes(page, map_id):
    return page.locator(f"#{map_id} .leaflet-overlay-pane path.leaflet-interactive")


def test_dashboard_map_and_registry_maps(
    live_server, static_files, browser, artifacts, django_user_model
):
    assert District.objects.filter(regency__province_id="17").count() == 129
    user = django_user_model.objects.create_superuser("mapper", "mapper@example.org", PASSWORD)
    pilot_village = Village.objects.get(code="17.71.01.1001")  # a kelurahan of Kota Bengkulu
    pilot = pilot_propose(village=pilot_village, proposed_by="Camat", reason="Siap.", by=user)
    pilot_decide(pilot=pilot, status="selected", reason="Layak.", by=user)

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
    page = context.new_page()
    watch = PageWatch(page, live_server.url)

    # Log in through the form.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "mapper")
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    # The dashboard's kecamatan layer: 129 shapes, one green, drawn without any tile.
    page.wait_for_selector('#district-map[data-map-state="ready"]', timeout=20_000)
    district_shapes = shapes(page, "district-map")
    assert district_shapes.count() == 129
    assert page.get_attribute("#district-map", "data-feature-count") == "129"
    fills = district_shapes.evaluate_all("paths => paths.map(p => p.getAttribute('fill'))")
    assert fills.count(COLOR_PILOT) == 1
    assert fills.count(COLOR_NO_PILOT) == 128
    assert page.locator("#district-map .map-legend").is_visible()
    assert any("tile" in url for url in watch.off_site), "tiles should have been tried (and failed)"
    assert page.locator("#district-map .leaflet-tile-loaded").count() == 0
    assert "dari 129 kecamatan" in page.inner_text("#pilot-target")
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)

    # Tooltips name the kecamatan, its kabupaten/kota and whether it has a pilot.
    green = district_shapes.nth(fills.index(COLOR_PILOT))
    green.hover(force=True)
    tooltip = page.locator(".leaflet-tooltip").first
    tooltip.wait_for()
    text = tooltip.inner_text()
    assert pilot_village.district.name in text
    assert "Kota Bengkulu" in text
    assert "Desa percontohan: ya" in text

    # A click opens the kecamatan's page, whose map shows its villages.
    green.click(force=True)
    page.wait_for_url(f"{live_server.url}/registry/districts/{pilot_village.district_id}/")
    page.wait_for_selector('#district-map[data-map-state="ready"]', timeout=20_000)
    village_count = Village.objects.filter(district_id=pilot_village.district_id).count()
    assert shapes(page, "district-map").count() == village_count
    page.screenshot(path=str(artifacts / "district.png"), full_page=True)

    # The village page: its boundary highlighted among its neighbours, and its pilot record.
    page.click(f'a[href="/registry/villages/{pilot_village.code}/"]')
    page.wait_for_url(re.compile(re.escape(pilot_village.code) + "/$"))
    page.wait_for_selector('#village-map[data-map-state="ready"]', timeout=20_000)
    assert shapes(page, "village-map").count() == village_count
    assert "Terpilih" in page.inner_text("#pilot")
    page.screenshot(path=str(artifacts / "village.png"), full_page=True)

    # The same dashboard on a phone.
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="id-ID",
        storage_state=context.storage_state(),
    )
    phone_page = phone.new_page()
    phone_watch = PageWatch(phone_page, live_server.url)
    phone_page.goto(f"{live_server.url}/")
    phone_page.wait_for_selector('#district-map[data-map-state="ready"]', timeout=20_000)
    assert shapes(phone_page, "district-map").count() == 129
    assert not phone_page.locator(".site-nav").is_visible()
    phone_page.click("[data-nav-toggle]")
    assert phone_page.locator(".site-nav").is_visible()
    phone_page.screenshot(path=str(artifacts / "dashboard-phone.png"))

    watch.assert_clean()
    phone_watch.assert_clean()
    phone.close()
    context.close()
