"""Writes for the child registry. Every write checks permission and leaves an audit row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.core.access import Cap, has_capability
from treem.core.audit import audit, snapshot
from treem.core.audit import diff as _core_diff
from treem.core.errors import StaleVersion
from treem.core.models import Area, AreaLevel, AuditLog
from treem.core.text import clean, title_case
from treem.registry.idnumber import check_id_number, normalize_id_number
from treem.registry.models import (
    ADULT_AGE,
    SUBTYPES,
    Caregiver,
    CaregiverRelation,
    CaregiverStatus,
    Child,
    ChildCircumstance,
    ChildMove,
    ChildStatus,
    CircumstanceKind,
    DatePrecision,
    DisabilityLevel,
    DistinctChildren,
    Ethnicity,
    Poverty,
    Schooling,
    Sex,
    SpecialGroup,
    Support,
    SupportKind,
    SupportSource,
    caregiver_id_problems,
    years_before,
)
from treem.registry.search import plain_words, search_words_refresh, vocabulary_add

# Fields of a child that `child_update` may change (residence within the commune included).
EDITABLE_FIELDS = (
    "full_name",
    "birth_date",
    "birth_date_precision",
    "sex",
    "ethnicity",
    "id_number",
    "birth_registration_place",
    "address",
    "household_head",
    "poverty",
    "health_insurance_number",
    "schooling",
    "disability_type",
    "disability_level",
    "notes",
    "area",
)
TEXT_FIELDS = (
    "birth_registration_place",
    "address",
    "household_head",
    "health_insurance_number",
    "disability_type",
)

AUDIT_TYPE = "registry.child"


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Changed fields only, without the bookkeeping timestamp."""
    b, a = _core_diff(before, after)
    b.pop("updated_at", None)
    a.pop("updated_at", None)
    return b, a


# --------------------------------------------------------------------------- permissions


def can_create(actor: Any, area: Area) -> bool:
    return has_capability(actor, Cap.REGISTRY_CREATE, area)


def can_edit(actor: Any, child: Child) -> bool:
    """Officers edit every child in scope; a collaborator only the children they registered."""
    if has_capability(actor, Cap.REGISTRY_EDIT, child.area):
        return True
    return (
        child.created_by_id is not None
        and child.created_by_id == getattr(actor, "pk", None)
        and has_capability(actor, Cap.REGISTRY_CREATE, child.area)
    )


def _require_edit(actor: Any, child: Child) -> None:
    if not can_edit(actor, child):
        raise PermissionDenied(_("Bạn không có quyền sửa hồ sơ trẻ em này."))


# --------------------------------------------------------------------------- cleaning


def _commune_of(area: Area) -> Area:
    if area.level == AreaLevel.VILLAGE and area.parent is not None:
        return area.parent
    if area.level == AreaLevel.COMMUNE:
        return area
    raise ValidationError({"area": _("Nơi ở phải là một xã, phường hoặc một thôn.")})


def _normalise_name(value: Any) -> str:
    name = clean(value)
    if name and (name.isupper() or name.islower()):
        name = title_case(name)
    return name


def _first_of_period(day: dt.date | None, precision: str) -> dt.date | None:
    if day is None:
        return None
    if precision == DatePrecision.YEAR:
        return day.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return day.replace(day=1)
    return day


def _check_choice(errors: dict[str, str], field: str, value: Any, choices: Any) -> None:
    if value not in {c for c, _label in choices}:
        errors[field] = _("Giá trị “%(value)s” không hợp lệ cho trường %(field)s.") % {
            "value": value,
            "field": field,
        }


def _validate_child(child: Child, *, creating: bool) -> None:
    """Raise a ValidationError naming every bad field (Vietnamese messages)."""
    errors: dict[str, str] = {}
    if not child.full_name:
        errors["full_name"] = _("Họ và tên trẻ không được để trống.")
    today = dt.date.today()
    _check_choice(errors, "birth_date_precision", child.birth_date_precision, DatePrecision.choices)
    if child.birth_date is not None:
        if child.birth_date > today:
            errors["birth_date"] = _("Ngày sinh %(date)s ở tương lai.") % {
                "date": child.birth_date.strftime("%d/%m/%Y")
            }
        elif creating and child.birth_date <= years_before(today, ADULT_AGE):
            errors["birth_date"] = _(
                "Trẻ sinh ngày %(date)s đã đủ %(age)d tuổi, không còn là trẻ em."
            ) % {"date": child.birth_date.strftime("%d/%m/%Y"), "age": ADULT_AGE}
    if child.sex:
        _check_choice(errors, "sex", child.sex, Sex.choices)
    _check_choice(errors, "poverty", child.poverty, Poverty.choices)
    if child.schooling:
        _check_choice(errors, "schooling", child.schooling, Schooling.choices)
    if child.disability_level:
        _check_choice(errors, "disability_level", child.disability_level, DisabilityLevel.choices)
    if child.id_number:
        problems = check_id_number(
            child.id_number, child.sex or None, child.birth_date.year if child.birth_date else None
        )
        if problems:
            errors["id_number"] = " ".join(problems)
        else:
            clash = Child.objects.filter(id_number=child.id_number).exclude(pk=child.pk).first()
            if clash is not None:
                errors["id_number"] = _(
                    "Số định danh %(number)s đã được dùng cho trẻ “%(name)s”."
                ) % {"number": child.id_number, "name": clash.full_name}
    if errors:
        raise ValidationError(errors)


def _apply_fields(child: Child, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Không sửa được các trường: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    for name, value in fields.items():
        if name == "full_name":
            value = _normalise_name(value)
        elif name == "id_number":
            value = normalize_id_number(value) or None
        elif name in TEXT_FIELDS:
            value = clean(value)
        elif name == "notes":
            value = (value or "").strip()
        elif name in ("sex", "schooling", "disability_level"):
            value = value or ""
        elif name == "poverty":
            value = value or Poverty.NONE
        elif name == "birth_date_precision":
            value = value or DatePrecision.DAY
        elif name == "ethnicity" and isinstance(value, str):
            value = Ethnicity.objects.filter(code=value).first() if value else None
        setattr(child, name, value)
    child.birth_date = _first_of_period(child.birth_date, child.birth_date_precision)


# --------------------------------------------------------------------------- child


@transaction.atomic
def child_create(
    *,
    actor: Any,
    area: Area,
    full_name: str,
    caregivers: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Child:
    """Register a child living in `area` (a village, or the commune when the village is unknown)."""
    if not can_create(actor, area):
        raise PermissionDenied(_("Bạn không có quyền đăng ký trẻ em ở địa bàn này."))
    if area.is_legacy:
        raise ValidationError({"area": _("Không đăng ký trẻ em vào đơn vị hành chính cũ.")})
    commune = _commune_of(area)
    child = Child(area=area, commune=commune, province_code=area.province_code)
    child.created_by = actor if getattr(actor, "is_authenticated", False) else None
    _apply_fields(child, {"full_name": full_name, **fields})
    _validate_child(child, creating=True)
    child.set_derived()
    try:
        with transaction.atomic():
            child.save()
    except IntegrityError as exc:
        raise ValidationError({"id_number": _("Số định danh đã được dùng cho trẻ khác.")}) from exc
    vocabulary_add(plain_words(child.search_words))
    audit(actor=actor, action="child.create", obj=child, after=snapshot(child))
    for data in caregivers or []:
        if clean(data.get("full_name")):
            caregiver_add(actor=actor, child=child, **data)
    return child


@transaction.atomic
def child_update(*, actor: Any, child: Child, version: int, **changes: Any) -> Child:
    """Change a child's details. `version` is the one the editor loaded; stale -> refused."""
    _require_edit(actor, child)
    locked = Child.objects.select_for_update().select_related("area").get(pk=child.pk)
    if locked.version != int(version):
        raise StaleVersion(
            _(
                "Hồ sơ của trẻ “%(name)s” vừa được người khác sửa (phiên bản %(current)d, "
                "bạn đang sửa phiên bản %(yours)d). Hãy tải lại trang để xem thay đổi mới "
                "rồi sửa lại; thay đổi của bạn chưa được lưu."
            )
            % {"name": locked.full_name, "current": locked.version, "yours": int(version)}
        )
    if locked.merged_into_id:
        raise ValidationError(_("Hồ sơ này đã được gộp vào hồ sơ khác, không sửa được."))
    before = snapshot(locked)
    if "area" in changes:
        new_area = changes["area"]
        if new_area is None or _commune_of(new_area).pk != locked.commune_id:
            raise ValidationError(
                {"area": _("Chỉ đổi được thôn trong cùng xã; chuyển xã hãy dùng “Chuyển đi”.")}
            )
        if not can_create(actor, new_area) and not has_capability(
            actor, Cap.REGISTRY_EDIT, new_area
        ):
            raise PermissionDenied(_("Bạn không có quyền chuyển trẻ sang thôn này."))
    _apply_fields(locked, changes)
    _validate_child(locked, creating=False)
    locked.set_derived()
    locked.version += 1
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError as exc:
        raise ValidationError({"id_number": _("Số định danh đã được dùng cho trẻ khác.")}) from exc
    vocabulary_add(plain_words(locked.search_words))
    b, a = diff(before, snapshot(locked))
    audit(actor=actor, action="child.update", obj=locked, before=b, after=a)
    return locked


def _status_change(
    actor: Any, child: Child, version: int | None, action: str, **values: Any
) -> Child:
    _require_edit(actor, child)
    locked = Child.objects.select_for_update().get(pk=child.pk)
    if version is not None and locked.version != int(version):
        raise StaleVersion(
            _("Hồ sơ của trẻ “%(name)s” vừa được người khác sửa. Hãy tải lại trang.")
            % {"name": locked.full_name}
        )
    before = snapshot(locked)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    b, a = diff(before, snapshot(locked))
    audit(actor=actor, action=action, obj=locked, before=b, after=a)
    return locked


@transaction.atomic
def child_mark_died(
    *, actor: Any, child: Child, date: dt.date, cause: str = "", version: int | None = None
) -> Child:
    if date is None:
        raise ValidationError({"date": _("Hãy nhập ngày mất.")})
    if date > dt.date.today():
        raise ValidationError({"date": _("Ngày mất không được ở tương lai.")})
    if child.birth_date and date < child.birth_date:
        raise ValidationError({"date": _("Ngày mất không được trước ngày sinh.")})
    if child.status == ChildStatus.DIED:
        raise ValidationError(_("Trẻ đã được ghi nhận là đã chết."))
    return _status_change(
        actor,
        child,
        version,
        "child.died",
        status=ChildStatus.DIED,
        status_date=date,
        death_cause=clean(cause),
    )


@transaction.atomic
def child_archive(
    *, actor: Any, child: Child, date: dt.date | None = None, version: int | None = None
) -> Child:
    """Archive a record (kept, read-only): used when the child turns 16."""
    if child.status == ChildStatus.ARCHIVED:
        raise ValidationError(_("Hồ sơ đã được lưu trữ."))
    return _status_change(
        actor,
        child,
        version,
        "child.archive",
        status=ChildStatus.ARCHIVED,
        status_date=date or dt.date.today(),
    )


@transaction.atomic
def child_reactivate(*, actor: Any, child: Child, version: int | None = None) -> Child:
    """Undo an archive or a "moved away" (for a record archived by mistake)."""
    if child.status == ChildStatus.ACTIVE:
        raise ValidationError(_("Hồ sơ đang được theo dõi."))
    if child.birth_date and child.birth_date <= years_before(dt.date.today(), ADULT_AGE):
        raise ValidationError(_("Trẻ đã đủ 16 tuổi, không thể theo dõi lại như trẻ em."))
    return _status_change(
        actor,
        child,
        version,
        "child.reactivate",
        status=ChildStatus.ACTIVE,
        status_date=dt.date.today(),
        death_cause="",
    )


@transaction.atomic
def child_move(
    *,
    actor: Any,
    child: Child,
    to_commune: Area | None,
    to_village: Area | None = None,
    date: dt.date | None = None,
    note: str = "",
) -> Child:
    """Move a child to another commune (the record and its history go with it).

    `to_commune=None` records a move out of the system's reach (status "moved").
    """
    _require_edit(actor, child)
    locked = Child.objects.select_for_update().select_related("area", "commune").get(pk=child.pk)
    date = date or dt.date.today()
    if locked.status != ChildStatus.ACTIVE:
        raise ValidationError(_("Chỉ chuyển được hồ sơ đang theo dõi."))
    before = snapshot(locked)
    if to_commune is None:
        locked.status = ChildStatus.MOVED
        locked.status_date = date
        locked.version += 1
        locked.save()
        b, a = diff(before, snapshot(locked))
        audit(
            actor=actor,
            action="child.move_away",
            obj=locked,
            before=b,
            after={**a, "note": clean(note)},
        )
        return locked
    if to_commune.level != AreaLevel.COMMUNE or to_commune.is_legacy:
        raise ValidationError({"to_commune": _("Nơi chuyển đến phải là một xã, phường hiện hành.")})
    if to_village is not None and to_village.parent_id != to_commune.pk:
        raise ValidationError({"to_village": _("Thôn được chọn không thuộc xã chuyển đến.")})
    if to_commune.pk == locked.commune_id and to_village is None:
        raise ValidationError({"to_commune": _("Trẻ đang ở xã này rồi.")})
    target = to_village or to_commune
    ChildMove.objects.create(
        child=locked,
        from_commune=locked.commune,
        from_area=locked.area,
        to_commune=to_commune,
        to_area=target,
        date=date,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=clean(note),
    )
    old_area = locked.area
    locked.area = target
    locked.commune = to_commune
    locked.province_code = to_commune.province_code
    locked.version += 1
    locked.save()
    b, a = diff(before, snapshot(locked))
    # One row for each side, so both communes' audit trails show the move.
    audit(actor=actor, action="child.move_out", obj=locked, area=old_area, before=b, after=a)
    audit(actor=actor, action="child.move_in", obj=locked, area=target, before=b, after=a)
    return locked


def children_age_out(*, actor: Any = None, on: dt.date | None = None) -> int:
    """Archive every active child aged 16 or more on `on` (the `age_out` command)."""
    on = on or dt.date.today()
    cutoff = years_before(on, ADULT_AGE)
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                Child.objects.select_for_update()
                .filter(status=ChildStatus.ACTIVE, birth_date__lte=cutoff)
                .select_related("area")
                .order_by("pk")[:1000]
            )
            if not batch:
                break
            ids = [c.pk for c in batch]
            Child.objects.filter(pk__in=ids).update(
                status=ChildStatus.ARCHIVED, status_date=on, updated_at=timezone.now()
            )
            AuditLog.objects.bulk_create(
                [
                    AuditLog(
                        actor=actor if getattr(actor, "is_authenticated", False) else None,
                        actor_name=actor.get_username()
                        if getattr(actor, "is_authenticated", False)
                        else "hệ thống",
                        action="child.age_out",
                        object_type=Child._meta.label_lower,
                        object_id=str(c.pk),
                        object_repr=str(c)[:255],
                        area=c.area,
                        area_path=c.area.path,
                        province_code=c.province_code,
                        before={"status": ChildStatus.ACTIVE},
                        after={"status": ChildStatus.ARCHIVED, "status_date": on.isoformat()},
                    )
                    for c in batch
                ]
            )
            total += len(batch)
    return total


# --------------------------------------------------------------------------- caregivers


def _caregiver_values(
    data: dict[str, Any], errors: dict[str, str], current: Caregiver | None = None
) -> dict[str, Any]:
    """The checked values of a caregiver's fields in `data` (errors by field into
    `errors`); `current`: the caregiver being changed, for the fields not in `data`."""
    values: dict[str, Any] = {}
    if "relation" in data:
        _check_choice(errors, "relation", data["relation"], CaregiverRelation.choices)
        values["relation"] = data["relation"]
    if "full_name" in data:
        values["full_name"] = _normalise_name(data["full_name"])
        if not values["full_name"]:
            errors["full_name"] = _("Họ và tên người chăm sóc không được để trống.")
    if "birth_year" in data:
        year = data["birth_year"]
        if year in (None, ""):
            values["birth_year"] = None
        else:
            try:
                year = int(year)
            except (TypeError, ValueError):
                year = -1
            if not 1900 <= year <= dt.date.today().year:
                errors["birth_year"] = _("Năm sinh “%(value)s” không hợp lệ.") % {
                    "value": data["birth_year"]
                }
            values["birth_year"] = year
    if "phone" in data:
        phone = clean(data["phone"])
        digits = phone.replace(" ", "").replace(".", "").replace("+84", "0")
        if phone and (not digits.isdigit() or not 9 <= len(digits) <= 11):
            errors["phone"] = _("Số điện thoại “%(value)s” không hợp lệ.") % {"value": phone}
        values["phone"] = phone
    # The number (entered now, or stored when the relation or birth year changes): a
    # father's codes a man, a mother's a woman; both code the birth year.
    if "id_number" in data:
        number = values["id_number"] = normalize_id_number(data["id_number"])
    elif current is not None and ("relation" in data or "birth_year" in data):
        number = current.id_number
    else:
        number = ""
    if number:
        relation = values.get("relation", current.relation if current else "")
        year = values.get("birth_year", current.birth_year if current else None)
        known = isinstance(year, int) and year > 0 and "birth_year" not in errors
        problems = caregiver_id_problems(number, relation, year if known else None)
        if problems:
            errors["id_number"] = " ".join(problems)
    if "status" in data:
        _check_choice(errors, "status", data["status"], CaregiverStatus.choices)
        values["status"] = data["status"]
    return values


@transaction.atomic
def caregiver_add(
    *,
    actor: Any,
    child: Child,
    relation: str,
    full_name: str,
    birth_year: int | None = None,
    phone: str = "",
    id_number: str = "",
    status: str = CaregiverStatus.LIVING,
) -> Caregiver:
    _require_edit(actor, child)
    errors: dict[str, str] = {}
    values = _caregiver_values(
        {
            "relation": relation,
            "full_name": full_name,
            "birth_year": birth_year,
            "phone": phone,
            "id_number": id_number,
            "status": status,
        },
        errors,
    )
    if errors:
        raise ValidationError(errors)
    caregiver = Caregiver(child=child, **values)
    caregiver.set_derived()
    caregiver.save()
    search_words_refresh([child.pk])
    audit(
        actor=actor,
        action="caregiver.add",
        obj=child,
        after={"caregiver": snapshot(caregiver)},
    )
    return caregiver


@transaction.atomic
def caregiver_update(*, actor: Any, caregiver: Caregiver, **changes: Any) -> Caregiver:
    child = caregiver.child
    _require_edit(actor, child)
    errors: dict[str, str] = {}
    values = _caregiver_values(changes, errors, caregiver)
    if errors:
        raise ValidationError(errors)
    before = snapshot(caregiver)
    for name, value in values.items():
        setattr(caregiver, name, value)
    caregiver.set_derived()
    caregiver.save()
    search_words_refresh([child.pk])
    b, a = diff(before, snapshot(caregiver))
    audit(
        actor=actor,
        action="caregiver.update",
        obj=child,
        before={"caregiver": b},
        after={"caregiver": {**a, "id": caregiver.pk}},
    )
    return caregiver


@transaction.atomic
def caregiver_remove(*, actor: Any, caregiver: Caregiver) -> Caregiver:
    """Hide a caregiver entered by mistake (kept in the database and the audit)."""
    _require_edit(actor, caregiver.child)
    caregiver.removed_at = timezone.now()
    caregiver.save(update_fields=["removed_at"])
    search_words_refresh([caregiver.child_id])
    audit(
        actor=actor,
        action="caregiver.remove",
        obj=caregiver.child,
        before={"caregiver": snapshot(caregiver)},
    )
    return caregiver


# --------------------------------------------------------------------------- circumstances


@transaction.atomic
def circumstance_add(
    *,
    actor: Any,
    child: Child,
    kind: str,
    group: str,
    subtype: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    note: str = "",
    verified: bool = False,
) -> ChildCircumstance:
    """Put a child in a special-circumstance group (Điều 10), an "at risk" flag, or other."""
    _require_edit(actor, child)
    errors: dict[str, str] = {}
    group = clean(group)
    subtype = clean(subtype)
    _check_choice(errors, "kind", kind, CircumstanceKind.choices)
    if kind == CircumstanceKind.SPECIAL:
        if group not in SpecialGroup.values:
            errors["group"] = _(
                "Nhóm “%(value)s” không thuộc 14 nhóm hoàn cảnh đặc biệt (Điều 10)."
            ) % {"value": group}
        elif subtype and subtype not in dict(SUBTYPES.get(group, [])):
            errors["subtype"] = _("Phân loại “%(value)s” không hợp lệ cho nhóm này.") % {
                "value": subtype
            }
    elif not group:
        errors["group"] = _("Hãy nhập nhóm hoàn cảnh.")
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
    if start_date and start_date > dt.date.today():
        errors["start_date"] = _("Ngày bắt đầu không được ở tương lai.")
    if not errors and kind == CircumstanceKind.SPECIAL:
        open_same = child.circumstances.filter(
            kind=kind, group=group, end_date__isnull=True, removed_at__isnull=True
        )
        if open_same.exists():
            errors["group"] = _("Trẻ đang thuộc nhóm này (chưa kết thúc).")
    if errors:
        raise ValidationError(errors)
    circumstance = ChildCircumstance.objects.create(
        child=child,
        kind=kind,
        group=group,
        subtype=subtype,
        start_date=start_date,
        end_date=end_date,
        note=(note or "").strip(),
        verified_by=actor if verified and getattr(actor, "is_authenticated", False) else None,
    )
    audit(
        actor=actor,
        action="circumstance.add",
        obj=child,
        after={"circumstance": snapshot(circumstance)},
    )
    return circumstance


@transaction.atomic
def circumstance_end(
    *, actor: Any, circumstance: ChildCircumstance, end_date: dt.date, note: str = ""
) -> ChildCircumstance:
    _require_edit(actor, circumstance.child)
    if end_date is None:
        raise ValidationError({"end_date": _("Hãy nhập ngày kết thúc.")})
    if circumstance.start_date and end_date < circumstance.start_date:
        raise ValidationError({"end_date": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    before = snapshot(circumstance)
    circumstance.end_date = end_date
    if note:
        circumstance.note = (circumstance.note + "\n" + note.strip()).strip()
    circumstance.save()
    b, a = diff(before, snapshot(circumstance))
    audit(
        actor=actor,
        action="circumstance.end",
        obj=circumstance.child,
        before={"circumstance": b},
        after={"circumstance": {**a, "id": circumstance.pk}},
    )
    return circumstance


@transaction.atomic
def circumstance_remove(*, actor: Any, circumstance: ChildCircumstance) -> ChildCircumstance:
    _require_edit(actor, circumstance.child)
    circumstance.removed_at = timezone.now()
    circumstance.save(update_fields=["removed_at"])
    audit(
        actor=actor,
        action="circumstance.remove",
        obj=circumstance.child,
        before={"circumstance": snapshot(circumstance)},
    )
    return circumstance


# --------------------------------------------------------------------------- support


@transaction.atomic
def support_add(
    *,
    actor: Any,
    child: Child,
    kind: str,
    date: dt.date,
    end_date: dt.date | None = None,
    amount: Decimal | int | str | None = None,
    source: str = "",
    provider: str = "",
    note: str = "",
) -> Support:
    _require_edit(actor, child)
    errors: dict[str, str] = {}
    _check_choice(errors, "kind", kind, SupportKind.choices)
    if source:
        _check_choice(errors, "source", source, SupportSource.choices)
    if date is None:
        errors["date"] = _("Hãy nhập ngày trợ giúp.")
    elif date > timezone.localdate():
        # support received: a plan for later is not yet support (its end may be later)
        errors["date"] = _("Ngày trợ giúp %(date)s là ngày trong tương lai.") % {
            "date": date.strftime("%d/%m/%Y")
        }
    elif end_date and end_date < date:
        errors["end_date"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
    value: Decimal | None = None
    if amount not in (None, ""):
        try:
            value = Decimal(str(amount).replace(".", "").replace(",", "").replace(" ", ""))
        except InvalidOperation:
            errors["amount"] = _("Số tiền “%(value)s” không hợp lệ.") % {"value": amount}
        else:
            if value < 0:
                errors["amount"] = _("Số tiền không được âm.")
    if errors:
        raise ValidationError(errors)
    support = Support.objects.create(
        child=child,
        kind=kind,
        date=date,
        end_date=end_date,
        amount=value,
        source=source,
        provider=clean(provider),
        note=(note or "").strip(),
    )
    audit(actor=actor, action="support.add", obj=child, after={"support": snapshot(support)})
    return support


@transaction.atomic
def support_remove(*, actor: Any, support: Support) -> Support:
    _require_edit(actor, support.child)
    support.removed_at = timezone.now()
    support.save(update_fields=["removed_at"])
    audit(
        actor=actor,
        action="support.remove",
        obj=support.child,
        before={"support": snapshot(support)},
    )
    return support


# --------------------------------------------------------------------------- merge

MERGE_FILLABLE = (
    "birth_date",
    "birth_date_precision",
    "sex",
    "ethnicity_id",
    "id_number",
    "birth_registration_place",
    "address",
    "household_head",
    "health_insurance_number",
    "schooling",
    "disability_type",
    "disability_level",
)


@transaction.atomic
def children_merge(*, actor: Any, survivor: Child, duplicate: Child) -> AuditLog:
    """Merge `duplicate` into `survivor`: caregivers, groups, support and moves move over,
    blank fields of the survivor are filled; the duplicate stays, marked merged.

    The audit row records exactly what moved, so `children_unmerge` can undo it.
    """
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("Không thể gộp một hồ sơ với chính nó."))
    _require_edit(actor, survivor)
    _require_edit(actor, duplicate)
    pair = {
        c.pk: c
        for c in Child.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])
    }
    survivor, duplicate = pair[survivor.pk], pair[duplicate.pk]
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise ValidationError(_("Một trong hai hồ sơ đã được gộp trước đó."))
    moved = {
        "caregivers": list(duplicate.caregivers.values_list("pk", flat=True)),
        "circumstances": list(duplicate.circumstances.values_list("pk", flat=True)),
        "supports": list(duplicate.supports.values_list("pk", flat=True)),
        "moves": list(duplicate.moves.values_list("pk", flat=True)),
    }
    Caregiver.objects.filter(pk__in=moved["caregivers"]).update(child=survivor)
    ChildCircumstance.objects.filter(pk__in=moved["circumstances"]).update(child=survivor)
    Support.objects.filter(pk__in=moved["supports"]).update(child=survivor)
    ChildMove.objects.filter(pk__in=moved["moves"]).update(child=survivor)
    survivor_before = snapshot(survivor)
    duplicate_before = snapshot(duplicate)
    filled: dict[str, Any] = {}
    dup_id_number = duplicate.id_number
    if dup_id_number and not survivor.id_number:
        duplicate.id_number = None  # free the unique number before the survivor takes it
        duplicate.save(update_fields=["id_number"])
    for name in MERGE_FILLABLE:
        mine = getattr(survivor, name)
        theirs = dup_id_number if name == "id_number" else getattr(duplicate, name)
        if name == "birth_date_precision":
            continue
        if (mine in (None, "")) and theirs not in (None, ""):
            setattr(survivor, name, theirs)
            filled[name] = theirs
            if name == "birth_date":
                survivor.birth_date_precision = duplicate.birth_date_precision
                filled["birth_date_precision"] = duplicate.birth_date_precision
    if duplicate.notes:
        survivor.notes = (survivor.notes + "\n" + duplicate.notes).strip()
    survivor.set_derived()
    survivor.version += 1
    survivor.save()
    duplicate.merged_into = survivor
    duplicate.version += 1
    duplicate.save()
    search_words_refresh([survivor.pk, duplicate.pk])
    sb, sa = diff(survivor_before, snapshot(survivor))
    db_, da = diff(duplicate_before, snapshot(duplicate))
    audit(
        actor=actor,
        action="child.merged_into",
        obj=duplicate,
        before=db_,
        after={**da, "survivor": survivor.pk},
    )
    return audit(
        actor=actor,
        action="child.merge",
        obj=survivor,
        before={"survivor": sb, "duplicate": db_},
        after={
            "survivor": sa,
            "duplicate_id": duplicate.pk,
            "duplicate_name": duplicate.full_name,
            "moved": moved,
            "filled": filled,
        },
    )


@transaction.atomic
def children_mark_distinct(*, actor: Any, children: list[Child]) -> list[DistinctChildren]:
    """The officer checked the records of a probable-duplicate group and found them to be
    different children: each pair is recorded (once), so the group leaves the review page.
    Audited; `children_unmark_distinct` undoes it."""
    pks = sorted({c.pk for c in children})
    if len(pks) < 2:
        raise ValidationError(_("Cần ít nhất hai hồ sơ để xác nhận là các trẻ khác nhau."))
    locked = list(Child.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    for child in locked:
        _require_edit(actor, child)
    if len({c.commune_id for c in locked}) > 1:
        raise ValidationError(_("Các hồ sơ không cùng một xã."))
    if any(c.merged_into_id for c in locked):
        raise ValidationError(_("Một trong các hồ sơ đã được gộp trước đó."))
    active = set(
        DistinctChildren.objects.filter(
            first_id__in=pks, second_id__in=pks, undone_at__isnull=True
        ).values_list("first_id", "second_id")
    )
    commune = locked[0].commune
    user = actor if getattr(actor, "is_authenticated", False) else None
    created = [
        DistinctChildren.objects.create(
            area=commune,
            province_code=commune.province_code,
            first=a,
            second=b,
            decided_by=user,
        )
        for i, a in enumerate(locked)
        for b in locked[i + 1 :]
        if (a.pk, b.pk) not in active
    ]
    for pair in created:
        audit(
            actor=actor,
            action="child.distinct",
            obj=pair,
            area=commune,
            after={"children": [pair.first_id, pair.second_id]},
            repr_=f"{pair.first.full_name} #{pair.first_id} ≠ #{pair.second_id}",
        )
    return created


@transaction.atomic
def children_unmark_distinct(*, actor: Any, pair: DistinctChildren) -> DistinctChildren:
    """Undo "different children": the pair comes back on the review page (the decision
    stays, marked undone)."""
    locked = DistinctChildren.objects.select_for_update().select_related("first").get(pk=pair.pk)
    _require_edit(actor, locked.first)
    if locked.undone_at is not None:
        raise ValidationError(_("Xác nhận này đã được hoàn tác."))
    locked.undone_at = timezone.now()
    locked.undone_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.save(update_fields=["undone_at", "undone_by", "updated_at"])
    audit(
        actor=actor,
        action="child.distinct_undo",
        obj=locked,
        area=locked.area,
        after={"children": [locked.first_id, locked.second_id]},
        repr_=f"{locked.first.full_name} #{locked.first_id} ≠ #{locked.second_id}",
    )
    return locked


@transaction.atomic
def children_unmerge(*, actor: Any, log: AuditLog) -> Child:
    """Undo a merge from its audit row: rows move back, filled fields are cleared."""
    if log.action != "child.merge" or not log.after:
        raise ValidationError(_("Dòng nhật ký này không phải một lần gộp hồ sơ."))
    if AuditLog.objects.filter(
        action="child.unmerge", object_type=log.object_type, after__merge_log=log.pk
    ).exists():
        raise ValidationError(_("Lần gộp này đã được hoàn tác."))
    survivor = Child.objects.select_for_update().get(pk=int(log.object_id))
    duplicate = Child.objects.select_for_update().get(pk=int(log.after["duplicate_id"]))
    _require_edit(actor, survivor)
    if duplicate.merged_into_id != survivor.pk:
        raise ValidationError(_("Hồ sơ trùng không còn được gộp vào hồ sơ này."))
    moved = log.after.get("moved", {})
    Caregiver.objects.filter(pk__in=moved.get("caregivers", []), child=survivor).update(
        child=duplicate
    )
    ChildCircumstance.objects.filter(pk__in=moved.get("circumstances", []), child=survivor).update(
        child=duplicate
    )
    Support.objects.filter(pk__in=moved.get("supports", []), child=survivor).update(child=duplicate)
    ChildMove.objects.filter(pk__in=moved.get("moves", []), child=survivor).update(child=duplicate)
    survivor_before = snapshot(survivor)
    previous = (log.before or {}).get("survivor", {})
    for name in log.after.get("filled", {}):
        setattr(survivor, name, previous.get(name))
    if "notes" in previous:
        survivor.notes = previous["notes"]
    restored_id = (log.before or {}).get("duplicate", {}).get("id_number")
    if "id_number" in log.after.get("filled", {}):
        restored_id = log.after["filled"]["id_number"]
        survivor.id_number = None
    survivor.set_derived()
    survivor.version += 1
    survivor.save()
    duplicate.merged_into = None
    if restored_id:
        duplicate.id_number = restored_id
    duplicate.set_derived()
    duplicate.version += 1
    duplicate.save()
    search_words_refresh([survivor.pk, duplicate.pk])
    sb, sa = diff(survivor_before, snapshot(survivor))
    audit(
        actor=actor,
        action="child.unmerge",
        obj=survivor,
        before=sb,
        after={**sa, "merge_log": log.pk, "duplicate_id": duplicate.pk},
    )
    return duplicate
