"""The registry data model: ethnicities as data, derived columns, the active() rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from treem.registry.models import Child, Ethnicity, years_before

pytestmark = pytest.mark.django_db


def make_child(world: Any, **fields: Any) -> Child:
    fields.setdefault("full_name", "Nguyễn Văn An")
    fields.setdefault("area", world.village)
    fields.setdefault("commune", world.commune)
    child = Child(province_code=world.commune.province_code, **fields)
    child.set_derived()
    child.save()
    return child


def test_54_ethnicities_are_seeded() -> None:
    assert Ethnicity.objects.count() == 54
    assert Ethnicity.objects.get(code="01").name == "Kinh"
    assert Ethnicity.objects.get(code="54").name == "Ơ Đu"


def test_derived_columns(world: Any) -> None:
    child = make_child(world, full_name="  NGUYỄN\u00a0Văn  An ")
    assert child.full_name == "NGUYỄN Văn An"
    assert child.name_folded == "nguyen van an"
    assert child.name_tokens == "an nguyen van"


def test_active_excludes_sixteen_year_olds_died_and_merged(world: Any) -> None:
    today = dt.date.today()
    young = make_child(world, birth_date=years_before(today, 5))
    make_child(world, full_name="Lê Thị Bình", birth_date=years_before(today, 16))
    almost = make_child(
        world, full_name="Lê Văn Cường", birth_date=years_before(today, 16) + dt.timedelta(days=1)
    )
    make_child(world, full_name="Trần Văn Dũng", birth_date=years_before(today, 4), status="died")
    make_child(world, full_name="Phạm Văn Em", birth_date=years_before(today, 4), merged_into=young)
    unknown = make_child(world, full_name="Vũ Thị Giang")
    assert set(Child.objects.active()) == {young, almost, unknown}
    assert young.age_on(today) == 5
    assert almost.age == 15
