"""Core API routes: tokens, the current user, areas."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from treem.core import selectors, services
from treem.core.access import grants
from treem.core.models import ApiToken, Area
from treem.core.pagination import paginate

router = Router(tags=["core"])


class TokenIn(Schema):
    username: str
    password: str
    name: str = ""


class TokenOut(Schema):
    token: str
    token_type: str = "bearer"  # noqa: S105 - the scheme name, not a secret
    id: int


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: dict})
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        return Status(401, {"detail": "Tên đăng nhập hoặc mật khẩu không đúng."})
    token, raw = services.token_issue(actor=user, user=user, name=payload.name or "api")
    return Status(200, {"token": raw, "id": token.pk})


@router.delete("/auth/token/{token_id}", response={204: None})
def token_delete(request: HttpRequest, token_id: int) -> Any:
    token = ApiToken.objects.filter(pk=token_id, user=request.auth).first()  # type: ignore[attr-defined]
    if token is None:
        raise HttpError(404, "Không tìm thấy.")
    services.token_revoke(actor=request.auth, token=token)  # type: ignore[attr-defined]
    return Status(204, None)


def area_json(area: Area, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": area.key,
        "code": area.code,
        "name": area.name,
        "full_name": area.full_name,
        "kind": area.kind,
        "level": area.level,
        "parent": area.path.strip("/").split("/")[-2] if area.parent_id else None,
        "province_code": area.province_code,
        "valid_from": area.valid_from.isoformat() if area.valid_from else None,
        "valid_to": area.valid_to.isoformat() if area.valid_to else None,
        "is_legacy": area.is_legacy,
    }
    if detail:
        data["successors"] = [area_json(a) for a in selectors.area_successors(area)]
        data["predecessors"] = [area_json(a) for a in selectors.area_predecessors(area)]
    return data


@router.get("/me")
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.auth  # type: ignore[attr-defined]
    memberships = selectors.memberships_of(user).filter(is_active=True)
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.get_full_name(),
        "roles": sorted({g.role for g in grants(user)}),
        "memberships": [
            {
                "role": m.role.slug,
                "role_name": m.role.name,
                "area": area_json(m.area),
                "agency": m.agency.name if m.agency else None,
            }
            for m in memberships
        ],
        "areas": [m.area.key for m in memberships],
    }


@router.get("/areas")
def areas(
    request: HttpRequest,
    parent: str | None = None,
    q: str = "",
    page: int = 1,
    page_size: int = 100,
) -> dict[str, Any]:
    qs = selectors.area_list(user=request.auth, parent_key=parent, q=q)  # type: ignore[attr-defined]
    return paginate(qs, page, page_size, area_json)


@router.get("/areas/{key}")
def area_detail(request: HttpRequest, key: str) -> dict[str, Any]:
    area = selectors.area_get(user=request.auth, key=key)  # type: ignore[attr-defined]
    return area_json(area, detail=True)
