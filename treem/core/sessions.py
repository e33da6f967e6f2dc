"""Sessions: Django's database sessions, with each request's session row read by a
written-out statement (`treem.core.rows`): every page reads it. Saving, expiry, cycling
the key and `clearsessions` are Django's own."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from treem.core.rows import read_row


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        ops = connections[router.db_for_read(self.model)].ops
        found = read_row(
            self.model,
            "session_key",
            self.session_key,
            f" AND {ops.quote_name('expire_date')} > %s",
            [ops.adapt_datetimefield_value(timezone.now())],  # as the ORM sends it
        )
        if found is None:  # unknown, expired or malformed key: a new session, as Django's
            self._session_key = None
        return found
