"""The status rules of a measured milestone: done, on track, at risk or late, from its trend."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings

from .metrics import measure
from .models import Milestone, MilestoneKind, MilestoneStatus


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
    """Done, late, at risk or on track for `milestone` on working day `day` (date `on`); the rule
    is written out, with a worked example, in docs/programme-status.md.

    - done: a manual milestone recorded on or before the date; a metric whose value reached its
      target (a target always comes from the programme, never from what exists so far);
    - late: not done and its due working day has passed;
    - a metric with a recent trend: at risk when the trend does not reach the target by the due
      day, else on track;
    - a metric without a trend yet: at risk when its progress (value / target) is more than
      PROGRAMME_STATUS_TOLERANCE percentage points behind the share of its window (working day 1
      to its due day) already spent, else on track;
    - a manual milestone, or a metric with no figure at all: at risk when fewer than
      PROGRAMME_AT_RISK_DAYS working days are left, else on track.
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
    if milestone.kind == MilestoneKind.METRIC and value is not None and target:
        behind = elapsed_share(milestone, day) - value / target
        if behind * 100 > settings.PROGRAMME_STATUS_TOLERANCE:
            return MilestoneStatus.AT_RISK
        return MilestoneStatus.ON_TRACK
    if milestone.due_day - day < settings.PROGRAMME_AT_RISK_DAYS:
        return MilestoneStatus.AT_RISK
    return MilestoneStatus.ON_TRACK


def elapsed_share(milestone: Milestone, day: int) -> float:
    """The share of the milestone's window (working day 1 to its due day) spent by the end of
    working day `day`: 0 before the programme starts, 1 on the due day."""
    if milestone.due_day < 1:
        return 1.0
    return min(max(day, 0), milestone.due_day) / milestone.due_day


def target_of(milestone: Milestone, natural: int | None) -> int | None:
    return milestone.target if milestone.target is not None else natural


def apply_live(milestones, *, day: int, on: datetime.date, snapshots) -> None:
    """Give each of `milestones` its live figures, as of now: `status`, `value`, `target_value`
    and `evaluated_on` are set (not saved) from the metrics measured now and the trend of
    `snapshots` (the recent daily snapshots, oldest first); the latest daily evaluation, which
    stays the record, is kept as `recorded_status`. Each metric is measured once."""
    live = measure(m.metric for m in milestones if m.kind == MilestoneKind.METRIC)
    for milestone in milestones:
        milestone.recorded_status = milestone.status
        value = target = trend = None
        if milestone.kind == MilestoneKind.METRIC:
            value, natural = live[milestone.metric]
            target = target_of(milestone, natural)
            trend = trend_from_snapshots(snapshots, milestone.pk, day, value)
            if len(trend.points) < 2:
                trend = None
        milestone.status = evaluate_status(
            milestone=milestone, day=day, on=on, value=value, target=target, trend=trend
        )
        milestone.value, milestone.target_value = value, target
        milestone.evaluated_on = on
        milestone.elapsed_share = elapsed_share(milestone, day)
        milestone.progress_share = value / target if value is not None and target else None
