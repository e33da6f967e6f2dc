"""The area a user is looking at: chosen with the area switcher, always inside scope."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from treem.core.access import Cap, grant_area, grants, has_capability, is_system_admin
from treem.core.models import Area, AreaLevel

SESSION_KEY = "treem_area_key"


def current_area(request: HttpRequest) -> Area | None:
    cached = getattr(request, "_treem_area", None)
    if cached is not None:
        return cached
    user: Any = request.user
    area: Area | None = None
    key = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if key:
        candidate = Area.objects.filter(key=key).first()
        if candidate is not None and has_capability(user, Cap.AREAS_VIEW, candidate):
            area = candidate
    if area is None:
        g = grants(user)
        if g:
            area = grant_area(user, g[0])
        elif is_system_admin(user):
            area = Area.objects.filter(level=AreaLevel.PROVINCE, valid_to__isnull=True).first()
    request._treem_area = area  # type: ignore[attr-defined]
    return area


def working_commune(request: HttpRequest) -> Area | None:
    """The commune in focus: the current area if a commune, the village's commune, else None."""
    area = current_area(request)
    if area is None:
        return None
    if area.level == AreaLevel.VILLAGE:
        return area.parent
    if area.level == AreaLevel.COMMUNE:
        return area
    return None


def set_current_area(request: HttpRequest, area: Area) -> None:
    request.session[SESSION_KEY] = area.key
    request._treem_area = area  # type: ignore[attr-defined]
