"""Registry test fixtures (`born` and `child_maker` are shared: tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _ethnicities(request: Any) -> None:
    """Browser (transactional) tests flush the data migration's rows: put them back."""
    if "db" in request.fixturenames or "world" in request.fixturenames:
        from treem.registry.ethnicities import ethnicities_sync

        request.getfixturevalue("db")
        ethnicities_sync()
