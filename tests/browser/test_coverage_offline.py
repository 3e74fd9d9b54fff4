"""The coverage field form in a real browser: opened online, then three surveys entered with the
browser offline, the page reloaded offline (served by the service worker) with the three waiting
in the outbox, and exactly three surveys on the server once the connection returns."""

import re
import time

import pytest

from coverage.models import Measurement, Survey
from portal.core.roles import Role
from tests.factories import UserFactory
from villages.models import Village

from .conftest import OFF_SITE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("committed_registry", "restore_migration_data"),
]

PASSWORD = "a long browser test password"
VILLAGE = "17.01.01.2001"


def wait_js(page, expression, timeout=20.0):
    """Poll `expression` with page.evaluate (wait_for_function would need 'unsafe-eval', which
    the portal's Content-Security-Policy forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(100)


def wait_count(page, n):
    page.wait_for_selector(f'#outbox-count[data-count="{n}"]', timeout=20_000)


def fill_survey(page, technology, dbm, note):
    page.click("#locate")
    wait_js(page, "document.getElementById('f-lat').value !== ''")
    page.select_option("#f-place", "settlement")
    page.select_option("#f-telkomsel-technology", technology)
    if dbm is not None:
        page.fill("#f-telkomsel-dbm", str(dbm))
    page.select_option("#f-indosat-technology", "none")
    page.fill("#f-notes", note)
    page.click("#save-survey")


def test_field_form_works_offline_and_sends_each_survey_once(
    live_server, static_files, browser, artifacts
):
    officer = UserFactory(
        username="petugas-lapangan", role=Role.OFFICER, scope__regencies=["17.01"]
    )
    officer.set_password(PASSWORD)
    officer.save()
    centroid = Village.objects.get(code=VILLAGE).centroid

    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="id-ID",
        permissions=["geolocation"],
        geolocation={"latitude": centroid.y, "longitude": centroid.x, "accuracy": 9},
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    context.route(OFF_SITE, lambda route: route.abort())

    # Online: log in and open the form once; the service worker installs and takes control.
    page.goto(f"{live_server.url}/accounts/login/?next=/coverage/field/")
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/coverage/field/")
    page.wait_for_selector('#field-app[data-ready="true"]')
    wait_js(page, "navigator.serviceWorker.controller !== null")
    wait_count(page, 0)

    # Offline: the browser loses the network, and so does the live server for this context
    # (every request to it is aborted), whatever Chromium does with service-worker traffic.
    sent_while_offline = []

    def cut(route):
        sent_while_offline.append(route.request.url)
        route.abort("internetdisconnected")

    context.set_offline(True)
    context.route(re.compile(re.escape(live_server.url) + ".*"), cut)
    wait_js(page, "navigator.onLine === false")
    assert "Luring" in page.inner_text("#net-state")

    fill_survey(page, "4g", -92, "Survei pertama, di depan balai desa.")
    wait_count(page, 1)
    assert (
        "Batu Ampar" in page.inner_text("#f-village option:checked")
        or page.input_value("#f-village") == VILLAGE
    )
    fill_survey(page, "2g", -108, "Survei kedua, di ujung permukiman.")
    wait_count(page, 2)
    fill_survey(page, "none", None, "Survei ketiga: tidak ada sinyal sama sekali.")
    wait_count(page, 3)

    # Reload while still offline: the service worker serves the page, the outbox is intact.
    page.reload()
    page.wait_for_selector('#field-app[data-ready="true"]', timeout=20_000)
    wait_count(page, 3)
    assert page.locator("#outbox-list .outbox-item").count() == 3
    page.screenshot(path=str(artifacts / "coverage-field-offline.png"), full_page=True)
    assert Survey.objects.count() == 0
    assert not any("/api/v1/surveys/" in url for url in sent_while_offline if "POST" in url)

    # Back online: the outbox empties itself, each survey confirmed by the server.
    context.unroute(re.compile(re.escape(live_server.url) + ".*"))
    context.set_offline(False)
    wait_count(page, 0)
    page.screenshot(path=str(artifacts / "coverage-field-sent.png"), full_page=True)

    surveys = list(Survey.objects.order_by("observed_at", "id"))
    assert len(surveys) == 3
    assert len({s.client_uuid for s in surveys}) == 3
    assert {s.officer_id for s in surveys} == {officer.pk}
    assert {s.village_id for s in surveys} == {VILLAGE}
    assert {s.source for s in surveys} == {"field_app"}
    assert sorted(s.best_technology for s in surveys) == ["2g", "4g", "none"]
    assert Measurement.objects.count() == 6
    assert sorted(s.notes[:14] for s in surveys) == [
        "Survei kedua, ",
        "Survei ketiga:",
        "Survei pertama",
    ]

    # Sending again (a second tab, a retry) never duplicates: the outbox is empty and the
    # server still has three.
    page.click("#send-now")
    page.wait_for_timeout(500)
    assert Survey.objects.count() == 3
    assert errors == []
    context.close()


def test_outbox_saved_to_a_file_offline_is_imported_on_the_import_page(
    live_server, static_files, browser, artifacts
):
    """The phone cannot send: its outbox is saved to a file, the phone is closed, and the officer
    uploads the file on the import page from another browser: the three surveys arrive once."""
    officer = UserFactory(username="petugas-berkas", role=Role.OFFICER, scope__regencies=["17.01"])
    officer.set_password(PASSWORD)
    officer.save()
    centroid = Village.objects.get(code=VILLAGE).centroid
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="id-ID",
        permissions=["geolocation"],
        geolocation={"latitude": centroid.y, "longitude": centroid.x, "accuracy": 9},
        accept_downloads=True,
    )
    phone.route(OFF_SITE, lambda route: route.abort())
    page = phone.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/?next=/coverage/field/")
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-card button[type=submit]")
    page.wait_for_selector('#field-app[data-ready="true"]')
    wait_js(page, "navigator.serviceWorker.controller !== null")

    phone.set_offline(True)
    phone.route(re.compile(re.escape(live_server.url) + ".*"), lambda route: route.abort())
    wait_js(page, "navigator.onLine === false")
    surveys = [("4g", -90, "Satu"), ("3g", -101, "Dua"), ("none", None, "Tiga")]
    for count, (technology, dbm, note) in enumerate(surveys, start=1):
        fill_survey(page, technology, dbm, f"Survei berkas {note}.")
        # Each saved before the next is filled: the form resets itself after a save, and a
        # survey filled while it still shows the previous location could lose its position.
        wait_count(page, count)
    with page.expect_download() as download:
        page.click("#export-outbox")
    saved = artifacts / "outbox-survei-petugas-berkas.json"
    download.value.save_as(saved)
    phone.close()  # the phone never got back online
    assert Survey.objects.count() == 0

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
    desk.route(OFF_SITE, lambda route: route.abort())
    page = desk.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/?next=/coverage/import/")
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/coverage/import/")
    page.set_input_files("input[type=file]", str(saved))
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r".*/coverage/surveys/.*"))
    page.screenshot(path=str(artifacts / "coverage-outbox-imported.png"), full_page=True)
    surveys = Survey.objects.filter(officer=officer)
    assert surveys.count() == 3
    assert sorted(s.notes for s in surveys) == [
        "Survei berkas Dua.",
        "Survei berkas Satu.",
        "Survei berkas Tiga.",
    ]
    assert {s.source for s in surveys} == {"import"}
    assert page.locator("main table tbody tr").count() == 3  # listed under the imported ones
    assert errors == []
    desk.close()


def test_field_form_checks_numbers_and_retries_when_the_server_is_unreachable(
    live_server, static_files, browser
):
    """A number the form cannot read is refused before saving, with the field's label from the
    page; a send that fails while the phone believes it is online (the server cannot be reached)
    is tried again by itself a few seconds later (sync.mjs), and the survey arrives once."""
    officer = UserFactory(username="petugas-ulang", role=Role.OFFICER, scope__regencies=["17.01"])
    officer.set_password(PASSWORD)
    officer.save()
    centroid = Village.objects.get(code=VILLAGE).centroid
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="id-ID",
        permissions=["geolocation"],
        geolocation={"latitude": centroid.y, "longitude": centroid.x, "accuracy": 9},
    )
    context.route(OFF_SITE, lambda route: route.abort())
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/?next=/coverage/field/")
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-card button[type=submit]")
    page.wait_for_selector('#field-app[data-ready="true"]')

    fill_survey(page, "4g", "-9x", "Angka sinyal salah ketik.")
    page.wait_for_selector("#form-errors:not([hidden])")
    assert "bukan angka" in page.inner_text("#form-errors")
    assert "Telkomsel" in page.inner_text("#form-errors")
    wait_count(page, 0)

    # The API cannot be reached, while the browser still believes it is online.
    api = re.compile(re.escape(live_server.url) + "/api/v1/surveys/.*")
    refused = []

    def unreachable(route):
        refused.append(route.request.url)
        route.abort("connectionrefused")

    context.route(api, unreachable)
    page.fill("#f-telkomsel-dbm", "-97")
    page.fill("#f-notes", "Dikirim ulang otomatis.")
    page.click("#save-survey")
    wait_count(page, 1)
    wait_js(page, "document.getElementById('field-message').className.includes('warning')")
    assert refused
    assert Survey.objects.count() == 0

    # The server is reachable again: no "online" event, no click; the retry sends it.
    context.unroute(api)
    wait_count(page, 0)
    assert list(Survey.objects.values_list("notes", flat=True)) == ["Dikirim ulang otomatis."]
    assert errors == []
    context.close()
