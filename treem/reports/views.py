"""Report pages: list and completeness, the report form, computation progress, exports."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from treem.core.access import Cap, has_capability, is_system_admin, user_agency_ids
from treem.core.current import current_area
from treem.core.errors import StaleVersion
from treem.core.forms import errors_to_form, saved_differences, typed_over
from treem.core.i18n import in_record_language
from treem.core.models import Agency, Area, AreaLevel
from treem.reports import selectors, services
from treem.reports.exports import report_docx, table_xlsx
from treem.reports.forms import (
    ComputeForm,
    IndicatorEditForm,
    IndicatorForm,
    NarrativeForm,
    ReturnForm,
    UnitReportForm,
)
from treem.reports.labels import dimension_name
from treem.reports.models import (
    Indicator,
    IndicatorUnit,
    Report,
    ReportStatus,
    RunStatus,
)
from treem.reports.periods import Period, due_date, parse_period, recent_periods

CHART_SLUGS = ["child_population", "special_circumstances", "abused_children", "injured_children"]


def _period(value: str) -> Period:
    try:
        return parse_period(value)
    except ValidationError as exc:
        raise Http404 from exc


def _messages_from(request: HttpRequest, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


def _detail_url(area_key: str, period: str) -> str:
    return reverse("reports:report_detail", kwargs={"period": period, "key": area_key})


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports home: periods, the area's report status, completeness and charts."""
    area = current_area(request)
    user: Any = request.user
    if area is None or not selectors.can_view(user, area):
        raise Http404
    if area.level == AreaLevel.VILLAGE and area.parent is not None:
        area = area.parent
    today = selectors.today()
    periods = recent_periods(today, 6)
    period = _period(request.GET["ky"]) if request.GET.get("ky") else selectors.default_period()
    unit = selectors.own_unit(user=user, area=area)
    if unit is not None:  # a unit focal point: its own part is its reports page
        return redirect("reports:unit_report", period=period.code, agency_id=unit.pk)
    if all(p.code != period.code for p in periods):
        periods.append(period)
    ctx: dict[str, Any] = {"area": area, "periods": periods, "period": period}
    if area.level <= AreaLevel.DISTRICT:
        ctx["completeness"] = selectors.completeness(user=user, area=area, period=period.code)
    else:
        ctx["reports"] = {
            r.period: r for r in selectors.report_list(user=user).filter(area=area)[:12]
        }
        ctx["period_rows"] = [
            (p, r, selectors.deadline(area, p, r))
            for p in periods
            for r in [ctx["reports"].get(p.code)]
        ]
    # One kind of period per trend (6-month reports, or annual ones), oldest first: an
    # annual total beside first halves would read as a jump, and "2026" sorts before
    # "2026H1" as text.
    trend_periods = sorted(
        {p.code for p in periods if p.semiannual == period.semiannual} | {period.code}
    )
    series = selectors.trend(user=user, area=area, slugs=CHART_SLUGS, periods=trend_periods)
    names = {i.slug: i.display_name() for i in Indicator.objects.filter(slug__in=CHART_SLUGS)}
    ctx["chart"] = json.dumps(
        {
            # the axis reads "6 tháng đầu năm 2026", as the reports are named
            "labels": [parse_period(code).label for code in trend_periods],
            # the population (thousands) on an axis of its own, on the right: on one
            # axis with it the other series (tens) lie flat along the bottom
            "series": [
                {
                    "label": names.get(s, s),
                    "data": series.get(s, []),
                    "axis": "right" if s == "child_population" else "left",
                }
                for s in CHART_SLUGS
                if s in series
            ],
        }
    )
    ctx["is_unit"] = bool(user_agency_ids(user)) and has_capability(user, Cap.REPORTS_UNIT, area)
    return render(request, "reports/report_list.html", ctx)


@login_required
def report_detail(request: HttpRequest, period: str, key: str) -> HttpResponse:
    area = selectors.area_for_reports(user=request.user, key=key)
    return _render_detail(request, area, _period(period))


def _render_detail(
    request: HttpRequest,
    area: Area,
    p: Any,
    *,
    form: NarrativeForm | None = None,
    saved: Report | None = None,
    status: int = 200,
) -> HttpResponse:
    """The report page; with `form`, the narrative as the officer last typed it (a save
    that was refused keeps it), and with `saved`, what someone else saved meanwhile."""
    user: Any = request.user
    report = selectors.report_for(user=user, area=area, period=p.code)
    table = selectors.indicator_table(user=user, area=area, period=p.code)
    can_edit = has_capability(user, Cap.REPORTS_EDIT, area) and area.level == AreaLevel.COMMUNE
    can_decide = has_capability(user, Cap.REPORTS_APPROVE, area)
    ctx: dict[str, Any] = {
        "area": area,
        "period": p,
        "compute_form": ComputeForm(period=p),
        "report": report,
        "table": table,
        "can_edit": can_edit and not area.is_legacy,
        "can_compute": (can_edit or can_decide) and not area.is_legacy,
        "can_decide": can_decide and report is not None,
        "editable": report is not None and report.is_editable and can_edit,
        "locked": services.locked_message(report) if report and report.is_locked else "",
        # the manual indicators' page: a commune's officer, while its values are not locked
        "can_enter": can_edit
        and not area.is_legacy
        and not (report and report.is_locked)
        and any(r.indicator.is_manual and r.indicator.is_active for r in table),
        "run": selectors.latest_run(user=user, area=area, period=p.code),
        "sub_level": _("Thôn") if area.level == AreaLevel.COMMUNE else _("Xã, phường"),
        # the level above, for those who may read it (a commune's officer may not)
        "up": area.parent is not None
        and area.level > AreaLevel.PROVINCE
        and selectors.can_view(user, area.parent),
    }
    if area.level == AreaLevel.COMMUNE:
        ctx["deadline"] = selectors.deadline(area, p, report)
        unit_due = due_date(area, p, level="unit")  # each unit's date, unless its part has one
        ctx["units"] = [
            (agency, part, selectors.deadline(area, p, part, level="unit", planned=unit_due))
            for agency, part in selectors.unit_reports(user=user, area=area, period=p.code)
        ]
        ctx["progress"] = selectors.task_progress(user=user, area=area, period=p.code)
    elif area.level < AreaLevel.COMMUNE:
        ctx["completeness"] = selectors.completeness(user=user, area=area, period=p.code)
    if report is not None:
        ctx["events"] = list(report.events.select_related("actor"))
        ctx["form"] = form or NarrativeForm(instance=report)
        ctx["return_form"] = ReturnForm()
        ctx["saved"] = saved
    return render(request, "reports/report_detail.html", ctx, status=status)


@login_required
@require_POST
def report_create(request: HttpRequest, period: str, key: str) -> HttpResponse:
    area = selectors.area_for_reports(user=request.user, key=key)
    try:
        services.report_create(actor=request.user, area=area, period=period)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _messages_from(request, exc)
    return redirect(_detail_url(area.key, period))


def _report_or_404(request: HttpRequest, pk: int) -> Any:
    return selectors.report_get(user=request.user, pk=pk)


@login_required
@require_POST
def report_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the narrative (and submit). A save that is refused shows the page again with
    the text as typed, never losing it; when someone else saved meanwhile, their text is
    shown beside it and the next save is made over theirs, knowingly."""
    report = _report_or_404(request, pk)
    form = NarrativeForm(request.POST, instance=report)
    p = _period(report.period)
    if not form.is_valid():
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, str(e))
        return _render_detail(request, report.area, p, form=form, status=422)
    try:
        services.report_update(
            actor=request.user,
            report=report,
            version=form.cleaned_data["version"],
            **{f: form.cleaned_data[f] for f in services.REPORT_TEXT_FIELDS},
        )
        messages.success(request, _("Đã lưu báo cáo."))
        if request.POST.get("and_submit"):
            services.report_submit(actor=request.user, report=report)
            messages.success(request, _("Đã gửi báo cáo lên tỉnh."))
    except PermissionDenied as exc:
        raise Http404 from exc
    except StaleVersion as exc:
        saved = Report.objects.get(pk=report.pk)
        messages.error(request, " ".join(exc.messages))
        messages.info(
            request,
            _(
                "Nội dung bạn vừa soạn vẫn ở trong các ô dưới đây; bản người khác vừa lưu ở "
                "ngay trên. Xem lại, sửa rồi bấm Lưu."
            ),
        )
        conflict = NarrativeForm(typed_over(request.POST, saved.version), instance=saved)
        return _render_detail(request, report.area, p, form=conflict, saved=saved, status=409)
    except ValidationError as exc:
        _messages_from(request, exc)
        return _render_detail(request, report.area, p, form=form, status=422)
    return redirect(_detail_url(report.area.key, report.period))


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    try:
        services.report_submit(actor=request.user, report=report)
        messages.success(request, _("Đã gửi báo cáo lên tỉnh."))
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _messages_from(request, exc)
    return redirect(_detail_url(report.area.key, report.period))


@login_required
@require_POST
def report_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = _report_or_404(request, pk)
    try:
        if action == "approve":
            services.report_approve(actor=request.user, report=report)
            messages.success(request, _("Đã duyệt báo cáo. Số liệu của kỳ đã được khóa."))
        else:
            services.report_return(
                actor=request.user, report=report, comment=request.POST.get("comment", "")
            )
            messages.success(request, _("Đã trả lại báo cáo cho xã."))
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _messages_from(request, exc)
    return redirect(_detail_url(report.area.key, report.period))


def _plain(value: Any) -> str:
    """A value as a box holds it: no thousands separator, a decimal comma ("62,5")."""
    return "" if value is None else format(value.normalize(), "f").replace(".", ",")


def _manual_entries(
    request: HttpRequest, boxes: list[tuple[Indicator, list[Any]]]
) -> tuple[list[services.ManualEntry], list[str]]:
    """The boxes posted, as entries, and the messages of those that are not numbers (each
    names the indicator and the category)."""
    entries, errors = [], []
    for ind, cells in boxes:
        for box in cells:
            name = f"{ind.slug}:{box.key}"
            if f"v:{name}" not in request.POST:
                continue
            label = f"{ind.display_name()} · {box.label}"
            try:
                value = services.parse_value(
                    request.POST[f"v:{name}"],
                    label=label,
                    percent=ind.unit == IndicatorUnit.PERCENT,
                )
                was = services.parse_value(request.POST.get(f"was:{name}", ""), label=label)
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
            entries.append(services.ManualEntry(ind, box.key, label, was, value))
    return entries, errors


def _manual_rows(
    request: HttpRequest, boxes: list[tuple[Indicator, list[Any]]], *, posted: bool, refused: bool
) -> list[tuple[Indicator, Any, list[tuple[str, list[Any], bool]]]]:
    """The page's rows: (indicator, its total's box, [(disaggregation, its boxes, shown
    open)]), each box as (box, field name, text shown, value the page was loaded with).
    After a refusal of the typist's own making the page keeps its own "was", so that the
    next save still meets what someone else saved since; after a conflict, theirs."""
    rows = []
    for ind, cells in boxes:
        groups: dict[str, list[tuple[Any, str, str, str]]] = {}
        for box in cells:
            name = f"{ind.slug}:{box.key}"
            was = request.POST.get(f"was:{name}", "") if refused else _plain(box.stored)
            text = request.POST.get(f"v:{name}", "") if posted else _plain(box.stored)
            groups.setdefault(box.dimension, []).append((box, name, text, was))
        total = groups.pop("")[0]
        rows.append(
            (
                ind,
                total,
                [
                    (dim, shown, len(shown) <= 8 or any(t or w for _b, _n, t, w in shown))
                    for dim, shown in groups.items()
                ],
            )
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def manual_values(request: HttpRequest, period: str, key: str) -> HttpResponse:
    """A commune's manual indicators for a period: the total and each category of their
    disaggregations, saved all or none. A value someone else saved since the page was
    loaded is not overwritten: the page lists theirs and keeps what was typed, and the
    next save goes over theirs, knowingly. A refused save keeps what was typed."""
    user: Any = request.user
    area = selectors.area_for_reports(user=user, key=key)
    p = _period(period)
    if not (
        has_capability(user, Cap.REPORTS_EDIT, area)
        and area.level == AreaLevel.COMMUNE
        and not area.is_legacy
    ):
        raise Http404
    boxes = selectors.manual_boxes(user=user, area=area, period=p.code)
    locking = services.locking_report(area, p.code)
    posted = request.method == "POST" and locking is None
    errors: list[str] = []
    status = 200
    if posted:
        entries, errors = _manual_entries(request, boxes)
        status = 422
        if not errors:
            try:
                saved = services.manual_values_save(
                    actor=user, area=area, period=p.code, entries=entries
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except StaleVersion as exc:
                errors, status = exc.messages, 409
                boxes = selectors.manual_boxes(
                    user=user, area=area, period=p.code
                )  # theirs, to go over
            except ValidationError as exc:
                errors = exc.messages
            else:
                if saved:
                    messages.success(
                        request,
                        ngettext(
                            "Đã lưu %(n)d số liệu nhập tay.",
                            "Đã lưu %(n)d số liệu nhập tay.",
                            saved,
                        )
                        % {"n": saved},
                    )
                else:
                    messages.info(request, _("Không có số liệu nào thay đổi."))
                return redirect(_detail_url(area.key, p.code))
    rows = _manual_rows(request, boxes, posted=posted, refused=status == 422)
    return render(
        request,
        "reports/manual_values.html",
        {
            "area": area,
            "period": p,
            "rows": rows,
            "errors": errors,
            "conflict": status == 409,
            "locked": services.locked_message(locking) if locking else "",
        },
        status=status,
    )


# -- computation with a progress bar -----------------------------------------------------


@login_required
@require_POST
def compute_start(request: HttpRequest, period: str, key: str) -> HttpResponse:
    area = selectors.area_for_reports(user=request.user, key=key)
    options = ComputeForm(request.POST)
    try:
        if not options.is_valid():
            raise ValidationError(
                [
                    f"{options.fields[f].label}: {e}"
                    for f, errs in options.errors.items()
                    for e in errs
                ]
            )
        run = services.computation_start(
            actor=request.user, area=area, period=period, as_of=options.cleaned_data["as_of"]
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _messages_from(request, exc)
        if request.headers.get("HX-Request"):  # the page again, with the message
            return HttpResponse(headers={"HX-Redirect": _detail_url(area.key, period)})
        return redirect(_detail_url(area.key, period))
    if request.headers.get("HX-Request"):
        return render(request, "reports/_progress.html", {"run": run})
    while run.status not in (RunStatus.DONE, RunStatus.FAILED):  # no JavaScript: do it all
        run = services.computation_step(run=run)
    messages.success(request, _("Đã tính xong số liệu."))
    return redirect(_detail_url(area.key, period))


@login_required
@require_POST
def compute_step(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk)
    if not (
        has_capability(request.user, Cap.REPORTS_EDIT, run.area)
        or has_capability(request.user, Cap.REPORTS_APPROVE, run.area)
    ):
        raise Http404
    run = services.computation_step(run=run)
    return render(request, "reports/_progress.html", {"run": run})


# -- drill-down, indicators, units -------------------------------------------------------


@login_required
def indicator_detail(request: HttpRequest, slug: str, period: str, key: str) -> HttpResponse:
    user: Any = request.user
    area = selectors.area_for_reports(user=user, key=key)
    p = _period(period)
    # a report keeps an indicator no longer used where it has a value (`indicator_table`)
    ind = selectors.indicators(active_only=False).filter(slug=slug).first()
    if ind is None:
        raise Http404
    rows = selectors.drilldown(user=user, area=area, period=p.code, indicator=ind)
    table = selectors.indicator_table(user=user, area=area, period=p.code)
    row = next((r for r in table if r.indicator.pk == ind.pk), None)
    return render(
        request,
        "reports/indicator_detail.html",
        {
            "area": area,
            "period": p,
            "indicator": ind,
            "rows": rows,
            "row": row,
            "dims": [dimension_name(d) for d in ind.disaggregations],
        },
    )


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    area = current_area(request)
    if area is None or not selectors.can_view(user, area):
        raise Http404
    form = IndicatorForm(request.POST or None) if is_system_admin(user) else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                ind = services.indicator_create(actor=user, **form.service_kwargs())
                messages.success(
                    request, _("Đã thêm chỉ tiêu “%(name)s”.") % {"name": ind.display_name()}
                )
                return redirect("reports:indicator_list")
            except ValidationError as exc:
                errors_to_form(form, exc)
    return render(
        request,
        "reports/indicator_list.html",
        {"indicators": selectors.indicators(active_only=False), "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """An administrator corrects an indicator or stops using it. An edit refused because
    someone else saved meanwhile keeps what was typed and lists their values where they
    differ; the next save goes over theirs, knowingly."""
    user: Any = request.user
    if not is_system_admin(user):
        raise Http404
    ind = get_object_or_404(selectors.indicators(active_only=False), slug=slug)
    form = IndicatorEditForm(request.POST or None, indicator=ind)
    saved_meanwhile: list[tuple[Any, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(actor=user, indicator=ind, **form.service_kwargs())
        except StaleVersion as exc:
            ind = Indicator.objects.get(pk=ind.pk)
            form = IndicatorEditForm(typed_over(request.POST, ind.version), indicator=ind)
            form.is_valid()
            typed = {k: v for k, v in form.service_kwargs().items() if k in form.fields}
            typed.pop("version", None)
            saved_meanwhile = saved_differences(form, typed, ind)
            form.add_error(None, " ".join(exc.messages))
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, _("Đã lưu chỉ tiêu “%(name)s”.") % {"name": ind.display_name()}
            )
            return redirect("reports:indicator_list")
    return render(
        request,
        "reports/indicator_edit.html",
        {"indicator": ind, "form": form, "saved_meanwhile": saved_meanwhile},
        status=409 if saved_meanwhile else (422 if form.errors else 200),
    )


@login_required
def unit_report(request: HttpRequest, period: str, agency_id: int) -> HttpResponse:
    user: Any = request.user
    agency = Agency.objects.select_related("area").filter(pk=agency_id).first()
    if agency is None or not selectors.can_view(user, agency.area):
        raise Http404
    own = agency.pk in user_agency_ids(user) or has_capability(user, Cap.REPORTS_EDIT, agency.area)
    if not own and not is_system_admin(user):
        raise Http404
    p = _period(period)
    part = dict(selectors.unit_reports(user=user, area=agency.area, period=p.code)).get(agency)
    conflict = None  # what someone else saved while this form was being written
    form = UnitReportForm(
        request.POST or None,
        initial={
            "narrative": part.narrative if part else "",
            "difficulties": part.difficulties if part else "",
            "version": part.version if part else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_report_save(
                actor=user,
                agency=agency,
                period=p.code,
                narrative=form.cleaned_data["narrative"],
                difficulties=form.cleaned_data["difficulties"],
                version=form.cleaned_data["version"],
                submit=bool(request.POST.get("submit")),
            )
            messages.success(
                request,
                _("Đã gửi báo cáo của đơn vị về xã.")
                if request.POST.get("submit")
                else _("Đã lưu báo cáo của đơn vị."),
            )
            return redirect("reports:unit_report", period=p.code, agency_id=agency.pk)
        except PermissionDenied as exc:
            raise Http404 from exc
        except StaleVersion as exc:
            # as the commune's report (`report_update`): the text stays in the form, the
            # other version is shown, and the next save replaces it knowingly
            saved = dict(selectors.unit_reports(user=user, area=agency.area, period=p.code))
            part = saved.get(agency)
            form = UnitReportForm(typed_over(request.POST, part.version if part else None))
            form.is_valid()
            form.add_error(None, " ".join(exc.messages))
            conflict = part
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error(None, msg)
    progress = [
        e
        for e in selectors.task_progress(user=user, area=agency.area, period=p.code)
        if e.agency_id == agency.pk
    ]
    other_periods = [q for q in recent_periods(selectors.today(), 4) if q.code != p.code]
    return render(
        request,
        "reports/unit_report.html",
        {
            "agency": agency,
            "period": p,
            "part": part,
            "form": form,
            "progress": progress,
            "other_periods": other_periods,
            "saved": conflict,
            "commune_sent": selectors.commune_report_sent(agency.area, p.code),
        },
        status=409 if conflict is not None else 200,
    )


# -- exports -----------------------------------------------------------------------------


def _values_as_of(request: HttpRequest, area: Area, period: str) -> Any:
    """The day the figures were counted to, when the last computation stopped before the
    period's end (None: to its end), for the exports to state."""
    run = selectors.latest_run(user=request.user, area=area, period=period)
    return run.as_of if run is not None and run.status == RunStatus.DONE else None


@login_required
@in_record_language
def export_docx(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    table = selectors.indicator_table(user=request.user, area=report.area, period=report.period)
    units = selectors.unit_reports(user=request.user, area=report.area, period=report.period)
    progress = selectors.task_progress(user=request.user, area=report.area, period=report.period)
    data = report_docx(
        report=report,
        table=table,
        units=units,
        progress=progress,
        as_of=_values_as_of(request, report.area, report.period),
    )
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="bao-cao-{report.area.key}-{report.period}.docx"'
    )
    return response


@login_required
@in_record_language
def export_xlsx(request: HttpRequest, period: str, key: str) -> HttpResponse:
    area = selectors.area_for_reports(user=request.user, key=key)
    p = _period(period)
    table = selectors.indicator_table(user=request.user, area=area, period=p.code)
    data = table_xlsx(area=area, period=p, table=table, as_of=_values_as_of(request, area, p.code))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="chi-tieu-{area.key}-{p.code}.xlsx"'
    return response


__all__ = ["ReportStatus"]
