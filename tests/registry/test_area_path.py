"""Child.area_path follows the residence, and scoping reads it (no join with core_area)."""

from __future__ import annotations

from typing import Any

import pytest

from treem.registry import selectors, services
from treem.registry.models import Child

pytestmark = pytest.mark.django_db


def test_area_path_is_set_on_create_and_follows_a_village_change(
    world: Any, child_maker: Any
) -> None:
    child = child_maker("Trần Thị Bình")
    assert Child.objects.get(pk=child.pk).area_path == world.village.path
    services.child_update(
        actor=world.officer, child=child, version=child.version, area=world.village2
    )
    assert Child.objects.get(pk=child.pk).area_path == world.village2.path


def test_area_path_set_when_only_the_area_id_changes(world: Any, child_maker: Any) -> None:
    child = Child.objects.get(pk=child_maker().pk)
    child.area_id = world.village2.pk
    child.save(update_fields=["area"])
    assert Child.objects.get(pk=child.pk).area_path == world.village2.path


def test_scope_by_area_path_keeps_the_404_rule(world: Any, child_maker: Any) -> None:
    mine = child_maker("Lê Văn Cường")
    theirs = child_maker("Lê Văn Cường", actor=world.other_officer, area=world.other_village)
    seen = set(selectors.child_list(user=world.officer).values_list("pk", flat=True))
    assert mine.pk in seen and theirs.pk not in seen
    found = selectors.child_list(user=world.officer, filters=selectors.ChildFilters(q="cuong le"))
    assert [c.pk for c in found] == [mine.pk]
    province = selectors.child_list(user=world.province_officer)
    assert {mine.pk, theirs.pk} <= set(province.values_list("pk", flat=True))


def test_search_finds_a_child_by_a_caregiver_name_in_scope_only(
    world: Any, child_maker: Any
) -> None:
    mine = child_maker("Phạm Minh Khoa")
    services.caregiver_add(
        actor=world.officer, child=mine, relation="mother", full_name="Đỗ Thị Huệ"
    )
    theirs = child_maker("Phạm Minh Khoa", actor=world.other_officer, area=world.other_village)
    services.caregiver_add(
        actor=world.other_officer, child=theirs, relation="mother", full_name="Đỗ Thị Huệ"
    )
    found = selectors.child_list(user=world.officer, filters=selectors.ChildFilters(q="do thi hue"))
    assert [c.pk for c in found] == [mine.pk]
