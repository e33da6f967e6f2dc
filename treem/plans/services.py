"""Writes for plans: import an extracted plan, review and correct it, issue it, progress.

Every service is keyword-only, checks the actor's capability over the plan's
area (PermissionDenied, which views turn into 404) and writes an audit row in
its own transaction.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.core.access import Cap, has_capability, user_agency_ids
from treem.core.audit import audit, diff, logged_name, snapshot
from treem.core.errors import StaleVersion
from treem.core.i18n import record_language
from treem.core.models import Agency, Area, AreaLevel
from treem.core.text import clean, fold
from treem.plans.extraction import parse_timeframe
from treem.plans.models import (
    Plan,
    PlanBudgetSource,
    PlanReference,
    PlanReportDeadline,
    PlanStatus,
    PlanTarget,
    PlanTask,
    PlanTaskCoordinatingUnit,
    PlanTaskLeadUnit,
    PlanUnit,
    Recurrence,
    ReportLevel,
    ReportPeriod,
    TargetMeasurement,
    TaskEvidence,
    TaskProgress,
    TaskStatus,
)
from treem.plans.units import AgencyMatcher, guess_kind

EVIDENCE_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".doc", ".xls", ".txt"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
PLAN_HEADER_FIELDS = (
    "title",
    "year",
    "number",
    "issued_date",
    "issuer_level",
    "issuer_name",
    "signer_name",
    "signer_title",
    "purposes",
    "requirements",
    "budget_text",
    "recipients",
)


def _require(actor: Any, capability: str, area: Area) -> None:
    if not has_capability(actor, capability, area):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def _check_version(obj: Plan | PlanTask, version: int | None, label: str) -> None:
    if version is not None and int(version) != obj.version:
        raise StaleVersion(
            _(
                "%(label)s đã được người khác sửa trong lúc bạn đang sửa. "
                "Vui lòng tải lại trang để xem bản mới nhất rồi sửa lại."
            )
            % {"label": label}
        )


def _parse_date(value: Any, field: str, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    text = clean(value)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(
        {
            field: _("%(label)s: “%(value)s” không phải ngày hợp lệ (dd/mm/yyyy).")
            % {"label": label, "value": text}
        }
    )


def _parse_decimal(value: Any, field: str, label: str) -> decimal.Decimal | None:
    if value in (None, ""):
        return None
    text = clean(value).replace(",", ".").rstrip("%").strip()
    try:
        result = decimal.Decimal(text)
    except decimal.InvalidOperation as exc:
        raise ValidationError(
            {field: _("%(label)s: “%(value)s” không phải số.") % {"label": label, "value": value}}
        ) from exc
    if not result.is_finite() or abs(result) >= 10**10:
        raise ValidationError({field: _("%(label)s: số quá lớn.") % {"label": label}})
    return result.quantize(decimal.Decimal("0.01"))


def _year(value: Any) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"year": _("Năm kế hoạch phải là một số, ví dụ 2026.")}) from exc
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Năm kế hoạch phải trong khoảng 2000–2100.")})
    return year


# ------------------------------------------------------------------ units


def _agency_for(
    *, actor: Any, area: Area, matcher: AgencyMatcher, name: str, create: bool
) -> Agency | None:
    """The area's agency for a unit name; created (and audited) when missing and allowed."""
    name = clean(name).strip(" .;")
    if not name:
        return None
    found = matcher.match(name)
    if found is not None or not create:
        return found
    agency = Agency.objects.filter(area=area, name=name[:200]).first()
    if agency is None:
        agency = Agency.objects.create(
            area=area,
            province_code=area.province_code,
            name=name[:200],
            kind=guess_kind(name),
            name_folded=fold(name),
        )
        audit(
            actor=actor,
            action="agency.create",
            obj=agency,
            area=area,
            after=snapshot(agency),
            repr_=f"{agency.name} (kế hoạch)",
        )
    matcher.add(agency)
    return agency


def _set_task_units(
    *,
    actor: Any,
    task: PlanTask,
    matcher: AgencyMatcher,
    lead: Sequence[str],
    coordinating: Sequence[str],
    create: bool = True,
    replace: bool = True,
) -> None:
    area = task.plan.area
    if replace:
        PlanTaskLeadUnit.objects.filter(task=task).delete()
        PlanTaskCoordinatingUnit.objects.filter(task=task).delete()
    seen: set[int] = set()
    links = []
    for i, name in enumerate(lead):
        agency = _agency_for(actor=actor, area=area, matcher=matcher, name=name, create=create)
        if agency is not None and agency.pk not in seen:
            seen.add(agency.pk)
            links.append(PlanTaskLeadUnit(task=task, agency=agency, position=i))
    PlanTaskLeadUnit.objects.bulk_create(links)
    coord = []
    for i, name in enumerate(coordinating):
        agency = _agency_for(actor=actor, area=area, matcher=matcher, name=name, create=create)
        if agency is not None and agency.pk not in seen:
            seen.add(agency.pk)
            coord.append(PlanTaskCoordinatingUnit(task=task, agency=agency, position=i))
    PlanTaskCoordinatingUnit.objects.bulk_create(coord)


def _apply_timeframe(task: PlanTask, text: str | None, year: int) -> None:
    tf = parse_timeframe(text or "", year)
    task.timeframe_text = clean(text or "")[:300]
    task.start_date = tf.start
    task.end_date = tf.end
    task.recurrence = tf.recurrence or Recurrence.NONE
    task.peaks = [{"start": a.isoformat(), "end": b.isoformat()} for a, b in tf.peaks]


def _parent_number(number: str, known: dict[str, PlanTask]) -> PlanTask | None:
    """ "2.3.1" -> "2.3"; "1.a" -> "1"; the longest known prefix."""
    parts = number.split(".")
    while len(parts) > 1:
        parts = parts[:-1]
        candidate = known.get(".".join(parts))
        if candidate is not None:
            return candidate
    return None


def _deadline_level(to: str, plan: Plan, period_seen: dict[str, int]) -> str:
    """Units reporting to the issuing area, or the area reporting to the level above."""
    folded = fold(to)
    if not folded:
        # Without a recipient, the earlier deadline of a period is the units' one.
        return ReportLevel.UNITS if period_seen.get("n", 0) == 0 else ReportLevel.AREA
    level = fold(plan.issuer_level) or ("tinh" if plan.area.level == AreaLevel.PROVINCE else "")
    padded = f" {folded} "
    if level == "tinh" or plan.area.level == AreaLevel.PROVINCE:
        national = any(w in padded for w in (" bo ", " chinh phu ", " thu tuong "))
        return ReportLevel.AREA if national else ReportLevel.UNITS
    if folded.startswith("so ") or " tinh " in padded:
        return ReportLevel.AREA
    own = {fold(plan.issuer_name), fold(plan.area.name)} - {""}
    if (level and f" {level} " in padded) or any(o in folded for o in own):
        return ReportLevel.UNITS
    return ReportLevel.AREA


PERIOD_SLUGS = {p.value for p in ReportPeriod}


# ------------------------------------------------------------------ plan import


@dataclass
class UploadedSource:
    """The uploaded document: a file to store, its name, and its text for the review page."""

    name: str
    file: File | None
    text: str


def _fill_plan_children(
    *, actor: Any, plan: Plan, data: dict[str, Any], create_agencies: bool = True
) -> None:
    matcher = AgencyMatcher(plan.area)
    PlanReference.objects.bulk_create(
        PlanReference(
            plan=plan,
            position=i,
            number=clean(ref.get("number", ""))[:80],
            kind=clean(ref.get("kind", ""))[:60],
            date=_safe_iso(ref.get("date")),
        )
        for i, ref in enumerate(r for r in data.get("references") or [] if r.get("number"))
    )
    PlanTarget.objects.bulk_create(
        PlanTarget(
            plan=plan,
            position=i,
            section=clean(t.get("section", ""))[:30],
            text=clean(t.get("text", "")),
            value=_parse_decimal(t.get("value"), "targets", _("Chỉ tiêu %(n)d") % {"n": i + 1}),
            unit=clean(t.get("unit") or "")[:30],
            indicator_slug=clean(t.get("indicator_slug") or "")[:80],
        )
        for i, t in enumerate(data.get("targets") or [])
        if clean(t.get("text", ""))
    )
    known: dict[str, PlanTask] = {}
    for i, t in enumerate(data.get("tasks") or []):
        number = clean(t.get("number", ""))[:30]
        title = clean(t.get("title") or t.get("text") or "")
        if not title:
            continue
        parent = _parent_number(number, known) if number else None
        task = PlanTask(
            plan=plan,
            parent=parent,
            position=i,
            depth=(parent.depth + 1) if parent else 0,
            number=number,
            title=title,
            text=clean(t.get("text") or ""),
        )
        _apply_timeframe(task, t.get("timeframe"), plan.year)
        task.save()
        if number:
            known[number] = task
        _set_task_units(
            actor=actor,
            task=task,
            matcher=matcher,
            lead=t.get("lead_units") or [],
            coordinating=t.get("coordinating_units") or [],
            create=create_agencies,
            replace=False,
        )
    for i, u in enumerate(data.get("units") or []):
        name = clean(u.get("name", ""))
        if not name:
            continue
        agency = _agency_for(
            actor=actor, area=plan.area, matcher=matcher, name=name, create=create_agencies
        )
        PlanUnit.objects.create(
            plan=plan,
            position=i,
            name=name[:300],
            agency=agency,
            duties=[clean(d) for d in u.get("duties") or [] if clean(d)],
        )
    seen: dict[str, dict[str, int]] = {}
    deadlines = sorted(
        (d for d in data.get("report_deadlines") or [] if _safe_iso(d.get("due"))),
        key=lambda d: d["due"],
    )
    for d in deadlines:
        period = d.get("period") if d.get("period") in PERIOD_SLUGS else ReportPeriod.OTHER
        counter = seen.setdefault(period, {"n": 0})
        level = d.get("level") or _deadline_level(d.get("to") or "", plan, counter)
        counter["n"] += 1
        PlanReportDeadline.objects.create(
            plan=plan,
            period=period,
            due_date=cast(dt.date, _safe_iso(d["due"])),
            recipient=clean(d.get("to") or "")[:200],
            level=level if level in ReportLevel.values else ReportLevel.UNITS,
        )
    PlanBudgetSource.objects.bulk_create(
        PlanBudgetSource(plan=plan, position=i, name=clean(name)[:300])
        for i, name in enumerate(data.get("budget_sources") or [])
        if clean(name)
    )


def _safe_iso(value: Any) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


@transaction.atomic
def plan_create_from_extraction(
    *,
    actor: Any,
    area: Area,
    data: dict[str, Any],
    source: UploadedSource | None = None,
    parent_plan: Plan | None = None,
    status: str = PlanStatus.DRAFT,
) -> Plan:
    """Create a draft plan from the plan-extraction JSON (units matched to the area's agencies)."""
    _require(actor, Cap.PLANS_EDIT, area)
    if status == PlanStatus.ISSUED:
        _require(actor, Cap.PLANS_APPROVE, area)
    title = clean(data.get("title") or "")
    if not title:
        title = clean(source.name if source else "") or _("Kế hoạch chưa có trích yếu")
    year = data.get("year") or (timezone.localdate().year)
    issuer = data.get("issuer") or {}
    signer = data.get("signer") or {}
    plan = Plan(
        area=area,
        province_code=area.province_code,
        year=_year(year),
        title=title[:500],
        number=clean(data.get("doc_number") or "")[:60],
        issued_date=_safe_iso(data.get("issued_date")),
        issuer_level=clean(issuer.get("level") or "")[:20],
        issuer_name=clean(issuer.get("name") or "")[:150],
        signer_name=clean(signer.get("name") or "")[:150],
        signer_title=clean(signer.get("title") or "")[:150],
        purposes=clean(data.get("purposes") or ""),
        requirements=clean(data.get("requirements") or ""),
        budget_text=clean(data.get("budget") or ""),
        recipients=str(data.get("recipients") or "").strip(),
        parent_plan=parent_plan,
        status=status,
        extraction=data,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if status == PlanStatus.ISSUED:
        plan.issued_by = plan.created_by
        plan.issued_at = timezone.now()
    if source is not None:
        plan.source_name = source.name[:255]
        plan.source_text = source.text
        if source.file is not None:
            plan.source_file.save(os.path.basename(source.name)[:100], source.file, save=False)
    plan.save()
    _fill_plan_children(actor=actor, plan=plan, data=data)
    audit(
        actor=actor,
        action="plan.create",
        obj=plan,
        area=area,
        after={
            **snapshot(plan, (*PLAN_HEADER_FIELDS, "status", "parent_plan")),
            "tasks": plan.tasks.count(),
            "targets": plan.targets.count(),
            "source": plan.source_name,
        },
    )
    return plan


@transaction.atomic
def plan_create_from_parent(*, actor: Any, parent: Plan, area: Area, year: int) -> Plan:
    """A commune's starting draft: targets and tasks copied, units mapped to its own agencies.

    Units of the level above with no counterpart in the commune ("Phòng Giáo dục
    và Đào tạo") are left out rather than created: the officer assigns them.
    """
    _require(actor, Cap.PLANS_EDIT, area)
    # stored: in the language records are kept in (see core.i18n)
    with record_language():
        plan = Plan.objects.create(
            area=area,
            province_code=area.province_code,
            year=_year(year),
            title=_("Thực hiện công tác trẻ em năm %(year)s trên địa bàn %(area)s")
            % {"year": year, "area": area.full_name.lower()[:1] + area.full_name[1:]},
            issuer_level=fold(area.get_kind_display()) and str(area.get_kind_display()).lower(),
            issuer_name=area.name,
            parent_plan=parent,
            purposes=parent.purposes,
            requirements=parent.requirements,
            budget_text=parent.budget_text,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    data: dict[str, Any] = {
        "targets": [
            {
                "text": t.text,
                "value": t.value,
                "unit": t.unit,
                "section": t.section,
                "indicator_slug": t.indicator_slug,
            }
            for t in parent.targets.all()
        ],
        "tasks": [
            {
                "number": t.number,
                "title": t.title,
                "text": t.text,
                "timeframe": _shift_year(t.timeframe_text, parent.year, plan.year),
                "lead_units": [a.name for a in t.lead_units.all()],
                "coordinating_units": [a.name for a in t.coordinating_units.all()],
            }
            for t in parent.tasks.prefetch_related("lead_units", "coordinating_units")
        ],
        "units": [{"name": u.name, "duties": u.duties} for u in parent.units.all()],
        "report_deadlines": [],
    }
    _fill_plan_children(actor=actor, plan=plan, data=data, create_agencies=False)
    audit(
        actor=actor,
        action="plan.create_from_parent",
        obj=plan,
        area=area,
        after={"parent_plan": parent.pk, "tasks": plan.tasks.count(), "year": plan.year},
    )
    return plan


def _shift_year(text: str, old: int, new: int) -> str:
    return text.replace(str(old), str(new)) if text and old != new else text


# ------------------------------------------------------------------ plan edits


@transaction.atomic
def plan_update(*, actor: Any, plan: Plan, version: int | None, **changes: Any) -> Plan:
    """Edit the plan's header fields (optimistic locking on `version`)."""
    _require(actor, Cap.PLANS_EDIT, plan.area)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _check_version(plan, version, _("Kế hoạch"))
    if plan.is_archived:
        raise ValidationError(_("Kế hoạch đã lưu trữ, không sửa được."))
    before = snapshot(plan, (*PLAN_HEADER_FIELDS, "parent_plan"))
    if "parent_plan" in changes:
        parent = changes.pop("parent_plan")
        if parent is not None and not _is_plan_above(parent, plan.area):
            raise ValidationError(
                {
                    "parent_plan": _(
                        "Kế hoạch cấp trên phải là kế hoạch của tỉnh hoặc huyện trên xã."
                    )
                }
            )
        plan.parent_plan = parent
    for field, value in changes.items():
        if field not in PLAN_HEADER_FIELDS:
            raise ValidationError({field: _("Trường “%(f)s” không sửa được.") % {"f": field}})
        if field == "year":
            value = _year(value)
        elif field == "issued_date":
            value = _parse_date(value, "issued_date", _("Ngày ban hành"))
        elif field in ("purposes", "requirements", "budget_text", "recipients"):
            value = str(value or "").strip()
        else:
            value = clean(value)
            if field == "title" and not value:
                raise ValidationError({"title": _("Trích yếu kế hoạch không được để trống.")})
            model_field = cast(models.Field, Plan._meta.get_field(field))
            max_length = model_field.max_length or 500
            if len(value) > max_length:
                raise ValidationError(
                    {
                        field: _("%(label)s dài quá %(n)d ký tự.")
                        % {"label": model_field.verbose_name, "n": max_length}
                    }
                )
        setattr(plan, field, value)
    plan.version = F("version") + 1
    plan.save()
    plan.refresh_from_db()
    b, a = diff(before, snapshot(plan, (*PLAN_HEADER_FIELDS, "parent_plan")))
    if a:
        audit(actor=actor, action="plan.update", obj=plan, area=plan.area, before=b, after=a)
    return plan


def _is_plan_above(parent: Plan, area: Area) -> bool:
    """The parent plan's area is an ancestor of the area, or of one of its predecessors."""
    areas = [area, *area.predecessors.all()]
    return any(a.path.startswith(parent.area.path) and a.pk != parent.area_id for a in areas)


@transaction.atomic
def task_update(
    *,
    actor: Any,
    task: PlanTask,
    version: int | None,
    title: str | None = None,
    number: str | None = None,
    text: str | None = None,
    timeframe: str | None = None,
    lead_units: Sequence[str] | None = None,
    coordinating_units: Sequence[str] | None = None,
    matcher: AgencyMatcher | None = None,
) -> PlanTask:
    """Correct a task: title, numbering, timeframe (re-parsed), lead and coordinating units."""
    plan = task.plan
    _require(actor, Cap.PLANS_EDIT, plan.area)
    task = PlanTask.objects.select_for_update().select_related("plan__area").get(pk=task.pk)
    label = _("Nhiệm vụ %(n)s") % {"n": task.number or task.position + 1}
    _check_version(task, version, label)
    before = _task_snapshot(task)
    if title is not None:
        if not clean(title):
            raise ValidationError(
                {"title": _("%(label)s: tên không được để trống.") % {"label": label}}
            )
        task.title = clean(title)
    if number is not None:
        task.number = clean(number)[:30]
    if text is not None:
        task.text = clean(text)
    if timeframe is not None and clean(timeframe) != task.timeframe_text:
        _apply_timeframe(task, timeframe, task.plan.year)
    task.version = F("version") + 1
    task.save()
    if lead_units is not None or coordinating_units is not None:
        _set_task_units(
            actor=actor,
            task=task,
            matcher=matcher or AgencyMatcher(task.plan.area),
            lead=lead_units
            if lead_units is not None
            else [a.name for a in task.lead_units.order_by("plantaskleadunit__position")],
            coordinating=coordinating_units
            if coordinating_units is not None
            else [a.name for a in task.coordinating_units.all()],
        )
    task.refresh_from_db()
    b, a = diff(before, _task_snapshot(task))
    if a:
        audit(
            actor=actor,
            action="plan.task.update",
            obj=task,
            area=task.plan.area,
            before=b,
            after=a,
        )
    return task


def _task_snapshot(task: PlanTask) -> dict[str, Any]:
    data = snapshot(task, ("number", "title", "timeframe_text", "start_date", "end_date"))
    data["lead_units"] = sorted(
        PlanTaskLeadUnit.objects.filter(task=task).values_list("agency__name", flat=True)
    )
    data["coordinating_units"] = sorted(
        PlanTaskCoordinatingUnit.objects.filter(task=task).values_list("agency__name", flat=True)
    )
    return data


@dataclass
class TargetEdit:
    pk: int | None
    text: str
    value: Any
    unit: str
    indicator_slug: str = ""
    delete: bool = False


@transaction.atomic
def plan_targets_save(*, actor: Any, plan: Plan, targets: Iterable[TargetEdit]) -> None:
    """Correct, add or drop targets (targets are plan content, not personal data)."""
    _require(actor, Cap.PLANS_EDIT, plan.area)
    existing = {t.pk: t for t in plan.targets.all()}
    position = max((t.position for t in existing.values()), default=-1) + 1
    for n, edit in enumerate(targets, start=1):
        label = _("Chỉ tiêu %(n)d") % {"n": n}
        target = existing.get(edit.pk) if edit.pk else None
        if edit.delete:
            if target is not None:
                audit(
                    actor=actor,
                    action="plan.target.delete",
                    obj=target,
                    area=plan.area,
                    before=snapshot(target),
                )
                target.delete()
            continue
        text = clean(edit.text)
        if not text:
            if target is None:
                continue
            raise ValidationError(
                {"targets": _("%(label)s: nội dung không được để trống.") % {"label": label}}
            )
        value = _parse_decimal(edit.value, "targets", label)
        if target is None:
            target = PlanTarget.objects.create(
                plan=plan,
                position=position,
                text=text,
                value=value,
                unit=clean(edit.unit)[:30],
                indicator_slug=clean(edit.indicator_slug)[:80],
            )
            position += 1
            audit(
                actor=actor,
                action="plan.target.create",
                obj=target,
                area=plan.area,
                after=snapshot(target),
            )
            continue
        before = snapshot(target)
        target.text, target.value = text, value
        target.unit = clean(edit.unit)[:30]
        target.indicator_slug = clean(edit.indicator_slug)[:80]
        target.save()
        b, a = diff(before, snapshot(target))
        if a:
            audit(
                actor=actor,
                action="plan.target.update",
                obj=target,
                area=plan.area,
                before=b,
                after=a,
            )


@transaction.atomic
def plan_issue(*, actor: Any, plan: Plan, version: int | None) -> Plan:
    """The leader issues the plan (number and date must be filled in by then)."""
    _require(actor, Cap.PLANS_APPROVE, plan.area)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _check_version(plan, version, _("Kế hoạch"))
    if plan.status == PlanStatus.ISSUED:
        raise ValidationError(_("Kế hoạch đã được ban hành."))
    errors = {}
    if not plan.number:
        errors["number"] = _("Cần nhập số, ký hiệu (ví dụ 45/KH-UBND) trước khi ban hành.")
    if not plan.issued_date:
        errors["issued_date"] = _("Cần nhập ngày ban hành trước khi ban hành.")
    if errors:
        raise ValidationError(errors)
    plan.status = PlanStatus.ISSUED
    plan.issued_by = actor
    plan.issued_at = timezone.now()
    plan.version = F("version") + 1
    plan.save()
    plan.refresh_from_db()
    audit(
        actor=actor,
        action="plan.issue",
        obj=plan,
        area=plan.area,
        before={"status": PlanStatus.DRAFT},
        after={"status": PlanStatus.ISSUED, "number": plan.number},
    )
    return plan


@transaction.atomic
def plan_archive(*, actor: Any, plan: Plan, version: int | None) -> Plan:
    """Plans are never deleted: a wrong upload is archived."""
    _require(actor, Cap.PLANS_EDIT, plan.area)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _check_version(plan, version, _("Kế hoạch"))
    plan.is_archived = True
    plan.version = F("version") + 1
    plan.save()
    plan.refresh_from_db()
    audit(
        actor=actor,
        action="plan.archive",
        obj=plan,
        area=plan.area,
        before={"is_archived": False},
        after={"is_archived": True},
    )
    return plan


# ------------------------------------------------------------------ progress


def can_record_progress(actor: Any, task: PlanTask) -> bool:
    """Officers (PLANS_EDIT) on every task; focal points on tasks their unit leads or joins."""
    area = task.plan.area
    if has_capability(actor, Cap.PLANS_EDIT, area):
        return True
    if not has_capability(actor, Cap.PLANS_PROGRESS, area):
        return False
    agencies = user_agency_ids(actor)
    if not agencies:
        return False
    return (
        PlanTaskLeadUnit.objects.filter(task=task, agency_id__in=agencies).exists()
        or PlanTaskCoordinatingUnit.objects.filter(task=task, agency_id__in=agencies).exists()
    )


@transaction.atomic
def task_progress_record(
    *,
    actor: Any,
    task: PlanTask,
    status: str,
    narrative: str = "",
    date: dt.date | None = None,
    files: Sequence[Any] = (),
    version: int | None = None,
) -> TaskProgress:
    """Record progress on a task (a new row each time) and update the task's current status."""
    if not can_record_progress(actor, task):
        raise PermissionDenied(_("Bạn không có quyền cập nhật tiến độ nhiệm vụ này."))
    plan = task.plan
    if plan.is_archived:
        raise ValidationError(_("Kế hoạch đã lưu trữ, không cập nhật tiến độ được."))
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Trạng thái tiến độ không hợp lệ.")})
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise ValidationError({"date": _("Ngày cập nhật không được sau ngày hôm nay.")})
    for f in files:
        name = getattr(f, "name", "") or ""
        if Path(name).suffix.lower() not in EVIDENCE_SUFFIXES:
            raise ValidationError(
                {
                    "files": _(
                        "Tệp “%(name)s”: chỉ nhận minh chứng dạng PDF, ảnh (JPG, PNG), Word, Excel "
                        "hoặc văn bản."
                    )
                    % {"name": name}
                }
            )
        if (getattr(f, "size", 0) or 0) > EVIDENCE_MAX_BYTES:
            raise ValidationError({"files": _("Tệp “%(name)s” lớn hơn 10 MB.") % {"name": name}})
    locked = PlanTask.objects.select_for_update().get(pk=task.pk)
    _check_version(locked, version, _("Nhiệm vụ %(n)s") % {"n": locked.number})
    agencies = user_agency_ids(actor)
    lead_ids = set(PlanTaskLeadUnit.objects.filter(task=locked).values_list("agency_id", flat=True))
    coord_ids = set(
        PlanTaskCoordinatingUnit.objects.filter(task=locked).values_list("agency_id", flat=True)
    )
    agency_id = next(iter(sorted(agencies & lead_ids) or sorted(agencies & coord_ids)), None)
    progress = TaskProgress.objects.create(
        area=plan.area,
        province_code=plan.province_code,
        task=locked,
        agency_id=agency_id,
        status=status,
        narrative=str(narrative or "").strip(),
        date=date,
        recorded_by=actor,
    )
    for f in files:
        evidence = TaskEvidence(
            progress=progress,
            original_name=os.path.basename(getattr(f, "name", "tep"))[:255],
            size=getattr(f, "size", 0) or 0,
        )
        evidence.file.save(os.path.basename(f.name)[:100], f, save=False)
        evidence.save()
    before = {"status": locked.status, "status_date": locked.status_date}
    if locked.status_date is None or date >= locked.status_date:
        locked.status = status
        locked.status_date = date
    locked.version = F("version") + 1
    locked.save(update_fields=["status", "status_date", "version"])
    locked.refresh_from_db()
    audit(
        actor=actor,
        action="plan.task.progress",
        obj=progress,
        area=plan.area,
        before=before,
        after={
            "task": locked.pk,
            "status": status,
            "date": date,
            "narrative": progress.narrative[:200],
            "files": [e.original_name for e in progress.evidence.all()],
        },
        repr_=logged_name(locked),
    )
    return progress


@transaction.atomic
def target_measure(
    *,
    actor: Any,
    target: PlanTarget,
    period: str,
    year: int,
    value: Any,
    note: str = "",
    measured_on: dt.date | None = None,
) -> TargetMeasurement:
    """Record (or correct) a target's measured value for one reporting period."""
    plan = target.plan
    _require(actor, Cap.PLANS_EDIT, plan.area)
    if period not in ReportPeriod.values:
        raise ValidationError({"period": _("Kỳ báo cáo không hợp lệ.")})
    label = _("Chỉ tiêu “%(t)s”") % {"t": target.text[:60]}
    number = _parse_decimal(value, "value", label)
    if number is None:
        raise ValidationError(
            {"value": _("%(label)s: chưa nhập giá trị đạt được.") % {"label": label}}
        )
    if target.unit.strip() == "%" and not 0 <= number <= 100:
        raise ValidationError(
            {"value": _("%(label)s: tỷ lệ phải từ 0 đến 100%%.") % {"label": label}}
        )
    year = _year(year)
    existing = (
        TargetMeasurement.objects.select_for_update()
        .filter(target=target, period=period, year=year)
        .first()
    )
    before = snapshot(existing, ("value", "note", "measured_on")) if existing else None
    measurement, _created = TargetMeasurement.objects.update_or_create(
        target=target,
        period=period,
        year=year,
        defaults={
            "area": plan.area,
            "province_code": plan.province_code,
            "value": number,
            "note": str(note or "").strip(),
            "measured_on": measured_on or timezone.localdate(),
            "recorded_by": actor,
        },
    )
    after = snapshot(measurement, ("value", "note", "measured_on"))
    b, a = diff(before, after) if before else (None, after)
    audit(
        actor=actor,
        action="plan.target.measure",
        obj=measurement,
        area=plan.area,
        before=b,
        after={**(a or {}), "period": period, "year": year},
        repr_=logged_name(target),
    )
    return measurement


@dataclass
class TaskEdit:
    pk: int
    version: int | None
    number: str
    title: str
    timeframe: str
    lead_units: list[str]
    coordinating_units: list[str]


@transaction.atomic
def plan_review_save(
    *,
    actor: Any,
    plan: Plan,
    version: int | None,
    header: dict[str, Any],
    tasks: Sequence[TaskEdit] = (),
    targets: Sequence[TargetEdit] = (),
    new_task: TaskEdit | None = None,
    deadlines: Sequence[DeadlineEdit] | None = None,
) -> Plan:
    """Save the review page in one go: header, the tasks that changed, targets, deadlines."""
    plan = plan_update(actor=actor, plan=plan, version=version, **header)
    current = {t.pk: t for t in plan_tasks_for_review(plan)}
    matcher = AgencyMatcher(plan.area)
    for edit in tasks:
        task = current.get(edit.pk)
        if task is None:
            raise ValidationError(_("Nhiệm vụ không thuộc kế hoạch này."))
        leads = [link.agency.name for link in task.lead_links.all()]
        coords = [link.agency.name for link in task.coord_links.all()]
        changed_units = edit.lead_units != leads or edit.coordinating_units != coords
        if (
            edit.number == task.number
            and clean(edit.title) == task.title
            and clean(edit.timeframe) == task.timeframe_text
            and not changed_units
        ):
            continue
        task_update(
            actor=actor,
            task=task,
            version=edit.version,
            number=edit.number,
            title=edit.title,
            timeframe=edit.timeframe,
            lead_units=edit.lead_units if changed_units else None,
            coordinating_units=edit.coordinating_units if changed_units else None,
            matcher=matcher,
        )
    if targets:
        plan_targets_save(actor=actor, plan=plan, targets=targets)
    if new_task is not None and clean(new_task.title):
        task_create(
            actor=actor,
            plan=plan,
            number=new_task.number,
            title=new_task.title,
            timeframe=new_task.timeframe,
            lead_units=new_task.lead_units,
            coordinating_units=new_task.coordinating_units,
        )
    if deadlines is not None:
        plan_deadlines_save(actor=actor, plan=plan, deadlines=deadlines)
    plan.refresh_from_db()
    return plan


def number_key(number: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key of a task number: "2.10" after "2.9", "1.a" after "1"."""
    parts: list[tuple[int, int | str]] = []
    for part in number.split("."):
        part = part.strip().strip(")")
        parts.append((0, int(part)) if part.isdigit() else (1, part.lower()))
    return tuple(parts)


@transaction.atomic
def task_create(
    *,
    actor: Any,
    plan: Plan,
    number: str,
    title: str,
    text: str = "",
    timeframe: str = "",
    lead_units: Sequence[str] = (),
    coordinating_units: Sequence[str] = (),
) -> PlanTask:
    """Add a task the extraction missed, placed in number order under its parent."""
    _require(actor, Cap.PLANS_EDIT, plan.area)
    number = clean(number).rstrip(".)")[:30]
    title = clean(title)
    if not title:
        raise ValidationError({"title": _("Nhiệm vụ mới: tên không được để trống.")})
    tasks = list(plan.tasks.order_by("position"))
    if number and any(t.number == number for t in tasks):
        raise ValidationError(
            {"number": _("Nhiệm vụ mới: số “%(n)s” đã có trong kế hoạch.") % {"n": number}}
        )
    known = {t.number: t for t in tasks if t.number}
    parent = _parent_number(number, known) if number else None
    position = (tasks[-1].position + 1) if tasks else 0
    if number:
        key = number_key(number)
        later = [t for t in tasks if t.number and number_key(t.number) > key]
        if later:
            position = later[0].position
            PlanTask.objects.filter(plan=plan, position__gte=position).update(
                position=F("position") + 1
            )
    task = PlanTask(
        plan=plan,
        parent=parent,
        position=position,
        depth=(parent.depth + 1) if parent else 0,
        number=number,
        title=title,
        text=clean(text) or title,
    )
    _apply_timeframe(task, timeframe, plan.year)
    task.save()
    _set_task_units(
        actor=actor,
        task=task,
        matcher=AgencyMatcher(plan.area),
        lead=lead_units,
        coordinating=coordinating_units,
    )
    audit(
        actor=actor,
        action="plan.task.create",
        obj=task,
        area=plan.area,
        after=_task_snapshot(task),
    )
    return task


@dataclass
class DeadlineEdit:
    pk: int | None
    period: str
    due_date: Any
    recipient: str
    level: str
    delete: bool = False


@transaction.atomic
def plan_deadlines_save(*, actor: Any, plan: Plan, deadlines: Sequence[DeadlineEdit]) -> None:
    """Correct, add or drop the reporting deadlines."""
    _require(actor, Cap.PLANS_EDIT, plan.area)
    existing = {d.pk: d for d in plan.report_deadlines.all()}
    for n, edit in enumerate(deadlines, start=1):
        label = _("Hạn báo cáo %(n)d") % {"n": n}
        row = existing.get(edit.pk) if edit.pk else None
        if edit.delete:
            if row is not None:
                audit(
                    actor=actor,
                    action="plan.deadline.delete",
                    obj=row,
                    area=plan.area,
                    before=snapshot(row),
                )
                row.delete()
            continue
        due = _parse_date(edit.due_date, "deadlines", label)
        if due is None:
            if row is None:
                continue
            raise ValidationError(
                {"deadlines": _("%(label)s: chưa nhập hạn nộp.") % {"label": label}}
            )
        if edit.period not in ReportPeriod.values:
            raise ValidationError(
                {"deadlines": _("%(label)s: kỳ báo cáo không hợp lệ.") % {"label": label}}
            )
        level = edit.level if edit.level in ReportLevel.values else ReportLevel.UNITS
        if row is None:
            row = PlanReportDeadline.objects.create(
                plan=plan,
                period=edit.period,
                due_date=due,
                recipient=clean(edit.recipient)[:200],
                level=level,
            )
            audit(
                actor=actor,
                action="plan.deadline.create",
                obj=row,
                area=plan.area,
                after=snapshot(row),
            )
            continue
        before = snapshot(row)
        row.period, row.due_date, row.level = edit.period, due, level
        row.recipient = clean(edit.recipient)[:200]
        row.save()
        b, a = diff(before, snapshot(row))
        if a:
            audit(
                actor=actor,
                action="plan.deadline.update",
                obj=row,
                area=plan.area,
                before=b,
                after=a,
            )


def plan_tasks_for_review(plan: Plan) -> list[PlanTask]:
    from treem.plans.selectors import plan_tasks

    return list(plan_tasks(plan))
