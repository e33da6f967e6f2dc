"""Dashboard cards contributed by this app (see treem.core.dashboard)."""

from __future__ import annotations

from typing import Any

from treem.core.dashboard import Card
from treem.core.models import Area


def cards(*, user: Any, area: Area) -> list[Card]:
    return []
