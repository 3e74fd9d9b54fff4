"""Reads with PostGIS on the offerings: the nearest kiosks offering a service (the public finder)
and the villages without one nearby (the gap view)."""

from django.contrib.gis.db.models import PointField
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import Exists, F, FloatField, Func, OuterRef, Value

from villages.models import Village
from warkop.models import Warkop, WarkopStatus

from .models import ServiceCategory, ServiceOffering

FINDER_LIMIT = 20


class KnnDistance(Func):
    """`a <-> b`: PostGIS's index-assisted nearest-neighbour distance (metres on geography)."""

    arg_joiner = " <-> "
    template = "(%(expressions)s)"
    output_field = FloatField()


def geography_point(point: Point) -> Value:
    return Value(Point(point.x, point.y, srid=4326), output_field=PointField(geography=True))


def active_categories():
    """The services offered to choose from (lists, forms, the finder), in catalogue order."""
    return ServiceCategory.objects.filter(is_active=True)


def nearest_offerings(*, category, origin: Point, limit: int = FINDER_LIMIT, max_km=None):
    """Active offerings of `category` at operational kiosks, nearest first, each annotated with
    `distance` (metres, PostGIS ST_Distance on geography). One query.

    The nearest kiosks are found first on the kiosk table alone (KNN `<->` on its GiST index,
    LIMIT `limit`: the index walks outwards from the origin and stops), and only those are joined
    to their offerings, village, kecamatan and kabupaten: ordered across the joins, `<->` could
    not use the index and PostgreSQL measured every kiosk (issue #14)."""
    origin_value = geography_point(origin)
    offered = ServiceOffering.objects.active().filter(warkop=OuterRef("pk"), category=category)
    kiosks = Warkop.objects.filter(Exists(offered), status=WarkopStatus.OPERATIONAL)
    if max_km:
        kiosks = kiosks.filter(location__dwithin=(origin_value.value, D(km=max_km)))
    nearest = kiosks.order_by(KnnDistance(F("location"), origin_value)).values("pk")[:limit]
    queryset = (
        ServiceOffering.objects.active()
        .filter(category=category, warkop__in=nearest)
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


def kiosk_offerings(kiosk) -> list[ServiceOffering]:
    """A kiosk's offerings for its page, in catalogue order, with their verification. One
    query."""
    return list(
        kiosk.offerings.select_related("category", "provider", "last_checked_by")
        .with_verification()
        .order_by("category__sort_order", "provider__name")
    )
