"""The JSON API under /api/v1/: one NinjaAPI, one router per app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError

from treem.cases.api import router as cases_router
from treem.core.api import router as core_router
from treem.core.api_auth import BearerOrSession
from treem.plans.api import router as plans_router
from treem.programs.api import router as programs_router
from treem.registry.api import router as registry_router
from treem.reports.api import router as reports_router

api = NinjaAPI(
    title="TreEm API",
    version="1",
    description="API của hệ thống thông tin TreEm (bảo vệ, chăm sóc trẻ em).",
    auth=BearerOrSession(),
    urls_namespace="api",
)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "Chưa đăng nhập hoặc mã truy cập không hợp lệ."}, status=401
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


api.add_router("/", core_router)
api.add_router("/", registry_router)
api.add_router("/", cases_router)
api.add_router("/", plans_router)
api.add_router("/", reports_router)
api.add_router("/", programs_router)
