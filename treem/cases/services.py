"""Writes of the case procedure and of incidents. Each one checks the actor's right,
runs in a transaction and leaves an audit row (never the case's confidential content)."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.cases import clock
from treem.cases.models import (
    AbuseForm,
    Case,
    CaseForm,
    CaseReporter,
    CaseStatus,
    CaseStep,
    Incident,
    IncidentKind,
    IncidentOutcome,
    ItemStatus,
    PerpetratorRelation,
    Plan,
    PlanItem,
    PlanStatus,
    ReviewOutcome,
    RiskLevel,
    Setting,
    Source,
    StepKind,
)
from treem.cases.rules import may_approve, may_assign, may_edit
from treem.cases.steps import ALLOWED_FROM, LEADER_STEPS, NEXT_BY_STATUS, STEP_FIELDS
from treem.core.access import Cap, has_capability, scoped
from treem.core.audit import audit
from treem.core.errors import StaleVersion
from treem.core.i18n import record_language
from treem.core.models import Area, AreaLevel, Membership
from treem.core.text import clean

CLOCK_SKEW = dt.timedelta(minutes=5)


# --------------------------------------------------------------------------- helpers


def _commune_of(area: Area) -> Area:
    if area.level == AreaLevel.VILLAGE and area.parent is not None:
        return area.parent
    if area.level == AreaLevel.COMMUNE:
        return area
    raise ValidationError({"area": _("Địa bàn phải là một xã, phường hoặc một thôn.")})


def _child_snapshot(case: Case | Incident, child: Any, on: dt.date) -> None:
    from treem.registry.models import age_group_of, age_on

    case.child_sex = child.sex or ""
    case.child_age_group = age_group_of(age_on(child.birth_date, on))


def _age_group_from_year(birth_year: int | None, on: dt.date) -> str:
    from treem.registry.models import age_group_of

    if not birth_year:
        return ""
    return age_group_of(on.year - birth_year - 1 if on.month < 7 else on.year - birth_year)


def _default_officer(commune: Area) -> Any:
    m = (
        Membership.objects.filter(
            area=commune, role__slug="commune_officer", is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("id")
        .first()
    )
    return m.user if m else None


def _next_code(commune: Area, year: int) -> str:
    n = Case.objects.filter(area=commune, code__startswith=f"{year}-").count() + 1
    while Case.objects.filter(area=commune, code=f"{year}-{n:03d}").exists():
        n += 1
    return f"{year}-{n:03d}"


def _check_choice(errors: dict[str, str], name: str, value: Any, choices: Any, label: str) -> None:
    if value and value not in {c for c, _l in choices}:
        errors[name] = _("%(field)s: giá trị “%(value)s” không hợp lệ.") % {
            "field": label,
            "value": value,
        }


def refresh_clock(case: Case, holidays: set[dt.date] | None = None) -> None:
    """Recompute the case's deadlines and its next step (does not save)."""
    if holidays is None:
        start = clock.local_date(case.plan_clock_from or case.received_at)
        latest = max(
            [start] + [clock.local_date(p.submitted_at) for p in case.plans.all() if p.submitted_at]
        )
        holidays = clock.holidays_between(start, latest + dt.timedelta(days=90))
    case.emergency_due_at = clock.emergency_due(case.received_at) if case.serious_risk else None
    case.plan_due_on = clock.plan_draft_due(case.plan_clock_from or case.received_at, holidays)
    # The approval clock of the latest plan (kept after the decision, to show timeliness)
    latest_plan = case.plans.order_by("-number").first() if case.pk else None
    case.approval_due_on = (
        clock.plan_approval_due(latest_plan.submitted_at, holidays) if latest_plan else None
    )
    case.separation_due_on = (
        clock.separation_due(case.separation_started_at) if case.separation_started_at else None
    )
    candidates: list[tuple[dt.datetime | None, str]] = []
    if case.is_open and case.serious_risk and case.emergency_at is None:
        candidates.append((case.emergency_due_at, StepKind.EMERGENCY))
    if case.separation_active and case.separation_due_on:
        candidates.append((clock.end_of_day(case.separation_due_on), StepKind.SEPARATION_END))
    step = NEXT_BY_STATUS.get(case.status)
    if step:
        due: dt.datetime | None = None
        if case.status in (
            CaseStatus.RECEIVED,
            CaseStatus.ASSESSED,
            CaseStatus.DETAILED,
            CaseStatus.PLANNING,
        ):
            due = clock.end_of_day(case.plan_due_on)
        elif case.status == CaseStatus.AWAITING_APPROVAL and case.approval_due_on:
            due = clock.end_of_day(case.approval_due_on)
        candidates.append((due, step))
    if not candidates:
        case.next_step, case.next_due_at = "", None
        return
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    due, step = min(candidates, key=lambda c: c[0] or far)
    case.next_step, case.next_due_at = step, due


def _audit_case(actor: Any, action: str, case: Case, **after: Any) -> None:
    # Only the procedural facts: the content of a case file never goes to the audit log.
    audit(
        actor=actor,
        action=action,
        obj=case,
        area=case.area,
        after={"code": case.code, "status": case.status, **after},
    )


def _ensure_child(actor: Any, case: Case) -> None:
    """Create the minimal registry record the intake described (officer's first step)."""
    if case.child_id is not None or not case.child_name:
        return
    from treem.registry.services import child_create

    fields: dict[str, Any] = {}
    if case.child_sex:
        fields["sex"] = case.child_sex
    if case.child_birth_year:
        fields["birth_date"] = dt.date(case.child_birth_year, 1, 1)
        fields["birth_date_precision"] = "year"
    with record_language():  # stored: in the records' language (see core.i18n)
        notes = _("Tạo từ thông tin tiếp nhận vụ việc; cần bổ sung.")
    child = child_create(
        actor=actor,
        area=case.village or case.area,
        full_name=case.child_name,
        notes=notes,
        **fields,
    )
    case.child = child


# --------------------------------------------------------------------------- intake


@transaction.atomic
def case_intake(
    *,
    actor: Any,
    received_at: dt.datetime,
    source: str,
    forms: list[str],
    description: str,
    serious_risk: bool = False,
    area: Area | None = None,
    child: Any = None,
    child_details: dict[str, Any] | None = None,
    reporter: dict[str, Any] | None = None,
    setting: str = "",
    perpetrator_relation: str = "",
    happened_when: str = "",
    happened_where: str = "",
) -> Case:
    """Record a report (Mẫu 01). Give `child` (a registry record) or `child_details`
    (full_name, sex, birth_year) for a minimal new record, and the `area` (commune or
    village) when there is no registry child. Collaborators and unit focal points may
    submit; they cannot read the case afterwards."""
    errors: dict[str, str] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Nội dung vụ việc không được để trống.")
    _check_choice(errors, "source", source, Source.choices, _("Nguồn thông tin"))
    if not source:
        errors["source"] = _("Hãy chọn nguồn thông tin.")
    forms = list(dict.fromkeys(forms or []))
    if not forms:
        errors["forms"] = _("Hãy chọn ít nhất một hình thức xâm hại hoặc nguy cơ.")
    bad = [f for f in forms if f not in AbuseForm.values]
    if bad:
        errors["forms"] = _("Hình thức không hợp lệ: %(values)s.") % {"values": ", ".join(bad)}
    _check_choice(errors, "setting", setting, Setting.choices, _("Môi trường xảy ra"))
    _check_choice(
        errors,
        "perpetrator_relation",
        perpetrator_relation,
        PerpetratorRelation.choices,
        _("Quan hệ của người gây hại"),
    )
    if received_at is None:
        errors["received_at"] = _("Hãy nhập thời điểm tiếp nhận.")
    elif timezone.is_naive(received_at):
        received_at = received_at.replace(tzinfo=clock.VN_TZ)
    if received_at is not None and received_at > timezone.now() + CLOCK_SKEW:
        errors["received_at"] = _("Thời điểm tiếp nhận không được ở tương lai.")
    details = child_details or {}
    if child is None:
        name = clean(details.get("full_name"))
        if not name:
            errors["child"] = _("Hãy chọn trẻ trong danh sách hoặc nhập họ tên trẻ.")
        if details.get("sex") and details["sex"] not in ("male", "female"):
            errors["child"] = _("Giới tính của trẻ phải là “male” hoặc “female”.")
        year = details.get("birth_year")
        if year not in (None, ""):
            try:
                year = int(year)
            except (TypeError, ValueError):
                year = -1
            this_year = timezone.localdate().year
            if not this_year - 17 <= year <= this_year:
                errors["child"] = _("Năm sinh của trẻ không hợp lệ.")
    if errors:
        raise ValidationError(errors)

    where: Area
    if child is not None:
        where = child.area
        if area is not None and _commune_of(area).pk != child.commune_id:
            raise ValidationError({"area": _("Trẻ không sống ở địa bàn đã chọn.")})
    elif area is not None:
        where = area
    else:
        raise ValidationError({"area": _("Hãy chọn thôn hoặc xã nơi trẻ sống.")})
    if where.is_legacy:
        raise ValidationError({"area": _("Không tiếp nhận vụ việc vào đơn vị hành chính cũ.")})
    if not has_capability(actor, Cap.CASES_INTAKE, where):
        raise PermissionDenied(_("Bạn không có quyền tiếp nhận vụ việc ở địa bàn này."))
    commune = _commune_of(where)
    village = where if where.level == AreaLevel.VILLAGE else None

    case = Case(
        area=commune,
        province_code=commune.province_code,
        village=village,
        child=child,
        received_at=received_at,
        source=source,
        setting=setting,
        perpetrator_relation=perpetrator_relation,
        happened_when=clean(happened_when),
        happened_where=clean(happened_where),
        description=description,
        serious_risk=bool(serious_risk),
        intake_by=actor,
        status=CaseStatus.RECEIVED,
        plan_clock_from=received_at,
    )
    on = clock.local_date(received_at)
    if child is not None:
        case.child_name = child.full_name
        case.child_birth_year = child.birth_date.year if child.birth_date else None
        _child_snapshot(case, child, on)
    else:
        case.child_name = clean(details.get("full_name"))
        case.child_sex = details.get("sex") or ""
        case.child_birth_year = int(details["birth_year"]) if details.get("birth_year") else None
        case.child_age_group = _age_group_from_year(case.child_birth_year, on)
        if has_capability(actor, Cap.REGISTRY_CREATE, where):
            _ensure_child(actor, case)
    case.assigned_officer = (
        actor if has_capability(actor, Cap.CASES_EDIT, commune) else _default_officer(commune)
    )
    for _attempt in range(3):
        case.code = _next_code(commune, on.year)
        try:
            with transaction.atomic():
                case.save()
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - three concurrent intakes in the same second
        raise ValidationError(_("Không cấp được số hồ sơ, vui lòng thử lại."))
    CaseForm.objects.bulk_create([CaseForm(case=case, form=f) for f in forms])
    rep = reporter or {}
    CaseReporter.objects.create(
        case=case,
        full_name=clean(rep.get("full_name") or rep.get("name")),
        phone=clean(rep.get("phone")),
        relation=clean(rep.get("relation")),
        address=clean(rep.get("address")),
    )
    CaseStep.objects.create(
        case=case,
        kind=StepKind.INTAKE,
        at=received_at,
        actor=actor,
        actor_name=actor.get_full_name() or actor.get_username(),
        data={"source": source, "forms": forms},
    )
    refresh_clock(case)
    case.save()
    _audit_case(actor, "case.intake", case, forms=forms, serious_risk=case.serious_risk)
    return case


@transaction.atomic
def case_assign(*, actor: Any, case: Case, officer: Any) -> Case:
    if not may_assign(actor, case):
        raise PermissionDenied(_("Bạn không có quyền phân công vụ việc này."))
    if not has_capability(officer, Cap.CASES_EDIT, case.area):
        raise ValidationError(
            {"officer": _("Người được phân công phải là công chức phụ trách trẻ em của xã.")}
        )
    case.assigned_officer = officer
    case.version += 1
    case.save(update_fields=["assigned_officer", "version", "updated_at"])
    _audit_case(actor, "case.assign", case, officer=officer.get_username())
    return case


# --------------------------------------------------------------------------- steps


def _clean_items(raw: Any) -> tuple[list[dict[str, Any]], list[str]]:
    errors: list[str] = []
    items: list[dict[str, Any]] = []
    if not isinstance(raw, list) or not raw:
        return [], [_("Kế hoạch phải có ít nhất một dịch vụ, biện pháp.")]
    for i, row in enumerate(raw, start=1):
        if not isinstance(row, dict):
            errors.append(_("Dòng %(row)d: dữ liệu không hợp lệ.") % {"row": i})
            continue
        service = clean(row.get("service"))
        if not service:
            if not any(clean(v) for v in row.values()):
                continue  # an empty row of the form
            errors.append(_("Dòng %(row)d: hãy nhập dịch vụ, biện pháp.") % {"row": i})
        dates: dict[str, dt.date | None] = {}
        for key, label in (("start_date", _("từ ngày")), ("end_date", _("đến ngày"))):
            value = row.get(key)
            if value in (None, ""):
                dates[key] = None
            elif isinstance(value, dt.date):
                dates[key] = value
            else:
                try:
                    dates[key] = _parse_date(str(value))
                except ValueError:
                    errors.append(
                        _("Dòng %(row)d: %(field)s “%(value)s” không đúng dạng ngày.")
                        % {"row": i, "field": label, "value": value}
                    )
                    dates[key] = None
        if dates["start_date"] and dates["end_date"] and dates["end_date"] < dates["start_date"]:
            errors.append(_("Dòng %(row)d: ngày kết thúc trước ngày bắt đầu.") % {"row": i})
        cost = row.get("cost")
        cost_value: decimal.Decimal | None = None
        if cost not in (None, ""):
            try:
                cost_value = decimal.Decimal(str(cost).replace(".", "").replace(",", "").strip())
                if cost_value < 0:
                    raise decimal.InvalidOperation
            except decimal.InvalidOperation:
                errors.append(
                    _("Dòng %(row)d: kinh phí “%(value)s” phải là số tiền không âm.")
                    % {"row": i, "value": cost}
                )
        items.append(
            {
                "service": service,
                "start_date": dates["start_date"],
                "end_date": dates["end_date"],
                "responsible": clean(row.get("responsible")),
                "provider": clean(row.get("provider")),
                "cost": cost_value,
            }
        )
    if not items and not errors:
        errors.append(_("Kế hoạch phải có ít nhất một dịch vụ, biện pháp."))
    return items, errors


def _parse_date(value: str) -> dt.date:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _clean_step_data(kind: str, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in STEP_FIELDS[kind]:
        value = data.get(f.name)
        if f.kind == "bool":
            cleaned[f.name] = value in (True, "true", "on", "1", 1, "yes")
        elif f.kind == "items":
            items, item_errors = _clean_items(value)
            if item_errors:
                errors[f.name] = " ".join(str(e) for e in item_errors)
            cleaned[f.name] = items
        elif f.kind == "item_updates":
            rows = value if isinstance(value, list) else []
            cleaned[f.name] = rows
            if not rows:
                errors[f.name] = _("Hãy cập nhật kết quả của ít nhất một nội dung kế hoạch.")
        else:
            text = (str(value) if value is not None else "").strip()
            if f.kind == "choice" and text and text not in {c for c, _l in f.choices}:
                errors[f.name] = _("%(field)s: giá trị “%(value)s” không hợp lệ.") % {
                    "field": f.label,
                    "value": text,
                }
            if f.required and not text:
                errors[f.name] = _("%(field)s: không được để trống.") % {"field": f.label}
            cleaned[f.name] = text
    return cleaned, errors


@transaction.atomic
def case_step_record(
    *,
    actor: Any,
    case: Case,
    step: str,
    at: dt.datetime | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    version: int | None = None,
) -> CaseStep:
    """Record one step of Điều 24–30 on `case`; refuse a step the procedure does not allow
    now, with a Vietnamese message. `version` (optional) guards against a stale page."""
    if step not in STEP_FIELDS:
        raise ValidationError({"step": _("Bước “%(step)s” không tồn tại.") % {"step": step}})
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("area", "village")
        .get(pk=case.pk)
    )
    label = StepKind(step).label
    if step in LEADER_STEPS:
        if not may_approve(actor, locked):
            raise PermissionDenied(_("Chỉ lãnh đạo UBND xã được phê duyệt hoặc trả lại kế hoạch."))
    elif not may_edit(actor, locked):
        raise PermissionDenied(_("Bạn không phải cán bộ phụ trách vụ việc này."))
    if version is not None and int(version) != locked.version:
        raise StaleVersion(
            _(
                "Hồ sơ vụ việc %(code)s vừa được người khác cập nhật. Hãy tải lại trang; "
                "bước “%(step)s” chưa được lưu."
            )
            % {"code": locked.code, "step": label}
        )
    if locked.status not in ALLOWED_FROM[step]:
        raise ValidationError(
            {
                "step": _(
                    "Không thể ghi bước “%(step)s” khi vụ việc đang ở tình trạng “%(status)s”."
                )
                % {"step": label, "status": CaseStatus(locked.status).label}
            }
        )
    if step == StepKind.EMERGENCY and not locked.serious_risk:
        raise ValidationError(
            {
                "step": _(
                    "Chỉ can thiệp khẩn cấp khi trẻ bị đe dọa nghiêm trọng; hãy đánh giá nguy "
                    "cơ ban đầu với kết luận “nguy cơ cao” trước."
                )
            }
        )
    if step == StepKind.SEPARATION_END and not locked.separation_active:
        raise ValidationError({"step": _("Trẻ không đang bị tạm thời cách ly.")})
    now = timezone.now()
    at = at or now
    if timezone.is_naive(at):
        at = at.replace(tzinfo=clock.VN_TZ)
    if at > now + CLOCK_SKEW:
        raise ValidationError({"at": _("Thời điểm thực hiện không được ở tương lai.")})
    if at < locked.received_at:
        raise ValidationError(
            {"at": _("Thời điểm thực hiện không được trước thời điểm tiếp nhận thông tin.")}
        )
    cleaned, errors = _clean_step_data(step, data or {})
    plan: Plan | None = None
    if step in (StepKind.PLAN_APPROVED, StepKind.PLAN_RETURNED, StepKind.IMPLEMENTATION):
        wanted = PlanStatus.SUBMITTED if step != StepKind.IMPLEMENTATION else PlanStatus.APPROVED
        plan = locked.plans.filter(status=wanted).order_by("-number").first()
        if plan is None:
            raise ValidationError({"step": _("Không có kế hoạch phù hợp để ghi bước này.")})
        if step != StepKind.IMPLEMENTATION and at < plan.submitted_at:
            raise ValidationError({"at": _("Thời điểm phê duyệt không được trước ngày trình.")})
    if step == StepKind.IMPLEMENTATION and plan is not None and not errors:
        items = {i.pk: i for i in plan.items.all()}
        updates = []
        for n, row in enumerate(cleaned["items"], start=1):
            try:
                item = items[int(row.get("id"))]
            except (TypeError, ValueError, KeyError):
                errors["items"] = _("Dòng %(row)d: nội dung kế hoạch không thuộc vụ việc này.") % {
                    "row": n
                }
                break
            st = row.get("status")
            if st not in ItemStatus.values:
                errors["items"] = _("Dòng %(row)d: kết quả “%(value)s” không hợp lệ.") % {
                    "row": n,
                    "value": st,
                }
                break
            updates.append((item, st, clean(row.get("note"))))
        else:
            for item, st, item_note in updates:
                item.status = st
                if item_note:
                    item.result_note = item_note
                item.save(update_fields=["status", "result_note"])
            cleaned["items"] = [
                {"id": i.pk, "service": i.service, "status": st, "note": n} for i, st, n in updates
            ]
    if errors:
        raise ValidationError(errors)

    if locked.child_id is None:
        _ensure_child(actor, locked)
    before_status = locked.status
    if step == StepKind.INITIAL_ASSESSMENT:
        risk = cleaned["risk_level"]
        if risk == RiskLevel.SERIOUS:
            locked.serious_risk = True
        if risk == RiskLevel.NONE:
            locked.status = CaseStatus.CLOSED
            locked.closed_at = at
        else:
            locked.status = CaseStatus.ASSESSED
    elif step == StepKind.EMERGENCY:
        locked.emergency_at = locked.emergency_at or at
        if cleaned["separation"] and not locked.separation_active:
            locked.separation_started_at = at
            locked.separation_ended_at = None
    elif step == StepKind.SEPARATION_END:
        locked.separation_ended_at = at
    elif step == StepKind.DETAILED_ASSESSMENT:
        locked.status = CaseStatus.DETAILED
    elif step == StepKind.CASE_MEETING:
        locked.status = CaseStatus.PLANNING
    elif step == StepKind.PLAN_SUBMITTED:
        number = (
            locked.plans.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        plan = Plan.objects.create(
            case=locked,
            number=number,
            goal=cleaned["goal"],
            status=PlanStatus.SUBMITTED,
            submitted_at=at,
            submitted_by=actor,
        )
        PlanItem.objects.bulk_create(
            [PlanItem(plan=plan, position=i, **row) for i, row in enumerate(cleaned["items"])]
        )
        locked.status = CaseStatus.AWAITING_APPROVAL
    elif step in (StepKind.PLAN_APPROVED, StepKind.PLAN_RETURNED):
        assert plan is not None
        plan.status = PlanStatus.APPROVED if step == StepKind.PLAN_APPROVED else PlanStatus.RETURNED
        plan.decided_at = at
        plan.decided_by = actor
        plan.decision_note = cleaned.get("reason") or cleaned.get("decision_number") or ""
        plan.save()
        locked.status = (
            CaseStatus.IN_PROGRESS if step == StepKind.PLAN_APPROVED else CaseStatus.PLANNING
        )
    elif step == StepKind.REVIEW:
        if cleaned["outcome"] == ReviewOutcome.CLOSE:
            locked.status = CaseStatus.CLOSED
            locked.closed_at = at
        else:
            locked.plans.filter(status=PlanStatus.APPROVED).update(status=PlanStatus.SUPERSEDED)
            locked.status = CaseStatus.PLANNING
            locked.plan_clock_from = at
    elif step == StepKind.ARCHIVE:
        locked.status = CaseStatus.ARCHIVED
        locked.archived_at = at

    record = CaseStep.objects.create(
        case=locked,
        kind=step,
        at=at,
        actor=actor,
        actor_name=actor.get_full_name() or actor.get_username(),
        note=(note or "").strip(),
        data=_json_ready(cleaned),
        plan=plan,
    )
    locked.version += 1
    refresh_clock(locked)
    locked.save()
    _audit_case(actor, f"case.step.{step}", locked, step=step, before_status=before_status)
    case.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return record


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


@transaction.atomic
def cases_refresh_clocks(*, actor: Any = None, cases: Any = None) -> int:
    """Recompute the clocks of open cases (after an admin corrects the holiday calendar)."""
    qs = cases if cases is not None else Case.objects.filter(status__in=list(NEXT_BY_STATUS))
    n = 0
    for case in qs.prefetch_related("plans"):
        refresh_clock(case)
        case.save(
            update_fields=[
                "emergency_due_at",
                "plan_due_on",
                "approval_due_on",
                "separation_due_on",
                "next_step",
                "next_due_at",
            ]
        )
        n += 1
    audit(actor=actor, action="case.clocks_refresh", object_type="cases.case", after={"n": n})
    return n


# --------------------------------------------------------------------------- incidents


@transaction.atomic
def incident_record(
    *,
    actor: Any,
    child: Any,
    kind: str,
    occurred_on: dt.date,
    outcome: str,
    place: str = "",
    village: Area | None = None,
    latitude: Any = None,
    longitude: Any = None,
    treatment: str = "",
    note: str = "",
) -> Incident:
    """Record an injury or accident. A death marks the registry record died (through the
    registry's service) and is flagged for immediate report to the level above."""
    if not has_capability(actor, Cap.CASES_EDIT, child.area):
        raise PermissionDenied(_("Bạn không có quyền ghi nhận tai nạn ở địa bàn này."))
    errors: dict[str, str] = {}
    _check_choice(errors, "kind", kind, IncidentKind.choices, _("Loại tai nạn"))
    if not kind:
        errors["kind"] = _("Hãy chọn loại tai nạn, thương tích.")
    _check_choice(errors, "outcome", outcome, IncidentOutcome.choices, _("Hậu quả"))
    if not outcome:
        errors["outcome"] = _("Hãy chọn hậu quả (bị thương hoặc tử vong).")
    if occurred_on is None:
        errors["occurred_on"] = _("Hãy nhập ngày xảy ra.")
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = _("Ngày xảy ra không được ở tương lai.")
    elif child.birth_date and occurred_on < child.birth_date:
        errors["occurred_on"] = _("Ngày xảy ra trước ngày sinh của trẻ.")
    coords: dict[str, decimal.Decimal | None] = {}
    for name, value, limit, label in (
        ("latitude", latitude, 90, _("Vĩ độ")),
        ("longitude", longitude, 180, _("Kinh độ")),
    ):
        if value in (None, ""):
            coords[name] = None
            continue
        try:
            number = decimal.Decimal(str(value)).quantize(decimal.Decimal("0.000001"))
            if abs(number) > limit:
                raise decimal.InvalidOperation
            coords[name] = number
        except decimal.InvalidOperation:
            errors[name] = _("%(field)s “%(value)s” không hợp lệ.") % {
                "field": label,
                "value": value,
            }
    if (coords.get("latitude") is None) != (coords.get("longitude") is None) and not errors:
        errors["latitude"] = _("Hãy nhập cả vĩ độ và kinh độ, hoặc bỏ trống cả hai.")
    if village is not None and (
        village.level != AreaLevel.VILLAGE or village.parent_id != child.commune_id
    ):
        errors["village"] = _("Thôn đã chọn không thuộc xã của trẻ.")
    if outcome == IncidentOutcome.DIED and child.status == "died" and not errors:
        errors["outcome"] = _("Trẻ “%(name)s” đã được ghi nhận là đã chết.") % {
            "name": child.full_name
        }
    if errors:
        raise ValidationError(errors)
    incident = Incident(
        area=child.commune,
        province_code=child.commune.province_code,
        village=village or (child.area if child.area_id != child.commune_id else None),
        child=child,
        kind=kind,
        occurred_on=occurred_on,
        outcome=outcome,
        place=clean(place),
        latitude=coords["latitude"],
        longitude=coords["longitude"],
        treatment=(treatment or "").strip(),
        note=(note or "").strip(),
        immediate_report=outcome == IncidentOutcome.DIED,
        recorded_by=actor,
    )
    _child_snapshot(incident, child, occurred_on)
    incident.save()
    audit(
        actor=actor,
        action="incident.create",
        obj=incident,
        area=incident.area,
        after={"kind": kind, "outcome": outcome, "occurred_on": occurred_on, "child": child.pk},
    )
    if outcome == IncidentOutcome.DIED:
        from treem.registry.services import child_mark_died

        child_mark_died(
            actor=actor, child=child, date=occurred_on, cause=str(IncidentKind(kind).label)
        )
    return incident


@transaction.atomic
def incident_mark_reported(*, actor: Any, incident: Incident) -> Incident:
    """The death has been reported to the level above: clear the flag (kept in history)."""
    if not has_capability(actor, Cap.CASES_EDIT, incident.area):
        raise PermissionDenied(_("Bạn không có quyền cập nhật tai nạn này."))
    if not incident.immediate_report:
        raise ValidationError(_("Tai nạn này không cần báo cáo khẩn."))
    if incident.reported_up_at is not None:
        raise ValidationError(_("Đã báo cáo cấp trên rồi."))
    incident.reported_up_at = timezone.now()
    incident.reported_up_by = actor
    incident.save(update_fields=["reported_up_at", "reported_up_by", "updated_at"])
    audit(actor=actor, action="incident.reported_up", obj=incident, area=incident.area)
    return incident


def visible_child(actor: Any, child_id: Any) -> Any:
    """A registry child the actor may see (for intake and incidents), else None."""
    from treem.registry.models import Child

    try:
        return (
            scoped(Child.objects.select_related("area", "commune"), actor, Cap.REGISTRY_VIEW)
            .filter(pk=int(child_id))
            .first()
        )
    except (TypeError, ValueError):
        return None
