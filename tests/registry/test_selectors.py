"""Search and filters: Vietnamese names however typed, ID numbers, caregivers, sort order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.registry.conftest import born
from treem.registry import selectors, services
from treem.registry.selectors import ChildFilters

pytestmark = pytest.mark.django_db


def names(user: Any, **filters: Any) -> list[str]:
    return [c.full_name for c in selectors.child_list(user=user, filters=ChildFilters(**filters))]


@pytest.fixture
def family(world: Any, child_maker: Any) -> Any:
    an = child_maker(
        "Nguyễn Văn An",
        id_number="036218001234",
        birth_date=dt.date(2018, 4, 2),
        caregivers=[{"relation": "mother", "full_name": "Trần Thị Bích Ngọc"}],
    )
    child_maker("Nguyễn Văn Toàn", birth_date=born(4))
    child_maker("Lê Thị Lan", sex="female", birth_date=born(12), area=world.village2)
    child_maker("Đỗ Anh Đức", birth_date=born(1), schooling="not_yet", poverty="poor")
    return an


@pytest.mark.parametrize(
    "query", ["nguyen van an", "An Nguyễn", "NGUYỄN VĂN AN", "an nguyen", "  nguyễn   an "]
)
def test_search_ignores_diacritics_case_and_word_order(world: Any, family: Any, query: str) -> None:
    result = names(world.officer, q=query)
    assert result[0] == "Nguyễn Văn An"
    assert "Nguyễn Văn Toàn" not in result  # "an" starts a word, it does not match "toàn"
    assert "Lê Thị Lan" not in result


def test_search_by_id_number_and_caregiver(world: Any, family: Any) -> None:
    assert names(world.officer, q="036218001234") == ["Nguyễn Văn An"]
    assert names(world.officer, q="0362180") == ["Nguyễn Văn An"]
    assert names(world.officer, q="bich ngoc") == ["Nguyễn Văn An"]


def test_search_is_scoped(world: Any, family: Any) -> None:
    assert names(world.other_officer, q="nguyen van an") == []
    assert names(world.collaborator, q="lan") == []  # Lê Thị Lan lives in village2


def test_filters(world: Any, family: Any) -> None:
    assert names(world.officer, sex="female") == ["Lê Thị Lan"]
    assert names(world.officer, age_group="0_3") == ["Đỗ Anh Đức"]
    assert names(world.officer, age_group="11_16") == ["Lê Thị Lan"]
    assert names(world.officer, village=world.village2.key) == ["Lê Thị Lan"]
    assert names(world.officer, poverty="poor") == ["Đỗ Anh Đức"]
    assert names(world.officer, schooling="not_yet") == ["Đỗ Anh Đức"]
    services.circumstance_add(actor=world.officer, child=family, kind="special", group="dd")
    assert names(world.officer, group="dd") == ["Nguyễn Văn An"]
    assert names(world.officer, group="special") == ["Nguyễn Văn An"]
    assert names(world.officer, group="a") == []


def test_vietnamese_order_by_given_name_then_surname(world: Any, child_maker: Any) -> None:
    for name in [
        "Trần Văn Ân",
        "Lê Văn An",
        "Đỗ Thị Bình",
        "Nguyễn Thị Ánh",
        "Bùi Văn Đức",
        "Lê Văn Dũng",
    ]:
        child_maker(name)
    assert names(world.officer) == [
        "Lê Văn An",
        "Nguyễn Thị Ánh",
        "Trần Văn Ân",
        "Đỗ Thị Bình",
        "Lê Văn Dũng",
        "Bùi Văn Đức",
    ]


def test_sixteen_year_olds_are_not_listed_but_can_be_asked_for(
    world: Any, child_maker: Any
) -> None:
    old = child_maker("Lê Văn Lớn")
    from treem.registry.models import Child

    Child.objects.filter(pk=old.pk).update(birth_date=born(16))
    assert names(world.officer) == []
    assert names(world.officer, status="all") == ["Lê Văn Lớn"]


def test_duplicates_and_quality(world: Any, child_maker: Any) -> None:
    child_maker("Nguyễn Văn An", birth_date=dt.date(2018, 4, 2))
    child_maker("NGUYEN VAN AN", birth_date=dt.date(2018, 4, 2), area=world.village2)
    groups = selectors.probable_duplicates(user=world.officer)
    assert len(groups) == 1 and len(groups[0].children) == 2
    assert selectors.probable_duplicates(user=world.other_officer) == []
    summary = selectors.data_quality_summary(user=world.officer)
    assert summary["totals"]["no_id"] == 2
    assert summary["totals"]["no_caregiver"] == 2
    counts = selectors.registry_counts(user=world.officer, area=world.commune)
    assert counts["total"] == 2 and counts["problems"] == 2


def test_search_prefixes_pairs_and_shared_words(world: Any, family: Any, child_maker: Any) -> None:
    child_maker("Nguyễn Anh", birth_date=born(3))
    # every typed word starts a word of the name, whatever the order
    assert names(world.officer, q="ngu va a") == ["Nguyễn Văn An"]
    assert set(names(world.officer, q="an nguyen")) == {"Nguyễn Văn An", "Nguyễn Anh"}
    # two typed words may start the same stored word ("a" and "an" both start "anh")
    assert "Nguyễn Anh" in names(world.officer, q="a an")
    assert names(world.officer, q="nguyen xyz") == []  # a word no name has
    # three words: all must match, not two of them
    assert names(world.officer, q="nguyen van lan") == []


def test_caregiver_search_follows_caregiver_changes(world: Any, family: Any) -> None:
    assert names(world.officer, q="tran ngoc") == ["Nguyễn Văn An"]
    assert names(world.officer, q="nguyen ngoc") == []  # child's and carer's words don't mix
    mother = family.caregivers.get()
    services.caregiver_update(actor=world.officer, caregiver=mother, full_name="Phạm Thị Hoa")
    assert names(world.officer, q="tran ngoc") == []
    assert names(world.officer, q="pham hoa") == ["Nguyễn Văn An"]
    services.caregiver_remove(actor=world.officer, caregiver=mother)
    assert names(world.officer, q="pham hoa") == []
    services.caregiver_add(
        actor=world.officer, child=family, relation="father", full_name="Hà Quang Vinh"
    )
    assert names(world.officer, q="vinh ha") == ["Nguyễn Văn An"]


def test_renamed_child_is_found_by_its_new_name(world: Any, family: Any) -> None:
    services.child_update(
        actor=world.officer, child=family, version=family.version, full_name="Vũ Minh Khôi"
    )
    assert names(world.officer, q="khoi vu") == ["Vũ Minh Khôi"]
    assert names(world.officer, q="nguyen van an") == []
