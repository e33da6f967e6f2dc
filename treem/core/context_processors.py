"""Navigation by role, and the area the user is working in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from treem.core.access import Cap, has_capability, is_system_admin
from treem.core.current import current_area

# (url name, label, capability (or any of several) or None for any signed-in user)
NAV: list[tuple[str, Any, str | tuple[str, ...] | None]] = [
    ("home", _("Tổng quan"), None),
    ("registry:child_list", _("Trẻ em"), Cap.REGISTRY_VIEW),
    ("cases:case_list", _("Vụ việc"), Cap.CASES_VIEW),
    ("cases:intake", _("Báo tin xâm hại"), Cap.CASES_INTAKE),
    ("plans:plan_list", _("Kế hoạch"), Cap.PLANS_VIEW),
    # a unit focal point's "Báo cáo" is its unit's part (the page redirects there)
    ("reports:report_list", _("Báo cáo"), (Cap.REPORTS_VIEW, Cap.REPORTS_UNIT)),
    ("programs:index", _("Chương trình"), Cap.PROGRAMS_VIEW),
    ("core:area_detail", _("Địa bàn, đơn vị"), Cap.AREAS_VIEW),
    ("core:user_list", _("Người dùng"), Cap.USERS_MANAGE),
    ("core:audit_list", _("Nhật ký"), Cap.AUDIT_VIEW),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for name, label, cap in NAV:
        caps = (cap,) if isinstance(cap, str) else cap
        if caps is not None and not any(has_capability(user, c) for c in caps):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append(
            {"url": url, "label": label, "active": request.path.startswith(url) and url != "/"}
        )
    if items and request.path == "/":
        items[0]["active"] = True
    return {
        "nav_items": items,
        "current_area": current_area(request),
        "is_system_admin": is_system_admin(user),
    }
