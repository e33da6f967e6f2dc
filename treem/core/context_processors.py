"""Navigation by role, and the area the user is working in."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
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


@lru_cache(maxsize=8)
def _nav_urls(script_prefix: str, urlconf: str | None) -> dict[str, str]:
    """{url name: path} of the menu (a section not installed has none), reversed once per
    script prefix and URLconf instead of on every page (ten reversals were a tenth of a
    page's chrome)."""
    urls = {}
    for name, _label, _cap in NAV:
        try:
            urls[name] = reverse(name, urlconf=urlconf)
        except NoReverseMatch:
            continue
    return urls


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    urls = _nav_urls(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    for name, label, cap in NAV:
        url = urls.get(name)
        if url is None:
            continue
        caps = (cap,) if isinstance(cap, str) else cap
        if caps is not None and not any(has_capability(user, c) for c in caps):
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
