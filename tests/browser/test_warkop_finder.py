"""The public finder in a real browser: a villager picks a service and a village, sees the nearest
kiosks listed, opens the optional map and finds them there as markers (tiles aborted)."""

import pytest

from payments.catalogue import seed as seed_catalogue
from payments.models import Provider, ServiceCategory
from warkop.models import WarkopStatus

from ..warkop.factories import OfferingFactory, WarkopFactory, village
from .conftest import OFF_SITE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("committed_registry", "restore_migration_data"),
]

KIOSK_FILL = "#1f8a4c"
ORIGIN_FILL = "#1d3557"


def test_find_a_service_near_a_village_and_see_it_on_the_map(
    live_server, static_files, browser, artifacts
):
    # An earlier transactional test may have emptied the tables the migrations seeded.
    seed_catalogue(ServiceCategory, Provider)
    pagar_dewa = village("17.71.01.1001")
    for name, dlat in (("Warkop Dekat", 0.002), ("Warkop Sedang", 0.01), ("Warkop Jauh", 0.03)):
        OfferingFactory(warkop=WarkopFactory(village=pagar_dewa, name=name, dlat=dlat))
    OfferingFactory(
        warkop=WarkopFactory(village=pagar_dewa, name="Warkop Tutup", status=WarkopStatus.CLOSED)
    )

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    page.route(OFF_SITE, lambda route: route.abort())

    page.goto(f"{live_server.url}/layanan/")
    assert "Cari Warkop Digital" in page.inner_text("header")
    page.select_option("select[name=layanan]", "pln_token")
    page.fill("input[name=q]", "Pagar Dewa")
    page.click("#finder-form button[type=submit]")
    # Five villages are called Pagar Dewa: the finder asks which one.
    page.click('a[href*="desa=17.71.01.1001"]')
    page.wait_for_selector("#results")
    items = page.locator("#results li strong")
    assert items.all_inner_texts() == ["Warkop Dekat", "Warkop Sedang", "Warkop Jauh"]
    assert "Warkop Tutup" not in page.content()
    assert page.locator("[data-near-form]").is_visible()  # geolocation is offered

    # No map scripts until asked: the page stays light on a slow connection.
    assert page.evaluate("typeof L") == "undefined"
    page.click("[data-show-map]")
    page.wait_for_selector('#finder-map[data-map-state="ready"]', timeout=20_000)
    markers = page.locator("#finder-map .leaflet-overlay-pane path.leaflet-interactive")
    fills = markers.evaluate_all("paths => paths.map(p => p.getAttribute('fill'))")
    assert fills.count(KIOSK_FILL) == 3
    assert fills.count(ORIGIN_FILL) == 1
    assert page.get_attribute("#finder-map", "data-feature-count") == "4"
    page.screenshot(path=str(artifacts / "warkop-finder.png"), full_page=True)
    assert errors == []
    context.close()
