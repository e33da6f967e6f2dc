"""Plans fixtures: a commune plan imported from the extractor's sample text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import World
from treem.plans import services
from treem.plans.extraction import extract_plan
from treem.plans.models import Plan

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "nghia-hung-2025.txt"


@pytest.fixture
def sample_data() -> dict[str, Any]:
    return extract_plan(SAMPLE)


@pytest.fixture
def plan(world: World, sample_data: dict[str, Any]) -> Plan:
    return services.plan_create_from_extraction(
        actor=world.officer,
        area=world.commune,
        data=sample_data,
        source=services.UploadedSource(
            name=SAMPLE.name, file=None, text=SAMPLE.read_text(encoding="utf-8")
        ),
    )
