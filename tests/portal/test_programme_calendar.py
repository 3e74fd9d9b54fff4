"""Working-day arithmetic of the programme: weekends, national holidays and collective leave
(cuti bersama) from the holiday library, and days staff add, checked against known dates."""

import datetime

import pytest

from portal.programme import services
from portal.programme.calendar import WorkingCalendar, programme_day
from tests.factories import ProgrammeFactory

D = datetime.date


def test_lebaran_2025_national_holidays_and_cuti_bersama_are_skipped():
    # Thu 27 Mar 2025 is a working day; then cuti bersama Nyepi (28), the weekend with Nyepi (29),
    # Idul Fitri (31 Mar, 1 Apr), cuti bersama Idul Fitri (2, 3, 4 and 7 Apr): the next working day
    # is Tue 8 Apr 2025.
    calendar = WorkingCalendar(D(2025, 3, 27))
    assert calendar.date_of(1) == D(2025, 3, 27)
    assert calendar.date_of(2) == D(2025, 4, 8)
    assert calendar.date_of(3) == D(2025, 4, 9)
    for day in (D(2025, 3, 28), D(2025, 4, 2), D(2025, 4, 3), D(2025, 4, 4), D(2025, 4, 7)):
        assert not calendar.is_working_day(day), day  # cuti bersama
    for day in (D(2025, 3, 31), D(2025, 4, 1)):
        assert not calendar.is_working_day(day), day  # Idul Fitri
    assert calendar.day_number(D(2025, 3, 26)) == 0
    assert calendar.day_number(D(2025, 4, 5)) == 1  # a non-working day keeps the last number
    assert calendar.day_number(D(2025, 4, 8)) == 2
    assert calendar.working_days_between(D(2025, 3, 24), D(2025, 4, 11)) == 8


def test_may_2021_collective_leave_of_the_real_programme():
    # The team's decree was announced on 4 May 2021. Cuti bersama Idul Fitri on Wed 12 May 2021,
    # Ascension and Idul Fitri on 13 May, its second day on 14 May.
    calendar = WorkingCalendar(D(2021, 5, 11))
    assert [calendar.date_of(n) for n in (1, 2, 3)] == [
        D(2021, 5, 11),
        D(2021, 5, 17),
        D(2021, 5, 18),
    ]
    assert calendar.non_working_reason(D(2021, 5, 12)) is not None
    assert calendar.add_working_days(D(2021, 5, 11), 1) == D(2021, 5, 17)


def test_christmas_and_new_year_2026_2027():
    # Mon 21 Dec 2026: 21, 22, 23 are working days; 24 cuti bersama, 25 Christmas, the weekend;
    # 28-31 Dec; 1 Jan 2027 New Year; Mon 4 Jan is working day 8.
    calendar = WorkingCalendar(D(2026, 12, 21))
    assert calendar.date_of(3) == D(2026, 12, 23)
    assert calendar.date_of(4) == D(2026, 12, 28)
    assert calendar.date_of(8) == D(2027, 1, 4)
    rows = calendar.non_working_days(D(2026, 12, 21), D(2027, 1, 4))
    assert [row["date"] for row in rows] == [D(2026, 12, 24), D(2026, 12, 25), D(2027, 1, 1)]


def test_staff_added_days_count_like_holidays():
    calendar = WorkingCalendar(D(2025, 3, 27), extra={D(2025, 4, 8): "Cuti bersama tambahan"})
    assert calendar.date_of(2) == D(2025, 4, 9)
    assert calendar.non_working_reason(D(2025, 4, 8)) == "Cuti bersama tambahan"


def test_years_the_library_lacks_collective_leave_for_are_reported():
    calendar = WorkingCalendar(D(2027, 6, 1))
    assert calendar.years_without_collective_leave(D(2027, 6, 1), D(2028, 2, 1)) == [2028]


@pytest.mark.django_db
def test_programme_day_and_end_date_follow_staff_added_days(staff_user):
    programme = ProgrammeFactory(start_date=D(2026, 12, 21), length_working_days=8)
    day = programme_day(programme, D(2026, 12, 24))
    assert (day.number, day.end, day.is_working_day) == (3, D(2027, 1, 4), False)
    services.non_working_day_add(
        date=D(2026, 12, 28),
        name="Cuti bersama (SKB, sample)",
        kind="collective_leave",
        source="SKB 3 Menteri",
        by=staff_user,
    )
    # 28 Dec is now a day off, and Tue 5 Jan 2027 is Isra Mikraj: working day 8 is 6 Jan.
    day = programme_day(programme, D(2026, 12, 28))
    assert (day.number, day.end) == (3, D(2027, 1, 6))
    assert programme_day(programme, D(2027, 1, 7)).finished


@pytest.mark.django_db
def test_weekends_and_duplicates_cannot_be_added(staff_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.non_working_day_add(date=D(2026, 12, 26), name="x", kind="regional")
    services.non_working_day_add(date=D(2026, 12, 28), name="x", kind="regional")
    with pytest.raises(ValidationError):
        services.non_working_day_add(date=D(2026, 12, 28), name="y", kind="regional")
