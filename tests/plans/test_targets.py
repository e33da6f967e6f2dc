"""Whether a plan's target is met: a rate to reach (at or above the target) or a rate to
bring down (at or below it), read from the words just before the target's number."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import World
from tests.factories import make_plan
from treem.plans import services
from treem.plans.models import PlanTarget
from treem.plans.selectors import lower_is_better

# (the target as plans write it, its value, whether it is met at or below the value)
TARGETS = [
    ("98% trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin", "98", False),
    ("95% trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế", "95", False),
    # Văn Lang 2023 (../shared/plans/seeds): "dưới các hình thức", not a bound
    (
        "100% trẻ em có hoàn cảnh đặc biệt được bảo vệ, chăm sóc dưới các hình thức như: "
        "được hưởng trợ cấp xã hội",
        "100",
        False,
    ),
    (
        "Giảm tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể thấp còi xuống dưới 11%",
        "11",
        True,
    ),
    ("Tỷ lệ trẻ em bị tai nạn, thương tích không quá 2,5%", "2.5", True),
    ("Giảm 10% số trẻ em bị tai nạn thương tích so với năm 2025", "10", True),
    ("Phấn đấu giảm tỷ lệ trẻ em bỏ học còn 1%", "1", True),
    ("Giảm tỷ lệ trẻ em bị xâm hại", "5", True),  # the value not written: "giảm"
    ("Tỷ lệ trẻ em từ 11 tuổi trở lên biết bơi đạt 30%", "30", False),
]


@pytest.mark.parametrize(("text", "value", "lower"), TARGETS)
def test_the_direction_of_a_target_comes_from_the_words_before_its_number(
    text: str, value: str, lower: bool
) -> None:
    assert lower_is_better(text, Decimal(value)) is lower


@pytest.mark.django_db
def test_a_vaccination_rate_under_its_target_reads_not_met_on_the_plan_page(
    world: World, client_for: Any
) -> None:
    """96.5% against "98% trẻ em dưới 1 tuổi …" is not met (it read "đạt": the age
    "dưới 1 tuổi" was taken for a ceiling); 11.8% against "xuống dưới 11%" is not met."""
    plan = make_plan(world.commune)
    rows = [
        ("98% trẻ em dưới 1 tuổi được tiêm chủng đầy đủ", "98", "96.5"),
        ("Giảm tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng xuống dưới 11%", "11", "11.8"),
        ("95% trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế", "95", "96"),
        ("Tỷ lệ trẻ em bị tai nạn, thương tích không quá 3%", "3", "2.1"),
    ]
    for position, (text, value, measured) in enumerate(rows):
        target = PlanTarget.objects.create(
            plan=plan, text=text, value=value, unit="%", position=position
        )
        services.target_measure(
            actor=world.officer,
            target=target,
            period="6_months",
            year=2026,
            value=measured,
            measured_on=dt.date(2026, 7, 5),
        )
    page = client_for(world.officer).get(reverse("plans:plan_detail", args=[plan.pk]))
    met = {row.target.text[:12]: row.met for row in page.context["dash"].targets}
    assert met == {
        "98% trẻ em d": False,
        "Giảm tỷ lệ t": False,
        "95% trẻ em d": True,
        "Tỷ lệ trẻ em": True,
    }
    html = page.content.decode()
    first = html.split("98% trẻ em dưới 1 tuổi", 1)[1].split("</tr>", 1)[0]
    assert "chưa đạt" in first
