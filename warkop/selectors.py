"""Reads of the kiosks: the dashboard's figures and the service catalogue they are reported in."""

from django.conf import settings
from django.db.models import Count, F, Q

from portal.core.datacache import next_midnight
from portal.core.scopes import scoped

from .models import MonthlyReportLine, Warkop, WarkopStatus


def service_category_model():
    """The service catalogue's model, reached through the report lines' foreign key: warkop
    imports no module of payments (payments depends on warkop: an offering belongs to a
    kiosk)."""
    return MonthlyReportLine._meta.get_field("category").related_model


def active_service_categories():
    """The services a monthly report counts and the kiosk list filters by, in catalogue order."""
    return service_category_model().objects.filter(is_active=True)


def figures_until():
    """When kiosk figures change by the clock alone: the next kiosk to turn stale, or midnight
    (figures by date), whichever comes first (portal/core/datacache.py)."""
    midnight = next_midnight()
    stale = Warkop.objects.next_stale_at()
    return min(stale, midnight) if stale else midnight


def dashboard_section(user) -> dict | None:
    """The dashboard's kiosk section: counts by status and the stale kiosks, within the user's
    scope (two queries); None for a user who may not see kiosks."""
    if not user.has_perm("warkop.view_warkop"):
        return None
    kiosks = scoped(Warkop.objects.all(), user)
    stale_now = Warkop.objects.stale().values("pk")
    counts = kiosks.aggregate(
        total=Count("pk", filter=Q(is_sample=False)),
        samples=Count("pk", filter=Q(is_sample=True)),
        stale=Count("pk", filter=Q(is_sample=False, pk__in=stale_now)),
        **{
            status: Count("pk", filter=Q(status=status, is_sample=False))
            for status in WarkopStatus.values
        },
    )
    # The 20 longest without a visit: the stale kiosks alone (a subquery), then their rows'
    # details, in one query whether there are stale kiosks or not.
    longest = F("last_check_in_at").asc(nulls_first=True), "name"
    oldest = kiosks.real().stale().order_by(*longest).values("pk")[:20]
    stale = list(Warkop.objects.for_lists().filter(pk__in=oldest).order_by(*longest))
    return {
        "counts": counts,
        "by_status": [(status, label, counts[status]) for status, label in WarkopStatus.choices],
        "stale": stale,
        "stale_days": settings.WARKOP_STALE_DAYS,
    }
