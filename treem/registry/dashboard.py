"""Dashboard cards contributed by the registry (see treem.core.dashboard)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from treem.core.dashboard import Card
from treem.core.models import Area
from treem.registry.selectors import registry_counts


def cards(*, user: Any, area: Area) -> list[Card]:
    counts = registry_counts(user=user, area=area)
    if not counts:
        return []
    base = reverse("registry:child_list")
    return [
        Card(_("Trẻ em đang theo dõi"), counts["total"], url=base),
        Card(
            _("Trẻ em có hoàn cảnh đặc biệt"),
            counts["special"],
            url=f"{base}?group=special",
            tone="warn" if counts["special"] else "",
        ),
        Card(_("Trẻ em có nguy cơ"), counts["at_risk"], url=f"{base}?group=at_risk"),
        Card(
            _("Hồ sơ thiếu, sai thông tin"),
            counts["problems"],
            url=reverse("registry:data_quality"),
            tone="danger" if counts["problems"] else "",
        ),
    ]
