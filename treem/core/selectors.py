"""Reads for areas, agencies, users and the audit trail, always through the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from treem.core.access import Cap, grants, is_system_admin, scope_q, scoped
from treem.core.audit import action_labels
from treem.core.models import LEGACY_PREFIX, Agency, Area, AreaLevel, AuditLog, Membership, Role
from treem.core.text import fold

User = get_user_model()


def area_by_key(key: str) -> Area:
    """Resolve an API key: "13891" is a current unit, "legacy-10924" a pre-2025 one."""
    area = Area.objects.filter(key=key).first()
    if area is None:
        raise Http404
    return area


def area_get(*, user: Any, key: str) -> Area:
    """Areas (administrative units) are public reference data, but villages are local."""
    area = area_by_key(key)
    if area.level == AreaLevel.VILLAGE and not area_visible(user, area):
        raise Http404
    return area


def area_visible(user: Any, area: Area) -> bool:
    if is_system_admin(user):
        return True
    return any(
        area.path.startswith(p) or p.startswith(area.path) for g in grants(user) for p in g.paths
    )


def area_list(*, user: Any, parent_key: str | None = None, q: str = "") -> QuerySet[Area]:
    if parent_key:
        parent = area_get(user=user, key=parent_key)
        qs = Area.objects.filter(parent=parent)
        if parent.level == AreaLevel.COMMUNE and not area_visible(user, parent):
            qs = qs.none()
    else:
        qs = Area.objects.filter(level=AreaLevel.PROVINCE, valid_to__isnull=True)
    if q:
        qs = qs.filter(name_folded__contains=fold(q))
    return qs.order_by("code")


def area_predecessors(area: Area) -> QuerySet[Area]:
    return area.predecessors.all().order_by("path")


def area_successors(area: Area) -> QuerySet[Area]:
    return area.successors.all().order_by("path")


def rollup_paths(area: Area) -> list[str]:
    """Path prefixes whose data belongs to `area`: its own subtree and its predecessors'."""
    paths = [area.path]
    frontier = [area]
    seen = {area.pk}
    while frontier:
        nxt = []
        for a in frontier:
            for p in a.predecessors.all():
                if p.pk not in seen and p.level == area.level:
                    seen.add(p.pk)
                    paths.append(p.path)
                    nxt.append(p)
        frontier = nxt
    return paths


def villages_of(*, user: Any, commune: Area) -> QuerySet[Area]:
    return scoped(Area.objects.filter(parent=commune), user, Cap.AREAS_VIEW, field="").order_by(
        "code"
    )


def user_areas(user: Any) -> QuerySet[Area]:
    """The areas of the user's memberships (what the area switcher offers first)."""
    ids = [g.area_id for g in grants(user)]
    return Area.objects.filter(pk__in=ids).order_by("level", "name")


def switchable_areas(*, user: Any) -> QuerySet[Area]:
    """Communes a province-level user can switch to (current units in their subtree)."""
    return scoped(
        Area.objects.filter(level=AreaLevel.COMMUNE, valid_to__isnull=True),
        user,
        Cap.AREAS_VIEW,
        field="",
    ).order_by("name")


def agency_list(*, user: Any, area: Area | None = None) -> QuerySet[Agency]:
    qs = scoped(Agency.objects.select_related("area", "focal_point"), user, Cap.AREAS_VIEW)
    if area is not None:
        qs = qs.filter(area=area)
    return qs.order_by("kind", "name")


def agency_get(*, user: Any, pk: int) -> Agency:
    qs = scoped(Agency.objects.select_related("area"), user, Cap.AREAS_VIEW)
    try:
        return qs.get(pk=pk)
    except Agency.DoesNotExist as exc:
        raise Http404 from exc


def manageable_users(*, user: Any) -> QuerySet[Any]:
    qs = User.objects.all()
    if not is_system_admin(user):
        member_q = scope_q(user, Cap.USERS_MANAGE, field="memberships__area")
        qs = qs.filter(member_q).distinct()
    return qs.prefetch_related(
        "memberships__area", "memberships__role", "memberships__agency"
    ).order_by("username")


def managed_user_get(*, user: Any, pk: int) -> Any:
    try:
        return manageable_users(user=user).get(pk=pk)
    except User.DoesNotExist as exc:
        raise Http404 from exc


def assignable_roles(*, user: Any) -> QuerySet[Role]:
    """The roles the user may give: not the administrator's (unless an administrator),
    and only those held at a level of the areas the user manages (a commune officer is
    not offered the province officer's role)."""
    qs = Role.objects.all()
    if not is_system_admin(user):
        levels = manageable_areas(user=user).order_by().values("level").distinct()
        qs = qs.exclude(slug="admin").filter(Q(area_level__isnull=True) | Q(area_level__in=levels))
    return qs


def manageable_areas(*, user: Any) -> QuerySet[Area]:
    """Current areas (province, commune, village) where the user may place accounts."""
    qs = Area.objects.filter(valid_to__isnull=True).exclude(level=AreaLevel.DISTRICT)
    return scoped(qs, user, Cap.USERS_MANAGE, field="").order_by("path")


def memberships_of(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("area", "role", "agency")


def audit_list(
    *,
    user: Any,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditLog]:
    if is_system_admin(user):
        qs = AuditLog.objects.all()
    else:
        paths = [p for g in grants(user) if g.allows(Cap.AUDIT_VIEW) for p in g.paths]
        if not paths:
            return AuditLog.objects.none()
        cond = Q()
        for p in paths:
            cond |= Q(area_path__startswith=p)
        qs = AuditLog.objects.filter(cond)
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if action:
        # what an officer types: words of the action's name ("gửi báo cáo"), or its code
        words = fold(action)
        named = [code for code, label in action_labels().items() if words in fold(str(label))]
        qs = qs.filter(Q(action__startswith=action) | Q(action__in=named))
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs.order_by("-at", "-id")


def legacy_key(code: str) -> str:
    return f"{LEGACY_PREFIX}{code}"
