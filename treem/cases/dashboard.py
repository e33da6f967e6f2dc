"""Dashboard cards: open cases, overdue cases, child deaths awaiting report (see treem.core.dashboard)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from treem.cases import selectors
from treem.core.access import Cap, has_capability
from treem.core.dashboard import Card
from treem.core.models import Area


def cards(*, user: Any, area: Area) -> list[Card]:
    if not has_capability(user, Cap.CASES_VIEW, area):
        return []
    n = selectors.counts(user=user, area=area)
    url = reverse("cases:case_list")
    result = [
        Card(_("Vụ việc đang xử lý"), n["open"], url),
        Card(_("Vụ việc quá hạn"), n["overdue"], url, "danger" if n["overdue"] else ""),
    ]
    if n["deaths"]:
        result.append(
            Card(
                _("Trẻ tử vong do tai nạn: báo cáo ngay cấp trên"),
                n["deaths"],
                reverse("cases:incident_list"),
                "danger",
            )
        )
    return result
