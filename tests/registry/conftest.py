"""Registry test helpers: `child_maker` creates children through the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from treem.registry import services
from treem.registry.models import Child, years_before


def born(years: int, days: int = 30) -> dt.date:
    """A birth date making the child `years` old today (plus a few days)."""
    return years_before(dt.date.today(), years) - dt.timedelta(days=days)


@pytest.fixture
def child_maker(world: Any) -> Any:
    def make(
        full_name: str = "Nguyễn Văn An", *, actor: Any = None, area: Any = None, **fields: Any
    ) -> Child:
        fields.setdefault("birth_date", born(7))
        fields.setdefault("sex", "male")
        return services.child_create(
            actor=actor or world.officer, area=area or world.village, full_name=full_name, **fields
        )

    return make


@pytest.fixture(autouse=True)
def _ethnicities(request: Any) -> None:
    """Browser (transactional) tests flush the data migration's rows: put them back."""
    if "db" in request.fixturenames or "world" in request.fixturenames:
        from treem.registry.ethnicities import ethnicities_sync

        request.getfixturevalue("db")
        ethnicities_sync()
