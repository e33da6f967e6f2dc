"""Dashboard cards: each app contributes counts for the user's area via `<app>.dashboard.cards`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from treem.core.access import Cap, has_capability, scoped
from treem.core.models import Agency, Area, AreaLevel


@dataclass
class Card:
    label: Any
    value: int | str
    url: str = ""
    tone: str = ""  # "", "warn", "danger"
    hint: Any = ""

    @property
    def display(self) -> str:
        """The value as shown: counts grouped the Vietnamese way (3.015), text as is."""
        if isinstance(self.value, int):  # the active locale's separator (treem/formats)
            return number_format(self.value, force_grouping=True)
        return str(self.value)


def cards(*, user: Any, area: Area) -> list[Card]:
    result: list[Card] = []
    if not has_capability(user, Cap.AREAS_VIEW, area):
        return result
    if area.level > AreaLevel.COMMUNE:
        # a village (a collaborator's): "1 village, 0 units" would say nothing
        return result
    villages = scoped(
        Area.objects.filter(path__startswith=area.path, level=AreaLevel.VILLAGE),
        user,
        Cap.AREAS_VIEW,
        field="",
    ).count()
    agencies = scoped(
        Agency.objects.filter(area__path__startswith=area.path, is_active=True),
        user,
        Cap.AREAS_VIEW,
    ).count()
    if area.level <= AreaLevel.DISTRICT:
        communes = Area.objects.filter(
            path__startswith=area.path, level=AreaLevel.COMMUNE, valid_to__isnull=True
        ).count()
        result.append(Card(_("Xã, phường trực thuộc"), communes))
    result.append(Card(_("Thôn, tổ dân phố"), villages))
    result.append(Card(_("Đơn vị phối hợp"), agencies))
    return result
