"""Hostile input through the API and the pages: deeply nested JSON, numbers beyond their
columns, requests too large or with too many fields. Each is a 400 (or 413) that says what is
wrong, never a 500, and nothing is written."""

import datetime
import importlib
import inspect

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIClient

from portal.accounts.services import api_token_create
from portal.core.bounds import BIGINT, ColumnBoundsMixin
from portal.core.roles import Role
from tests.factories import MilestoneFactory, OrganisationFactory, ProgrammeFactory, UserFactory
from tests.warkop.factories import WarkopFactory
from warkop.models import MonthlyReport, MonthlyReportLine, Warkop

pytestmark = pytest.mark.django_db

NESTED = b"[" * 50_000 + b"]" * 50_000


@pytest.fixture
def org():
    return OrganisationFactory()


@pytest.fixture
def partner(org):
    return UserFactory(username="mitra", role=Role.PARTNER, scope__organisation=org)


@pytest.fixture
def partner_api(partner):
    _token, secret = api_token_create(user=partner, name="t", access="read_write", valid_days=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def officer():
    return UserFactory(username="petugas", role=Role.OFFICER, scope__regencies=["17.01"])


def last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


# --- Deeply nested JSON ------------------------------------------------------------------------


def test_nested_json_on_kiosk_patch_is_a_400(partner_api, org):
    kiosk = WarkopFactory(organisation=org, name="Asli")
    for body in (NESTED, b'{"name": ' + NESTED + b"}", b'{"location": {"lat": ' + NESTED + b"}}"):
        response = partner_api.patch(
            f"/api/v1/kiosks/{kiosk.pk}/", body, content_type="application/json"
        )
        assert response.status_code == 400, response.content
        assert response.json() == {"detail": "JSON nested deeper than 20 levels."}
    assert Warkop.objects.get(pk=kiosk.pk).name == "Asli"
    # Brackets inside strings are text, not nesting.
    ok = partner_api.patch(f"/api/v1/kiosks/{kiosk.pk}/", {"name": "[" * 100}, format="json")
    assert ok.status_code == 200 and ok.json()["name"] == "[" * 100


def test_json_nesting_is_counted_outside_strings_only():
    from portal.core.uploads import JSONTooDeep, check_json

    deep = "[" * 21 + "]" * 21
    for data in (deep, deep.encode(), '{"a": ' + deep + "}"):
        with pytest.raises(JSONTooDeep):
            check_json(data)
    escaped = '["\\"' + "[" * 30 + '"]'  # an escaped quote does not end the string
    for data in ("[" * 20 + "]" * 20, '{"a": "' + "[" * 1000 + '"}', escaped):
        check_json(data)
        check_json(data.encode())
    check_json('{"a": "never ends' + "[" * 1000)  # invalid JSON: the parser says so
    with pytest.raises(JSONTooDeep):
        check_json('["a", "b", {}]', max_items=3)


def test_nested_json_in_another_encoding_is_a_400(partner_api, org):
    kiosk = WarkopFactory(organisation=org)
    body = ('{"name": ' + "[" * 1000 + "]" * 1000 + "}").encode("utf-16")
    response = partner_api.patch(
        f"/api/v1/kiosks/{kiosk.pk}/", body, content_type="application/json; charset=utf-16"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON nested deeper than 20 levels."}


def test_nested_json_on_survey_post_is_a_400(officer):
    from coverage.models import Survey

    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    body = b'{"client_uuid": "6f1f1d8e-0b0e-4d0e-9a55-7c0f0b1b2c01", "measurements": ' + NESTED
    response = client.post("/api/v1/surveys/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON nested deeper than 20 levels."}
    assert not Survey.objects.exists()


def test_nested_json_on_milestone_record_is_a_400(staff_user):
    """A view with its own parser list uses the same parser."""
    milestone = MilestoneFactory(programme=ProgrammeFactory(), due_day=10)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_user)
    response = client.post(
        f"/api/v1/milestones/{milestone.pk}/record/",
        b'{"done_on": ' + NESTED + b"}",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "nested deeper than 20 levels" in response.json()["detail"]


def test_json_body_larger_than_the_limit_is_a_413(partner_api, org, settings):
    kiosk = WarkopFactory(organisation=org)
    body = b'{"name": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'
    response = partner_api.patch(
        f"/api/v1/kiosks/{kiosk.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request is larger than 2.5 MB."}


# --- Numbers beyond their columns ----------------------------------------------------------------


def test_report_numbers_beyond_their_columns_are_a_400_naming_the_field(partner_api, org):
    kiosk = WarkopFactory(organisation=org)
    report = {"warkop": kiosk.pk, "month": last_month().isoformat()}
    line = {"category": "pln_token", "transaction_count": 1, "transaction_value": 1000}
    response = partner_api.post(
        "/api/v1/reports/", {**report, "learning_sessions": 15212234280}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json() == {
        "learning_sessions": ["Ensure this value is less than or equal to 2147483647."]
    }
    for value in (10**23, 1e23):
        response = partner_api.post(
            "/api/v1/reports/",
            {**report, "lines": [{**line, "transaction_value": value}]},
            format="json",
        )
        assert response.status_code == 400, response.content
        assert list(response.json()) == ["lines"]
        assert list(response.json()["lines"]["0"]) == ["transaction_value"]  # line 0
    response = partner_api.post(
        "/api/v1/reports/",
        {**report, "lines": [{**line, "transaction_count": 2**31}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["lines"]["0"]["transaction_count"] == [
        "Ensure this value is less than or equal to 2147483647."
    ]
    assert not MonthlyReport.objects.exists() and not MonthlyReportLine.objects.exists()
    # Within the columns it is stored.
    largest = {**report, "learning_sessions": 2**31 - 1}
    largest["lines"] = [{**line, "transaction_value": 10**15}]
    response = partner_api.post("/api/v1/reports/", largest, format="json")
    assert response.status_code == 201, response.content


def test_kiosk_and_survey_numbers_beyond_their_columns(partner_api, org, officer):
    from tests.coverage.factories import payload

    kiosk = WarkopFactory(organisation=org)
    response = partner_api.patch(
        f"/api/v1/kiosks/{kiosk.pk}/", {"learning_room_seats": 40000}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["learning_room_seats"]
    response = partner_api.post(
        "/api/v1/offerings/",
        {"warkop": kiosk.pk, "category": "pln_token", "provider": "pln", "fee": 10**12},
        format="json",
    )
    assert response.status_code == 400 and list(response.json()) == ["fee"]
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    for field in ("accuracy_m", "fibre_distance_m"):
        response = client.post("/api/v1/surveys/", payload(**{field: 10**12}), format="json")
        assert response.status_code == 400
        assert list(response.json()) == [field]


def test_report_page_form_refuses_numbers_beyond_their_columns(org, partner, client):
    kiosk = WarkopFactory(organisation=org)
    client.force_login(partner)
    form = {
        "month": last_month().strftime("%Y-%m"),
        "learning_sessions": "15212234280",
        "learning_participants": "0",
        "count_pln_token": "1",
        "value_pln_token": str(10**23),
    }
    response = client.post(f"/warkop/{kiosk.pk}/reports/", form)
    assert response.status_code == 200  # the page again, with the form's errors
    errors = response.context["report_form"].errors
    assert set(errors) == {"learning_sessions", "value_pln_token"}
    assert "2147483647" in errors["learning_sessions"][0]
    assert "9223372036854775807" in errors["value_pln_token"][0]
    assert not MonthlyReport.objects.exists()
    page = response.content.decode()
    assert 'max="2147483647"' in page  # the browser is told too
    response = client.post(
        f"/warkop/{kiosk.pk}/reports/", {**form, "learning_sessions": "3", "value_pln_token": "5"}
    )
    assert response.status_code == 302
    assert MonthlyReport.objects.get().learning_sessions == 3


def test_kiosk_page_form_refuses_seats_beyond_their_column(staff_client):
    kiosk = WarkopFactory()
    response = staff_client.get(f"/warkop/{kiosk.pk}/edit/")
    form = response.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(learning_room_seats="40000", learning_room_devices="0")
    response = staff_client.post(f"/warkop/{kiosk.pk}/edit/", data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["learning_room_seats"]
    assert "32767" in response.context["form"].errors["learning_room_seats"][0]


API_MODULES = [
    "coverage.api.serializers",
    "coverage.api.views",
    "payments.api.serializers",
    "portal.programme.api.views",
    "portal.accounts.api.serializers",
    "warkop.api.serializers",
]


def _serializer_classes():
    for name in API_MODULES:
        module = importlib.import_module(name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, serializers.Serializer)
                and cls.__module__ == name
                and not cls.__name__.startswith("Bounded")  # the bases themselves
            ):
                yield cls


def _numeric_inputs(serializer, path=""):
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.ListSerializer):
            yield from _numeric_inputs(field.child, f"{path}{name}[].")
        elif isinstance(field, serializers.Serializer):
            yield from _numeric_inputs(field, f"{path}{name}.")
        elif isinstance(field, serializers.IntegerField | serializers.DecimalField):
            yield f"{path}{name}", field


@pytest.mark.parametrize("cls", list(_serializer_classes()), ids=lambda cls: cls.__name__)
def test_every_numeric_api_input_is_bounded(cls):
    """The mechanism, not a list of fields: every serializer of the apps that write through the
    API bounds every numeric input, within the widest integer column at least."""
    assert issubclass(cls, ColumnBoundsMixin), f"{cls.__name__} must derive from a Bounded base"
    serializer = cls(context={"request": None})
    for path, field in _numeric_inputs(serializer):
        assert field.max_value is not None and field.min_value is not None, path
        assert BIGINT[0] <= field.min_value and field.max_value <= BIGINT[1], path


# --- Requests too large or with too many fields ------------------------------------------------


def test_upload_larger_than_the_limit_is_a_413_page_and_json(officer, settings, client):
    settings.UPLOAD_MAX_MB = 1
    client.force_login(officer)

    def big():
        return SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 1))

    response = client.post("/coverage/import/", {"file": big()})
    assert response.status_code == 413
    page = response.content.decode()
    assert "Permintaan ditolak" in page  # the portal's page, in Indonesian
    assert "Unggahan lebih besar dari 1 MB." in page
    response = client.post(
        "/api/v1/surveys/", {"notes": "x", "image": big()}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 413, response.content
    assert response.json() == {"detail": "The upload is larger than 1 MB."}


def test_too_many_form_fields_is_a_400_with_the_reason(officer, client, settings):
    client.force_login(officer)
    body = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post("/coverage/import/", body)
    assert response.status_code == 400
    assert str(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS) in response.content.decode()


def test_huge_ids_in_urls_are_a_404(staff_client):
    assert staff_client.get(f"/warkop/{10**30}/").status_code == 404
    assert staff_client.get(f"/api/v1/kiosks/{10**30}/").status_code == 404


def test_coverage_map_bbox_of_non_numbers_is_a_400(officer):
    client = APIClient()
    client.force_login(officer)
    for bbox in ("nan,nan,nan,nan", "inf,-inf,inf,-inf", "1e999,0,1,1"):
        response = client.get("/api/v1/coverage/map/", {"bbox": bbox, "zoom": 10})
        assert response.status_code == 400, (bbox, response.content)


def test_the_request_limit_leaves_room_for_every_upload(settings):
    """Each upload's own limit is reached before the request's (with room for the form)."""
    from coverage.validators import MAX_PHOTO_BYTES

    largest = max(
        settings.IMPORT_MAX_MB,
        settings.PROGRAMME_EVIDENCE_MAX_MB,
        settings.WARKOP_PHOTO_MAX_MB,
        MAX_PHOTO_BYTES / (1024 * 1024),
    )
    assert largest + 1 <= settings.UPLOAD_MAX_MB


def test_milestone_evidence_beyond_its_limit_is_a_form_error(staff_client, settings, tmp_path):
    from portal.programme import services
    from portal.programme.models import Milestone

    settings.MEDIA_ROOT = tmp_path
    settings.PROGRAMME_EVIDENCE_MAX_MB = 1
    programme = ProgrammeFactory(start_date=datetime.date(2026, 11, 2))
    services.programme_make_current(programme=programme)
    milestone = MilestoneFactory(programme=programme, due_day=10)
    document = SimpleUploadedFile("sk.pdf", b"%PDF-1.4 " + b"x" * (1024 * 1024))
    response = staff_client.post(
        f"/programme/milestones/{milestone.pk}/record/",
        {"done_on": "2026-11-03", "evidence_file": document},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["evidence_file"]
    assert "1 MB" in response.context["form"].errors["evidence_file"][0]
    assert Milestone.objects.get(pk=milestone.pk).done_on is None
    assert not list(tmp_path.rglob("*.pdf"))
