"""The coverage map in a real browser: grid cells at the province view, single surveys coloured
by best signal when zoomed in, villages coloured by connectivity; drawn without base tiles."""

import time

import pytest

from coverage import services
from portal.core.roles import Role
from tests.coverage.factories import make_survey, measurement
from tests.factories import UserFactory
from villages.models import Village

from .conftest import OFF_SITE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("committed_registry", "restore_migration_data"),
]

PASSWORD = "a long browser test password"


def wait_js(page, expression, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(100)


def test_coverage_map(live_server, static_files, browser, artifacts):
    officer = UserFactory(role=Role.OFFICER)
    supervisor = UserFactory(role=Role.SUPERVISOR)
    staff = UserFactory(username="staf-peta", role=Role.PROVINCIAL_STAFF)
    staff.set_password(PASSWORD)
    staff.save()
    codes = ["17.71.01.1001", "17.71.01.1002", "17.71.01.1003", "17.01.01.2001"]
    signals = [("4g", -85), ("3g", -95), ("none", None), ("2g", -105)]
    for code, (technology, dbm) in zip(codes, signals, strict=True):
        for _ in range(3):
            survey = make_survey(
                officer, village=code, measurements=[measurement("telkomsel", technology, dbm)]
            )
            services.survey_review(survey=survey, status="verified", reason="", by=supervisor)

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    context.route(OFF_SITE, lambda route: route.abort())
    bad = []
    page.on("response", lambda r: r.status >= 400 and bad.append(f"{r.status} {r.url}"))
    page.goto(f"{live_server.url}/accounts/login/?next=/coverage/map/")
    page.fill("input[name=username]", staff.username)
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/coverage/map/")
    page.wait_for_selector('#coverage-map[data-map-state="ready"]', timeout=20_000)
    wait_js(page, "document.getElementById('coverage-map').dataset.villageCount === '1513'")
    assert page.get_attribute("#coverage-map", "data-survey-mode") == "cells"
    assert page.locator("#coverage-map path.village-marker").count() == 1513
    assert page.locator("#coverage-map path.village-blank_spot").count() == 1
    assert page.locator("#coverage-map path.coverage-cell").count() >= 2
    page.screenshot(path=str(artifacts / "coverage-map-province.png"))

    # Zoom into Kota Bengkulu's first kelurahan: single surveys, one request per move.
    centre = Village.objects.get(code=codes[0]).centroid
    page.evaluate(f"CoverageMap.setView([{centre.y}, {centre.x}], 16)")
    wait_js(page, "document.getElementById('coverage-map').dataset.surveyMode === 'points'")
    page.wait_for_selector('#coverage-map[data-map-state="ready"]')
    points = page.locator("#coverage-map path.coverage-point")
    assert points.count() >= 3
    fills = set(points.evaluate_all("paths => paths.map(p => p.getAttribute('fill'))"))
    assert "#1f8a4c" in fills  # 4G green
    page.screenshot(path=str(artifacts / "coverage-map-detail.png"))
    assert errors == []
    assert bad == []
    context.close()
