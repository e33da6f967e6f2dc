"""insert_rows (COPY text written by hand on PostgreSQL, batched INSERTs elsewhere) stores
exactly the values given: escapes, NULLs, booleans, dates, choices."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from treem.registry.importing.service import insert_rows
from treem.registry.models import Caregiver, Child

pytestmark = pytest.mark.django_db


def test_insert_rows_round_trip(world: Any) -> None:
    now = timezone.now()
    tricky = "Nguyễn\tVăn\\An\nhai\rdòng \\N"
    ids = insert_rows(
        Child,
        [
            {
                "full_name": "Lê Thị Lan",
                "notes": tricky,
                "birth_date": dt.date(2019, 1, 5),
                "sex": "female",
                "area_id": world.village.pk,
                "area_path": world.village.path,
                "commune_id": world.commune.pk,
                "id_number_valid": True,
                "created_at": now,
                "updated_at": now,
            },
            {
                "full_name": "Đặng Minh Khôi",
                "birth_date": dt.date(2018, 4, 2),
                "area_id": world.village.pk,
                "area_path": world.village.path,
                "commune_id": world.commune.pk,
                "id_number": None,
                "id_number_valid": None,
                "created_at": now,
                "updated_at": now,
            },
        ],
    )
    lan, khoi = (Child.objects.get(pk=pk) for pk in ids)
    assert lan.notes == tricky and lan.full_name == "Lê Thị Lan"
    assert lan.birth_date == dt.date(2019, 1, 5) and lan.id_number_valid is True
    assert lan.created_at == now  # not the clock of the insert itself
    assert khoi.id_number is None and khoi.id_number_valid is None
    assert khoi.status == "active" and khoi.birth_date_precision == "day" and khoi.version == 1
    cg = insert_rows(
        Caregiver,
        [
            {
                "child_id": lan.pk,
                "relation": "mother",
                "full_name": "Trần Thị Bình",
                "birth_year": 1990,
                "created_at": now,
            }
        ],
    )
    mother = Caregiver.objects.get(pk=cg[0])
    assert mother.birth_year == 1990 and mother.removed_at is None and mother.phone == ""


def test_insert_rows_repeated_values_keep_each_rows_own(world: Any) -> None:
    """Values repeat down a column (formatted once per column): every row still gets
    its own value, NULLs and falsy values included."""
    now = timezone.now()
    base = {
        "area_id": world.village.pk,
        "area_path": world.village.path,
        "commune_id": world.commune.pk,
        "created_at": now,
        "updated_at": now,
    }
    specs = [
        ("Lê Văn An", dt.date(2019, 1, 5), True, ""),
        ("Lê Văn An", dt.date(2019, 1, 5), None, "0"),
        ("Lê Văn Bình", dt.date(2020, 2, 6), False, "0"),
        ("Lê Văn An", dt.date(2020, 2, 6), True, ""),
    ]
    ids = insert_rows(
        Child,
        [
            {**base, "full_name": n, "birth_date": d, "id_number_valid": v, "notes": note}
            for n, d, v, note in specs
        ],
    )
    got = [
        (c.full_name, c.birth_date, c.id_number_valid, c.notes)
        for c in (Child.objects.get(pk=pk) for pk in ids)
    ]
    assert got == specs


def test_imported_children_are_found_by_name_and_caregiver(world: Any) -> None:
    """The import's COPY path writes the search words (child, word pairs, caregivers)."""
    from treem.registry import selectors
    from treem.registry.importing.service import derived_name_columns
    from treem.registry.search import search_words_for

    derived = derived_name_columns("Giàng A Páo")
    name_sort = derived["name_sort"]
    child_ids = insert_rows(
        Child,
        [
            {
                "area_id": world.village.pk,
                "area_path": world.village.path,
                "commune_id": world.commune.pk,
                "province_code": world.commune.province_code,
                "full_name": "Giàng A Páo",
                **derived,
                "search_words": tuple(
                    search_words_for("giang a pao", ["giang thi mai"], name_sort=name_sort)
                ),
                "birth_date": dt.date(2019, 1, 1),
                "sex": "male",
                "created_at": timezone.now(),
                "updated_at": timezone.now(),
            }
        ],
    )
    from treem.registry.search import vocabulary_add

    vocabulary_add(["giang", "a", "pao", "thi", "mai"])
    found = selectors.child_list(user=world.officer, filters=selectors.ChildFilters(q="pao giang"))
    assert [c.pk for c in found] == child_ids
    found = selectors.child_list(user=world.officer, filters=selectors.ChildFilters(q="mai giang"))
    assert [c.pk for c in found] == child_ids


def test_reserved_ids_are_fresh_whether_or_not_they_follow_each_other(child_maker: Any) -> None:
    from django.db import connection

    from treem.registry.importing.writing import reserve_ids

    if connection.vendor != "postgresql":
        pytest.skip("ids are reserved from a PostgreSQL sequence")
    existing = child_maker().pk
    first = reserve_ids(Child, 4)
    assert len(set(first)) == 4 and min(first) > existing
    assert first == list(range(first[0], first[0] + 4))  # nobody else drew: a range
    with connection.cursor() as cursor:  # as if another session drew every other number
        cursor.execute("ALTER SEQUENCE registry_child_id_seq INCREMENT BY 2")
    spaced = reserve_ids(Child, 3)
    assert spaced == [spaced[0], spaced[0] + 2, spaced[0] + 4] and spaced[0] > max(first)


@pytest.mark.parametrize("spaced", [False, True])
def test_the_import_check_finds_rows_pointing_nowhere(world: Any, spaced: bool) -> None:
    """Child.area and Caregiver.child are not checked by the database: the import checks
    the rows it wrote in one statement (`check_written`) and refuses dangling ones."""
    from django.db import connection

    from treem.registry.importing.service import WrittenRowsError, check_written

    if connection.vendor != "postgresql":
        pytest.skip("the streamed (COPY) import runs on PostgreSQL")
    now = timezone.now()

    def child(area_id: int) -> dict[str, Any]:
        return {
            "full_name": "Lò Văn Pao",
            "area_id": area_id,
            "area_path": world.village.path,
            "commune_id": world.commune.pk,
            "created_at": now,
            "updated_at": now,
        }

    ids = insert_rows(Child, [child(world.village.pk) for _ in range(3)])
    if spaced:  # another child in between (another session's)
        insert_rows(Child, [child(world.village.pk)])
        ids += insert_rows(Child, [child(world.village.pk)])
    carer = {"relation": "mother", "full_name": "Lò Thị Mai", "name_folded": "lo thi mai"}
    insert_rows(Caregiver, [{**carer, "child_id": ids[0]}, {**carer, "child_id": ids[-1]}])
    check_written(ids, 2)  # as written: passes

    with pytest.raises(WrittenRowsError):
        check_written(ids, 3)  # a caregiver written for a child id that is not there
    missing_area = max(a.pk for a in type(world.village).objects.all()) + 1000
    bad = insert_rows(Child, [child(missing_area)])
    with pytest.raises(WrittenRowsError):
        check_written([*ids, *bad] if spaced else bad, 0)
    with pytest.raises(WrittenRowsError):
        check_written([ids[0], ids[0] + 10_000], 1)  # a child that was never written
