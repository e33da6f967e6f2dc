"""Authentication backend: Django's ModelBackend, with each request's signed-in user read
by a written-out statement (`treem.core.rows`). Passwords, permissions and the
`is_active` check are Django's own."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends, get_user_model

from treem.core.rows import read_row


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        user = read_row(model, model._meta.pk.column, user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
