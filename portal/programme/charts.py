"""Server-rendered SVG geometry of the programme page: burn-up charts and the timeline."""

import textwrap
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.utils.translation import gettext as _

from .calendar import WorkingCalendar
from .models import Milestone, MilestoneKind, MilestoneStatus, Programme
from .status import Trend, elapsed_share, trend_from_snapshots

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
            # No trend yet: progress against the share of the milestone's window already spent.
            elapsed = elapsed_share(self.milestone, self.day)
            behind = (
                elapsed - self.value / self.target
            ) * 100 > settings.PROGRAMME_STATUS_TOLERANCE
            text = _(
                "No trend yet: %(progress)d%% of the target with %(elapsed)d%% of the time to the "
                "due day spent, %(verdict)s."
            ) % {
                "progress": int(100 * self.value / self.target),
                "elapsed": int(100 * elapsed),
                "verdict": _("behind schedule") if behind else _("on schedule"),
            }
            return {"tone": "risk" if behind else "ok", "text": text}
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

TIMELINE_WIDTH, TIMELINE_ROW, TIMELINE_LINE = 640, 28, 15
TIMELINE_LABEL_CHARS = 46  # what fits beside a dot in the SVG's 640 units
TIMELINE_LEFT, TIMELINE_RIGHT = 16, 16


def timeline(programme: Programme, milestones, day: int, calendar) -> dict:
    """SVG geometry of the milestones against the working days of the programme."""
    length = programme.length_working_days
    inner = TIMELINE_WIDTH - TIMELINE_LEFT - TIMELINE_RIGHT

    def x(d):
        return round(TIMELINE_LEFT + inner * min(max(d, 0), length) / length, 1)

    rows = []
    y = 40
    for milestone in milestones:
        # A long title wraps onto more lines at word boundaries instead of being cut off.
        lines = textwrap.wrap(f"{milestone.due_day} · {milestone.title}", TIMELINE_LABEL_CHARS)
        rows.append(
            {
                "milestone": milestone,
                "x": x(milestone.due_day),
                "y": y,
                "lines": [
                    {"text": line, "dy": 0 if n == 0 else TIMELINE_LINE}
                    for n, line in enumerate(lines)
                ],
                "status": milestone.status or MilestoneStatus.ON_TRACK,
                "due_date": calendar.date_of(milestone.due_day),
            }
        )
        y += TIMELINE_ROW + TIMELINE_LINE * (len(lines) - 1)
    step = 10 if length >= 50 else 5
    return {
        "width": TIMELINE_WIDTH,
        "height": y + 10 - TIMELINE_ROW,
        "left": TIMELINE_LEFT,
        "track_width": inner,
        "today_x": x(day),
        "elapsed_width": round(x(day) - TIMELINE_LEFT, 1),
        "show_today": 0 < day <= length,
        "ticks": [{"x": x(d), "label": d} for d in range(0, length + 1, step)],
        "rows": rows,
    }
