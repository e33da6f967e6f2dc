"""Reports API: indicators, values (summed over an area subtree), reports and their workflow."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from treem.core.errors import StaleVersion
from treem.core.models import AreaLevel
from treem.core.pagination import paginate
from treem.reports import selectors, services
from treem.reports.models import Dimension, Report

router = Router(tags=["reports"])


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _fail(exc: ValidationError) -> HttpError:
    return HttpError(422, " ".join(exc.messages))


def indicator_json(i: Any) -> dict[str, Any]:
    return {
        "slug": i.slug,
        "code": i.code,
        "name": i.name,
        "group": i.group,
        "unit": i.unit,
        "formula": i.formula,
        "numerator": i.numerator.slug if i.numerator else None,
        "denominator": i.denominator.slug if i.denominator else None,
        "disaggregations": i.disaggregations,
        "period_type": i.period_type,
    }


@router.get("/indicators")
def indicator_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [indicator_json(i) for i in selectors.indicators()]


@router.get("/values")
def values(
    request: HttpRequest, indicator: str, period: str, area: str, by: str = ""
) -> dict[str, Any]:
    """`by=sex` or `by=sex,age_group`; without `by`, the total. Missing values are absent."""
    user = _user(request)
    a = selectors.area_for_reports(user=user, key=area)
    ind = selectors.indicators().filter(slug=indicator).first()
    if ind is None:
        raise HttpError(404, f"Không có chỉ tiêu “{indicator}”.")
    dims = [d.strip() for d in by.split(",") if d.strip()]
    bad = [d for d in dims if d not in Dimension.values]
    if bad:
        raise HttpError(422, f"Phân tổ không hợp lệ: {', '.join(bad)}.")
    if dims and a.level == AreaLevel.VILLAGE:
        raise HttpError(
            422, gettext("Số liệu của thôn chỉ có tổng số; xem phân tổ ở cấp xã, phường.")
        )
    try:
        cells = selectors.values_query(user=user, indicator=ind, period=period, area=a, by=dims)
    except ValidationError as exc:
        raise _fail(exc) from exc
    return {
        "indicator": ind.slug,
        "period": period.upper(),
        "area": a.key,
        "by": dims,
        "values": [
            {
                "disaggregation": key,
                "value": float(c.value) if c.value is not None else None,
                **(
                    {
                        "numerator": float(c.numerator) if c.numerator is not None else None,
                        "denominator": float(c.denominator) if c.denominator is not None else None,
                    }
                    if ind.formula == "ratio"
                    else {}
                ),
            }
            for key, c in sorted(cells.items())
        ],
    }


def report_json(r: Report) -> dict[str, Any]:
    return {
        "id": r.pk,
        "area": r.area.key,
        "area_name": r.area.full_name,
        "period": r.period,
        "status": r.status,
        "due_date": r.due_date.isoformat(),
        "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
        "on_time": r.on_time,
        "return_comment": r.return_comment,
        "narrative_results": r.narrative_results,
        "narrative_limits": r.narrative_limits,
        "narrative_proposals": r.narrative_proposals,
        "version": r.version,
        # the period's values stay as sent, from the sending until a return
        "values_locked": r.is_locked,
    }


@router.get("/reports")
def report_list(
    request: HttpRequest, period: str = "", page: int = 1, page_size: int = 50
) -> dict[str, Any]:
    qs = selectors.report_list(user=_user(request), period=period.upper() or None)
    return paginate(qs, page, page_size, report_json)


class ReportIn(Schema):
    area: str
    period: str
    narrative_results: str | None = None
    narrative_limits: str | None = None
    narrative_proposals: str | None = None


@router.post("/reports", response={201: dict})
def report_create(request: HttpRequest, payload: ReportIn) -> Any:
    user = _user(request)
    area = selectors.area_for_reports(user=user, key=payload.area)
    try:
        report = services.report_create(actor=user, area=area, period=payload.period)
        changes = {
            k: v for k, v in payload.dict().items() if k.startswith("narrative_") and v is not None
        }
        if changes:
            report = services.report_update(actor=user, report=report, version=None, **changes)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        raise _fail(exc) from exc
    return Status(201, report_json(report))


@router.get("/reports/{report_id}")
def report_get(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return report_json(selectors.report_get(user=_user(request), pk=report_id))


class DecisionIn(Schema):
    comment: str = ""
    version: int | None = None


def _act(request: HttpRequest, report_id: int, action: str, payload: DecisionIn) -> Any:
    user = _user(request)
    report = selectors.report_get(user=user, pk=report_id)
    try:
        if action == "submit":
            report = services.report_submit(actor=user, report=report, version=payload.version)
        elif action == "approve":
            report = services.report_approve(actor=user, report=report, comment=payload.comment)
        else:
            report = services.report_return(actor=user, report=report, comment=payload.comment)
    except PermissionDenied as exc:
        raise Http404 from exc
    except StaleVersion as exc:
        raise HttpError(409, " ".join(exc.messages)) from exc
    except ValidationError as exc:
        raise _fail(exc) from exc
    return report_json(report)


@router.post("/reports/{report_id}/submit")
def report_submit(request: HttpRequest, report_id: int, payload: DecisionIn) -> Any:
    return _act(request, report_id, "submit", payload)


@router.post("/reports/{report_id}/approve")
def report_approve(request: HttpRequest, report_id: int, payload: DecisionIn) -> Any:
    return _act(request, report_id, "approve", payload)


@router.post("/reports/{report_id}/return")
def report_return(request: HttpRequest, report_id: int, payload: DecisionIn) -> Any:
    return _act(request, report_id, "return", payload)
