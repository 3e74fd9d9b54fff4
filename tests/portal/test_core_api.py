"""The one API exception handler (portal.core.api): services' refusals through real requests,
and the handler's mapping of each kind of error."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from portal.core.api import exception_handler
from portal.core.roles import Role
from tests.factories import UserFactory
from tests.warkop.factories import OfferingFactory, WarkopFactory

pytestmark = pytest.mark.django_db


def test_field_errors_stay_per_field_and_others_go_under_non_field_errors():
    field = exception_handler(ValidationError({"fee": "negative", "__all__": "twice"}), {})
    assert field.status_code == 400
    assert field.data == {"fee": ["negative"], "non_field_errors": ["twice"]}
    plain = exception_handler(ValidationError(["one", "two"]), {})
    assert (plain.status_code, plain.data) == (400, {"non_field_errors": ["one", "two"]})
    refused = exception_handler(PermissionDenied("Not your organisation's kiosk."), {})
    assert (refused.status_code, refused.data) == (
        403,
        {"detail": "Not your organisation's kiosk."},
    )
    assert exception_handler(PermissionDenied(), {}).status_code == 403
    assert exception_handler(ValueError("a bug"), {}) is None  # a bug stays a 500


@pytest.fixture
def staff_api():
    client = APIClient()
    client.force_login(UserFactory(role=Role.PROVINCIAL_STAFF))
    return client


def test_a_service_refusal_answers_400_and_writes_nothing(staff_api):
    offering = OfferingFactory()
    body = {
        "warkop": offering.warkop_id,
        "category": offering.category.code,
        "provider": offering.provider.code,
        "fee": 1000,
    }
    response = staff_api.post("/api/v1/offerings/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    assert response.json()["non_field_errors"][0]
    assert offering.warkop.offerings.count() == 1


def test_second_report_of_a_month_is_refused_by_the_service_in_indonesian(staff_api):
    kiosk = WarkopFactory()
    month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    body = {"warkop": kiosk.pk, "month": month.isoformat(), "learning_sessions": 2}
    assert staff_api.post("/api/v1/reports/", body, format="json").status_code == 201
    again = staff_api.post(
        "/api/v1/reports/",
        {**body, "learning_sessions": 9},
        format="json",
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert again.status_code == 400
    assert again.json() == {
        "month": ["Kios ini sudah memiliki laporan untuk bulan ini: koreksi laporan tersebut."]
    }
    assert kiosk.reports.get().learning_sessions == 2
