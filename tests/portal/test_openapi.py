"""The OpenAPI schema says what the API does (portal/api/schema.py), and the API refuses what the
schema does not allow: strict filters and pagination, JSON 404s under /api/. The whole-API check
against a live server is test_schemathesis.py."""

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from portal.core.roles import Role
from portal.programme.services import milestone_record
from tests.factories import MilestoneFactory, ProgrammeFactory, UserFactory
from tests.warkop.factories import WarkopFactory

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        generated = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(generated)
    return generated


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


@pytest.fixture
def staff_api():
    client = APIClient()
    client.force_authenticate(UserFactory(role=Role.PROVINCIAL_STAFF))
    return client


def test_every_operation_documents_its_error_answers(schema):
    checked = 0
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        parameters = operation.get("parameters", [])
        assert {"401", "403", "406", "429"} <= set(responses), (method, path)
        if any(p["in"] == "path" for p in parameters) or any(
            p["name"] == "page" for p in parameters
        ):
            assert "404" in responses, (method, path)
        if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
            assert "400" in responses, (method, path)
        if "requestBody" in operation:
            assert "415" in responses, (method, path)
        for code, response in responses.items():
            if code >= "400":
                assert response["content"], (method, path, code)
        checked += 1
    assert checked >= 60
    schemas = schema["components"]["schemas"]
    assert schemas["Error"]["required"] == ["detail"]
    assert schemas["ValidationError"]["type"] == "object"
    # one answer an operation gives besides the generic ones
    current = schema["paths"]["/api/v1/programmes/current/"]["get"]["responses"]
    assert current["404"]["description"] == "No programme is current."


def test_schema_types_what_the_responses_hold(schema):
    schemas = schema["components"]["schemas"]
    assert set(schemas["SurveyReviewStatusEnum"]["enum"]) == {"pending", "verified", "rejected"}
    assert set(schemas["ReviewDecisionEnum"]["enum"]) == {"verified", "rejected"}
    for component, field in [
        ("CheckIn", "recorded_by"),
        ("Pilot", "decided_by"),
        ("ServiceOffering", "last_checked_by"),
        ("MonthlyReport", "submitted_by"),
        ("Milestone", "responsible_person"),
    ]:
        assert schemas[component]["properties"][field]["nullable"] is True, component
    milestone = schemas["Milestone"]["properties"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in milestone["metric"]["oneOf"]
    assert {"type": "string", "maxLength": 0} in milestone["evidence_url"]["anyOf"]
    village = schema["paths"]["/api/v1/villages/{code}/"]["get"]["parameters"][0]
    assert village["schema"]["pattern"] == r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"
    # bodies are JSON (their nested fields have no form encoding), uploads multipart
    kiosk = schema["paths"]["/api/v1/kiosks/"]["post"]["requestBody"]["content"]
    assert list(kiosk) == ["application/json"]
    check_in = schema["paths"]["/api/v1/check-ins/"]["post"]["requestBody"]["content"]
    assert set(check_in) == {"application/json", "multipart/form-data"}
    geojson = schema["paths"]["/api/v1/kiosks/geojson/"]["get"]["responses"]["200"]["content"]
    assert list(geojson) == ["application/geo+json"]


def test_milestone_answers_match_the_schema(staff_api, staff_user):
    """The values the schema once did not allow: a blank metric, a blank link, no person."""
    programme = ProgrammeFactory(start_date=timezone.localdate())
    manual = MilestoneFactory(programme=programme)
    body = staff_api.get(f"/api/v1/milestones/{manual.pk}/").json()
    assert (body["metric"], body["evidence_url"], body["responsible_person"]) == ("", "", None)
    milestone_record(
        milestone=manual, done_on=timezone.localdate(), by=staff_user, evidence_url="https://x.id"
    )
    assert staff_api.get(f"/api/v1/milestones/{manual.pk}/").json()["evidence_url"]


def test_a_refusal_without_a_field_is_an_object_too(staff_api):
    """A 400 body is always an object (the schema's ValidationError), never a bare list: a
    manual milestone recorded without evidence (found by the long schemathesis run)."""
    manual = MilestoneFactory(programme=ProgrammeFactory(start_date=timezone.localdate()))
    response = staff_api.post(
        f"/api/v1/milestones/{manual.pk}/record/",
        {"done_on": timezone.localdate().isoformat()},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Give the evidence: upload the document or give a link to it."]
    }


def test_filters_are_read_strictly(staff_api):
    WarkopFactory(is_stale=True)
    assert staff_api.get("/api/v1/kiosks/", {"stale": "true"}).json()["count"] == 1
    assert staff_api.get("/api/v1/kiosks/", {"stale": "false"}).json()["count"] == 0
    for params in ({"stale": "maybe"}, {"stale": "1"}, {"stale": ""}):
        response = staff_api.get("/api/v1/kiosks/", params, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert response.json() == {"stale": ["Give true or false."]}
    for params in ({"status": ""}, {"organisation": " "}):
        response = staff_api.get("/api/v1/kiosks/", params, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert response.json() == {next(iter(params)): ["Give a value, or leave this filter out."]}
    assert staff_api.get("/api/v1/kiosks/", {"status": "bogus"}).status_code == 400
    assert staff_api.get("/api/v1/kiosks/", {"q": ""}).status_code == 200  # text: any


def test_pagination_is_read_strictly(staff_api):
    url = "/api/v1/provinces/"
    assert staff_api.get(url, {"page_size": "1000", "page": "1"}).status_code == 200
    for size in ("0", "-1", "1001", "abc", "", "true"):
        response = staff_api.get(url, {"page_size": size})
        assert response.status_code == 400 and list(response.json()) == ["page_size"], size
    for page in ("0", "2", "last", "abc", ""):
        response = staff_api.get(url, {"page": page})
        assert response.status_code == 404, page
        assert response["Content-Type"] == "application/json"


def test_an_accept_header_it_cannot_satisfy_gets_406_in_json(staff_api):
    response = staff_api.get("/api/v1/provinces/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406 and response["Content-Type"] == "application/json"


def test_unrouted_api_urls_answer_json_404(staff_api, client):
    for url in ("/api/v1/villages/0/", "/api/v1/kiosks/1.5/", "/api/v1/nothing/"):
        response = staff_api.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_kiosk_list_map_leaves_empty_filters_out(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/warkop/", {"status": "", "stale": "true", "regency": "", "q": ""})
    assert response.status_code == 200
    map_url = response.context["map_url"]
    assert map_url == "/api/v1/kiosks/geojson/?stale=true"
    staff_api = APIClient()
    staff_api.force_login(staff_user)
    assert staff_api.get(map_url).status_code == 200
