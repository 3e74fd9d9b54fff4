"""The 100-day programme: working-day arithmetic, live metrics and the evaluation rules.

Working days skip Saturdays, Sundays, Indonesia's national holidays and the government's
collective leave days (cuti bersama) as the `holidays` library knows them (its `public` and
`government` categories), plus the dates staff add as `NonWorkingDay` (decrees published after the
library's release, regional days off). Writes live in `services`; this module only reads.
"""

import bisect
import datetime
from dataclasses import dataclass

import holidays
from django.utils import translation
from django.utils.translation import gettext as _

from .models import NonWorkingDay, Programme

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
