"""Writes with business rules on service offerings: a kiosk offers a category through a provider;
saving or checking an offering records who checked it and when."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from warkop.models import Warkop
from warkop.services import ensure_can_manage

from .models import Provider, ServiceCategory, ServiceOffering


@transaction.atomic
def offering_save(
    *,
    warkop: Warkop,
    category: ServiceCategory,
    provider: Provider,
    by,
    fee: int = 0,
    hours: str = "",
    is_active: bool = True,
    notes: str = "",
    offering: ServiceOffering | None = None,
) -> ServiceOffering:
    """Create an offering, or change `offering`. Whoever saves it has checked it today."""
    ensure_can_manage(by, warkop)
    if offering is not None and offering.warkop_id != warkop.pk:
        ensure_can_manage(by, offering.warkop)
    if fee is None or int(fee) < 0:
        raise ValidationError({"fee": _("The fee cannot be negative.")})
    offering = offering or ServiceOffering()
    offering.warkop = warkop
    offering.category = category
    offering.provider = provider
    offering.fee = int(fee)
    offering.hours = (hours or "").strip()
    offering.is_active = is_active
    offering.notes = (notes or "").strip()
    offering.last_checked_on = timezone.localdate()
    offering.last_checked_by = by
    try:
        with transaction.atomic():
            offering.save()
    except IntegrityError:
        raise ValidationError(
            _("This kiosk already offers this service through this provider.")
        ) from None
    return offering


@transaction.atomic
def offering_verify(
    *, offering: ServiceOffering, by, checked_on: datetime.date | None = None
) -> ServiceOffering:
    """Record that `by` checked the offering (still offered, fee and hours right)."""
    ensure_can_manage(by, offering.warkop)
    today = timezone.localdate()
    checked_on = checked_on or today
    if checked_on > today:
        raise ValidationError({"checked_on": _("The date cannot be in the future.")})
    offering.last_checked_on = checked_on
    offering.last_checked_by = by
    offering.save(update_fields=["last_checked_on", "last_checked_by", "updated_at"])
    return offering
