"""The 100-day programme: working-day arithmetic, live metrics and the evaluation rules.

Working days skip Saturdays, Sundays, Indonesia's national holidays and the government's
collective leave days (cuti bersama) as the `holidays` library knows them (its `public` and
`government` categories), plus the dates staff add as `NonWorkingDay` (decrees published after the
library's release, regional days off). Writes live in `portal.services`; this module only reads.
"""

import bisect
import datetime
from dataclasses import dataclass, field
from functools import cached_property

import holidays
from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import translation
from django.utils.translation import gettext as _

from coverage.models import Survey
from payments.models import ServiceOffering
from villages.models import District, Pilot, PilotStatus
from warkop.models import Warkop

from .models import Metric, Milestone, MilestoneKind, MilestoneStatus, NonWorkingDay, Programme

#: Years for which the holiday library lists no collective leave are reported on the pages, so
#: staff know to add the decreed dates themselves.
HOLIDAY_CATEGORIES = ("public", "government")


def _holiday_language() -> str:
    return "id" if (translation.get_language() or "id").startswith("id") else "en_US"


class WorkingCalendar:
    """Working days from `start`: weekends, the library's holidays and cuti bersama, and the
    staff-added `extra` dates ({date: name}) are skipped."""

    def __init__(self, start: datetime.date, extra: dict[datetime.date, str] | None = None):
        self.start = start
        self.extra = dict(extra or {})
        # The library fills in each year the first time a date of that year is looked up.
        self._library = holidays.Indonesia(
            categories=HOLIDAY_CATEGORIES, language=_holiday_language()
        )
        self._days: list[datetime.date] = []
        self._cursor = start

    @classmethod
    def for_programme(cls, programme: Programme) -> "WorkingCalendar":
        """The calendar of a programme, with every staff-added date from its start (one query)."""
        extra = dict(
            NonWorkingDay.objects.filter(date__gte=programme.start_date).values_list("date", "name")
        )
        return cls(programme.start_date, extra)

    # --- single days ---------------------------------------------------------------------------
    def non_working_reason(self, day: datetime.date) -> str | None:
        """Why `day` is not a working day (None: it is one)."""
        if day in self.extra:
            return self.extra[day]
        if day in self._library:
            return self._library.get(day)
        if day.weekday() >= 5:
            return _("Weekend")
        return None

    def is_working_day(self, day: datetime.date) -> bool:
        return self.non_working_reason(day) is None

    # --- counting from the start ---------------------------------------------------------------
    def _extend_to_count(self, count: int) -> None:
        while len(self._days) < count:
            if self.is_working_day(self._cursor):
                self._days.append(self._cursor)
            self._cursor += datetime.timedelta(days=1)
            if self._cursor > self.start + datetime.timedelta(days=365 * 20):
                raise ValueError("no working days left in twenty years")

    def _extend_to_date(self, day: datetime.date) -> None:
        while self._cursor <= day:
            if self.is_working_day(self._cursor):
                self._days.append(self._cursor)
            self._cursor += datetime.timedelta(days=1)

    def date_of(self, n: int) -> datetime.date:
        """The date of working day `n` (1 is the first working day on or after the start)."""
        if n < 1:
            raise ValueError("working days count from 1")
        self._extend_to_count(n)
        return self._days[n - 1]

    def day_number(self, day: datetime.date) -> int:
        """How many working days have begun by `day`: 0 before the first one; on a non-working
        day, the number of the last working day before it."""
        if day < self.start:
            return 0
        self._extend_to_date(day)
        return bisect.bisect_right(self._days, day)

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        """The working day `n` working days after `day` (n ≥ 0; 0 gives `day` itself if it is a
        working day, else the next one)."""
        current = day
        while not self.is_working_day(current):
            current += datetime.timedelta(days=1)
        for _i in range(n):
            current += datetime.timedelta(days=1)
            while not self.is_working_day(current):
                current += datetime.timedelta(days=1)
        return current

    def working_days_between(self, first: datetime.date, last: datetime.date) -> int:
        """Working days in [first, last], both included."""
        count, day = 0, first
        while day <= last:
            count += self.is_working_day(day)
            day += datetime.timedelta(days=1)
        return count

    def non_working_days(self, first: datetime.date, last: datetime.date) -> list[dict]:
        """Weekday holidays, cuti bersama and staff-added days in [first, last], in date order."""
        rows, day = [], first
        while day <= last:
            if day.weekday() < 5 or day in self.extra:
                reason = self.non_working_reason(day)
                if reason is not None:
                    rows.append({"date": day, "name": reason, "added": day in self.extra})
            day += datetime.timedelta(days=1)
        return rows

    def years_without_collective_leave(self, first: datetime.date, last: datetime.date):
        """Years in [first, last] for which the library lists no cuti bersama yet."""
        missing = []
        for year in range(first.year, last.year + 1):
            leave = holidays.Indonesia(years=year, categories=("government",))
            if not leave:
                missing.append(year)
        return missing


# --- Where a programme stands on a day ------------------------------------------------------------


@dataclass
class ProgrammeDay:
    """Day n of a programme on a date, with its end date."""

    programme: Programme
    date: datetime.date
    number: int
    length: int
    start: datetime.date
    end: datetime.date
    is_working_day: bool
    reason: str | None = None

    @property
    def started(self) -> bool:
        return self.number >= 1

    @property
    def finished(self) -> bool:
        return self.date > self.end

    @property
    def shown_number(self) -> int:
        return min(max(self.number, 0), self.length)

    @property
    def percent(self) -> float:
        return 100.0 * self.shown_number / self.length if self.length else 0

    @property
    def days_left(self) -> int:
        return max(self.length - self.number, 0)


def programme_day(programme: Programme, on: datetime.date, calendar=None) -> ProgrammeDay:
    calendar = calendar or WorkingCalendar.for_programme(programme)
    reason = calendar.non_working_reason(on)
    return ProgrammeDay(
        programme=programme,
        date=on,
        number=calendar.day_number(on),
        length=programme.length_working_days,
        start=calendar.date_of(1),
        end=calendar.date_of(programme.length_working_days),
        is_working_day=reason is None,
        reason=reason,
    )


# --- Live metrics -------------------------------------------------------------------------------
# Each returns (value, natural target) from live data, or (None, None) when the capability that
# holds its data is not installed. Kiosks, offerings and surveys are read through guarded lookups.


def _selected_pilots():
    return Pilot.objects.selected()


def _real_operational_kiosks():
    """Operational kiosks, leaving out the sample data of `seed_demo`: the programme measures
    real progress only."""
    return Warkop.objects.operational().filter(is_sample=False)


def metric_pilot_districts() -> tuple[int, int]:
    """Kecamatan with at least one selected pilot village, of all kecamatan."""
    with_pilot = Pilot.objects.filter(village__district=OuterRef("pk"), status=PilotStatus.SELECTED)
    row = District.objects.aggregate(
        total=Count("code"), done=Count("code", filter=Q(Exists(with_pilot)))
    )
    return row["done"], row["total"]


def metric_pilots_with_verified_survey() -> tuple[int, int]:
    """Selected pilot villages whose location has a verified coverage survey (blank spot, fibre),
    of all selected pilot villages."""
    verified = Survey.objects.verified().filter(village=OuterRef("village"))
    row = _selected_pilots().aggregate(
        total=Count("id"), done=Count("id", filter=Q(Exists(verified)))
    )
    return row["done"], row["total"]


def metric_operational_kiosks() -> tuple[int, int]:
    """Operational Warkop Digital kiosks, against one per selected pilot village."""
    return _real_operational_kiosks().count(), _selected_pilots().count()


def metric_kiosks_with_services() -> tuple[int, int]:
    """Operational kiosks listing at least one active service offering, of operational kiosks."""
    active = ServiceOffering.objects.active().filter(warkop=OuterRef("pk"))
    row = _real_operational_kiosks().aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(Exists(active)))
    )
    return row["done"], row["total"]


METRICS = {
    Metric.PILOT_DISTRICTS: metric_pilot_districts,
    Metric.PILOTS_WITH_VERIFIED_SURVEY: metric_pilots_with_verified_survey,
    Metric.OPERATIONAL_KIOSKS: metric_operational_kiosks,
    Metric.KIOSKS_WITH_SERVICES: metric_kiosks_with_services,
}


def measure(metrics) -> dict[str, tuple[int | None, int | None]]:
    """Each metric once: {metric: (value, natural target)}."""
    return {metric: METRICS[Metric(metric)]() for metric in set(metrics)}


# --- Status rules -----------------------------------------------------------------------------


@dataclass
class Trend:
    """A least-squares line through recent (working day, value) points."""

    points: list[tuple[int, float]] = field(default_factory=list)

    @cached_property
    def slope(self) -> float | None:
        xs = {x for x, _y in self.points}
        if len(xs) < 2:
            return None
        n = len(self.points)
        mean_x = sum(x for x, _y in self.points) / n
        mean_y = sum(y for _x, y in self.points) / n
        num = sum((x - mean_x) * (y - mean_y) for x, y in self.points)
        den = sum((x - mean_x) ** 2 for x, _y in self.points)
        return num / den

    def project(self, from_day: int, value: float, to_day: int) -> float | None:
        """The value on `to_day` if the trend continues from (`from_day`, `value`)."""
        if self.slope is None:
            return None
        return value + max(self.slope, 0.0) * (to_day - from_day)

    def reach_day(self, from_day: int, value: float, target: float) -> int | None:
        """The working day the target is reached at this pace (None: never at this pace)."""
        if value >= target:
            return from_day
        if not self.slope or self.slope <= 0:
            return None
        return from_day + int(-(-(target - value) // self.slope))


def trend_from_snapshots(snapshots, milestone_id: int, day: int, value: int | None) -> Trend:
    """The trend of a milestone's value over the recent snapshots (PROGRAMME_TREND_DAYS working
    days up to `day`), with today's value as the last point."""
    window = settings.PROGRAMME_TREND_DAYS
    by_day: dict[int, float] = {}
    for snapshot in snapshots:
        if not day - window <= snapshot.day_number < day or snapshot.day_number < 1:
            continue
        row = snapshot.milestones.get(str(milestone_id))
        if row and row.get("value") is not None:
            by_day[snapshot.day_number] = row["value"]
    if value is not None and day >= 1:
        by_day[day] = value
    return Trend(sorted(by_day.items()))


def evaluate_status(
    *,
    milestone: Milestone,
    day: int,
    on: datetime.date,
    value: int | None,
    target: int | None,
    trend: Trend | None = None,
) -> str:
    """Done, late, at risk or on track for `milestone` on working day `day` (date `on`).

    - done: a manual milestone recorded on or before the date; a metric whose value reached a
      positive target;
    - late: not done and its due working day has passed;
    - at risk: not done and, for a metric with a recent trend, the trend does not reach the target
      by the due day; otherwise (manual, or no trend yet) fewer than PROGRAMME_AT_RISK_DAYS working
      days are left;
    - on track: everything else.
    """
    if milestone.kind == MilestoneKind.MANUAL:
        if milestone.done_on is not None and milestone.done_on <= on:
            return MilestoneStatus.DONE
    elif value is not None and target and value >= target:
        return MilestoneStatus.DONE
    if day > milestone.due_day:
        return MilestoneStatus.LATE
    if milestone.kind == MilestoneKind.METRIC and trend is not None and value is not None:
        projected = trend.project(day, value, milestone.due_day)
        if projected is not None and target:
            return MilestoneStatus.AT_RISK if projected < target else MilestoneStatus.ON_TRACK
    if milestone.due_day - day < settings.PROGRAMME_AT_RISK_DAYS:
        return MilestoneStatus.AT_RISK
    return MilestoneStatus.ON_TRACK


def target_of(milestone: Milestone, natural: int | None) -> int | None:
    return milestone.target if milestone.target is not None else natural


# --- Burn-up charts (server-rendered SVG) ---------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 640, 260
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 48, 16, 16, 36


@dataclass
class BurnUp:
    """The geometry and the verdict of one metric milestone's burn-up chart."""

    milestone: Milestone
    length: int
    day: int
    target: int | None
    value: int | None
    points: list[tuple[int, int, bool]]  # (working day, value, filled in later)
    trend: Trend
    calendar: WorkingCalendar

    @cached_property
    def y_max(self) -> int:
        """The top of the scale: the target or the highest figure, with some room; a projection
        above it is cut where it leaves the chart."""
        values = [v for _d, v, _b in self.points] + [self.target or 0, self.value or 0, 1]
        return max(int(max(values) * 1.15 + 0.999), 1)

    def x(self, day: float) -> float:
        inner = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
        return round(CHART_LEFT + inner * min(max(day, 0), self.length) / self.length, 1)

    def y(self, value: float) -> float:
        inner = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
        return round(CHART_TOP + inner * (1 - min(value, self.y_max) / self.y_max), 1)

    @property
    def polyline(self) -> str:
        return " ".join(f"{self.x(d)},{self.y(v)}" for d, v, _b in self.points)

    @property
    def dots(self) -> list[dict]:
        return [
            {"cx": self.x(d), "cy": self.y(v), "backfilled": b, "day": d, "value": v}
            for d, v, b in self.points
        ]

    @cached_property
    def projected_at_end(self) -> float | None:
        if self.value is None or self.day < 1:
            return None
        return self.trend.project(self.day, self.value, self.length)

    @property
    def projection(self) -> dict | None:
        if self.projected_at_end is None:
            return None
        end_day, end_value = self.length, self.projected_at_end
        if end_value > self.y_max and self.trend.slope:
            end_day = self.day + (self.y_max - self.value) / self.trend.slope
            end_value = self.y_max
        return {
            "x1": self.x(self.day),
            "y1": self.y(self.value),
            "x2": self.x(end_day),
            "y2": self.y(end_value),
        }

    @property
    def target_y(self) -> float | None:
        return self.y(self.target) if self.target else None

    @property
    def due_x(self) -> float:
        return self.x(self.milestone.due_day)

    @property
    def today_x(self) -> float:
        return self.x(self.day)

    @property
    def x_ticks(self) -> list[dict]:
        step = 10 if self.length >= 50 else 5
        return [{"x": self.x(d), "label": d} for d in range(0, self.length + 1, step)]

    @property
    def y_ticks(self) -> list[dict]:
        step = max(1, int(self.y_max / 4 + 0.5))
        return [{"y": self.y(v), "label": v} for v in range(0, self.y_max + 1, step)]

    @cached_property
    def reach_day(self) -> int | None:
        if self.value is None or not self.target:
            return None
        return self.trend.reach_day(max(self.day, 0), self.value, self.target)

    @property
    def verdict(self) -> dict:
        """Whether the target will be reached in time, in words, with a tone for the badge."""
        if self.value is None:
            return {
                "tone": "unknown",
                "text": _("Not measured yet: the data this figure needs is not in the portal."),
            }
        if not self.target:
            return {"tone": "unknown", "text": _("No target yet: the target is zero.")}
        if self.value >= self.target:
            return {"tone": "done", "text": _("Target reached.")}
        if self.trend.slope is None:
            return {
                "tone": "unknown",
                "text": _("Not enough daily figures yet to project a trend."),
            }
        reach = self.reach_day
        if reach is not None and reach <= self.length:
            on_time = reach <= self.milestone.due_day
            text = _(
                "At the recent pace the target is reached on working day %(day)d (%(date)s), "
                "%(when)s."
            ) % {
                "day": reach,
                "date": self.calendar.date_of(reach).strftime("%d-%m-%Y"),
                "when": _("in time for the due day %(due)d") % {"due": self.milestone.due_day}
                if on_time
                else _("after the due day %(due)d") % {"due": self.milestone.due_day},
            }
            return {"tone": "ok" if on_time else "risk", "text": text}
        projected = int(self.projected_at_end or self.value)
        return {
            "tone": "risk",
            "text": _(
                "At the recent pace only %(value)d of %(target)d by working day %(length)d: "
                "the target will not be reached in time."
            )
            % {"value": projected, "target": self.target, "length": self.length},
        }


def burn_ups(programme: Programme, milestones, snapshots, day: int, calendar) -> list[BurnUp]:
    """A burn-up chart per metric milestone, from the snapshots (one point per working day, the
    latest snapshot of the day) and the milestone's latest evaluation."""
    charts = []
    for milestone in milestones:
        if milestone.kind != MilestoneKind.METRIC:
            continue
        by_day: dict[int, tuple[int, bool]] = {}
        for snapshot in snapshots:
            row = snapshot.milestones.get(str(milestone.pk))
            if snapshot.day_number >= 1 and row and row.get("value") is not None:
                by_day[snapshot.day_number] = (row["value"], snapshot.backfilled)
        points = [(d, v, b) for d, (v, b) in sorted(by_day.items())]
        value = milestone.value if milestone.evaluated_on else None
        if value is None and points:
            value = points[-1][1]
        trend = trend_from_snapshots(snapshots, milestone.pk, day, value)
        charts.append(
            BurnUp(
                milestone=milestone,
                length=programme.length_working_days,
                day=min(day, programme.length_working_days),
                target=milestone.target_value
                if milestone.target_value is not None
                else milestone.target,
                value=value,
                points=points,
                trend=trend,
                calendar=calendar,
            )
        )
    return charts


# --- Timeline ------------------------------------------------------------------------------------

TIMELINE_WIDTH, TIMELINE_ROW = 640, 28
TIMELINE_LEFT, TIMELINE_RIGHT = 16, 16


def timeline(programme: Programme, milestones, day: int, calendar) -> dict:
    """SVG geometry of the milestones against the working days of the programme."""
    length = programme.length_working_days
    inner = TIMELINE_WIDTH - TIMELINE_LEFT - TIMELINE_RIGHT

    def x(d):
        return round(TIMELINE_LEFT + inner * min(max(d, 0), length) / length, 1)

    rows = []
    for index, milestone in enumerate(milestones):
        rows.append(
            {
                "milestone": milestone,
                "x": x(milestone.due_day),
                "y": 40 + index * TIMELINE_ROW,
                "status": milestone.status or MilestoneStatus.ON_TRACK,
                "due_date": calendar.date_of(milestone.due_day),
            }
        )
    step = 10 if length >= 50 else 5
    return {
        "width": TIMELINE_WIDTH,
        "height": 50 + len(rows) * TIMELINE_ROW,
        "left": TIMELINE_LEFT,
        "track_width": inner,
        "today_x": x(day),
        "elapsed_width": round(x(day) - TIMELINE_LEFT, 1),
        "show_today": 0 < day <= length,
        "ticks": [{"x": x(d), "label": d} for d in range(0, length + 1, step)],
        "rows": rows,
    }
