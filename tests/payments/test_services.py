"""Services of the offerings: verification age, fee and uniqueness rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from payments.models import ServiceOffering
from payments.services import offering_save, offering_verify
from portal.core.roles import Role
from tests.factories import UserFactory
from tests.warkop.factories import OfferingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(role=Role.PROVINCIAL_STAFF)


def test_offering_unverified_after_the_configured_days(staff, settings):
    settings.OFFERING_VERIFY_DAYS = 30
    today = timezone.localdate()
    checked = OfferingFactory(last_checked_on=today - datetime.timedelta(days=10))
    stale = OfferingFactory(last_checked_on=today - datetime.timedelta(days=31))
    never = OfferingFactory(last_checked_on=None)
    assert not checked.is_unverified and stale.is_unverified and never.is_unverified
    unverified = set(ServiceOffering.objects.unverified().values_list("pk", flat=True))
    assert unverified == {stale.pk, never.pk}
    offering_verify(offering=stale, by=staff)
    stale.refresh_from_db()
    assert stale.last_checked_on == today and stale.last_checked_by == staff
    assert not stale.is_unverified
    settings.OFFERING_VERIFY_DAYS = 5
    checked.refresh_from_db()
    assert checked.is_unverified


def test_offering_save_checks_fee_and_uniqueness(staff):
    offering = OfferingFactory()
    kwargs = {
        "warkop": offering.warkop,
        "category": offering.category,
        "provider": offering.provider,
    }
    with pytest.raises(ValidationError):
        offering_save(**kwargs, fee=2000, by=staff)
    with pytest.raises(ValidationError):
        offering_save(**kwargs, fee=-1, by=staff, offering=offering)
    saved = offering_save(**kwargs, fee=2500, by=staff, offering=offering)
    assert (saved.fee, saved.last_checked_on) == (2500, timezone.localdate())
