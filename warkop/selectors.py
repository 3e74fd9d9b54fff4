"""Reads of the kiosks: the dashboard's figures and the service catalogue they are reported in."""

from django.db.models import Count, Q

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


def dashboard_section(user) -> dict | None:
    """The dashboard's kiosk section: counts by status and the stale kiosks, within the user's
    scope (two queries); None for a user who may not see kiosks."""
    if not user.has_perm("warkop.view_warkop"):
        return None
    kiosks = scoped(Warkop.objects.all(), user)
    counts = kiosks.aggregate(
        total=Count("pk"),
        stale=Count("pk", filter=Q(is_stale=True)),
        **{status: Count("pk", filter=Q(status=status)) for status in WarkopStatus.values},
    )
    stale = list(kiosks.stale().for_lists().order_by("stale_since", "name")[:20])
    return {
        "counts": counts,
        "by_status": [(status, label, counts[status]) for status, label in WarkopStatus.choices],
        "stale": stale,
    }
