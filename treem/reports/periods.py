"""Reporting periods ("2026H1" = January–June 2026, "2026" = the year) and their due dates.

Default due dates (used when the area's plan names none, see `due_date`): the seeds'
reporting regime has units report to the commune before 10/5 (6-month) and 10/11 (annual);
the commune reports to the province a few days later, so TreEm defaults to 15/5 and 15/11.
Figures are counted as of the period end (30/6 or 31/12).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from treem.core.models import AreaLevel

_PERIOD = re.compile(r"^(\d{4})(H1)?$")

# (month, day) per level of the reporting body: units to the commune, commune to province.
DEFAULT_DUE = {
    "unit": {"semiannual": (5, 10), "annual": (11, 10)},
    "commune": {"semiannual": (5, 15), "annual": (11, 15)},
}


@dataclass(frozen=True)
class Period:
    code: str
    year: int
    semiannual: bool

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.semiannual else dt.date(self.year, 12, 31)

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


def _plan_deadline(area: Any, period: Period, level: str) -> dt.date | None:
    """The due date the area's plan sets, via treem.plans.selectors.report_deadlines_for."""
    try:
        from treem.plans.selectors import report_deadlines_for
    except ImportError:
        return None
    try:
        deadlines = report_deadlines_for(area, period.year)
    except Exception:
        return None
    for d in deadlines or []:
        kind = _attr(d, "kind") or _attr(d, "period_type") or _attr(d, "period")
        who = _attr(d, "level") or _attr(d, "from_level") or _attr(d, "reporter") or ""
        due = _attr(d, "due_date") or _attr(d, "date")
        if not isinstance(due, dt.date):
            continue
        kind_s = str(kind or "").lower()
        is_semi = any(k in kind_s for k in ("semi", "6", "h1", "half"))
        if is_semi != period.semiannual:
            continue
        who_s = str(who).lower()
        who_level = "unit" if "unit" in who_s else ("commune" if who_s else "")
        if who_level and who_level != level:
            continue
        return due
    return None


def _attr(obj: Any, name: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def due_date(area: Any, period: Period, *, level: str | None = None) -> dt.date:
    """When `area`'s report for `period` is due (level "unit" or "commune")."""
    if level is None:
        level = "commune" if getattr(area, "level", AreaLevel.COMMUNE) >= AreaLevel.COMMUNE else ""
        level = level or "commune"
    found = _plan_deadline(area, period, level)
    if found is not None:
        return found
    month, day = DEFAULT_DUE[level][period.kind]
    return dt.date(period.year, month, day)
