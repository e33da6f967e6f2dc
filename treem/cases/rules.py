"""Who may read and act on a case (Điều 24: case information is confidential).

Readers of a case file: the assigned officer (and the officer who took the report, who
already knows it), the commune leader, the province officer, the system admin. Nobody
else — not collaborators or unit focal points who submitted the intake, not other
officers of the commune, not officers of other communes. Built on `treem.core.access`.
"""

from __future__ import annotations

from functools import reduce
from typing import Any

from django.db.models import Q

from treem.core.access import Cap, grants, has_capability, is_system_admin
from treem.core.models import AreaLevel


def case_read_q(user: Any, field: str = "") -> Q:
    """A Q keeping the cases `user` may read (`field` prefixes the lookups, e.g. "case__")."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if is_system_admin(user):
        return Q()
    parts: list[Q] = []
    for g in grants(user):
        if not g.allows(Cap.CASES_VIEW):
            continue
        area_q = reduce(
            lambda a, b: a | b, (Q(**{f"{field}area__path__startswith": p}) for p in g.paths)
        )
        if g.level <= AreaLevel.DISTRICT or g.allows(Cap.CASES_APPROVE):
            parts.append(area_q)
        else:
            parts.append(
                area_q
                & (Q(**{f"{field}assigned_officer": user}) | Q(**{f"{field}intake_by": user}))
            )
    if not parts:
        return Q(pk__in=[]) if not field else Q(**{f"{field}pk__in": []})
    return reduce(lambda a, b: a | b, parts)


def may_read_reporter(user: Any, case: Any) -> bool:
    """The reporter's identity: the intake officer and the commune leader only."""
    if not getattr(user, "is_authenticated", False):
        return False
    if case.intake_by_id == user.pk and has_capability(user, Cap.CASES_VIEW, case.area):
        return True
    return has_capability(user, Cap.CASES_REPORTER, case.area)


def may_edit(user: Any, case: Any) -> bool:
    """Record procedural steps: the assigned officer (or the intake officer) of the commune."""
    if is_system_admin(user):
        return True
    if not has_capability(user, Cap.CASES_EDIT, case.area):
        return False
    return user.pk in (case.assigned_officer_id, case.intake_by_id)


def may_approve(user: Any, case: Any) -> bool:
    return has_capability(user, Cap.CASES_APPROVE, case.area)


def may_assign(user: Any, case: Any) -> bool:
    return may_approve(user, case) or may_edit(user, case)
