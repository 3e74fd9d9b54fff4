"""Coverage pages: constant query counts, the installable field form, the map page."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import make_survey, verified_survey

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    """The queries of computing the page (the figures cache emptied first)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/coverage/surveys/",
        "/coverage/villages/",
        "/coverage/blank-spots/",
        "/coverage/",
        "/",
    ],
)
def test_lists_cost_a_constant_number_of_queries(url, officer, supervisor, staff_user, client):
    client.force_login(staff_user)
    verified_survey(officer, supervisor)
    client.get(url)
    first = count_queries(client, url)
    for code in ("17.01.01.2002", "17.01.01.2003", "17.01.02.2001"):
        verified_survey(
            officer,
            supervisor,
            village=code,
            measurements=[{"operator": "xl", "technology": "none"}],
        )
        make_survey(officer, village=code)
    assert count_queries(client, url) == first


def test_survey_page_shows_measurements(officer, staff_user, client):
    survey = make_survey(officer)
    client.force_login(staff_user)
    page = client.get(survey.get_absolute_url()).content.decode()
    assert "Telkomsel" in page
    assert "-90" in page


def test_field_form_service_worker_and_manifest(officer, client):
    client.force_login(officer)
    page = client.get("/coverage/field/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'rel="manifest"' in html
    assert 'id="field-config"' in html
    sw = client.get("/coverage/field/sw.js")
    assert sw.status_code == 200
    assert sw["Content-Type"].startswith("application/javascript")
    assert sw["Service-Worker-Allowed"] == "/coverage/field/"
    assert "/static/coverage/field/main.mjs" in sw.content.decode()
    client.logout()
    assert client.get("/coverage/field/sw.js").status_code == 200
    manifest = json.loads(client.get("/coverage/field/manifest.webmanifest").content)
    assert manifest["start_url"] == "/coverage/field/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        path = icon["src"].removeprefix("/static/")
        from django.contrib.staticfiles import finders

        with open(finders.find(path), "rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def test_field_form_lists_only_the_officers_kabupaten(officer, client):
    client.force_login(officer)
    html = client.get("/coverage/field/").content.decode()
    start = html.index('id="field-config"')
    data = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert {row[0][:5] for row in data["villages"]} == {"17.01"}
    assert data["apiUrl"] == "/api/v1/surveys/"


def test_map_page(staff_user, client):
    client.force_login(staff_user)
    html = client.get("/coverage/map/").content.decode()
    assert "coverage-map-config" in html
    assert "/api/v1/coverage/map/" in html
