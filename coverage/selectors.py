"""Reads of the coverage app: village connectivity (rules in docs/connectivity.md) and the map.

For other apps (the dashboard, the 100-day programme):

    from coverage.models import ConnectivityStatus
    from coverage.selectors import with_connectivity

    with_connectivity(Village.objects.filter(pilot__status="selected")).filter(
        connectivity=ConnectivityStatus.BLANK_SPOT
    )

`with_connectivity(villages)` annotates `connectivity` (a ConnectivityStatus value, `no_data` for a
village without a verified survey), `survey_count` (verified surveys), `latest_survey_at`,
`operator_count`, `best_technology` and `fibre_ready`: one LEFT JOIN, no subquery per village.
"""

import math
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, CharField, Count, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from villages.models import PilotStatus, Regency, Village

from .models import (
    COUNTS_SQL,
    TECHNOLOGY_RANK,
    ConnectivityStatus,
    Fibre,
    Measurement,
    Survey,
    Technology,
)

# --- The rules (docs/connectivity.md) ------------------------------------------------------------

#: A measurement with a signal weaker than this (dBm) counts as no signal: calls drop, data stalls.
USABLE_DBM = -110
#: A 4G/5G measurement at least this strong (dBm) is good enough to run a kiosk on.
GOOD_DBM = -100
#: A fibre access point (ODP) at most this far (metres) makes a village fibre-ready.
FIBRE_READY_METRES = 1000


def is_usable(technology: str, signal_dbm: int | None) -> bool:
    """A measurement gives a usable signal: some technology, and not weaker than USABLE_DBM."""
    return technology != Technology.NONE and (signal_dbm is None or signal_dbm >= USABLE_DBM)


def is_good_4g(technology: str, signal_dbm: int | None) -> bool:
    """A 4G or 5G measurement not weaker than GOOD_DBM (unknown strength: judged by technology)."""
    return technology in (Technology.G4, Technology.G5) and (
        signal_dbm is None or signal_dbm >= GOOD_DBM
    )


def is_fibre_ready(fibre: str, distance_m: int | None) -> bool:
    """An access point (ODP) seen within FIBRE_READY_METRES (no distance given: "nearby")."""
    return fibre == Fibre.ACCESS_POINT and (distance_m is None or distance_m <= FIBRE_READY_METRES)


def classify(
    *, survey_count: int, operator_count: int, has_good_4g: bool, fibre_ready: bool
) -> ConnectivityStatus:
    """The status of a village from the facts of its verified surveys; the first rule that holds.

    1. no verified survey → no data;
    2. no operator with a usable signal in any verified survey → blank spot;
    3. a fibre access point within FIBRE_READY_METRES → fibre-ready;
    4. exactly one operator with a usable signal → one operator only;
    5. no good 4G/5G measurement → weak;
    6. otherwise → good 4G.
    """
    if survey_count == 0:
        return ConnectivityStatus.NO_DATA
    if operator_count == 0:
        return ConnectivityStatus.BLANK_SPOT
    if fibre_ready:
        return ConnectivityStatus.FIBRE_READY
    if operator_count == 1:
        return ConnectivityStatus.SINGLE_OPERATOR
    if not has_good_4g:
        return ConnectivityStatus.WEAK
    return ConnectivityStatus.GOOD_4G


@dataclass
class VillageFacts:
    """What the verified surveys of one village say."""

    survey_count: int = 0
    latest_survey_at: object = None
    operators: set = field(default_factory=set)
    best_technology: str = Technology.NONE
    has_good_4g: bool = False
    fibre_ready: bool = False

    @property
    def status(self) -> ConnectivityStatus:
        return classify(
            survey_count=self.survey_count,
            operator_count=len(self.operators),
            has_good_4g=self.has_good_4g,
            fibre_ready=self.fibre_ready,
        )


def village_facts(village_code: str) -> VillageFacts:
    """The facts of one village, read from its surveys that count (verified, and located in the
    village or with their location confirmed; two queries)."""
    facts = VillageFacts()
    surveys = Survey.objects.counting().filter(village_id=village_code)
    for observed_at, fibre, distance in surveys.values_list(
        "observed_at", "fibre", "fibre_distance_m"
    ):
        facts.survey_count += 1
        if facts.latest_survey_at is None or observed_at > facts.latest_survey_at:
            facts.latest_survey_at = observed_at
        facts.fibre_ready |= is_fibre_ready(fibre, distance)
    measurements = Measurement.objects.filter(
        survey__in=Survey.objects.counting().filter(village_id=village_code)
    ).values_list("operator", "technology", "signal_dbm")
    for operator, technology, dbm in measurements:
        if not is_usable(technology, dbm):
            continue
        facts.operators.add(operator)
        if TECHNOLOGY_RANK.index(technology) > TECHNOLOGY_RANK.index(facts.best_technology):
            facts.best_technology = technology
        facts.has_good_4g |= is_good_4g(technology, dbm)
    return facts


def with_connectivity(villages: QuerySet | None = None) -> QuerySet:
    """`villages` (default: all) annotated with their connectivity; see the module docstring."""
    villages = Village.objects.all() if villages is None else villages
    return villages.annotate(
        connectivity=Coalesce(
            F("coverage_status__status"),
            Value(ConnectivityStatus.NO_DATA),
            output_field=CharField(),
        ),
        survey_count=Coalesce(F("coverage_status__survey_count"), 0, output_field=IntegerField()),
        latest_survey_at=F("coverage_status__latest_survey_at"),
        operator_count=Coalesce(
            F("coverage_status__operator_count"), 0, output_field=IntegerField()
        ),
        best_technology=Coalesce(
            F("coverage_status__best_technology"), Value(Technology.NONE), output_field=CharField()
        ),
        fibre_ready=Coalesce(
            F("coverage_status__fibre_ready"), Value(False), output_field=BooleanField()
        ),
    )


# --- Where a survey was taken --------------------------------------------------------------------

#: The province boundary is simplified: a point this close to it (metres) still counts as inside
#: (about the kiosk form's 0.005°, warkop.services.check_location).
PROVINCE_TOLERANCE_M = 500


def in_province(province_code: str, latitude: float, longitude: float) -> bool:
    """The point lies in the province (within PROVINCE_TOLERANCE_M of its boundary, in metres on
    the spheroid); a province without a boundary in the registry accepts every point."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT boundary IS NULL OR ST_DWithin(
                boundary::geography,
                ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography,
                %s
            )
            FROM villages_province WHERE code = %s
            """,
            [longitude, latitude, PROVINCE_TOLERANCE_M, province_code],
        )
        row = cursor.fetchone()
    return row is None or bool(row[0])


def distance_to_village_m(village_code: str, latitude: float, longitude: float) -> float | None:
    """Metres from the point to the village's boundary (0 inside it), computed on geography; to
    its centroid when the registry has no boundary; None when it has neither."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT CASE
                WHEN boundary IS NOT NULL THEN ST_Distance(boundary::geography, p.g)
                WHEN centroid IS NOT NULL THEN ST_Distance(centroid::geography, p.g)
            END
            FROM villages_village,
                 (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography AS g) AS p
            WHERE code = %s
            """,
            [longitude, latitude, village_code],
        )
        row = cursor.fetchone()
    return None if row is None or row[0] is None else float(row[0])


# --- Summaries -----------------------------------------------------------------------------------


@dataclass
class RegencyConnectivity:
    """Village counts per connectivity status in one kabupaten/kota."""

    regency: Regency
    counts: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[tuple[str, int]]:
        return [(status, self.counts.get(status, 0)) for status in ConnectivityStatus.values]


def connectivity_by_regency(province_code: str) -> list[RegencyConnectivity]:
    """Per kabupaten/kota of the province: how many villages have each status (two queries)."""
    regencies = {
        regency.code: RegencyConnectivity(regency=regency)
        for regency in Regency.objects.filter(province_id=province_code)
        .only("code", "name", "kind")
        .order_by("code")
    }
    rows = (
        with_connectivity(Village.objects.filter(district__regency__province_id=province_code))
        .values_list("district__regency_id", "connectivity")
        .order_by()
    )
    for regency_code, status in rows:
        counts = regencies[regency_code].counts
        counts[status] = counts.get(status, 0) + 1
    return list(regencies.values())


def blank_spot_pilots(province_code: str) -> list:
    """Selected pilot villages whose verified surveys found no usable signal (one query)."""
    return list(
        with_connectivity(
            Village.objects.filter(
                district__regency__province_id=province_code, pilot__status=PilotStatus.SELECTED
            )
        )
        .filter(connectivity=ConnectivityStatus.BLANK_SPOT)
        .select_related("district__regency")
        .only("code", "name", "district__name", "district__regency__name")
        .order_by("code")
    )


def dashboard_summary(user, province_code: str) -> dict | None:
    """The coverage section of the staff dashboard (None for users who may not read village
    connectivity; the review queue only for those who may read single surveys)."""
    if not user.has_perm("coverage.view_villageconnectivity"):
        return None
    from portal.core.scopes import scoped

    counts = dict.fromkeys(ConnectivityStatus.values, 0)
    rows = (
        with_connectivity(Village.objects.filter(district__regency__province_id=province_code))
        .values("connectivity")
        .annotate(n=Count("code"))
        .values_list("connectivity", "n")
        .order_by()
    )
    for status, n in rows:
        counts[status] += n
    return {
        "counts": [(status, ConnectivityStatus(status).label, n) for status, n in counts.items()],
        "blank_spot_pilots": blank_spot_pilots(province_code),
        "pending": scoped(Survey.objects.pending(), user).count()
        if user.has_perm("coverage.view_survey")
        else 0,
    }


# --- The map's grid ------------------------------------------------------------------------------

#: Grid levels kept in MapCell: level L has 2^L cells across the world (64 px cells at zoom L-2).
MIN_LEVEL = 6
MAX_LEVEL = 17
#: A zoomed-out request never returns more than this many cells across (or down).
MAX_CELLS_ACROSS = 48
#: A detail request returns at most this many points; beyond it, the finest cells instead.
POINT_LIMIT = 2000
#: The finest level shown to those who may not read single surveys (partners): cells of about
#: 2.4 km, placed at their centre, never at the mean of their points (a cell with one survey
#: would give its exact position away). docs/data-protection.md.
AGGREGATE_MAX_LEVEL = 14


def lng_to_x(lng: float, level: int) -> int:
    return int(math.floor((lng + 180.0) / 360.0 * (1 << level)))


def lat_to_y(lat: float, level: int) -> int:
    lat = max(min(lat, 85.0511), -85.0511)
    rad = math.radians(lat)
    merc = math.log(math.tan(rad) + 1.0 / math.cos(rad))
    return int(math.floor((1.0 - merc / math.pi) / 2.0 * (1 << level)))


#: The same cell arithmetic in SQL (lng, lat and level are SQL expressions).
SQL_X = "floor(({lng} + 180.0) / 360.0 * (1 << {level}))::int"
SQL_Y = (
    "floor((1.0 - ln(tan(radians({lat})) + 1.0 / cos(radians({lat}))) / pi()) / 2.0"
    " * (1 << {level}))::int"
)


def level_for(bbox: tuple[float, float, float, float], zoom: int) -> int:
    """The grid level for a view: 64-px cells at `zoom`, but never more than MAX_CELLS_ACROSS
    cells across or down `bbox` (so a huge box with a high zoom cannot ask for a million cells)."""
    west, south, east, north = bbox
    level = zoom + 2
    while level > 0:
        across = lng_to_x(east, level) - lng_to_x(west, level) + 1
        down = lat_to_y(south, level) - lat_to_y(north, level) + 1
        if across <= MAX_CELLS_ACROSS and down <= MAX_CELLS_ACROSS:
            break
        level -= 1
    return level


def x_to_lng(x: float, level: int) -> float:
    return x / (1 << level) * 360.0 - 180.0


def y_to_lat(y: float, level: int) -> float:
    merc = math.pi * (1.0 - 2.0 * y / (1 << level))
    return math.degrees(math.atan(math.sinh(merc)))


def map_cells(bbox, level: int, regencies: list[str] | None, *, centred=False) -> list[tuple]:
    """Cells of `level` in `bbox`: (lng, lat, count, none, 2g, 3g, 4g, 5g), summed over kabupaten
    (only `regencies` when given). Levels below MIN_LEVEL are summed from MIN_LEVEL. The position
    is the mean of the cell's surveys, or with `centred` the centre of the cell (no survey's
    position can be read from it)."""
    west, south, east, north = bbox
    read_level = max(level, MIN_LEVEL)
    shift = read_level - level
    params = {
        "level": read_level,
        "x0": lng_to_x(west, read_level),
        "x1": lng_to_x(east, read_level),
        "y0": lat_to_y(north, read_level),
        "y1": lat_to_y(south, read_level),
        "shift": shift,
    }
    scope = ""
    if regencies is not None:
        scope = " AND regency_id = ANY(%(regencies)s)"
        params["regencies"] = list(regencies)
    sql = f"""
        SELECT sum(sum_lng) / sum(count), sum(sum_lat) / sum(count), sum(count),
               sum(count_none), sum(count_2g), sum(count_3g), sum(count_4g), sum(count_5g),
               x >> %(shift)s, y >> %(shift)s
        FROM coverage_mapcell
        WHERE level = %(level)s AND x BETWEEN %(x0)s AND %(x1)s AND y BETWEEN %(y0)s AND %(y1)s
              AND count > 0{scope}
        GROUP BY x >> %(shift)s, y >> %(shift)s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if centred:
        return [
            (x_to_lng(x + 0.5, level), y_to_lat(y + 0.5, level), *counts)
            for _lng, _lat, *counts, x, y in rows
        ]
    return [row[:8] for row in rows]


def map_points(bbox, regencies: list[str] | None, limit: int) -> list[tuple]:
    """Points of the surveys that count in `bbox`: (lng, lat, uuid, best technology, operators,
    date). Only for those who may read single surveys (not partners)."""
    west, south, east, north = bbox
    params = {"w": west, "s": south, "e": east, "n": north, "limit": limit}
    scope = ""
    if regencies is not None:
        scope = " AND left(s.village_id, 5) = ANY(%(regencies)s)"
        params["regencies"] = list(regencies)
    sql = f"""
        SELECT ST_X(s.location), ST_Y(s.location), s.client_uuid, s.best_technology,
               s.operators_with_signal, s.observed_at
        FROM coverage_survey s
        WHERE {COUNTS_SQL}
              AND s.location && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326){scope}
        LIMIT %(limit)s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def pilots_with_verified_survey() -> QuerySet:
    """Selected pilot villages with at least one verified survey (for the 100-day programme)."""
    return Village.objects.filter(
        Q(pilot__status=PilotStatus.SELECTED) & Q(coverage_status__survey_count__gt=0)
    )
