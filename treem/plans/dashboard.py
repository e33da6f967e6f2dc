"""Dashboard cards contributed by this app (see treem.core.dashboard)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.core.access import Cap, has_capability, user_agency_ids
from treem.core.dashboard import Card
from treem.core.models import Area, AreaLevel
from treem.plans import selectors


def cards(*, user: Any, area: Area) -> list[Card]:
    if area.level != AreaLevel.COMMUNE or not has_capability(user, Cap.PLANS_VIEW, area):
        return []
    today = timezone.localdate()
    plan = selectors.current_plan(user=user, area=area, year=today.year)
    if plan is None:
        return [
            Card(
                _("Kế hoạch năm %(year)s") % {"year": today.year},
                _("Chưa có"),
                url=reverse("plans:plan_list"),
                tone="warn",
            )
        ]
    dash = selectors.plan_dashboard(plan, today)
    url = reverse("plans:plan_detail", args=[plan.pk])
    if user_agency_ids(user) and not has_capability(user, Cap.PLANS_EDIT, area):
        # a unit's focal point: the tasks their unit reports on, not the commune's
        mine = selectors.unit_task_totals(user=user, area=area, plan=plan, today=today)
        result = [
            Card(
                _("Nhiệm vụ của đơn vị hoàn thành"),
                f"{mine['done']}/{mine['total']}",
                url=reverse("plans:my_tasks"),
                hint=_("Kế hoạch %(year)s") % {"year": plan.year},
            ),
            Card(
                _("Nhiệm vụ của đơn vị quá hạn"),
                mine["overdue"],
                url=reverse("plans:my_tasks"),
                tone="danger" if mine["overdue"] else "",
            ),
        ]
    else:
        result = [
            Card(
                _("Nhiệm vụ hoàn thành"),
                f"{dash.totals['done']}/{dash.totals['total']}",
                url=url,
                hint=_("Kế hoạch %(year)s") % {"year": plan.year},
            ),
            Card(
                _("Nhiệm vụ quá hạn"),
                dash.totals["overdue"],
                url=url,
                tone="danger" if dash.totals["overdue"] else "",
            ),
        ]
    if dash.deadlines:
        d = dash.deadlines[0]
        days = (d.due_date - today).days
        result.append(
            Card(
                _("Hạn báo cáo tiếp theo"),
                d.due_date.strftime("%d/%m/%Y"),
                url=url,
                tone="warn" if days <= 7 else "",
                hint=f"{d.get_period_display()} · " + _("còn %(n)d ngày") % {"n": days},
            )
        )
    return result
