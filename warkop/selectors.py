"""Reads with PostGIS: the nearest kiosks offering a service, the gap view, dashboard figures."""

from django.contrib.gis.db.models import PointField
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import Count, Exists, F, FloatField, Func, OuterRef, Q, Value

from payments.models import ServiceOffering
from portal.core.scopes import scoped
from villages.models import Village

from .models import Warkop, WarkopStatus

FINDER_LIMIT = 20


class KnnDistance(Func):
    """`a <-> b`: PostGIS's index-assisted nearest-neighbour distance (metres on geography)."""

    arg_joiner = " <-> "
    template = "(%(expressions)s)"
    output_field = FloatField()


def geography_point(point: Point) -> Value:
    return Value(Point(point.x, point.y, srid=4326), output_field=PointField(geography=True))


def nearest_offerings(*, category, origin: Point, limit: int = FINDER_LIMIT, max_km=None):
    """Active offerings of `category` at operational kiosks, nearest first, each annotated with
    `distance` (metres, PostGIS ST_Distance on geography). One query."""
    origin_value = geography_point(origin)
    queryset = (
        ServiceOffering.objects.active()
        .filter(category=category, warkop__status=WarkopStatus.OPERATIONAL)
        .select_related("warkop__village__district__regency", "provider", "category")
        .defer(
            "warkop__village__boundary",
            "warkop__village__district__boundary",
            "warkop__village__district__regency__boundary",
            # The public finder never reads the owner's personal data (docs/data-protection.md).
            "warkop__owner_name",
            "warkop__owner_phone",
        )
        .with_verification()
        .annotate(distance=Distance("warkop__location", origin_value))
        .order_by(KnnDistance(F("warkop__location"), origin_value), "fee", "pk")
    )
    if max_km:
        queryset = queryset.filter(warkop__location__dwithin=(origin_value.value, D(km=max_km)))
    return queryset[:limit]


def villages_without_service(*, regency_code: str, category, km: float):
    """The villages of a kabupaten/kota with no operational kiosk offering `category` (active)
    within `km` of their centroid. One query."""
    nearby = ServiceOffering.objects.active().filter(
        category=category,
        warkop__status=WarkopStatus.OPERATIONAL,
        warkop__location__dwithin=(OuterRef("centroid"), D(km=km)),
    )
    return (
        Village.objects.filter(district__regency_id=regency_code, centroid__isnull=False)
        .annotate(served=Exists(nearby))
        .filter(served=False)
        .select_related("district")
        .defer("boundary", "district__boundary")
        .order_by("code")
    )


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
