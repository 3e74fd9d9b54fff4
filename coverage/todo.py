"""The officer's to-do list: the selected pilot villages in their scope that still have no
verified survey, nearest first from where the phone is (or by code without a position)."""

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.db.models import Exists, OuterRef

from portal.core.scopes import scoped
from villages.models import Pilot

from .models import Survey

LIMIT = 200


def pilots_to_survey(user, *, latitude: float | None = None, longitude: float | None = None):
    """Selected pilots within `user`'s scope whose village has no verified survey, with
    `distance` (metres, when a position is given), nearest first. Two queries at most."""
    verified = Survey.objects.verified().filter(village=OuterRef("village"))
    pilots = (
        scoped(Pilot.objects.selected(), user)
        .exclude(Exists(verified))
        .select_related("village__district__regency")
        .defer(
            "village__boundary",
            "village__district__boundary",
            "village__district__regency__boundary",
        )
    )
    if latitude is not None and longitude is not None:
        here = Point(longitude, latitude, srid=4326)
        pilots = pilots.annotate(distance=Distance("village__centroid", here)).order_by(
            "distance", "village_id"
        )
    else:
        pilots = pilots.order_by("village_id")
    return list(pilots[:LIMIT])
