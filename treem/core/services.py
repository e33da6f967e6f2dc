"""Writes for areas (villages), agencies, users, memberships and API tokens."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.core.access import Cap, forget_grants, has_capability, is_system_admin
from treem.core.api_auth import hash_token
from treem.core.audit import audit, diff, snapshot
from treem.core.models import (
    VILLAGE_KINDS,
    AccountState,
    Agency,
    AgencyKind,
    ApiToken,
    Area,
    AreaKind,
    AreaLevel,
    Membership,
    Role,
)
from treem.core.text import clean, fold

User = get_user_model()

# The units a commune usually has; seeded when a commune is set up.
USUAL_COMMUNE_AGENCIES: list[tuple[str, str]] = [
    (AgencyKind.PEOPLES_COMMITTEE, "Ủy ban nhân dân xã"),
    (AgencyKind.CULTURE_SOCIAL, "Phòng Văn hóa - Xã hội"),
    (AgencyKind.HEALTH_STATION, "Trạm Y tế xã"),
    (AgencyKind.SCHOOL, "Trường Mầm non"),
    (AgencyKind.SCHOOL, "Trường Tiểu học"),
    (AgencyKind.SCHOOL, "Trường Trung học cơ sở"),
    (AgencyKind.POLICE, "Công an xã"),
    (AgencyKind.RADIO, "Đài truyền thanh xã"),
    (AgencyKind.FATHERLAND_FRONT, "Ủy ban Mặt trận Tổ quốc Việt Nam xã"),
    (AgencyKind.YOUTH_UNION, "Đoàn Thanh niên xã"),
    (AgencyKind.WOMENS_UNION, "Hội Liên hiệp Phụ nữ xã"),
    (AgencyKind.FINANCE, "Bộ phận Tài chính - Kế toán"),
    (AgencyKind.JUSTICE, "Bộ phận Tư pháp - Hộ tịch"),
]


def _require(actor: Any, capability: str, area: Area) -> None:
    if not has_capability(actor, capability, area):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


@transaction.atomic
def village_create(*, actor: Any, commune: Area, name: str, kind: str = AreaKind.VILLAGE) -> Area:
    """Create a village (thôn, ấp, bản, tổ dân phố) under a current commune."""
    _require(actor, Cap.AREAS_EDIT, commune)
    name = clean(name)
    if not name:
        raise ValidationError({"name": _("Tên thôn không được để trống.")})
    if commune.level != AreaLevel.COMMUNE or commune.is_legacy:
        raise ValidationError(_("Chỉ tạo được thôn dưới một xã, phường đang có hiệu lực."))
    if kind not in VILLAGE_KINDS:
        raise ValidationError({"kind": _("Loại thôn không hợp lệ.")})
    if commune.children.filter(name_folded=fold(name)).exists():
        raise ValidationError({"name": _("Thôn “%(name)s” đã có trong xã.") % {"name": name}})
    existing = commune.children.count()
    n = existing + 1
    while Area.objects.filter(key=f"{commune.key}-{n:02d}").exists():
        n += 1
    code = f"{n:02d}"
    key = f"{commune.key}-{code}"
    label = AreaKind(kind).label
    village = Area.objects.create(
        key=key,
        code=code,
        name=name,
        full_name=f"{label} {name}",
        kind=kind,
        level=AreaLevel.VILLAGE,
        parent=commune,
        path=f"{commune.path}{key}/",
        province_code=commune.province_code,
        valid_from=timezone.localdate(),
        name_folded=fold(name),
    )
    audit(actor=actor, action="area.create", obj=village, area=village, after=snapshot(village))
    return village


def parse_village_names(text: str) -> list[str]:
    """One name per line (pasted from Excel: the first column counts); blanks dropped."""
    names: list[str] = []
    for line in text.splitlines():
        first = clean(line.split("\t")[0])
        if first:
            names.append(first)
    return names


@transaction.atomic
def villages_bulk_create(
    *, actor: Any, commune: Area, text: str, kind: str = AreaKind.VILLAGE
) -> list[Area]:
    """All-or-nothing: every line is checked before anything is created."""
    _require(actor, Cap.AREAS_EDIT, commune)
    names = parse_village_names(text)
    if not names:
        raise ValidationError(_("Chưa có tên thôn nào."))
    errors: list[str] = []
    seen: dict[str, int] = {}
    existing = set(commune.children.values_list("name_folded", flat=True))
    for i, name in enumerate(names, start=1):
        key = fold(name)
        if key in seen:
            errors.append(
                _("Dòng %(row)d: “%(name)s” trùng với dòng %(other)d.")
                % {"row": i, "name": name, "other": seen[key]}
            )
        elif key in existing:
            errors.append(
                _("Dòng %(row)d: thôn “%(name)s” đã có trong xã.") % {"row": i, "name": name}
            )
        seen.setdefault(key, i)
    if errors:
        raise ValidationError(errors)
    return [village_create(actor=actor, commune=commune, name=n, kind=kind) for n in names]


@transaction.atomic
def agency_create(
    *, actor: Any, area: Area, name: str, kind: str, focal_point: Any | None = None
) -> Agency:
    _require(actor, Cap.AREAS_EDIT, area)
    name = _agency_name(area, name)
    agency = Agency.objects.create(
        area=area,
        province_code=area.province_code,
        name=name,
        kind=kind,
        focal_point=focal_point,
        name_folded=fold(name),
    )
    audit(actor=actor, action="agency.create", obj=agency, area=area, after=snapshot(agency))
    return agency


def _agency_name(area: Area, name: str, *, other_than: Agency | None = None) -> str:
    """The cleaned name of a unit of `area`: not empty, and not another unit's there (in
    any case or spelling of accents: "Trạm y tế xã" is "TRẠM Y TẾ XÃ")."""
    name = clean(name)
    if not name:
        raise ValidationError({"name": _("Tên đơn vị không được để trống.")})
    others = Agency.objects.filter(area=area, name_folded=fold(name))
    if other_than is not None:
        others = others.exclude(pk=other_than.pk)
    if others.exists():
        raise ValidationError({"name": _("Đơn vị “%(name)s” đã có.") % {"name": name}})
    return name


@transaction.atomic
def agency_update(*, actor: Any, agency: Agency, **changes: Any) -> Agency:
    _require(actor, Cap.AREAS_EDIT, agency.area)
    before = snapshot(agency)
    if "name" in changes:
        changes["name"] = _agency_name(agency.area, changes["name"], other_than=agency)
    for field in ("name", "kind", "focal_point", "phone", "is_active"):
        if field in changes:
            value = changes[field]
            setattr(agency, field, clean(value) if field in ("name", "phone") else value)
    agency.name_folded = fold(agency.name)
    agency.save()
    b, a = diff(before, snapshot(agency))
    audit(actor=actor, action="agency.update", obj=agency, area=agency.area, before=b, after=a)
    return agency


@transaction.atomic
def agencies_seed_usual(*, actor: Any, commune: Area) -> list[Agency]:
    """Create the usual commune units that do not exist yet (idempotent)."""
    created = []
    existing = set(Agency.objects.filter(area=commune).values_list("name", flat=True))
    for kind, name in USUAL_COMMUNE_AGENCIES:
        if name in existing:
            continue
        agency = Agency.objects.create(
            area=commune,
            province_code=commune.province_code,
            name=name,
            kind=kind,
            name_folded=fold(name),
        )
        audit(actor=actor, action="agency.create", obj=agency, area=commune, after=snapshot(agency))
        created.append(agency)
    return created


def _can_manage_users_in(actor: Any, area: Area) -> bool:
    return is_system_admin(actor) or has_capability(actor, Cap.USERS_MANAGE, area)


def _check_role_assignable(actor: Any, role: Role, area: Area) -> None:
    if not _can_manage_users_in(actor, area):
        raise PermissionDenied(_("Bạn không có quyền quản lý người dùng ở địa bàn này."))
    if role.slug == "admin" and not is_system_admin(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống mới cấp được vai trò quản trị."))
    if role.area_level is not None and role.area_level != area.level:
        raise ValidationError(
            {
                "area": _("Vai trò “%(role)s” phải gắn với %(level)s.")
                % {"role": role.display_name, "level": AreaLevel(role.area_level).label.lower()}
            }
        )


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    full_name: str,
    email: str = "",
    role: Role,
    area: Area,
    agency: Agency | None = None,
    validate: bool = True,
) -> Any:
    username = clean(username).lower()
    if not username:
        raise ValidationError({"username": _("Tên đăng nhập không được để trống.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Tên đăng nhập “%(u)s” đã có.") % {"u": username}})
    _check_role_assignable(actor, role, area)
    user = User(username=username, email=clean(email))
    # Vietnamese names read surname first: keep the whole name in first_name so that
    # get_full_name() shows it in the right order.
    user.first_name = clean(full_name)[:150]
    user.last_name = ""
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    AccountState.objects.create(user=user, must_change_password=True)
    membership = Membership.objects.create(user=user, area=area, role=role, agency=agency)
    if agency is not None and role.slug == "unit_focal_point" and agency.focal_point_id is None:
        agency.focal_point = user
        agency.save(update_fields=["focal_point"])
    audit(
        actor=actor,
        action="user.create",
        obj=user,
        area=area,
        after={"username": user.username, "role": role.slug, "area": area.key},
        repr_=user.username,
    )
    audit(actor=actor, action="membership.create", obj=membership, area=area)
    return user


@transaction.atomic
def membership_create(
    *, actor: Any, user: Any, role: Role, area: Area, agency: Agency | None = None
) -> Membership:
    _check_role_assignable(actor, role, area)
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, area=area, defaults={"agency": agency}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    forget_grants(user)
    audit(
        actor=actor,
        action="membership.create",
        obj=membership,
        area=area,
        after={"user": user.username, "role": role.slug, "area": area.key},
    )
    return membership


@transaction.atomic
def membership_deactivate(*, actor: Any, membership: Membership) -> Membership:
    _check_role_assignable(actor, membership.role, membership.area)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit(
        actor=actor,
        action="membership.deactivate",
        obj=membership,
        area=membership.area,
        before={"is_active": True},
        after={"is_active": False},
    )
    return membership


@transaction.atomic
def user_set_active(*, actor: Any, user: Any, active: bool) -> Any:
    areas = [m.area for m in user.memberships.select_related("area")]
    if not is_system_admin(actor) and not all(_can_manage_users_in(actor, a) for a in areas):
        raise PermissionDenied(_("Bạn không có quyền quản lý người dùng này."))
    before = user.is_active
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit(
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        obj=user,
        area=areas[0] if areas else None,
        before={"is_active": before},
        after={"is_active": active},
        repr_=user.username,
    )
    return user


@transaction.atomic
def user_password_change(*, actor: Any, user: Any, new_password: str) -> Any:
    """Audited password change (the hash itself is never written to the audit)."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    AccountState.objects.update_or_create(
        user=user,
        defaults={"must_change_password": False, "password_changed_at": timezone.now()},
    )
    audit(actor=actor, action="user.password_change", obj=user, repr_=user.username)
    return user


@transaction.atomic
def token_issue(*, actor: Any, user: Any, name: str = "") -> tuple[ApiToken, str]:
    """Issue an API token; the raw value is returned once and only its hash stored."""
    raw = "tre_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=clean(name)[:100], prefix=raw[:10], key_hash=hash_token(raw)
    )
    audit(actor=actor, action="token.issue", obj=token, repr_=f"{user.username} {token.prefix}")
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if token.user_id != getattr(actor, "pk", None) and not is_system_admin(actor):
        raise PermissionDenied(_("Bạn không có quyền thu hồi mã này."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(actor=actor, action="token.revoke", obj=token, repr_=token.prefix)
    return token
