"""Plan pages: list, upload and review, dashboard, tasks and progress, export."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from treem.core.access import Cap, has_capability
from treem.core.current import current_area, working_commune
from treem.core.i18n import in_record_language
from treem.core.models import Agency
from treem.core.text import fold
from treem.plans import selectors, services
from treem.plans.export import plan_docx_bytes, plan_docx_filename
from treem.plans.forms import (
    FromParentForm,
    MeasureForm,
    PlanHeaderForm,
    PlanUploadForm,
    ProgressForm,
)
from treem.plans.importing import ExtractionError, extract_upload
from treem.plans.models import PlanStatus, ReportLevel, ReportPeriod, TaskStatus
from treem.plans.units import split_names


def _messages_from(request: HttpRequest, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


def _area_or_404(request: HttpRequest, capability: str = Cap.PLANS_VIEW) -> Any:
    area = working_commune(request) or current_area(request)
    if area is None or not has_capability(request.user, capability, area):
        raise Http404
    return area


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    area = _area_or_404(request)
    plans = selectors.plan_list(user=request.user, area=area)
    page = Paginator(plans, 25).get_page(request.GET.get("page"))
    can_edit = has_capability(request.user, Cap.PLANS_EDIT, area)
    parent_form = None
    if can_edit:
        parents = list(selectors.parent_plan_candidates(user=request.user, area=area)[:20])
        if parents:
            parent_form = FromParentForm(initial={"year": timezone.localdate().year})
            cast(forms.ChoiceField, parent_form.fields["parent"]).choices = [
                (p.pk, f"{p.area.full_name} · {p.year} · {p.title[:80]}") for p in parents
            ]
    return render(
        request,
        "plans/plan_list.html",
        {
            "area": area,
            "page": page,
            "can_edit": can_edit,
            "parent_form": parent_form,
            # "my tasks" answers 404 to those who record no progress (leaders, province)
            "can_record_progress": has_capability(request.user, Cap.PLANS_PROGRESS, area),
        },
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    area = _area_or_404(request, Cap.PLANS_EDIT)
    # The commune itself, or (for plans issued before the 2025 reform) a unit it succeeds.
    areas = {
        a.key: a for a in [area, *selectors.issuing_predecessors(user=request.user, area=area)]
    }
    form = PlanUploadForm(request.POST or None, request.FILES or None, initial={"area": area.key})
    cast(forms.ChoiceField, form.fields["area"]).choices = [
        (a.key, f"{a.full_name}" + (_(" (trước 2025)") if a.is_legacy else ""))
        for a in areas.values()
    ]
    if request.method == "POST" and form.is_valid():
        issuing = areas.get(form.cleaned_data["area"] or area.key, area)
        try:
            data, source = extract_upload(form.cleaned_data["file"])
            plan = services.plan_create_from_extraction(
                actor=request.user, area=issuing, data=data, source=source
            )
        except ExtractionError as exc:
            form.add_error("file", str(exc))
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error(None, msg)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(
                request,
                _(
                    "Đã đọc kế hoạch: %(tasks)d nhiệm vụ, %(targets)d chỉ tiêu. "
                    "Hãy đối chiếu với văn bản gốc và sửa nếu cần."
                )
                % {"tasks": plan.tasks.count(), "targets": plan.targets.count()},
            )
            issuer = fold((data.get("issuer") or {}).get("name") or "")
            if issuer and issuer != fold(issuing.name):
                messages.warning(
                    request,
                    _(
                        "Văn bản do “%(issuer)s” ban hành, khác với %(area)s: hãy kiểm tra lại "
                        "cấp ban hành."
                    )
                    % {"issuer": data["issuer"]["name"], "area": issuing.full_name},
                )
            return redirect("plans:plan_review", pk=plan.pk)
    return render(request, "plans/upload.html", {"area": area, "form": form})


@login_required
@require_POST
def plan_from_parent(request: HttpRequest) -> HttpResponse:
    area = _area_or_404(request, Cap.PLANS_EDIT)
    parents = {p.pk: p for p in selectors.parent_plan_candidates(user=request.user, area=area)}
    form = FromParentForm(request.POST)
    cast(forms.ChoiceField, form.fields["parent"]).choices = [(pk, str(pk)) for pk in parents]
    if not form.is_valid():
        messages.error(request, _("Vui lòng chọn kế hoạch cấp trên và năm."))
        return redirect("plans:plan_list")
    try:
        plan = services.plan_create_from_parent(
            actor=request.user,
            parent=parents[form.cleaned_data["parent"]],
            area=area,
            year=form.cleaned_data["year"],
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _messages_from(request, exc)
        return redirect("plans:plan_list")
    messages.success(request, _("Đã tạo dự thảo kế hoạch từ kế hoạch cấp trên."))
    return redirect("plans:plan_review", pk=plan.pk)


def _task_rows(plan: Any) -> list[dict[str, Any]]:
    tasks = list(selectors.plan_tasks(plan))
    states = selectors.task_states(tasks, timezone.localdate())
    labels = dict(TaskStatus.choices)
    rows = []
    for task in tasks:
        state = states[task.pk]
        rows.append(
            {
                "task": task,
                "lead": "; ".join(link.agency.name for link in task.lead_links.all()),
                "coord": "; ".join(link.agency.name for link in task.coord_links.all()),
                "state": state,
                "status_label": labels.get(state.status, state.status),
            }
        )
    return rows


@login_required
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk, capability=Cap.PLANS_EDIT)
    initial = {f: getattr(plan, f) for f in PlanHeaderForm.HEADER_FIELDS}
    initial["parent_plan"] = plan.parent_plan_id
    form = PlanHeaderForm(request.POST or None, initial={**initial, "version": plan.version})
    parents = {
        p.pk: p for p in selectors.parent_plan_candidates(user=request.user, area=plan.area)[:50]
    }
    cast(forms.ChoiceField, form.fields["parent_plan"]).choices = [
        ("", _("(Không chọn)")),
        *(
            (pk, f"{p.area.full_name} · {p.year} · {p.number or ''} {p.title[:70]}")
            for pk, p in parents.items()
        ),
    ]
    if request.method == "POST" and form.is_valid():
        header: dict[str, Any] = {f: form.cleaned_data[f] for f in PlanHeaderForm.HEADER_FIELDS}
        parent_id = form.cleaned_data.get("parent_plan")
        header["parent_plan"] = parents.get(parent_id) if parent_id else None
        tasks = [
            services.TaskEdit(
                pk=task.pk,
                version=_int(request.POST.get(f"task-{task.pk}-version")),
                number=request.POST.get(f"task-{task.pk}-number", task.number),
                title=request.POST.get(f"task-{task.pk}-title", task.title),
                timeframe=request.POST.get(f"task-{task.pk}-timeframe", task.timeframe_text),
                lead_units=split_names(request.POST.get(f"task-{task.pk}-lead", "")),
                coordinating_units=split_names(request.POST.get(f"task-{task.pk}-coord", "")),
            )
            for task in plan.tasks.all()
            if f"task-{task.pk}-title" in request.POST
        ]
        targets = [
            services.TargetEdit(
                pk=t.pk,
                text=request.POST.get(f"target-{t.pk}-text", t.text),
                value=request.POST.get(f"target-{t.pk}-value", t.value),
                unit=request.POST.get(f"target-{t.pk}-unit", t.unit),
                indicator_slug=request.POST.get(f"target-{t.pk}-indicator", t.indicator_slug),
                delete=bool(request.POST.get(f"target-{t.pk}-delete")),
            )
            for t in plan.targets.all()
        ]
        if request.POST.get("target-new-text", "").strip():
            targets.append(
                services.TargetEdit(
                    pk=None,
                    text=request.POST["target-new-text"],
                    value=request.POST.get("target-new-value", ""),
                    unit=request.POST.get("target-new-unit", "%"),
                    indicator_slug=request.POST.get("target-new-indicator", ""),
                )
            )
        new_task = services.TaskEdit(
            pk=0,
            version=None,
            number=request.POST.get("task-new-number", ""),
            title=request.POST.get("task-new-title", ""),
            timeframe=request.POST.get("task-new-timeframe", ""),
            lead_units=split_names(request.POST.get("task-new-lead", "")),
            coordinating_units=split_names(request.POST.get("task-new-coord", "")),
        )
        deadlines = [
            services.DeadlineEdit(
                pk=d.pk,
                period=request.POST.get(f"deadline-{d.pk}-period", d.period),
                due_date=request.POST.get(f"deadline-{d.pk}-due", ""),
                recipient=request.POST.get(f"deadline-{d.pk}-recipient", d.recipient),
                level=request.POST.get(f"deadline-{d.pk}-level", d.level),
                delete=bool(request.POST.get(f"deadline-{d.pk}-delete")),
            )
            for d in plan.report_deadlines.all()
            if f"deadline-{d.pk}-due" in request.POST
        ]
        if request.POST.get("deadline-new-due", "").strip():
            deadlines.append(
                services.DeadlineEdit(
                    pk=None,
                    period=request.POST.get("deadline-new-period", ""),
                    due_date=request.POST["deadline-new-due"],
                    recipient=request.POST.get("deadline-new-recipient", ""),
                    level=request.POST.get("deadline-new-level", ""),
                )
            )
        try:
            services.plan_review_save(
                actor=request.user,
                plan=plan,
                version=form.cleaned_data["version"],
                header=header,
                tasks=tasks,
                targets=targets,
                new_task=new_task,
                deadlines=deadlines,
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error(None, msg)
        else:
            messages.success(request, _("Đã lưu kế hoạch (dự thảo)."))
            return redirect("plans:plan_detail", pk=plan.pk)
    agencies = Agency.objects.filter(area=plan.area, is_active=True).order_by("name")
    return render(
        request,
        "plans/plan_review.html",
        {
            "plan": plan,
            "form": form,
            "rows": _task_rows(plan),
            "targets": plan.targets.order_by("position"),
            "deadlines": plan.report_deadlines.order_by("due_date"),
            "periods": ReportPeriod.choices,
            "levels": ReportLevel.choices,
            "agencies": agencies,
        },
    )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    area = plan.area
    can_edit = has_capability(request.user, Cap.PLANS_EDIT, area) and not plan.is_archived
    dashboard = selectors.plan_dashboard(plan)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "dash": dashboard,
            "rows": _task_rows(plan),
            "today": timezone.localdate(),
            "can_edit": can_edit,
            "can_issue": plan.status == PlanStatus.DRAFT
            and has_capability(request.user, Cap.PLANS_APPROVE, area),
            "measure_form": MeasureForm(initial={"year": plan.year}) if can_edit else None,
        },
    )


@login_required
@require_POST
def plan_issue(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    try:
        services.plan_issue(
            actor=request.user, plan=plan, version=_int(request.POST.get("version"))
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("Đã ban hành kế hoạch."))
    return redirect("plans:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_archive(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk, capability=Cap.PLANS_EDIT)
    try:
        services.plan_archive(
            actor=request.user, plan=plan, version=_int(request.POST.get("version"))
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _messages_from(request, exc)
        return redirect("plans:plan_detail", pk=plan.pk)
    messages.success(request, _("Đã lưu trữ kế hoạch."))
    return redirect("plans:plan_list")


@login_required
@in_record_language
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    response = HttpResponse(
        plan_docx_bytes(plan),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{plan_docx_filename(plan)}"'
    return response


@login_required
def plan_source(request: HttpRequest, pk: int) -> HttpResponseBase:
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not plan.source_file:
        raise Http404
    return FileResponse(plan.source_file.open("rb"), as_attachment=True, filename=plan.source_name)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Evidence files are served through scope, never from a public media URL."""
    evidence = selectors.evidence_get(user=request.user, pk=pk)
    return FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name
    )


@login_required
@require_POST
def target_measure(request: HttpRequest, pk: int, target_id: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk, capability=Cap.PLANS_EDIT)
    target = plan.targets.filter(pk=target_id).first()
    if target is None:
        raise Http404
    form = MeasureForm(request.POST)
    if not form.is_valid():
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for e in errs:
                messages.error(request, f"{label}: {e}" if label else str(e))
        return redirect("plans:plan_detail", pk=plan.pk)
    try:
        services.target_measure(actor=request.user, target=target, **form.cleaned_data)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("Đã ghi nhận kết quả chỉ tiêu."))
    return redirect("plans:plan_detail", pk=plan.pk)


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    area = _area_or_404(request, Cap.PLANS_PROGRESS)
    tasks = selectors.my_tasks(user=request.user, area=area)
    status = request.GET.get("status", "")
    if status in ("not_started", "in_progress", "done"):
        tasks = tasks.filter(status=status)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/my_tasks.html",
        {"area": area, "page": page, "today": timezone.localdate(), "status": status},
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get_any(user=request.user, pk=pk)
    can_record = services.can_record_progress(request.user, task)
    form = ProgressForm(
        request.POST or None,
        request.FILES or None,
        initial={"status": task.status, "version": task.version},
    )
    if request.method == "POST":
        if not can_record:
            raise Http404
        if form.is_valid():
            try:
                services.task_progress_record(
                    actor=request.user,
                    task=task,
                    status=form.cleaned_data["status"],
                    narrative=form.cleaned_data["narrative"],
                    date=form.cleaned_data["date"],
                    files=request.FILES.getlist("evidence"),
                    version=form.cleaned_data.get("version"),
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                for msg in exc.messages:
                    form.add_error(None, msg)
            else:
                messages.success(request, _("Đã cập nhật tiến độ nhiệm vụ."))
                return redirect("plans:task_detail", pk=task.pk)
    return render(
        request,
        "plans/task_detail.html",
        {
            "task": task,
            "plan": task.plan,
            "leads": [link.agency for link in task.lead_links.select_related("agency")],
            "coords": [link.agency for link in task.coord_links.select_related("agency")],
            "history": selectors.task_progress_history(task),
            "form": form if can_record else None,
            "today": timezone.localdate(),
        },
    )
