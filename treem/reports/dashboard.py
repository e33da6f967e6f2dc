"""Dashboard cards contributed by this app (see treem.core.dashboard)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from treem.core.dashboard import Card
from treem.core.models import Area, AreaLevel
from treem.reports import selectors
from treem.reports.models import ReportStatus


def cards(*, user: Any, area: Area) -> list[Card]:
    if not selectors.can_view(user, area) or area.level == AreaLevel.VILLAGE:
        return []
    period = selectors.default_period(user=user, area=area)
    url = reverse("reports:report_list") + f"?ky={period.code}"
    if area.level < AreaLevel.COMMUNE:
        c = selectors.completeness(user=user, area=area, period=period.code)
        return [
            Card(
                _("Xã đã gửi báo cáo: %(period)s") % {"period": period.label},
                f"{c.submitted}/{c.expected}",
                url=url,
                tone="" if c.rate == 100 else "warn",
                hint=_("Tỷ lệ %(rate)d%%, đúng hạn %(on_time)d")
                % {"rate": c.rate, "on_time": c.on_time},
            )
        ]
    unit = selectors.own_unit(user=user, area=area)
    if unit is not None:  # a unit focal point: the state of its own part
        part = dict(selectors.unit_reports(user=user, area=area, period=period.code)).get(unit)
        return [
            Card(
                _("Báo cáo của đơn vị: %(period)s") % {"period": period.label},
                str(part.get_status_display()) if part else str(_("Chưa gửi")),
                url=reverse(
                    "reports:unit_report", kwargs={"period": period.code, "agency_id": unit.pk}
                ),
                tone="" if part and part.status == "submitted" else "warn",
            )
        ]
    report = selectors.report_for(user=user, area=area, period=period.code)
    status = report.get_status_display() if report else ReportStatus.NOT_STARTED.label
    tone = "" if report and report.status in ("submitted", "approved") else "warn"
    if report and report.status == ReportStatus.RETURNED:
        tone = "danger"
    return [
        Card(
            _("Báo cáo %(period)s") % {"period": str(period.label).lower()},
            str(status),
            url=url,
            tone=tone,
        )
    ]
