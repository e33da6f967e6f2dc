"""Core pages: dashboard, area switcher, villages and agencies, users, audit, API tokens."""

from __future__ import annotations

import importlib
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from treem.core import selectors, services
from treem.core.access import Cap, has_capability, is_system_admin
from treem.core.audit import action_label, action_labels, object_label
from treem.core.current import current_area, set_current_area
from treem.core.dashboard import cards as core_cards
from treem.core.forms import (
    AgencyEditForm,
    AgencyForm,
    AuditFilterForm,
    UserCreateForm,
    VillageBulkForm,
    VillageForm,
    errors_to_form,
)
from treem.core.middleware import MUST_CHANGE_KEY
from treem.core.models import AccountState, Agency, AreaLevel, Membership
from treem.core.redirects import next_url

DASHBOARD_APPS = ["registry", "cases", "plans", "reports", "programs"]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    area = current_area(request)
    all_cards: list[Any] = []
    if area is not None:
        all_cards.extend(core_cards(user=request.user, area=area))
        for app in DASHBOARD_APPS:
            module = importlib.import_module(f"treem.{app}.dashboard")
            all_cards.extend(module.cards(user=request.user, area=area))
    switchable = (
        selectors.switchable_areas(user=request.user)
        if area is not None and area.level <= AreaLevel.DISTRICT
        else None
    )
    return render(
        request,
        "core/home.html",
        {"area": area, "cards": all_cards, "switchable": switchable},
    )


@login_required
@require_POST
def area_switch(request: HttpRequest) -> HttpResponse:
    key = request.POST.get("area", "")
    area = selectors.area_by_key(key)
    if not has_capability(request.user, Cap.AREAS_VIEW, area):
        raise Http404
    set_current_area(request, area)
    return redirect(next_url(request, "home"))


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_password_change(
                actor=request.user,
                user=request.user,
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            request.session[MUST_CHANGE_KEY] = False
            messages.success(request, _("Đã đổi mật khẩu."))
            return redirect("home")
    must_change = AccountState.objects.filter(
        user_id=request.user.pk or 0, must_change_password=True
    )
    return render(
        request, "core/password_change.html", {"form": form, "must_change": must_change.exists()}
    )


def _area_for(request: HttpRequest, key: str | None) -> Any:
    area = selectors.area_by_key(key) if key else current_area(request)
    if area is None or not has_capability(request.user, Cap.AREAS_VIEW, area):
        raise Http404
    return area


def _linkable(request: HttpRequest, areas: Any) -> list[tuple[Any, bool]]:
    return [(a, has_capability(request.user, Cap.AREAS_VIEW, a)) for a in areas]


@login_required
def area_detail(request: HttpRequest, key: str | None = None) -> HttpResponse:
    area = _area_for(request, key)
    children = selectors.villages_of(user=request.user, commune=area).select_related()
    can_edit = has_capability(request.user, Cap.AREAS_EDIT, area) and not area.is_legacy
    return render(
        request,
        "core/area_detail.html",
        {
            "area": area,
            "children": children,
            "agencies": selectors.agency_list(user=request.user, area=area),
            # (area, may the user open its page): a unit outside scope is named, not linked
            "predecessors": _linkable(request, selectors.area_predecessors(area)),
            "successors": _linkable(request, selectors.area_successors(area)),
            "can_edit": can_edit and area.level == AreaLevel.COMMUNE,
            "village_form": VillageForm(),
            "bulk_form": VillageBulkForm(),
            "agency_form": AgencyForm(),
        },
    )


@login_required
@require_POST
def village_create(request: HttpRequest, key: str) -> HttpResponse:
    area = _area_for(request, key)
    form = VillageForm(request.POST)
    if form.is_valid():
        try:
            v = services.village_create(
                actor=request.user,
                commune=area,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
            )
            messages.success(request, _("Đã thêm %(name)s.") % {"name": v.full_name})
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        except PermissionDenied as exc:
            raise Http404 from exc
    else:
        messages.error(request, _("Vui lòng nhập tên thôn."))
    return redirect("core:area_detail_key", key=area.key)


@login_required
@require_POST
def village_bulk(request: HttpRequest, key: str) -> HttpResponse:
    area = _area_for(request, key)
    form = VillageBulkForm(request.POST)
    if form.is_valid():
        try:
            created = services.villages_bulk_create(
                actor=request.user,
                commune=area,
                text=form.cleaned_data["names"],
                kind=form.cleaned_data["kind"],
            )
            messages.success(request, _("Đã thêm %(n)d thôn.") % {"n": len(created)})
        except ValidationError as exc:
            messages.error(request, _("Chưa thêm thôn nào vì có lỗi:"))
            for msg in exc.messages:
                messages.error(request, msg)
        except PermissionDenied as exc:
            raise Http404 from exc
    return redirect("core:area_detail_key", key=area.key)


@login_required
@require_POST
def agency_create(request: HttpRequest, key: str) -> HttpResponse:
    area = _area_for(request, key)
    form = AgencyForm(request.POST)
    if form.is_valid():
        try:
            services.agency_create(
                actor=request.user,
                area=area,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
            )
            messages.success(request, _("Đã thêm đơn vị."))
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        except PermissionDenied as exc:
            raise Http404 from exc
    return redirect("core:area_detail_key", key=area.key)


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.agency_get(user=request.user, pk=pk)
    if not has_capability(request.user, Cap.AREAS_EDIT, agency.area):
        raise Http404
    form = AgencyEditForm(
        request.POST or None,
        initial={
            "name": agency.name,
            "kind": agency.kind,
            "phone": agency.phone,
            "is_active": agency.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_update(actor=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as exc:  # an empty name, or another unit's
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu đơn vị."))
            return redirect("core:area_detail_key", key=agency.area.key)
    return render(request, "core/agency_edit.html", {"agency": agency, "form": form})


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    if not has_capability(request.user, Cap.USERS_MANAGE):
        raise Http404
    users = selectors.manageable_users(user=request.user)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "core/user_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    if not has_capability(request.user, Cap.USERS_MANAGE):
        raise Http404
    areas = selectors.manageable_areas(user=request.user)
    agencies = Agency.objects.filter(area__in=areas).order_by("name")
    form = UserCreateForm(
        request.POST or None,
        roles=selectors.assignable_roles(user=request.user),
        areas=areas,
        agencies=agencies,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                email=data["email"],
                role=data["role"],
                area=data["area"],
                agency=data["agency"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã tạo tài khoản %(u)s.") % {"u": user.username})
            return redirect("core:user_detail", pk=user.pk)
    return render(request, "core/user_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.managed_user_get(user=request.user, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("lock", "unlock"):
                services.user_set_active(actor=request.user, user=target, active=action == "unlock")
                messages.success(request, _("Đã cập nhật tài khoản."))
            elif action == "end_membership":
                m = Membership.objects.get(pk=request.POST.get("membership", ""), user=target)
                services.membership_deactivate(actor=request.user, membership=m)
                messages.success(request, _("Đã thu hồi vai trò."))
        except (PermissionDenied, Membership.DoesNotExist) as exc:
            raise Http404 from exc
        return redirect("core:user_detail", pk=target.pk)
    return render(
        request,
        "core/user_detail.html",
        {"target": target, "memberships": selectors.memberships_of(target)},
    )


# The page of an audited object, by its kind (the page itself checks the reader's scope).
AUDITED_PAGES = {
    "registry.child": "registry:child_detail",
    "cases.case": "cases:case_detail",
    "plans.plan": "plans:plan_detail",
}


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not (is_system_admin(request.user) or has_capability(request.user, Cap.AUDIT_VIEW)):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    qs = selectors.audit_list(user=request.user, **filters).select_related("area")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for row in page:  # in words: what was done, to what, and the values it changed
        row.label = action_label(row.action)  # type: ignore[attr-defined]
        row.kind = object_label(row.object_type)  # type: ignore[attr-defined]
        page_name = AUDITED_PAGES.get(row.object_type)
        row.url = (  # type: ignore[attr-defined]
            reverse(page_name, args=[row.object_id])
            if page_name and row.object_id.isdigit()
            else ""
        )
        row.changes = [  # type: ignore[attr-defined]
            (title, json.dumps(values, ensure_ascii=False, indent=1, sort_keys=True))
            for title, values in ((_("Trước:"), row.before), (_("Sau:"), row.after))
            if values
        ]
    names = sorted({str(label) for label in action_labels().values()})
    return render(
        request, "core/audit_list.html", {"form": form, "page": page, "action_names": names}
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    raw = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            token = request.user.api_tokens.filter(pk=request.POST.get("token", "")).first()  # type: ignore[union-attr]
            if token is None:
                raise Http404
            services.token_revoke(actor=request.user, token=token)
            messages.success(request, _("Đã thu hồi mã truy cập."))
        else:
            _token, raw = services.token_issue(
                actor=request.user, user=request.user, name=request.POST.get("name", "")
            )
    tokens = request.user.api_tokens.order_by("-created_at")  # type: ignore[union-attr]
    return render(request, "core/token_list.html", {"tokens": tokens, "raw": raw})
