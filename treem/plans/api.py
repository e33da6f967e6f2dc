"""Plans API: /api/v1/plans, extract, tasks and progress (same scoping as the pages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from treem.core.access import Cap, has_capability
from treem.core.errors import StaleVersion
from treem.core.models import Area
from treem.core.pagination import paginate
from treem.plans import selectors, services
from treem.plans.importing import ExtractionError, extract_upload
from treem.plans.models import Plan, PlanTask, TaskProgress

router = Router(tags=["plans"])


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def task_json(task: PlanTask) -> dict[str, Any]:
    return {
        "id": task.pk,
        "number": task.number,
        "parent": task.parent_id,
        "title": task.title,
        "text": task.text,
        "lead_units": [link.agency.name for link in task.lead_links.all()],
        "coordinating_units": [link.agency.name for link in task.coord_links.all()],
        "timeframe": task.timeframe_text or None,
        "start": task.start_date.isoformat() if task.start_date else None,
        "end": task.end_date.isoformat() if task.end_date else None,
        "recurrence": task.recurrence or None,
        "status": task.status,
        "overdue": task.is_overdue(),
        "version": task.version,
    }


def plan_json(plan: Plan, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": plan.pk,
        "area": plan.area.key,
        "year": plan.year,
        "title": plan.title,
        "number": plan.number or None,
        "issued_date": plan.issued_date.isoformat() if plan.issued_date else None,
        "signer": {"name": plan.signer_name, "title": plan.signer_title},
        "status": plan.status,
        "parent_plan": plan.parent_plan_id,
        "version": plan.version,
    }
    if detail:
        data["references"] = [
            {"number": r.number, "kind": r.kind, "date": r.date.isoformat() if r.date else None}
            for r in plan.references.all()
        ]
        data["targets"] = [
            {
                "id": t.pk,
                "text": t.text,
                "value": float(t.value) if t.value is not None else None,
                "unit": t.unit,
                "indicator_slug": t.indicator_slug or None,
            }
            for t in plan.targets.all()
        ]
        data["units"] = [
            {"name": u.name, "agency": u.agency_id, "duties": u.duties} for u in plan.units.all()
        ]
        data["report_deadlines"] = [
            {
                "period": d.period,
                "due": d.due_date.isoformat(),
                "to": d.recipient,
                "level": d.level,
            }
            for d in plan.report_deadlines.all()
        ]
        data["purposes"] = plan.purposes
        data["requirements"] = plan.requirements
    return data


class PlanIn(Schema):
    """A plan as the extraction JSON gives it (POST /plans/extract), for one area."""

    area: str
    title: str
    year: int
    doc_number: str | None = None
    issued_date: str | None = None
    issuer: dict[str, Any] | None = None
    signer: dict[str, Any] | None = None
    references: list[dict[str, Any]] = []
    targets: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    units: list[dict[str, Any]] = []
    report_deadlines: list[dict[str, Any]] = []
    parent_plan: int | None = None


class PlanPatch(Schema):
    version: int
    title: str | None = None
    year: int | None = None
    number: str | None = None
    issued_date: str | None = None
    signer_name: str | None = None
    signer_title: str | None = None
    purposes: str | None = None
    requirements: str | None = None


class TaskPatch(Schema):
    version: int
    number: str | None = None
    title: str | None = None
    timeframe: str | None = None
    lead_units: list[str] | None = None
    coordinating_units: list[str] | None = None


class ProgressIn(Schema):
    status: str
    narrative: str = ""
    date: dt.date | None = None
    version: int | None = None


def progress_json(p: TaskProgress) -> dict[str, Any]:
    return {
        "id": p.pk,
        "task": p.task_id,
        "status": p.status,
        "narrative": p.narrative,
        "date": p.date.isoformat(),
        "agency": p.agency.name if p.agency else None,
        "recorded_by": p.recorded_by.username if p.recorded_by else None,
        "evidence": [e.original_name for e in p.evidence.all()],
    }


@router.get("/plans")
def plans_list(
    request: HttpRequest,
    area: str | None = None,
    year: int | None = None,
    page: int = 1,
    page_size: int = 50,
) -> dict[str, Any]:
    area_obj = Area.objects.filter(key=area).first() if area else None
    if area and area_obj is None:
        raise HttpError(404, "Không tìm thấy địa bàn.")
    qs = selectors.plan_list(user=_user(request), area=area_obj, year=year)
    return paginate(qs, page, page_size, plan_json)


@router.post("/plans", response={201: dict})
def plans_create(request: HttpRequest, payload: PlanIn) -> Any:
    user = _user(request)
    area = Area.objects.filter(key=payload.area).first()
    if area is None or not has_capability(user, Cap.PLANS_EDIT, area):
        raise HttpError(404, "Không tìm thấy địa bàn.")
    parent = None
    if payload.parent_plan:
        parent = (
            selectors.parent_plan_candidates(user=user, area=area)
            .filter(pk=payload.parent_plan)
            .first()
        )
        if parent is None:
            raise HttpError(422, "Không tìm thấy kế hoạch cấp trên.")
    data = payload.dict()
    data["doc_number"] = payload.doc_number
    try:
        plan = services.plan_create_from_extraction(
            actor=user, area=area, data=data, parent_plan=parent
        )
    except PermissionDenied as exc:
        raise HttpError(404, "Không tìm thấy địa bàn.") from exc
    except ValidationError as exc:
        raise HttpError(422, _messages(exc)) from exc
    return Status(201, plan_json(plan, detail=True))


@router.post("/plans/extract")
def plans_extract(request: HttpRequest, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    """Read a plan document (.txt, .docx, text .pdf) and return the extraction JSON; saves nothing."""
    try:
        data, _source = extract_upload(file)
    except ExtractionError as exc:
        raise HttpError(422, str(exc)) from exc
    return data


@router.get("/plans/{plan_id}")
def plans_get(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    return plan_json(selectors.plan_get(user=_user(request), pk=plan_id), detail=True)


@router.patch("/plans/{plan_id}")
def plans_patch(request: HttpRequest, plan_id: int, payload: PlanPatch) -> dict[str, Any]:
    user = _user(request)
    plan = selectors.plan_get(user=user, pk=plan_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    try:
        plan = services.plan_update(actor=user, plan=plan, version=version, **changes)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _raise_validation(exc)
    return plan_json(plan, detail=True)


def _raise_validation(exc: ValidationError) -> None:
    msg = _messages(exc)
    if isinstance(exc, StaleVersion):
        raise HttpError(409, msg) from exc
    raise HttpError(422, msg) from exc


@router.get("/plans/{plan_id}/tasks")
def tasks_list(
    request: HttpRequest, plan_id: int, page: int = 1, page_size: int = 200
) -> dict[str, Any]:
    plan = selectors.plan_get(user=_user(request), pk=plan_id)
    return paginate(selectors.plan_tasks(plan), page, page_size, task_json)


@router.patch("/plans/{plan_id}/tasks/{task_id}")
def tasks_patch(
    request: HttpRequest, plan_id: int, task_id: int, payload: TaskPatch
) -> dict[str, Any]:
    user = _user(request)
    plan = selectors.plan_get(user=user, pk=plan_id)
    task = selectors.task_get(user=user, plan=plan, pk=task_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    try:
        task = services.task_update(actor=user, task=task, version=version, **changes)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _raise_validation(exc)
    return task_json(selectors.plan_tasks(plan).get(pk=task.pk))


@router.get("/plans/{plan_id}/tasks/{task_id}/progress")
def progress_list(request: HttpRequest, plan_id: int, task_id: int) -> dict[str, Any]:
    user = _user(request)
    plan = selectors.plan_get(user=user, pk=plan_id)
    task = selectors.task_get(user=user, plan=plan, pk=task_id)
    return paginate(selectors.task_progress_history(task), 1, 500, progress_json)


@router.post("/plans/{plan_id}/tasks/{task_id}/progress", response={201: dict})
def progress_create(request: HttpRequest, plan_id: int, task_id: int, payload: ProgressIn) -> Any:
    user = _user(request)
    plan = selectors.plan_get(user=user, pk=plan_id)
    task = selectors.task_get(user=user, plan=plan, pk=task_id)
    try:
        progress = services.task_progress_record(
            actor=user,
            task=task,
            status=payload.status,
            narrative=payload.narrative,
            date=payload.date,
            version=payload.version,
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _raise_validation(exc)
    return Status(201, progress_json(progress))
