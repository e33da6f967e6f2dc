"""Demo data for this app, on top of the foundation's (see treem.core.demo)."""

from __future__ import annotations

from typing import Any

from treem.core.demo import DemoContext


def seed(ctx: DemoContext, stdout: Any = None) -> None:
    return None
