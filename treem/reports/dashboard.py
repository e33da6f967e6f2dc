"""Dashboard cards contributed by this app (see treem.core.dashboard).

Each card follows one report period: the latest open one always, and the one before it
as long as its report is not sent (the 6-month report stays on the dashboard, overdue,
after the annual period has opened). Each names its due date and, past it, how late."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from treem.core.dashboard import Card
from treem.core.models import Agency, Area, AreaLevel
from treem.reports import selectors
from treem.reports.models import ReportStatus
from treem.reports.periods import Period


def cards(*, user: Any, area: Area) -> list[Card]:
    if not selectors.can_view(user, area) or area.level == AreaLevel.VILLAGE:
        return []
    unit = selectors.own_unit(user=user, area=area)
    shown: list[Card] = []
    for i, period in enumerate(selectors.watched_periods()):
        if area.level < AreaLevel.COMMUNE:
            card, done = _province_card(user, area, period)
        elif unit is not None:  # a unit focal point: the state of its own part
            card, done = _unit_card(user, area, period, unit)
        else:
            card, done = _commune_card(user, area, period)
        if i == 0 or not done:
            shown.append(card)
    return shown


def _due_hint(d: selectors.Deadline) -> Any:
    when = date_format(d.due, "d/m/Y")
    if d.overdue:
        late = ngettext(
            "Quá hạn %(days)d ngày (hạn %(date)s)",
            "Quá hạn %(days)d ngày (hạn %(date)s)",
            d.overdue_days,
        )
        return late % {"days": d.overdue_days, "date": when}
    return _("Hạn gửi %(date)s") % {"date": when}


def _province_card(user: Any, area: Area, period: Period) -> tuple[Card, bool]:
    c = selectors.completeness(user=user, area=area, period=period.code)
    done = c.submitted >= c.expected
    # the date the communes report by (each commune's plan's, else the province's plan's,
    # else the default): the earliest, and whether a commune not yet sent is past its own
    dues = [row.deadline for row in c.rows]
    due = min((x.due for x in dues), default=None) or selectors.deadline(area, period).due
    overdue = any(x.overdue for x in dues)
    # expected: the communes already using TreEm (`selectors.completeness`), said so, as
    # the province's other communes are not counted
    hint = _(
        "Trong %(expected)d xã đang dùng TreEm: tỷ lệ %(rate)d%%, đúng hạn %(on_time)d · hạn %(date)s"
    ) % {
        "expected": c.expected,
        "rate": c.rate,
        "on_time": c.on_time,
        "date": date_format(due, "d/m/Y"),
    }
    card = Card(
        _("Xã đã gửi báo cáo: %(period)s") % {"period": period.label},
        f"{c.submitted}/{c.expected}",
        url=reverse("reports:report_list") + f"?ky={period.code}",
        tone="" if done else ("danger" if overdue else "warn"),
        hint=hint,
    )
    return card, done


def _unit_card(user: Any, area: Area, period: Period, unit: Agency) -> tuple[Card, bool]:
    part = dict(selectors.unit_reports(user=user, area=area, period=period.code)).get(unit)
    done = part is not None and part.status == "submitted"
    d = selectors.deadline(area, period, part, level="unit")
    card = Card(
        _("Báo cáo của đơn vị: %(period)s") % {"period": period.label},
        str(part.get_status_display()) if part else str(_("Chưa gửi")),
        url=reverse("reports:unit_report", kwargs={"period": period.code, "agency_id": unit.pk}),
        tone="" if done else ("danger" if d.overdue else "warn"),
        hint="" if done else _due_hint(d),
    )
    return card, done


def _commune_card(user: Any, area: Area, period: Period) -> tuple[Card, bool]:
    report = selectors.report_for(user=user, area=area, period=period.code)
    status = report.get_status_display() if report else ReportStatus.NOT_STARTED.label
    done = report is not None and report.status in selectors.SENT
    d = selectors.deadline(area, period, report)
    tone = "" if done else ("danger" if d.overdue else "warn")
    if report is not None and report.status == ReportStatus.RETURNED:
        tone = "danger"
    card = Card(
        _("Báo cáo %(period)s") % {"period": str(period.label).lower()},
        str(status),
        url=reverse("reports:report_list") + f"?ky={period.code}",
        tone=tone,
        hint="" if done else _due_hint(d),
    )
    return card, done
