"""Reporting periods ("2026H1" = January–June 2026, "2026" = the year) and their due dates.

Due dates come from the area's plan (its reporting regime), else the plan of the level
above, else the defaults of current practice: see `treem.plans.selectors.report_deadlines_for`.
Figures are counted as of the period end (30/6 or 31/12), or as of an earlier day when
the officer asks for it ("số liệu tính đến ngày …": `Period.as_of`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from treem.plans.models import ReportPeriod
from treem.plans.selectors import report_deadlines_for_areas

_PERIOD = re.compile(r"^(\d{4})(H1)?$")


@dataclass(frozen=True)
class Period:
    code: str
    year: int
    semiannual: bool
    # counted as of this day, before the period's end (a report sent before its period
    # ends counts what had happened by then); not part of the period's identity
    cutoff: dt.date | None = field(default=None, compare=False)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def natural_end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.semiannual else dt.date(self.year, 12, 31)

    @property
    def end(self) -> dt.date:
        """The last day counted: the period's end, or the day it is counted as of."""
        return self.cutoff or self.natural_end

    def as_of(self, day: dt.date | None) -> Period:
        """The period counted as of `day` (None, or a day from its end on: as of its end)."""
        if day is None or day >= self.natural_end:
            return replace(self, cutoff=None)
        return replace(self, cutoff=max(day, self.start))

    @property
    def kind(self) -> str:
        return "semiannual" if self.semiannual else "annual"

    @property
    def label(self) -> str:
        if self.semiannual:
            return _("6 tháng đầu năm %(year)d") % {"year": self.year}
        return _("Năm %(year)d") % {"year": self.year}

    @property
    def same_period_last_year(self) -> Period:
        return Period(
            f"{self.year - 1}{'H1' if self.semiannual else ''}", self.year - 1, self.semiannual
        )

    def __str__(self) -> str:
        return self.code


def parse_period(value: str) -> Period:
    m = _PERIOD.match((value or "").strip().upper())
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise ValidationError(
            _("Kỳ báo cáo “%(value)s” không hợp lệ: dùng dạng 2026H1 (6 tháng) hoặc 2026 (năm).")
            % {"value": value}
        )
    return Period(m.group(0), int(m.group(1)), bool(m.group(2)))


def recent_periods(today: dt.date, n: int = 6) -> list[Period]:
    """The latest periods first: this year's H1 (and the year once past), back in time."""
    result: list[Period] = []
    year = today.year
    while len(result) < n:
        if today >= dt.date(year, 11, 1) or year < today.year:
            result.append(Period(str(year), year, False))
        if today >= dt.date(year, 4, 1) or year < today.year:
            result.append(Period(f"{year}H1", year, True))
        year -= 1
    return result[:n]


def default_period(today: dt.date) -> Period:
    return recent_periods(today, 1)[0]


def due_date(area: Any, period: Period, *, level: str = "commune") -> dt.date:
    """When `area`'s report for `period` is due: level "commune" the area's own report to
    the level above, "unit" the parts its units send to it."""
    return due_dates([area], period, level=level)[area.pk]


def due_dates(areas: list[Any], period: Period, *, level: str = "commune") -> dict[int, dt.date]:
    """`due_date` for several areas, by id, in a bounded number of queries."""
    slug = ReportPeriod.SIX_MONTHS if period.semiannual else ReportPeriod.ANNUAL
    found = report_deadlines_for_areas(areas, period.year)
    return {
        pk: deadlines[slug].units_due if level == "unit" else deadlines[slug].area_due
        for pk, deadlines in found.items()
    }
