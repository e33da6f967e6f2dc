"""Statutory clocks across weekends, holidays and Tết."""

import datetime as dt

import pytest

from treem.cases import clock
from treem.cases.holidays import HOLIDAYS

HOLIDAY_DATES = {d for d, _n, _s in HOLIDAYS}
VN = clock.VN_TZ


def at(y: int, m: int, d: int, h: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, h, 0, tzinfo=VN)


def test_plan_submitted_before_the_april_holidays_is_due_on_tuesday() -> None:
    # Wednesday 29/4/2026 + 2 working days: 30/4, 1/5 holidays, 2–3/5 weekend.
    assert clock.plan_approval_due(at(2026, 4, 29), HOLIDAY_DATES) == dt.date(2026, 5, 5)


def test_counting_starts_on_the_next_working_day() -> None:
    # Monday: the day of submission is not counted.
    assert clock.add_working_days(at(2026, 6, 1), 2, set()) == dt.date(2026, 6, 3)
    # Friday: Saturday and Sunday skipped.
    assert clock.add_working_days(at(2026, 6, 5), 1, set()) == dt.date(2026, 6, 8)
    # Received on a Saturday: Monday is day 1.
    assert clock.add_working_days(at(2026, 6, 6), 5, set()) == dt.date(2026, 6, 12)


def test_five_working_days_over_tet_binh_ngo() -> None:
    # Friday 13/2/2026: Tết off 16–20/2, so days are 23, 24, 25, 26, 27/2.
    assert clock.plan_draft_due(at(2026, 2, 13), HOLIDAY_DATES) == dt.date(2026, 2, 27)


def test_five_working_days_over_tet_at_ty_2025() -> None:
    # Thursday 23/1/2025: 24/1 (Fri) is day 1, 27–31/1 Tết, 3–6/2 days 2–5.
    assert clock.plan_draft_due(at(2025, 1, 23), HOLIDAY_DATES) == dt.date(2025, 2, 6)


def test_hung_kings_made_up_monday_2026() -> None:
    # Friday 24/4/2026: Monday 27/4 (made up for 10/3 lunar on Sunday) skipped, 28/4 day 1,
    # 29/4 day 2.
    assert clock.plan_approval_due(at(2026, 4, 24), HOLIDAY_DATES) == dt.date(2026, 4, 29)


def test_national_day_2025() -> None:
    # Friday 29/8/2025: 1/9 and 2/9 off, so 3/9 and 4/9.
    assert clock.plan_approval_due(at(2025, 8, 29), HOLIDAY_DATES) == dt.date(2025, 9, 4)


def test_local_date_is_vietnam_time() -> None:
    # 18:30 UTC on 29/4 is already 01:30 on 30/4 in Vietnam.
    late = dt.datetime(2026, 4, 29, 18, 30, tzinfo=dt.UTC)
    assert clock.local_date(late) == dt.date(2026, 4, 30)
    assert clock.plan_approval_due(late, HOLIDAY_DATES) == dt.date(2026, 5, 5)


def test_emergency_is_twelve_clock_hours_even_over_a_holiday() -> None:
    assert clock.emergency_due(at(2026, 4, 29, 20)) == at(2026, 4, 30, 8)


def test_separation_ends_fifteen_calendar_days_after_it_starts() -> None:
    assert clock.separation_due(at(2026, 4, 29, 22)) == dt.date(2026, 5, 14)


def test_negative_days_refused() -> None:
    with pytest.raises(ValueError):
        clock.add_working_days(at(2026, 1, 5), -1, set())


def test_end_of_day_is_vietnam_midnight() -> None:
    assert clock.end_of_day(dt.date(2026, 5, 5)) == dt.datetime(
        2026, 5, 5, 23, 59, 59, 999999, tzinfo=VN
    )


@pytest.mark.django_db
def test_the_migration_seeded_the_calendar() -> None:
    assert dt.date(2026, 4, 30) in clock.holidays_between(
        dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    )
    assert dt.date(2026, 2, 17) in clock.holidays_around(dt.date(2026, 2, 10))


@pytest.mark.django_db
def test_correcting_a_holiday_moves_open_deadlines(world) -> None:
    from django.core.management import call_command

    from tests.cases.helpers import intake
    from treem.core.models import PublicHoliday

    case = intake(world, serious=False)
    due = case.plan_due_on
    # An extra holiday on every weekday between now and the deadline pushes it later.
    day = clock.local_date(case.received_at) + dt.timedelta(days=1)
    while day <= due:
        PublicHoliday.objects.get_or_create(date=day, defaults={"name": "Nghỉ thử"})
        day += dt.timedelta(days=1)
    call_command("cases_refresh_clocks")
    case.refresh_from_db()
    assert case.plan_due_on > due
