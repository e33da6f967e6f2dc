"""Registry API: /children (list, create, read, PATCH with version), and the groups,
support and caregivers of a child as sub-resources. Outside scope = 404; stale = 409."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from treem.core.errors import StaleVersion
from treem.core.models import Area
from treem.core.pagination import paginate
from treem.registry import selectors, services
from treem.registry.models import Caregiver, Child, ChildCircumstance, Support

SEARCH_COUNT_CAP = 1000

router = Router(tags=["registry"])


# --------------------------------------------------------------------------- schemas


class ChildFilterParams(Schema):
    q: str = ""
    village: str = ""
    sex: Literal["male", "female"] | None = None
    group: str = ""
    age_group: Literal["0_3", "3_6", "6_11", "11_16"] | None = None
    schooling: str = ""
    poverty: Literal["none", "poor", "near_poor"] | None = None
    status: str = "active"
    page: int = 1
    page_size: int = 50


class CaregiverIn(Schema):
    relation: str
    full_name: str
    birth_year: int | None = None
    phone: str = ""
    id_number: str = ""
    status: str = "living"


class ChildIn(Schema):
    area: str  # the key of the village (or of the commune when the village is unknown)
    full_name: str
    birth_date: dt.date | None = None
    birth_date_precision: Literal["day", "month", "year"] = "day"
    sex: Literal["male", "female", ""] = ""
    ethnicity: str | None = None  # 2-digit code
    id_number: str | None = None
    birth_registration_place: str = ""
    address: str = ""
    household_head: str = ""
    poverty: Literal["none", "poor", "near_poor"] = "none"
    health_insurance_number: str = ""
    schooling: str = ""
    disability_type: str = ""
    disability_level: str = ""
    notes: str = ""
    caregivers: list[CaregiverIn] = []


class ChildPatch(Schema):
    version: int
    area: str | None = None
    full_name: str | None = None
    birth_date: dt.date | None = None
    birth_date_precision: Literal["day", "month", "year"] | None = None
    sex: Literal["male", "female", ""] | None = None
    ethnicity: str | None = None
    id_number: str | None = None
    birth_registration_place: str | None = None
    address: str | None = None
    household_head: str | None = None
    poverty: Literal["none", "poor", "near_poor"] | None = None
    health_insurance_number: str | None = None
    schooling: str | None = None
    disability_type: str | None = None
    disability_level: str | None = None
    notes: str | None = None


class CircumstanceIn(Schema):
    kind: Literal["special", "at_risk", "other"]
    group: str
    subtype: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    note: str = ""
    verified: bool = False


class SupportIn(Schema):
    kind: str
    date: dt.date
    end_date: dt.date | None = None
    amount: Decimal | None = None
    source: str = ""
    provider: str = ""
    note: str = ""


# --------------------------------------------------------------------------- serialisers


def child_json(child: Child, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": child.pk,
        "full_name": child.full_name,
        "birth_date": child.birth_date.isoformat() if child.birth_date else None,
        "birth_date_precision": child.birth_date_precision,
        "age": child.age,
        "sex": child.sex or None,
        "ethnicity": child.ethnicity.code if child.ethnicity_id and child.ethnicity else None,
        "id_number": child.id_number,
        "id_number_valid": child.id_number_valid,
        "area": child.area.key,
        "village": child.area.name if child.area_id != child.commune_id else None,
        "commune": child.commune.key,
        "poverty": child.poverty,
        "schooling": child.schooling or None,
        "status": child.status,
        "version": child.version,
    }
    ongoing = getattr(child, "ongoing_circumstances", None)
    if ongoing is not None:
        data["groups"] = [c.group for c in ongoing if c.kind == "special"]
        data["at_risk"] = any(c.kind == "at_risk" for c in ongoing)
    if detail:
        data.update(
            {
                "birth_registration_place": child.birth_registration_place,
                "address": child.address,
                "household_head": child.household_head,
                "health_insurance_number": child.health_insurance_number,
                "disability_type": child.disability_type,
                "disability_level": child.disability_level or None,
                "notes": child.notes,
                "status_date": child.status_date.isoformat() if child.status_date else None,
                "death_cause": child.death_cause,
                "merged_into": child.merged_into_id,
                "id_number_problems": _id_problems(child),
            }
        )
    return data


def _id_problems(child: Child) -> list[str]:
    from treem.registry.models import id_number_problems

    return id_number_problems(child)


def caregiver_json(c: Caregiver) -> dict[str, Any]:
    return {
        "id": c.pk,
        "relation": c.relation,
        "full_name": c.full_name,
        "birth_year": c.birth_year,
        "phone": c.phone,
        "id_number": c.id_number,
        # as the child's: false when the number fails the checks (entered before them)
        "id_number_valid": c.id_number_valid,
        "status": c.status,
    }


def circumstance_json(c: ChildCircumstance) -> dict[str, Any]:
    return {
        "id": c.pk,
        "kind": c.kind,
        "group": c.group,
        "group_label": c.group_label(),
        "subtype": c.subtype,
        "start_date": c.start_date.isoformat() if c.start_date else None,
        "end_date": c.end_date.isoformat() if c.end_date else None,
        "note": c.note,
        "verified_by": c.verified_by_id,
        "ongoing": c.is_ongoing,
    }


def support_json(s: Support) -> dict[str, Any]:
    return {
        "id": s.pk,
        "kind": s.kind,
        "date": s.date.isoformat(),
        "end_date": s.end_date.isoformat() if s.end_date else None,
        "amount": int(s.amount) if s.amount is not None else None,
        "source": s.source or None,
        "provider": s.provider,
        "note": s.note,
    }


def _validation_response(exc: ValidationError) -> Any:
    if hasattr(exc, "error_dict"):
        errors = {
            f: " ".join(m for e in errs for m in e.messages) for f, errs in exc.error_dict.items()
        }
        return Status(422, {"detail": " ".join(errors.values()), "errors": errors})
    return Status(422, {"detail": " ".join(exc.messages), "errors": {}})


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _area_or_422(user: Any, key: str) -> Area:
    area = Area.objects.filter(key=key).first()
    if area is None:
        raise HttpError(422, f"Không có địa bàn mã “{key}”.")
    return area


def _child_for_write(request: HttpRequest, child_id: int) -> Child:
    child = selectors.child_get(user=_user(request), pk=child_id)
    if not services.can_edit(_user(request), child):
        raise Http404
    return child


# --------------------------------------------------------------------------- routes


@router.get("/children")
def child_list(request: HttpRequest, params: Query[ChildFilterParams]) -> Any:
    filters = selectors.ChildFilters(
        q=params.q,
        village=params.village,
        sex=params.sex or "",
        group=params.group,
        age_group=params.age_group or "",
        schooling=params.schooling,
        poverty=params.poverty or "",
        status=params.status,
    )
    qs = selectors.child_list_page_qs(selectors.child_list(user=_user(request), filters=filters))
    # a search counts up to SEARCH_COUNT_CAP matches (then "count_capped": true)
    cap = SEARCH_COUNT_CAP if (params.q or "").strip() else None
    return paginate(qs, params.page, params.page_size, child_json, count_cap=cap)


@router.post("/children", response={201: dict, 404: dict, 422: dict})
def child_create(request: HttpRequest, payload: ChildIn) -> Any:
    user = _user(request)
    data = payload.dict()
    area = _area_or_422(user, data.pop("area"))
    caregivers = data.pop("caregivers")
    try:
        child = services.child_create(actor=user, area=area, caregivers=caregivers, **data)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        return _validation_response(exc)
    child = selectors.child_get(user=user, pk=child.pk)
    return Status(201, child_json(child, detail=True))


@router.get("/children/{child_id}")
def child_read(request: HttpRequest, child_id: int) -> Any:
    data = selectors.child_detail(user=_user(request), pk=child_id)
    result = child_json(data["child"], detail=True)
    result["caregivers"] = [caregiver_json(c) for c in data["caregivers"]]
    result["circumstances"] = [circumstance_json(c) for c in data["circumstances"]]
    result["supports"] = [support_json(s) for s in data["supports"]]
    return result


@router.patch("/children/{child_id}", response={200: dict, 404: dict, 409: dict, 422: dict})
def child_patch(request: HttpRequest, child_id: int, payload: ChildPatch) -> Any:
    user = _user(request)
    child = _child_for_write(request, child_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    if "area" in changes:
        changes["area"] = _area_or_422(user, changes["area"] or "")
    if version != child.version:
        return Status(
            409,
            {
                "detail": (
                    f"Hồ sơ đã được người khác sửa (phiên bản hiện tại {child.version}, "
                    f"bạn gửi phiên bản {version}). Hãy tải lại rồi sửa lại."
                ),
                "version": child.version,
            },
        )
    try:
        updated = services.child_update(actor=user, child=child, version=version, **changes)
    except PermissionDenied as exc:
        raise Http404 from exc
    except StaleVersion as exc:
        return Status(409, {"detail": " ".join(exc.messages)})
    except ValidationError as exc:
        return _validation_response(exc)
    return Status(200, child_json(selectors.child_get(user=user, pk=updated.pk), detail=True))


def _sub_create(
    request: HttpRequest,
    child_id: int,
    add: Callable[..., Any],
    payload: Schema,
    to_json: Callable[[Any], dict[str, Any]],
) -> Any:
    """Create a sub-record of a child (circumstance, support, caregiver): 201, 404 or 422."""
    child = _child_for_write(request, child_id)
    try:
        obj = add(actor=_user(request), child=child, **payload.dict())
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        return _validation_response(exc)
    return Status(201, to_json(obj))


@router.get("/children/{child_id}/circumstances")
def circumstance_list(request: HttpRequest, child_id: int) -> Any:
    data = selectors.child_detail(user=_user(request), pk=child_id)
    items = [circumstance_json(c) for c in data["circumstances"]]
    return {"items": items, "count": len(items)}


@router.post("/children/{child_id}/circumstances", response={201: dict, 404: dict, 422: dict})
def circumstance_create(request: HttpRequest, child_id: int, payload: CircumstanceIn) -> Any:
    return _sub_create(request, child_id, services.circumstance_add, payload, circumstance_json)


@router.get("/children/{child_id}/supports")
def support_list(request: HttpRequest, child_id: int) -> Any:
    data = selectors.child_detail(user=_user(request), pk=child_id)
    items = [support_json(s) for s in data["supports"]]
    return {"items": items, "count": len(items)}


@router.post("/children/{child_id}/supports", response={201: dict, 404: dict, 422: dict})
def support_create(request: HttpRequest, child_id: int, payload: SupportIn) -> Any:
    return _sub_create(request, child_id, services.support_add, payload, support_json)


@router.get("/children/{child_id}/caregivers")
def caregiver_list(request: HttpRequest, child_id: int) -> Any:
    data = selectors.child_detail(user=_user(request), pk=child_id)
    items = [caregiver_json(c) for c in data["caregivers"]]
    return {"items": items, "count": len(items)}


@router.post("/children/{child_id}/caregivers", response={201: dict, 404: dict, 422: dict})
def caregiver_create(request: HttpRequest, child_id: int, payload: CaregiverIn) -> Any:
    return _sub_create(request, child_id, services.caregiver_add, payload, caregiver_json)
