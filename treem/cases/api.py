"""Cases and incidents API. Outside the reader's right: 404, exactly like missing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from treem.cases import selectors, services
from treem.cases.clock import VN_TZ
from treem.cases.models import Case, Incident
from treem.cases.rules import may_read_reporter
from treem.cases.steps import available_steps
from treem.core.access import Cap, has_capability
from treem.core.errors import StaleVersion
from treem.core.models import Area
from treem.core.pagination import paginate

router = Router(tags=["cases"])


def _errors(exc: ValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        return {"detail": exc.messages[0], "errors": exc.message_dict}
    return {"detail": " ".join(exc.messages), "errors": {"__all__": exc.messages}}


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(VN_TZ).isoformat()
    return value.isoformat()


def case_summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "code": case.code,
        "commune": case.area.key,
        "received_at": _iso(case.received_at),
        "status": case.status,
        "serious_risk": case.serious_risk,
        "next_step": case.next_step or None,
        "next_due_at": _iso(case.next_due_at),
        "assigned_officer": case.assigned_officer.username if case.assigned_officer else None,
    }


def deadlines(case: Case) -> dict[str, str | None]:
    data: dict[str, str | None] = {}
    if case.emergency_due_at:
        data["emergency_response_by"] = _iso(case.emergency_due_at)
    if case.plan_due_on:
        data["plan_drafted_by"] = _iso(case.plan_due_on)
    if case.approval_due_on:
        data["plan_approval_by"] = _iso(case.approval_due_on)
    if case.separation_due_on:
        data["separation_ends_by"] = _iso(case.separation_due_on)
    return data


def deadline_status(case: Case, plans: list[Any] | None = None) -> dict[str, str]:
    """Whether each limit was kept: met, late, overdue (not done, past due), pending; a
    closed case's limit that no step needed is left out. `plans`: the case's, if read."""
    plans = list(case.plans.all()) if plans is None else plans
    return {d.key: d.state for d in selectors.case_deadlines(case=case, plans=plans) if d.state}


def case_detail_json(user: Any, case: Case) -> dict[str, Any]:
    data = case_summary(case)
    plans = selectors.case_plans(case=case)
    data.update(
        {
            "child_id": case.child_id,
            "child": {
                "full_name": case.child.full_name if case.child else case.child_name,
                "sex": case.child_sex or None,
                "age_group": case.child_age_group or None,
            },
            "village": case.village.key if case.village else None,
            "source": case.source,
            "forms": selectors.case_forms(case=case),
            "setting": case.setting or None,
            "perpetrator_relation": case.perpetrator_relation or None,
            "happened_when": case.happened_when,
            "happened_where": case.happened_where,
            "description": case.description,
            "version": case.version,
            "deadlines": deadlines(case),
            "deadline_status": deadline_status(case, plans),
            "available_steps": available_steps(case),
            "steps": [
                {
                    "id": s.pk,
                    "step": s.kind,
                    "at": _iso(s.at),
                    "by": s.actor_name,
                    "note": s.note,
                    "data": s.data,
                }
                for s in selectors.case_timeline(case=case)
            ],
            "plans": [
                {
                    "number": p.number,
                    "status": p.status,
                    "goal": p.goal,
                    "submitted_at": _iso(p.submitted_at),
                    "items": [
                        {
                            "id": i.pk,
                            "service": i.service,
                            "start_date": _iso(i.start_date),
                            "end_date": _iso(i.end_date),
                            "responsible": i.responsible,
                            "provider": i.provider,
                            "cost": int(i.cost) if i.cost is not None else None,
                            "status": i.status,
                            "result_note": i.result_note,
                        }
                        for i in p.items.all()
                    ],
                }
                for p in plans
            ],
        }
    )
    if may_read_reporter(user, case):
        rep = selectors.case_reporter(user=user, case=case)
        data["reporter"] = (
            {
                "full_name": rep.full_name,
                "phone": rep.phone,
                "relation": rep.relation,
                "address": rep.address,
            }
            if rep
            else None
        )
    return data


class ChildIn(Schema):
    full_name: str
    sex: str | None = None
    birth_year: int | None = None
    village: str | None = Field(None, description="area key of the village, e.g. 13891-01")


class ReporterIn(Schema):
    full_name: str = ""
    phone: str = ""
    relation: str = ""
    address: str = ""


class IntakeIn(Schema):
    child_id: int | None = None
    child: ChildIn | None = None
    area: str | None = Field(None, description="commune or village key (without a child_id)")
    received_at: dt.datetime
    source: str
    forms: list[str]
    serious_risk: bool = False
    description: str
    reporter: ReporterIn | None = None
    setting: str = ""
    perpetrator_relation: str = ""
    happened_when: str = ""
    happened_where: str = ""


def _area_by_key(key: str | None) -> Area | None:
    if not key:
        return None
    area = Area.objects.filter(key=key).first()
    if area is None:
        raise HttpError(422, f"Không tìm thấy địa bàn “{key}”.")
    return area


@router.post("/cases", response={201: dict, 404: dict, 422: dict})
def case_create(request: HttpRequest, payload: IntakeIn) -> Any:
    user: Any = request.auth  # type: ignore[attr-defined]
    child = None
    if payload.child_id is not None:
        child = services.visible_child(user, payload.child_id)
        if child is None:
            raise Http404
    area = _area_by_key(payload.area or (payload.child.village if payload.child else None))
    try:
        case = services.case_intake(
            actor=user,
            area=area,
            child=child,
            child_details=payload.child.dict() if payload.child else None,
            received_at=payload.received_at,
            source=payload.source,
            forms=payload.forms,
            serious_risk=payload.serious_risk,
            description=payload.description,
            reporter=payload.reporter.dict() if payload.reporter else None,
            setting=payload.setting,
            perpetrator_relation=payload.perpetrator_relation,
            happened_when=payload.happened_when,
            happened_where=payload.happened_where,
        )
    except ValidationError as exc:
        return Status(422, _errors(exc))
    except PermissionDenied as exc:
        raise Http404 from exc
    body: dict[str, Any] = {"id": case.pk, "code": case.code, "status": case.status}
    if (
        has_capability(user, Cap.CASES_VIEW, case.area)
        and selectors.cases_for(user).filter(pk=case.pk).exists()
    ):
        body["deadlines"] = deadlines(case)
    return Status(201, body)


@router.get("/cases")
def case_index(
    request: HttpRequest,
    status: str = "",
    area: str | None = None,
    open: bool = False,
    page: int = 1,
    page_size: int = 50,
) -> dict[str, Any]:
    user: Any = request.auth  # type: ignore[attr-defined]
    where = _area_by_key(area)
    qs = selectors.case_list(user=user, area=where, status=status, open_only=open)
    return paginate(qs, page, page_size, case_summary)


@router.get("/cases/{case_id}")
def case_read(request: HttpRequest, case_id: int) -> dict[str, Any]:
    user: Any = request.auth  # type: ignore[attr-defined]
    case = selectors.case_get(user=user, pk=case_id, purpose="api")
    return case_detail_json(user, case)


class StepIn(Schema):
    step: str
    at: dt.datetime | None = None
    note: str = ""
    version: int | None = None

    model_config = {"extra": "allow"}


@router.post("/cases/{case_id}/steps", response={201: dict, 404: dict, 409: dict, 422: dict})
def case_step(request: HttpRequest, case_id: int, payload: StepIn) -> Any:
    user: Any = request.auth  # type: ignore[attr-defined]
    try:
        case = selectors.cases_for(user).select_related("area").get(pk=case_id)
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    try:
        extra = json.loads(request.body or b"{}")
    except ValueError:
        extra = {}
    if not isinstance(extra, dict):
        extra = {}
    data = {k: v for k, v in extra.items() if k not in ("step", "at", "note", "version")}
    if isinstance(extra.get("data"), dict):
        data.update(extra["data"])
    try:
        record = services.case_step_record(
            actor=user,
            case=case,
            step=payload.step,
            at=payload.at,
            note=payload.note,
            data=data,
            version=payload.version,
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except StaleVersion as exc:
        return Status(409, _errors(exc))
    except ValidationError as exc:
        return Status(422, _errors(exc))
    case.refresh_from_db()
    return Status(
        201,
        {
            "id": record.pk,
            "step": record.kind,
            "at": _iso(record.at),
            "status": case.status,
            "next_step": case.next_step or None,
            "deadlines": deadlines(case),
            "deadline_status": deadline_status(case),
            "version": case.version,
        },
    )


# --------------------------------------------------------------------------- incidents


def incident_json(i: Incident) -> dict[str, Any]:
    return {
        "id": i.pk,
        "child_id": i.child_id,
        "commune": i.area.key,
        "village": i.village.key if i.village else None,
        "kind": i.kind,
        "occurred_on": _iso(i.occurred_on),
        "place": i.place,
        "latitude": float(i.latitude) if i.latitude is not None else None,
        "longitude": float(i.longitude) if i.longitude is not None else None,
        "outcome": i.outcome,
        "treatment": i.treatment,
        "immediate_report": i.immediate_report,
        "reported_up_at": _iso(i.reported_up_at),
    }


class IncidentIn(Schema):
    child_id: int
    kind: str
    occurred_on: dt.date
    outcome: str
    place: str = ""
    village: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    treatment: str = ""
    note: str = ""


@router.get("/incidents")
def incident_index(
    request: HttpRequest, area: str | None = None, page: int = 1, page_size: int = 50
) -> dict[str, Any]:
    user: Any = request.auth  # type: ignore[attr-defined]
    qs = selectors.incident_list(user=user, area=_area_by_key(area))
    return paginate(qs, page, page_size, incident_json)


@router.post("/incidents", response={201: dict, 404: dict, 422: dict})
def incident_create(request: HttpRequest, payload: IncidentIn) -> Any:
    user: Any = request.auth  # type: ignore[attr-defined]
    child = services.visible_child(user, payload.child_id)
    if child is None:
        raise Http404
    try:
        incident = services.incident_record(
            actor=user,
            child=child,
            kind=payload.kind,
            occurred_on=payload.occurred_on,
            outcome=payload.outcome,
            place=payload.place,
            village=_area_by_key(payload.village),
            latitude=payload.latitude,
            longitude=payload.longitude,
            treatment=payload.treatment,
            note=payload.note,
        )
    except ValidationError as exc:
        return Status(422, _errors(exc))
    except PermissionDenied as exc:
        raise Http404 from exc
    return Status(201, incident_json(incident))
