"""Pages: the overdue board, intake, the case file with its timeline and next step,
.docx per step, incidents. Thin: logic lives in services and selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from treem.cases import documents, selectors, services
from treem.cases.forms import (
    PLAN_ROWS,
    IncidentForm,
    IntakeForm,
    item_updates_from_post,
    plan_rows_from_post,
    step_form_class,
)
from treem.cases.models import STEP_FORMS, ItemStatus, PlanStatus, Source, StepKind
from treem.cases.rules import may_approve, may_edit
from treem.cases.steps import LEADER_STEPS, STEP_FIELDS, available_steps
from treem.core.access import Cap, grants, has_capability, scoped
from treem.core.current import current_area
from treem.core.forms import errors_to_form
from treem.core.i18n import in_record_language
from treem.core.models import Agency, AgencyKind, Area, AreaLevel
from treem.core.redirects import next_url
from treem.core.roles import UNIT_FOCAL_POINT, VILLAGE_COLLABORATOR
from treem.core.text import fold

# the services' arguments named otherwise on the forms
_FORM_FIELDS = {"forms": "forms_", "child": "child_name"}


def _area_for(request: HttpRequest) -> Area:
    key = request.GET.get("area")
    area = Area.objects.filter(key=key).first() if key else current_area(request)
    if area is None or not has_capability(request.user, Cap.CASES_VIEW, area):
        raise Http404
    return area


# --------------------------------------------------------------------------- board


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The overdue board: open cases of a commune with next step and deadline.

    A province (or district) user sees one line per commune, and the board of the
    commune chosen with ?area=."""
    area = _area_for(request)
    if area.level == AreaLevel.VILLAGE and area.parent is not None:
        area = area.parent
    ctx: dict[str, Any] = {"area": area, "now": timezone.now()}
    if area.level <= AreaLevel.DISTRICT:
        ctx["communes"] = selectors.board_by_commune(user=request.user, area=area)
        ctx["rows"] = []
    else:
        qs = selectors.board_queryset(user=request.user, area=area)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        ctx["rows"] = selectors.board_rows(page.object_list)
        ctx["page"] = page
    ctx["deaths"] = list(
        selectors.incident_list(user=request.user, area=area)
        .filter(immediate_report=True, reported_up_at=None)
        .select_related("child", "area")[:20]
    )
    ctx["counts"] = selectors.counts(user=request.user, area=area)
    ctx["can_intake"] = has_capability(request.user, Cap.CASES_INTAKE)
    return render(request, "cases/board.html", ctx)


# --------------------------------------------------------------------------- intake


def _intake_areas(user: Any) -> list[Area]:
    """Villages (and communes) where the user may take a report."""
    qs = Area.objects.filter(level__in=[AreaLevel.COMMUNE, AreaLevel.VILLAGE], valid_to=None)
    return list(scoped(qs, user, Cap.CASES_INTAKE, field="").order_by("path")[:300])


# The source a report taken by a unit's focal point comes from, by the unit's kind.
_UNIT_SOURCES: dict[str, str] = {
    AgencyKind.HEALTH_STATION: Source.HEALTH_STATION,
    AgencyKind.SCHOOL: Source.SCHOOL,
    AgencyKind.POLICE: Source.POLICE,
}


def _own_source(user: Any) -> str:
    """The intake form's first choice of source: a village collaborator reports as the
    collaborator, a school, health station or police focal point as the unit; others
    (the commune officer taking calls) start from the hotline."""
    mine = grants(user)
    if any(g.role == VILLAGE_COLLABORATOR for g in mine):
        return Source.COLLABORATOR
    units = [g.agency_id for g in mine if g.role == UNIT_FOCAL_POINT and g.agency_id]
    for kind in Agency.objects.filter(pk__in=units).values_list("kind", flat=True):
        if kind in _UNIT_SOURCES:
            return _UNIT_SOURCES[kind]
    return Source.HOTLINE_111


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    if not has_capability(request.user, Cap.CASES_INTAKE):
        raise Http404
    areas = _intake_areas(request.user)
    form = IntakeForm(
        request.POST or None, areas=areas, initial={"source": _own_source(request.user)}
    )
    can_search = has_capability(request.user, Cap.REGISTRY_VIEW)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        child = services.visible_child(request.user, d["child_id"]) if d["child_id"] else None
        area = Area.objects.filter(key=d["area"]).first() if d["area"] else None
        try:
            case = services.case_intake(
                actor=request.user,
                area=area if child is None else None,
                child=child,
                child_details={
                    "full_name": d["child_name"],
                    "sex": d["child_sex"],
                    "birth_year": d["child_birth_year"],
                },
                received_at=d["received_at"],
                source=d["source"],
                forms=d["forms_"],
                serious_risk=d["serious_risk"],
                description=d["description"],
                reporter={
                    "full_name": d["reporter_name"],
                    "phone": d["reporter_phone"],
                    "relation": d["reporter_relation"],
                },
                setting=d["setting"],
                perpetrator_relation=d["perpetrator_relation"],
                happened_when=d["happened_when"],
                happened_where=d["happened_where"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc, _FORM_FIELDS)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            if selectors.cases_for(request.user).filter(pk=case.pk).exists():
                messages.success(request, _("Đã tiếp nhận vụ việc %(code)s.") % {"code": case.code})
                return redirect("cases:case_detail", pk=case.pk)
            return redirect("cases:intake_thanks")
    return render(request, "cases/intake.html", {"form": form, "can_search": can_search})


@login_required
def intake_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/intake_thanks.html")


@login_required
def child_search(request: HttpRequest) -> HttpResponse:
    """htmx: registry children in the user's scope matching ?q=, found as the registry's
    own search finds them (diacritics, case and word order ignored; an ID number; a
    caregiver's name), in its order."""
    from treem.registry import selectors as registry

    text = request.GET.get("q", "")
    q = fold(text)
    children: list[Any] = []
    if len(q) >= 2 and has_capability(request.user, Cap.REGISTRY_VIEW):
        found = registry.child_list(user=request.user, filters=registry.ChildFilters(q=text))
        children = list(found.select_related("area")[:10])
    return render(request, "cases/_child_results.html", {"children": children, "q": q})


# --------------------------------------------------------------------------- case file


def _step_context(request: HttpRequest, case: Any, kind: str, data: Any = None) -> dict[str, Any]:
    form_cls = step_form_class(kind)
    initial = {
        "at": timezone.localtime().replace(second=0, microsecond=0),
        "version": case.version,
        "step": kind,
    }
    form = form_cls(data, initial=initial) if data is not None else form_cls(initial=initial)
    ctx: dict[str, Any] = {"step_form": form, "step_kind": kind, "step_label": StepKind(kind).label}
    field_kinds = {f.kind for f in STEP_FIELDS[kind]}
    if "items" in field_kinds:
        rows = plan_rows_from_post(data) if data is not None else []
        rows += [{}] * (PLAN_ROWS - len(rows))
        ctx["plan_rows"] = list(enumerate(rows))
    if "item_updates" in field_kinds:
        plan = case.plans.filter(status=PlanStatus.APPROVED).order_by("-number").first()
        ctx["update_items"] = list(plan.items.all()) if plan else []
        ctx["item_statuses"] = ItemStatus.choices
    return ctx


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    steps = [
        s
        for s in available_steps(case)
        if (s in LEADER_STEPS and may_approve(request.user, case))
        or (s not in LEADER_STEPS and may_edit(request.user, case))
    ]
    chosen = request.GET.get("step") or (steps[0] if steps else "")
    plans = selectors.case_plans(case=case)
    ctx: dict[str, Any] = {
        "case": case,
        "steps": selectors.case_timeline(case=case),
        "plans": plans,
        "deadlines": selectors.case_deadlines(case=case, plans=plans),
        "forms": selectors.case_forms(case=case),
        "reporter": selectors.case_reporter(user=request.user, case=case),
        "available": [(s, StepKind(s).label) for s in steps],
        "step_forms": STEP_FORMS,
        "now": timezone.now(),
    }
    if chosen in steps:
        ctx.update(_step_context(request, case, chosen))
    return render(request, "cases/detail.html", ctx)


@login_required
@require_POST
def case_step(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk, purpose="step")
    kind = request.POST.get("step", "")
    if kind not in STEP_FIELDS:
        raise Http404
    ctx = _step_context(request, case, kind, request.POST)
    form = ctx["step_form"]
    if form.is_valid():
        data = {
            k: v for k, v in form.cleaned_data.items() if k not in ("at", "note", "version", "step")
        }
        if "plan_rows" in ctx:
            data["items"] = plan_rows_from_post(request.POST)
        if "update_items" in ctx:
            data["items"] = item_updates_from_post(
                request.POST, [i.pk for i in ctx["update_items"]]
            )
        try:
            services.case_step_record(
                actor=request.user,
                case=case,
                step=kind,
                at=form.cleaned_data["at"],
                note=form.cleaned_data["note"],
                data=data,
                version=form.cleaned_data["version"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            errors_to_form(form, exc, _FORM_FIELDS)
        else:
            messages.success(request, _("Đã ghi bước “%(step)s”.") % {"step": StepKind(kind).label})
            return redirect("cases:case_detail", pk=case.pk)
    steps = available_steps(case)
    ctx.update(
        {
            "case": case,
            "steps": selectors.case_timeline(case=case),
            "plans": selectors.case_plans(case=case),
            "forms": selectors.case_forms(case=case),
            "reporter": selectors.case_reporter(user=request.user, case=case),
            "available": [(s, StepKind(s).label) for s in steps],
            "step_forms": STEP_FORMS,
            "now": timezone.now(),
        }
    )
    return render(request, "cases/detail.html", ctx, status=422)


@login_required
@in_record_language
def step_docx(request: HttpRequest, pk: int, step_id: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk, purpose="docx")
    step = case.steps.filter(pk=step_id).first()
    if step is None:
        raise Http404
    reporter = selectors.case_reporter(user=request.user, case=case)
    data = documents.step_docx(case=case, step=step, reporter=reporter)
    response = HttpResponse(data, content_type=documents.L.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(case, step)}"'
    return response


# --------------------------------------------------------------------------- incidents


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    area = _area_for(request)
    qs = selectors.incident_list(user=request.user, area=area)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    form = IncidentForm(request.POST or None)
    can_edit = has_capability(request.user, Cap.CASES_EDIT, area)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            child_id = request.POST.get("child_id")
            child = services.visible_child(request.user, child_id) if child_id else None
            if child is None:
                form.add_error(None, _("Hãy chọn trẻ trong danh sách."))
            else:
                try:
                    services.incident_record(
                        actor=request.user,
                        child=child,
                        kind=d["kind"],
                        occurred_on=d["occurred_on"],
                        outcome=d["outcome"],
                        place=d["place"],
                        latitude=d["latitude"] or None,
                        longitude=d["longitude"] or None,
                        treatment=d["treatment"],
                    )
                except ValidationError as exc:
                    errors_to_form(form, exc, _FORM_FIELDS)
                except PermissionDenied as exc:
                    raise Http404 from exc
                else:
                    messages.success(request, _("Đã ghi nhận tai nạn, thương tích."))
                    return redirect("cases:incident_list")
    return render(
        request,
        "cases/incidents.html",
        {"area": area, "page": page, "form": form, "can_edit": can_edit},
    )


@login_required
@require_POST
def incident_reported(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, pk=pk)
    try:
        services.incident_mark_reported(actor=request.user, incident=incident)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã ghi nhận báo cáo cấp trên."))
    return redirect(next_url(request, "cases:incident_list"))
