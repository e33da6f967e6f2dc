"""The roles TreEm ships with, and the capabilities each holds (seeded as `Role` rows)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from treem.core.access import Cap

ADMIN = "admin"
PROVINCE_OFFICER = "province_officer"
COMMUNE_LEADER = "commune_leader"
COMMUNE_OFFICER = "commune_officer"
VILLAGE_COLLABORATOR = "village_collaborator"
UNIT_FOCAL_POINT = "unit_focal_point"

# (slug, Vietnamese name, area level or None, capabilities)
DEFAULT_ROLES: list[tuple[str, str, int | None, list[str]]] = [
    (ADMIN, gettext_noop("Quản trị hệ thống"), None, [Cap.ALL]),
    (
        PROVINCE_OFFICER,
        gettext_noop("Cán bộ cấp tỉnh"),
        1,
        [
            Cap.AREAS_VIEW,
            Cap.AUDIT_VIEW,
            Cap.USERS_MANAGE,
            Cap.REGISTRY_VIEW,
            Cap.CASES_VIEW,
            Cap.PLANS_VIEW,
            Cap.REPORTS_VIEW,
            Cap.REPORTS_APPROVE,
            Cap.PROGRAMS_VIEW,
        ],
    ),
    (
        COMMUNE_LEADER,
        gettext_noop("Lãnh đạo UBND xã"),
        3,
        [
            Cap.AREAS_VIEW,
            Cap.AUDIT_VIEW,
            Cap.REGISTRY_VIEW,
            Cap.CASES_VIEW,
            Cap.CASES_APPROVE,
            Cap.CASES_REPORTER,
            Cap.PLANS_VIEW,
            Cap.PLANS_APPROVE,
            Cap.REPORTS_VIEW,
            Cap.PROGRAMS_VIEW,
        ],
    ),
    (
        COMMUNE_OFFICER,
        gettext_noop("Công chức phụ trách trẻ em cấp xã"),
        3,
        [
            Cap.AREAS_VIEW,
            Cap.AREAS_EDIT,
            Cap.USERS_MANAGE,
            Cap.REGISTRY_VIEW,
            Cap.REGISTRY_CREATE,
            Cap.REGISTRY_EDIT,
            Cap.CASES_INTAKE,
            Cap.CASES_VIEW,
            Cap.CASES_EDIT,
            Cap.PLANS_VIEW,
            Cap.PLANS_EDIT,
            Cap.PLANS_PROGRESS,
            Cap.REPORTS_VIEW,
            Cap.REPORTS_EDIT,
            Cap.PROGRAMS_VIEW,
            Cap.PROGRAMS_EDIT,
        ],
    ),
    (
        VILLAGE_COLLABORATOR,
        gettext_noop("Cộng tác viên thôn"),
        4,
        [Cap.AREAS_VIEW, Cap.REGISTRY_VIEW, Cap.REGISTRY_CREATE, Cap.CASES_INTAKE],
    ),
    (
        UNIT_FOCAL_POINT,
        gettext_noop("Đầu mối đơn vị"),
        3,
        [Cap.AREAS_VIEW, Cap.PLANS_VIEW, Cap.PLANS_PROGRESS, Cap.REPORTS_UNIT, Cap.CASES_INTAKE],
    ),
]


# slug -> the name it ships with (translated on display while it is unchanged)
SHIPPED_NAMES = {slug: name for slug, name, _level, _caps in DEFAULT_ROLES}


def roles_sync() -> None:
    """Upsert the default roles (the data migration does this; flushed test DBs need it again)."""
    from treem.core.models import Role

    for order, (slug, name, level, caps) in enumerate(DEFAULT_ROLES):
        Role.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "area_level": level, "capabilities": caps, "sort_order": order},
        )
