"""API authentication: hashed, revocable bearer tokens, or the browser session."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from treem.core.models import ApiToken
from treem.core.rows import read_row


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class BearerOrSession(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            return super().__call__(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Session-authenticated writes still need the CSRF token.
            if request.method not in ("GET", "HEAD", "OPTIONS") and check_csrf(request):
                return None
            return user
        return None

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # Every API request reads its token and its user: with the written-out, prepared
        # statements of `treem.core.rows` (as the session and user of a browser request).
        api_token = read_row(ApiToken, "key_hash", hash_token(token), " AND revoked_at IS NULL")
        if api_token is None:
            return None
        model = get_user_model()
        user = read_row(model, model._meta.pk.column, api_token.user_id)
        if user is None or not user.is_active:
            return None
        api_token.user = user
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = user
        return user
