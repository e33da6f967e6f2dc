"""Statutory clocks of the Decree 56 case procedure, in Vietnamese working days.

What each clock counts from (Nghị định 56/2017/NĐ-CP; Luật Trẻ em 2016):

- Emergency response (Điều 26.3): "trong vòng 12 giờ từ khi nhận thông tin" — 12 clock
  hours after the report was received (`Case.received_at`), when the child is at serious
  risk of harm to life, health or dignity (Điều 31, 32: emergency intervention or temporary
  separation).
- Plan drafted (Điều 28.1): "trong thời hạn 05 ngày làm việc, trừ trường hợp khẩn cấp".
  The article does not name its starting event; it follows the initial assessment and the
  information gathering of Điều 26–27, and the provinces' published procedure counts the
  whole file (5 + 2 = 07 working days) from receipt of the information. We count from the
  receipt (`received_at`): the earliest reading, so the clock is never later than the law.
- Plan approval (Điều 28.4): 02 working days from the day the commune chair receives the
  plan (our `Plan.submitted_at`).
- Temporary separation (Điều 32): at most 15 (calendar) days from the start of the
  separation, unless a competent authority requires it to continue.

Working days skip Saturdays, Sundays and public holidays (`treem.core.models.PublicHoliday`,
admin-editable). Counting starts on the next working day after the starting event, as the
Civil Code counts periods in days (Bộ luật Dân sự 2015, Điều 147: the first day is not
counted). Everything is computed in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

EMERGENCY_HOURS = 12
PLAN_DRAFT_WORKING_DAYS = 5
PLAN_APPROVAL_WORKING_DAYS = 2
SEPARATION_MAX_DAYS = 15


def local_date(moment: dt.datetime | dt.date) -> dt.date:
    """The calendar date of `moment` in Vietnam (naive datetimes are taken as Vietnam time)."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            return moment.date()
        return moment.astimezone(VN_TZ).date()
    return moment


def is_working_day(day: dt.date, holidays: Collection[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(
    start: dt.datetime | dt.date, n: int, holidays: Collection[dt.date]
) -> dt.date:
    """The date on which a period of `n` working days that starts at `start` ends.

    The day of `start` itself is not counted: counting begins on the next working day.
    A plan submitted on Wednesday 29/4/2026 with 2 working days is due on Tuesday
    5/5/2026 (30/4 and 1/5 are holidays, 2–3/5 a weekend).
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    day = local_date(start)
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of `day` in Vietnam (a date deadline is met until midnight)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=VN_TZ) - (
        dt.timedelta(microseconds=1)
    )


def emergency_due(received_at: dt.datetime) -> dt.datetime:
    return received_at + dt.timedelta(hours=EMERGENCY_HOURS)


def plan_draft_due(received_at: dt.datetime, holidays: Collection[dt.date]) -> dt.date:
    return add_working_days(received_at, PLAN_DRAFT_WORKING_DAYS, holidays)


def plan_approval_due(submitted_at: dt.datetime, holidays: Collection[dt.date]) -> dt.date:
    return add_working_days(submitted_at, PLAN_APPROVAL_WORKING_DAYS, holidays)


def separation_due(started_at: dt.datetime | dt.date) -> dt.date:
    return local_date(started_at) + dt.timedelta(days=SEPARATION_MAX_DAYS)


def holidays_between(start: dt.date, end: dt.date) -> set[dt.date]:
    """Public holidays from the calendar table in [start, end] (one query)."""
    from treem.core.models import PublicHoliday

    return set(
        PublicHoliday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True)
    )


def holidays_around(moment: dt.datetime | dt.date, days: int = 60) -> set[dt.date]:
    """Enough of the calendar for the clocks that start at `moment`."""
    day = local_date(moment)
    return holidays_between(day, day + dt.timedelta(days=days))
