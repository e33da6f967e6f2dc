"""The one door for scoped access.

Every read of personal data goes through `scoped()` (or `get_scoped_or_404()`),
which keeps the rows whose area lies in the subtree of one of the user's
memberships holding the needed capability. Outside scope looks exactly like
missing: 404.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, reduce
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, models
from django.db.models import Q
from django.http import Http404

from treem.core.models import Area, AreaLevel, Membership, Role
from treem.core.rows import prepared_cursor

M = TypeVar("M", bound=models.Model)


class Cap:
    """Capability names held by roles (see the `Role` rows seeded by migration)."""

    ALL = "*"
    AREAS_VIEW = "areas.view"
    AREAS_EDIT = "areas.edit"  # villages and agencies
    USERS_MANAGE = "users.manage"
    AUDIT_VIEW = "audit.view"
    REGISTRY_VIEW = "registry.view"
    REGISTRY_CREATE = "registry.create"
    REGISTRY_EDIT = "registry.edit"
    CASES_INTAKE = "cases.intake"
    CASES_VIEW = "cases.view"
    CASES_EDIT = "cases.edit"
    CASES_APPROVE = "cases.approve"
    CASES_REPORTER = "cases.reporter"
    PLANS_VIEW = "plans.view"
    PLANS_EDIT = "plans.edit"
    PLANS_APPROVE = "plans.approve"
    PLANS_PROGRESS = "plans.progress"
    REPORTS_VIEW = "reports.view"
    REPORTS_EDIT = "reports.edit"
    REPORTS_APPROVE = "reports.approve"
    REPORTS_UNIT = "reports.unit"
    PROGRAMS_VIEW = "programs.view"
    PROGRAMS_EDIT = "programs.edit"


@dataclass(frozen=True)
class Grant:
    area_id: int
    path: str
    level: int
    role: str
    capabilities: frozenset[str]
    agency_id: int | None
    # Subtrees of same-level predecessors (pre-2025 data). A dissolved district is a
    # predecessor of every commune its communes became, so it never widens a scope.
    extra_paths: tuple[str, ...]

    def allows(self, capability: str) -> bool:
        return Cap.ALL in self.capabilities or capability in self.capabilities

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path, *self.extra_paths)


def grants(user: Any) -> list[Grant]:
    """The user's active memberships, loaded once per user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_treem_grants", None)
    if cached is not None:
        return cached
    if connection.vendor == "postgresql":
        rows = _membership_rows_pg(user.pk)
    else:
        rows = []
        memberships = (
            Membership.objects.filter(user=user, is_active=True)
            .select_related("area", "role")
            .prefetch_related("area__predecessors")
            .order_by("pk")
        )
        for m in memberships:
            same_level = [p.path for p in m.area.predecessors.all() if p.level == m.area.level]
            rows.append((m.area, m.role.slug, m.role.capabilities, m.agency_id, same_level))
    result = [
        Grant(
            area_id=area.pk,
            path=area.path,
            level=area.level,
            role=slug,
            capabilities=frozenset(capabilities),
            agency_id=agency_id,
            extra_paths=tuple(sorted(predecessor_paths)),
        )
        for area, slug, capabilities, agency_id, predecessor_paths in rows
    ]
    user._treem_grants = result
    user._treem_grant_areas = {row[0].pk: row[0] for row in rows}
    return result


_AREA_COLUMNS = [f.column for f in Area._meta.concrete_fields]
_AREA_ATTNAMES = [f.attname for f in Area._meta.concrete_fields]


@cache
def _membership_sql() -> str:
    columns = ", ".join(f'a."{c}"' for c in _AREA_COLUMNS)
    # table and column names from the models' metadata; the user id is a parameter
    return (
        f'SELECT r."slug", r."capabilities", m."agency_id", '  # noqa: S608
        f'ARRAY(SELECT p."path" FROM "{Area._meta.db_table}" p '
        f'JOIN "{Area.successors.through._meta.db_table}" s ON s."from_area_id" = p."id" '
        f'WHERE s."to_area_id" = a."id" AND p."level" = a."level"), {columns} '
        f'FROM "{Membership._meta.db_table}" m '
        f'JOIN "{Area._meta.db_table}" a ON a."id" = m."area_id" '
        f'JOIN "{Role._meta.db_table}" r ON r."id" = m."role_id" '
        f'WHERE m."user_id" = %s AND m."is_active" ORDER BY m."id"'
    )


def _membership_rows_pg(user_id: int) -> list[tuple[Area, str, list[str], int | None, list[str]]]:
    """(area, role slug, capabilities, agency id, same-level predecessors' paths) of the
    user's active memberships, in one statement written out: every request reads grants,
    and building this query with the ORM cost ten times its execution (measured ~1.2 ms
    against 0.1 ms). Prepared in the database (`prepared_cursor`)."""
    sql = _membership_sql()
    out = []
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, [user_id])
        for slug, capabilities, agency_id, predecessors, *area_values in cursor.fetchall():
            area = Area.from_db(connection.alias, _AREA_ATTNAMES, area_values)
            if isinstance(capabilities, str):  # Django reads jsonb as text
                capabilities = json.loads(capabilities)
            out.append((area, slug, capabilities, agency_id, list(predecessors)))
    return out


def grant_area(user: Any, grant: Grant) -> Area:
    """The area of one of the user's grants (read with them: no query)."""
    return user._treem_grant_areas[grant.area_id]


def forget_grants(user: Any) -> None:
    if hasattr(user, "_treem_grants"):
        del user._treem_grants
        del user._treem_grant_areas


def is_system_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or any(
        g.role == "admin" for g in grants(user)
    )


def has_capability(user: Any, capability: str, area: Area | None = None) -> bool:
    """Does the user hold `capability` anywhere (or over `area`, when given)?"""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_system_admin(user):
        return True
    for g in grants(user):
        if not g.allows(capability):
            continue
        if area is None or any(area.path.startswith(p) for p in g.paths):
            return True
    return False


def scope_paths(user: Any, capability: str) -> list[str] | None:
    """Area path prefixes the user may see with `capability`; None means everything."""
    if is_system_admin(user):
        return None
    return sorted({p for g in grants(user) if g.allows(capability) for p in g.paths})


def scope_is_local(user: Any, capability: str) -> bool:
    """Whether all the user may see with `capability` lies in communes (and villages):
    a few thousand children, where a search reads every match (no need to read a
    province's matches bucket by bucket)."""
    if is_system_admin(user):
        return False
    allowed = [g for g in grants(user) if g.allows(capability)]
    return bool(allowed) and all(g.level >= AreaLevel.COMMUNE for g in allowed)


def scope_q(user: Any, capability: str, field: str = "area") -> Q:
    """A Q that keeps rows whose `field` (an Area FK, or "" for Area itself) is in scope."""
    paths = scope_paths(user, capability)
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    return reduce(lambda a, b: a | b, (Q(**{lookup: p}) for p in _minimal(paths)))


def _minimal(paths: Iterable[str]) -> list[str]:
    """Drop paths already covered by a shorter prefix."""
    kept: list[str] = []
    for p in sorted(paths):
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept


def scoped(
    qs: models.QuerySet[M], user: Any, capability: str, field: str = "area"
) -> models.QuerySet[M]:
    return qs.filter(scope_q(user, capability, field))


def get_scoped_or_404(
    qs: models.QuerySet[M], user: Any, capability: str, field: str = "area", **lookup: Any
) -> M:
    try:
        return scoped(qs, user, capability, field).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def area_in_scope_or_404(user: Any, capability: str, area: Area) -> Area:
    if not has_capability(user, capability, area):
        raise Http404
    return area


def primary_area(user: Any) -> Area | None:
    """The area a user works in by default (their first membership's area)."""
    g = grants(user)
    if not g:
        return None
    return grant_area(user, g[0])


def user_agency_ids(user: Any) -> set[int]:
    return {g.agency_id for g in grants(user) if g.agency_id is not None}
