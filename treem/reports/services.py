"""Writes for indicators, data values, computation runs, reports and units' reports."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.core.access import Cap, has_capability, is_system_admin
from treem.core.audit import audit, diff, logged_name, snapshot
from treem.core.errors import StaleVersion
from treem.core.i18n import record_language
from treem.core.models import Agency, Area, AreaLevel
from treem.core.text import clean
from treem.reports import selectors
from treem.reports.computations import COMPUTATIONS
from treem.reports.engine import shares_scan, write_computed, write_computed_many
from treem.reports.formatting import fmt
from treem.reports.models import (
    LOCKING,
    ComputationRun,
    DataValue,
    Dimension,
    FormulaKind,
    Indicator,
    IndicatorGroup,
    IndicatorUnit,
    PeriodType,
    Report,
    ReportEvent,
    ReportStatus,
    RunStatus,
    UnitReport,
    UnitReportStatus,
    ValueSource,
)
from treem.reports.periods import Period, due_date, parse_period
from treem.reports.scope import data_paths, under_paths


def _require(actor: Any, area: Area, *caps: str) -> None:
    if not any(has_capability(actor, c, area) for c in caps):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def disaggregation_key(parts: dict[str, str]) -> str:
    """Canonical key: dimension=value pairs sorted by dimension, ";"-joined; "" = total."""
    return ";".join(f"{k}={parts[k]}" for k in sorted(parts))


# -- indicators --------------------------------------------------------------------------


_SLUG = re.compile(r"[a-z0-9_-]+")


def _indicator_errors(*, name: str, group: str, period_type: str) -> dict[str, str]:
    """What an indicator's name, group and reporting periods are refused for, by field."""
    errors: dict[str, str] = {}
    if not clean(name):
        errors["name"] = _("Tên chỉ tiêu không được để trống.")
    if group not in IndicatorGroup.values:
        errors["group"] = _("Nhóm chỉ tiêu không hợp lệ.")
    if period_type not in PeriodType.values:
        errors["period_type"] = _("Kỳ báo cáo không hợp lệ.")
    return errors


def _unknown_dimensions(dims: list[str]) -> str:
    """The refusal of disaggregations TreEm does not know, "" when all are known."""
    bad = [d for d in dims if d not in Dimension.values]
    return _("Phân tổ không hợp lệ: %(dims)s.") % {"dims": ", ".join(bad)} if bad else ""


@transaction.atomic
def indicator_create(
    *,
    actor: Any,
    slug: str,
    name: str,
    group: str,
    unit: str,
    disaggregations: list[str],
    period_type: str = PeriodType.BOTH,
    code: str = "",
    definition: str = "",
    formula: str = FormulaKind.MANUAL,
    numerator: Indicator | None = None,
    denominator: Indicator | None = None,
    factor: Decimal = Decimal(100),
) -> Indicator:
    """Administrators add manual indicators (or ratios of two existing ones)."""
    if not is_system_admin(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống mới thêm được chỉ tiêu."))
    slug = clean(slug).lower()
    errors: dict[str, str] = {}
    if not slug:
        errors["slug"] = _("Mã chỉ tiêu không được để trống.")
    elif not _SLUG.fullmatch(slug):  # it names the indicator's pages (a URL's slug)
        errors["slug"] = _(
            "Mã chỉ tiêu chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới (ví dụ "
            "swimming_taught_pct)."
        )
    elif Indicator.objects.filter(slug=slug).exists():
        errors["slug"] = _("Mã chỉ tiêu “%(slug)s” đã có.") % {"slug": slug}
    errors.update(_indicator_errors(name=name, group=group, period_type=period_type))
    if unit not in IndicatorUnit.values:
        errors["unit"] = _("Đơn vị tính không hợp lệ.")
    bad = _unknown_dimensions(disaggregations)
    if bad:
        errors["disaggregations"] = bad
    if formula not in (FormulaKind.MANUAL, FormulaKind.RATIO):
        errors["formula"] = _("Chỉ thêm được chỉ tiêu nhập tay hoặc tỷ lệ.")
    if formula == FormulaKind.RATIO and (numerator is None or denominator is None):
        errors["numerator"] = _("Chỉ tiêu tỷ lệ cần có tử số và mẫu số.")
    if errors:
        raise ValidationError(errors)
    ind = Indicator.objects.create(
        slug=slug,
        code=clean(code),
        name=clean(name),
        group=group,
        unit=unit,
        formula=formula,
        numerator=numerator,
        denominator=denominator,
        factor=factor,
        disaggregations=sorted(set(disaggregations)),
        period_type=period_type,
        definition=definition.strip(),
        sort_order=500,
    )
    audit(actor=actor, action="indicator.create", obj=ind, after=snapshot(ind))
    return ind


def indicator_update(
    *,
    actor: Any,
    indicator: Indicator,
    version: int | None,
    name: str,
    code: str,
    group: str,
    definition: str,
    period_type: str,
    is_active: bool,
    unit: str | None = None,
    disaggregations: list[str] | None = None,
) -> Indicator:
    """An administrator corrects an indicator's name, TT13 code, group, definition and
    reporting periods, or stops using it (it leaves the tables of periods without a value
    of it; the values stored are kept and still shown where they were reported).

    A computed indicator's unit and disaggregations are its computation's. A manual or
    ratio indicator's unit changes only while no value of it is stored, and a
    disaggregation is removed only while no value is stored under it: the values stored
    would otherwise read in another unit, or be hidden. `unit` and `disaggregations`
    None leave them as they are."""
    if not is_system_admin(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống mới sửa được chỉ tiêu."))
    with transaction.atomic():
        ind = Indicator.objects.select_for_update().get(pk=indicator.pk)
        if version is not None and int(version) != ind.version:
            raise StaleVersion(
                _(
                    "Chỉ tiêu “%(name)s” đã được người khác sửa trong lúc bạn sửa: chưa lưu gì. "
                    "Xem lại rồi bấm Lưu."
                )
                % {"name": ind.display_name()}
            )
        errors = _indicator_errors(name=name, group=group, period_type=period_type)
        stored = DataValue.objects.filter(indicator=ind)
        if unit is not None and unit != ind.unit:
            if ind.formula == FormulaKind.COMPUTED:
                errors["unit"] = _("Đơn vị tính của chỉ tiêu tính tự động không đổi được.")
            elif unit not in IndicatorUnit.values:
                errors["unit"] = _("Đơn vị tính không hợp lệ.")
            elif stored.exists():
                errors["unit"] = _(
                    "Chỉ tiêu đã có số liệu: không đổi được đơn vị tính (số liệu đã nhập sẽ "
                    "bị hiểu sai). Hãy thêm một chỉ tiêu mới."
                )
        if disaggregations is not None and set(disaggregations) != set(ind.disaggregations):
            bad = _unknown_dimensions(disaggregations)
            if ind.formula == FormulaKind.COMPUTED:
                errors["disaggregations"] = _(
                    "Phân tổ của chỉ tiêu tính tự động do phép tính quy định, không đổi được."
                )
            elif bad:
                errors["disaggregations"] = bad
            else:
                names = dict(Dimension.choices)
                in_use = [
                    str(names.get(d, d))
                    for d in sorted(set(ind.disaggregations) - set(disaggregations))
                    if stored.filter(
                        Q(disaggregation__startswith=f"{d}=") | Q(disaggregation__contains=f";{d}=")
                    ).exists()
                ]
                if in_use:
                    errors["disaggregations"] = _(
                        "Không bỏ được phân tổ đã có số liệu: %(dims)s."
                    ) % {"dims": ", ".join(in_use)}
        if errors:
            raise ValidationError(errors)
        before = snapshot(ind)
        ind.name = clean(name)
        ind.code = clean(code)
        ind.group = group
        ind.definition = definition.strip()
        ind.period_type = period_type
        ind.is_active = is_active
        if unit is not None:
            ind.unit = unit
        if disaggregations is not None:
            ind.disaggregations = sorted(set(disaggregations))
        ind.version += 1
        ind.save()
        old, new = diff(before, snapshot(ind))
        audit(actor=actor, action="indicator.update", obj=ind, before=old, after=new)
        return ind


# -- locking -----------------------------------------------------------------------------


def locked_paths(period: str, paths: list[str]) -> list[str]:
    """Paths of areas under `paths` whose report for `period` locks its values (sent or
    approved: see `LOCKING`)."""
    q = under_paths(paths, "area__path")
    return list(
        Report.objects.filter(q, period=period, status__in=LOCKING).values_list(
            "area__path", flat=True
        )
    )


def locking_report(area: Area, period: str) -> Report | None:
    """The commune's report for the period when it locks the values (sent or approved)."""
    commune = area.parent if area.level == AreaLevel.VILLAGE and area.parent else area
    return selectors.commune_report_sent(commune, period)


def locked_message(report: Report) -> str:
    """Why the period's values of the report's commune cannot change."""
    if report.status == ReportStatus.APPROVED:
        text = _("Báo cáo %(period)s của %(area)s đã được duyệt: số liệu đã khóa, không sửa được.")
    else:
        text = _(
            "Báo cáo %(period)s của %(area)s đã gửi lên tỉnh: số liệu giữ như khi gửi, "
            "chỉ sửa được khi tỉnh trả lại báo cáo."
        )
    label = parse_period(report.period).label.lower()
    return text % {"period": label, "area": report.area.full_name}


# -- manual values -----------------------------------------------------------------------


def parse_value(raw: Any, *, label: str, percent: bool = False) -> Decimal | None:
    """ "" means missing (no row); "0" is a zero. Vietnamese decimal commas accepted; a
    `percent` is at most 100."""
    text = clean(raw).replace(" ", "")
    if text == "":
        return None
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError(
            _("%(label)s: “%(raw)s” không phải là số.") % {"label": label, "raw": raw}
        ) from exc
    if value < 0:
        raise ValidationError(_("%(label)s: số liệu không được âm.") % {"label": label})
    if percent and value > 100:
        raise ValidationError(_("%(name)s: tỷ lệ không được lớn hơn 100%%.") % {"name": label})
    return value


@dataclass(frozen=True)
class ManualEntry:
    """One box of the manual values page: the value it showed when the page was loaded
    (`was`) and the value typed (`value`); None is missing."""

    indicator: Indicator
    disaggregation: str
    label: str  # "Tỷ lệ trẻ em được học bơi · Nữ", for messages
    was: Decimal | None
    value: Decimal | None


@transaction.atomic
def manual_values_save(*, actor: Any, area: Area, period: str, entries: list[ManualEntry]) -> int:
    """Save the manual values a commune's officer typed, all or none. Only the boxes
    whose value changed are written, and only where the value stored is still the one
    the page showed: a value someone else saved meanwhile is not overwritten unknowingly
    (StaleVersion lists theirs, nothing is saved; the page shows it, and a save made from
    the page it then shows goes over it). Returns the number of values written."""
    _require(actor, area, Cap.REPORTS_EDIT)
    p = parse_period(period)
    locking = locking_report(area, p.code)
    if locking is not None:
        raise ValidationError(locked_message(locking))
    changed = [e for e in entries if e.value != e.was]
    if not changed:
        return 0
    stored = {
        (dv.indicator_id, dv.disaggregation): dv.value
        for dv in DataValue.objects.select_for_update().filter(
            indicator__in={e.indicator.pk for e in changed},
            period=p.code,
            area_level=area.level,
            area_path=area.path,
        )
    }
    theirs = [
        (e, stored.get((e.indicator.pk, e.disaggregation)))
        for e in changed
        if stored.get((e.indicator.pk, e.disaggregation)) != e.was
    ]
    if theirs:
        raise StaleVersion(
            [
                _("%(label)s: người khác vừa lưu %(value)s.")
                % {"label": e.label, "value": fmt(v, e.indicator.unit)}
                for e, v in theirs
            ]
        )
    for e in changed:
        manual_value_set(
            actor=actor,
            indicator=e.indicator,
            period=p.code,
            area=area,
            value=e.value,
            disaggregation=e.disaggregation,
        )
    return len(changed)


@transaction.atomic
def manual_value_set(
    *,
    actor: Any,
    indicator: Indicator,
    period: str,
    area: Area,
    value: Decimal | None,
    disaggregation: str = "",
) -> DataValue | None:
    """Enter (or clear, with None) a manual indicator's value for a commune."""
    _require(actor, area, Cap.REPORTS_EDIT)
    p = parse_period(period)
    if not indicator.is_manual:
        raise ValidationError(
            _("Chỉ tiêu “%(name)s” được tính tự động, không nhập tay.")
            % {"name": indicator.display_name()}
        )
    if not indicator.is_active:
        raise ValidationError(
            _("Chỉ tiêu “%(name)s” đã ngừng dùng: không nhập số liệu mới.")
            % {"name": indicator.display_name()}
        )
    if not indicator.applies_to(p.code):
        raise ValidationError(
            _("Chỉ tiêu “%(name)s” không báo cáo trong kỳ %(period)s.")
            % {"name": indicator.display_name(), "period": p.code}
        )
    locking = locking_report(area, p.code)
    if locking is not None:
        raise ValidationError(locked_message(locking))
    if indicator.unit == IndicatorUnit.PERCENT and value is not None and value > 100:
        raise ValidationError(
            _("%(name)s: tỷ lệ không được lớn hơn 100%%.") % {"name": indicator.display_name()}
        )
    key: dict[str, Any] = {  # the values' unique key: the area by its level and path
        "indicator": indicator,
        "period": p.code,
        "area_level": area.level,
        "area_path": area.path,
        "disaggregation": disaggregation,
    }
    existing = DataValue.objects.filter(**key).first()
    before = snapshot(existing) if existing else None
    if value is None:
        if existing is not None:
            name = logged_name(existing)  # the value's, as the log names a value set
            existing.delete()  # an aggregate, not personal data: clearing means "missing"
            audit(
                actor=actor,
                action="datavalue.clear",
                obj=indicator,
                area=area,
                before=before,
                repr_=name,
            )
        return None
    dv, _created = DataValue.objects.update_or_create(
        **key,
        defaults={
            "value": value,
            "source": ValueSource.MANUAL,
            "entered_by": actor,
            "area": area,
            "province_code": area.province_code,
        },
    )
    audit(
        actor=actor,
        action="datavalue.set",
        obj=dv,
        area=area,
        before=before,
        after=snapshot(dv),
    )
    return dv


# -- computation -------------------------------------------------------------------------


def computed_indicators(period: Period) -> list[Indicator]:
    return [
        i
        for i in Indicator.objects.filter(formula=FormulaKind.COMPUTED, is_active=True)
        if i.computation in COMPUTATIONS and i.applies_to(period.code)
    ]


def compute_indicator(
    indicator: Indicator, period: Period, area: Area, *, skip_paths: list[str] | None = None
) -> int:
    """Replace the computed values of one indicator for `area`'s subtree (and predecessors).

    Set-based: the database counts and writes every stored disaggregation in one
    `INSERT … SELECT … GROUP BY` (`treem.reports.engine`), in one transaction; no row of
    the registry passes through Python. Areas whose report is approved (`skip_paths`)
    keep their values. Returns the number of rows inserted or changed.
    """
    with transaction.atomic():
        return write_computed(indicator, period, data_paths(area), skip_paths or [])


def compute_indicators(
    indicators: list[Indicator],
    period: Period,
    area: Area,
    *,
    skip_paths: list[str] | None = None,
) -> int:
    """`compute_indicator` for several indicators in one transaction; on PostgreSQL the
    children indicators share one scan of the registry. Returns rows inserted or changed."""
    with transaction.atomic():
        return write_computed_many(indicators, period, data_paths(area), skip_paths or [])


def _run_name(area: Area, p: Period) -> str:
    """How the log names a computation: "Xã Nghĩa Hưng · Năm 2026" (in Vietnamese)."""
    with record_language():
        return f"{area.full_name} · {p.label}"


@transaction.atomic
def computation_start(
    *, actor: Any, area: Area, period: str, as_of: dt.date | None = None
) -> ComputationRun:
    """A computation run of every computed indicator for `area` and `period`, counted as
    of the period's end or, with `as_of`, of an earlier day of the period (a report sent
    before its period ends states "số liệu tính đến ngày …")."""
    _require(actor, area, Cap.REPORTS_EDIT, Cap.REPORTS_APPROVE)
    p = parse_period(period)
    if area.level not in (AreaLevel.PROVINCE, AreaLevel.COMMUNE) or area.is_legacy:
        raise ValidationError(_("Chỉ tính số liệu cho tỉnh hoặc xã, phường đang có hiệu lực."))
    if as_of is not None and as_of < p.start:  # a day from the period's end on: its end
        raise ValidationError(
            {
                "as_of": _("Ngày tính đến (%(day)s) ở trước kỳ báo cáo, bắt đầu từ %(start)s.")
                % {"day": as_of.strftime("%d/%m/%Y"), "start": p.start.strftime("%d/%m/%Y")}
            }
        )
    locking = locking_report(area, p.code) if area.level == AreaLevel.COMMUNE else None
    if locking is not None:  # nothing of the commune would be computed
        raise ValidationError(locked_message(locking))
    # The indicators sharing the children scan come first: one step computes them all.
    inds = sorted(computed_indicators(p), key=lambda i: not shares_scan(i))
    steps = [i.slug for i in inds]
    run = ComputationRun.objects.create(
        area=area,
        province_code=area.province_code,
        period=p.code,
        steps=steps,
        status=RunStatus.PENDING,
        started_by=actor,
        skipped_locked=[],
        as_of=p.as_of(as_of).cutoff,
    )
    audit(
        actor=actor,
        action="reports.compute",
        obj=run,
        area=area,
        after={
            "period": p.code,
            "steps": steps,
            "as_of": run.as_of.isoformat() if run.as_of else None,
        },
        repr_=_run_name(area, p),
    )
    return run


def computation_step(*, run: ComputationRun) -> ComputationRun:
    """Do the run's next step (one indicator). Idempotent once the run is finished."""
    if run.status in (RunStatus.DONE, RunStatus.FAILED):
        return run
    p = parse_period(run.period).as_of(run.as_of)
    if run.done_steps == 0:
        run.skipped_locked = locked_paths(p.code, data_paths(run.area))
    if run.done_steps < run.total_steps:
        slug = run.steps[run.done_steps]
        pending = run.steps[run.done_steps :]
        found = {i.slug: i for i in Indicator.objects.filter(slug__in=pending)}
        batch = [slug]
        first = found.get(slug)
        if first is not None and shares_scan(first):
            for s in pending[1:]:
                if s not in found or not shares_scan(found[s]):
                    break
                batch.append(s)
        try:
            indicators = [found[s] for s in batch if s in found]
            if indicators:
                run.rows_written += compute_indicators(
                    indicators, p, run.area, skip_paths=list(run.skipped_locked)
                )
        except Exception as exc:
            run.status = RunStatus.FAILED
            run.error = f"{', '.join(batch)}: {exc}"
            run.finished_at = timezone.now()
            run.save()
            return run
        run.done_steps += len(batch)
        run.status = RunStatus.RUNNING
    if run.done_steps >= run.total_steps:
        run.status = RunStatus.DONE
        run.finished_at = timezone.now()
    run.save()
    return run


def computation_run_all(
    *, actor: Any, area: Area, period: str, as_of: dt.date | None = None
) -> ComputationRun:
    run = computation_start(actor=actor, area=area, period=period, as_of=as_of)
    while run.status not in (RunStatus.DONE, RunStatus.FAILED):
        run = computation_step(run=run)
    return run


# -- reports -----------------------------------------------------------------------------


def _event(report: Report, action: str, actor: Any, comment: str = "") -> None:
    ReportEvent.objects.create(report=report, action=action, actor=actor, comment=comment)


@transaction.atomic
def report_create(*, actor: Any, area: Area, period: str) -> Report:
    """Open the commune's report for a period (idempotent: returns the existing one)."""
    _require(actor, area, Cap.REPORTS_EDIT)
    p = parse_period(period)
    if area.level != AreaLevel.COMMUNE or area.is_legacy:
        raise ValidationError(_("Báo cáo định kỳ được lập cho xã, phường đang có hiệu lực."))
    existing = Report.objects.filter(area=area, period=p.code).first()
    if existing is not None:
        return existing
    # stored: in the language records are kept in (see core.i18n)
    with record_language():
        report = Report.objects.create(
            area=area,
            province_code=area.province_code,
            period=p.code,
            status=ReportStatus.DRAFT,
            due_date=due_date(area, p, level="commune"),
            place=area.name,
            recipients=_("- UBND tỉnh (qua Sở Y tế);\n- Lưu: VT, VHXH."),
            signer_title=_("CHỦ TỊCH"),
            created_by=actor,
        )
    _event(report, "create", actor)
    audit(actor=actor, action="report.create", obj=report, after=snapshot(report))
    return report


REPORT_TEXT_FIELDS = (
    "number",
    "place",
    "signer_name",
    "signer_title",
    "recipients",
    "narrative_results",
    "narrative_limits",
    "narrative_proposals",
)


def _check_version(report: Report | UnitReport, version: int | None) -> None:
    if version is not None and int(version) != report.version:
        raise StaleVersion(
            _(
                "Báo cáo đã được người khác sửa trong lúc bạn soạn (phiên bản %(theirs)d, "
                "bạn đang sửa phiên bản %(yours)d). Vui lòng tải lại trang và sửa lại."
            )
            % {"theirs": report.version, "yours": int(version)}
        )


@transaction.atomic
def report_update(*, actor: Any, report: Report, version: int | None, **changes: Any) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require(actor, report.area, Cap.REPORTS_EDIT)
    _check_version(report, version)
    if not report.is_editable:
        raise ValidationError(
            _("Báo cáo đang ở trạng thái “%(status)s”, không sửa được.")
            % {"status": report.get_status_display()}
        )
    before = snapshot(report, REPORT_TEXT_FIELDS)
    for field in REPORT_TEXT_FIELDS:
        if field in changes:
            value = changes[field] or ""
            setattr(report, field, value.strip() if "\n" in value else clean(value))
    report.version += 1
    report.save()
    b, a = diff(before, snapshot(report, REPORT_TEXT_FIELDS))
    audit(actor=actor, action="report.update", obj=report, before=b, after=a)
    return report


@transaction.atomic
def report_submit(*, actor: Any, report: Report, version: int | None = None) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require(actor, report.area, Cap.REPORTS_EDIT)
    _check_version(report, version)
    if not report.is_editable:
        raise ValidationError(
            _("Báo cáo đang ở trạng thái “%(status)s”, không gửi được.")
            % {"status": report.get_status_display()}
        )
    missing = [
        label
        for field, label in (
            ("narrative_results", _("Kết quả đạt được")),
            ("narrative_limits", _("Hạn chế, nguyên nhân")),
            ("narrative_proposals", _("Đề xuất, kiến nghị")),
        )
        if not getattr(report, field).strip()
    ]
    if missing:
        raise ValidationError(
            _("Chưa gửi được: mục %(fields)s còn trống.") % {"fields": ", ".join(map(str, missing))}
        )
    # by indicator, level and path, so the unique key (indicator, period, level, path, …)
    # answers it
    if not DataValue.objects.filter(
        indicator_id__in=list(Indicator.objects.values_list("pk", flat=True)),
        period=report.period,
        area_level=report.area.level,
        area_path=report.area.path,
        source=ValueSource.COMPUTED,
    ).exists():
        raise ValidationError(_("Chưa gửi được: hãy tính số liệu cho kỳ báo cáo trước."))
    before = snapshot(report, ("status",))
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = actor
    report.version += 1
    report.save()
    _event(report, "submit", actor)
    audit(
        actor=actor,
        action="report.submit",
        obj=report,
        before=before,
        after={"status": report.status, "on_time": report.on_time},
    )
    return report


def _decide_guard(actor: Any, report: Report) -> None:
    _require(actor, report.area, Cap.REPORTS_APPROVE)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(
            _("Chỉ duyệt hoặc trả lại được báo cáo đã gửi (hiện: “%(status)s”).")
            % {"status": report.get_status_display()}
        )


@transaction.atomic
def report_return(*, actor: Any, report: Report, comment: str) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    _decide_guard(actor, report)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Vui lòng ghi ý kiến khi trả lại báo cáo.")})
    report.status = ReportStatus.RETURNED
    report.return_comment = comment
    report.decided_at = timezone.now()
    report.decided_by = actor
    report.version += 1
    report.save()
    _event(report, "return", actor, comment)
    audit(
        actor=actor,
        action="report.return",
        obj=report,
        before={"status": ReportStatus.SUBMITTED},
        after={"status": report.status, "comment": comment},
    )
    return report


@transaction.atomic
def report_approve(*, actor: Any, report: Report, comment: str = "") -> Report:
    """Approve bottom-up: the province approves a commune's report; its values lock."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _decide_guard(actor, report)
    report.status = ReportStatus.APPROVED
    report.decided_at = timezone.now()
    report.decided_by = actor
    report.version += 1
    report.save()
    _event(report, "approve", actor, (comment or "").strip())
    audit(
        actor=actor,
        action="report.approve",
        obj=report,
        before={"status": ReportStatus.SUBMITTED},
        after={"status": report.status},
    )
    return report


# -- units' reports ----------------------------------------------------------------------


def _require_unit(actor: Any, agency: Agency) -> None:
    if is_system_admin(actor) or has_capability(actor, Cap.REPORTS_EDIT, agency.area):
        return
    from treem.core.access import user_agency_ids

    if has_capability(actor, Cap.REPORTS_UNIT, agency.area) and agency.pk in user_agency_ids(actor):
        return
    raise PermissionDenied(_("Bạn không có quyền báo cáo thay đơn vị này."))


@transaction.atomic
def unit_report_save(
    *,
    actor: Any,
    agency: Agency,
    period: str,
    narrative: str,
    difficulties: str = "",
    version: int | None = None,
    submit: bool = False,
) -> UnitReport:
    """A unit writes (and optionally sends) its part of the commune's report."""
    _require_unit(actor, agency)
    p = parse_period(period)
    ur = UnitReport.objects.select_for_update().filter(agency=agency, period=p.code).first()
    if ur is None:
        ur = UnitReport(
            agency=agency,
            area=agency.area,
            province_code=agency.province_code,
            period=p.code,
            due_date=due_date(agency.area, p, level="unit"),
            version=0,
        )
    else:
        _check_version(ur, version)
    if selectors.commune_report_sent(agency.area, p.code) is not None:
        raise ValidationError(
            _("Báo cáo %(period)s của xã đã gửi lên tỉnh: không sửa được phần của đơn vị.")
            % {"period": p.label.lower()}
        )
    if submit and not narrative.strip():
        raise ValidationError({"narrative": _("Vui lòng ghi kết quả thực hiện trước khi gửi.")})
    before = snapshot(ur) if ur.pk else None
    ur.narrative = narrative.strip()
    ur.difficulties = difficulties.strip()
    ur.version += 1
    if submit:
        ur.status = UnitReportStatus.SUBMITTED
        ur.submitted_at = timezone.now()
        ur.submitted_by = actor
    ur.save()
    audit(
        actor=actor,
        action="unitreport.submit" if submit else "unitreport.save",
        obj=ur,
        area=agency.area,
        before=before,
        after=snapshot(ur),
        repr_=f"{agency.name} {p.code}",
    )
    return ur
