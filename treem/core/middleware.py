"""Request middleware: the client IP for audit rows, the interface language, first password."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.functional import empty

current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose another language with the switcher (its cookie).

    Django's own middleware follows the browser's Accept-Language, so an officer whose
    browser or Windows happens to be in English would get the commune's system in
    English; here the browser is not asked."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
        try:
            language = translation.get_supported_language_variant(chosen)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# The session remembers whether its user must still choose a password: the flag is set
# only when an account is created and cleared only by a password change, which (any
# other way than the session's own change page) logs the session out.
MUST_CHANGE_KEY = "treem_must_change_password"


class ForcePasswordChangeMiddleware:
    """Accounts created with an initial password must choose their own first."""

    ALLOWED_PREFIXES = ("/doi-mat-khau/", "/dang-xuat/", "/static/", "/i18n/", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Every page from here on reads the user (menu, scope): the loaded user replaces
            # Django's lazy proxy, each attribute read through which cost two more calls
            # (some 400 on a list page).
            loaded: Any = getattr(user, "_wrapped", empty)
            if loaded is not empty and loaded is not None:
                request.user = user = loaded
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            from django.shortcuts import redirect

            from treem.core.models import AccountState

            must_change = request.session.get(MUST_CHANGE_KEY)
            if must_change is None:
                must_change = AccountState.objects.filter(
                    user=user, must_change_password=True
                ).exists()
                request.session[MUST_CHANGE_KEY] = must_change
            if must_change:
                return redirect("password_change")
        return self.get_response(request)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
