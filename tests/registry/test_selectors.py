"""Search and filters: Vietnamese names however typed, ID numbers, caregivers, sort order."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection

from tests.conftest import born
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


def test_two_words_are_asked_of_one_caregivers_name_on_both_databases(
    world: Any, child_maker: Any
) -> None:
    """ "thi an" finds the child whose mother is Hà Thị An, not the one whose mother is
    Trần Thị Lan and father Đỗ Anh Hưng (one word each): SQLite (the demo) answers as
    PostgreSQL does. One word still matches any caregiver."""
    child_maker(
        "Vũ Minh Khang",
        caregivers=[{"relation": "mother", "full_name": "Hà Thị An"}],
    )
    child_maker(
        "Đỗ Bảo Ngọc",
        caregivers=[
            {"relation": "father", "full_name": "Đỗ Anh Hưng"},
            {"relation": "mother", "full_name": "Trần Thị Lan"},
        ],
    )
    assert names(world.officer, q="thi an") == ["Vũ Minh Khang"]
    assert names(world.officer, q="an thi") == ["Vũ Minh Khang"]
    assert names(world.officer, q="Anh Hưng") == ["Đỗ Bảo Ngọc"]
    assert sorted(names(world.officer, q="thi")) == ["Vũ Minh Khang", "Đỗ Bảo Ngọc"]


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


def test_quality_flags_a_special_group_the_record_contradicts(world: Any, child_maker: Any) -> None:
    """Điều 10 defines groups a, n and h by facts the record holds too: parents dead or
    missing, a poor or near-poor household, out of school."""
    from treem.registry import services as svc

    officer = world.officer
    start = dt.date(2025, 1, 1)

    def child(name: str, group: str, **fields: Any) -> Any:
        kid = child_maker(name, **fields)
        svc.circumstance_add(
            actor=officer, child=kid, kind="special", group=group, start_date=start
        )
        return kid

    def parents(kid: Any, father: str, mother: str) -> None:
        svc.caregiver_add(
            actor=officer, child=kid, relation="father", full_name="Lê Văn Cha", status=father
        )
        svc.caregiver_add(
            actor=officer, child=kid, relation="mother", full_name="Hà Thị Mẹ", status=mother
        )

    parents(child("Mồ Côi Đúng", "a"), "dead", "missing")
    parents(child("Mồ Côi Mẹ Sống", "a"), "dead", "living")
    parents(child("Mồ Côi Mẹ Đi Xa", "a"), "dead", "abroad")
    kept = child("Mồ Côi Bỏ Cha", "a")
    parents(kept, "living", "dead")
    father = kept.caregivers.get(relation="father")
    svc.caregiver_remove(actor=officer, caregiver=father)  # entered by mistake, removed
    ended = child("Hết Hoàn Cảnh", "a")
    parents(ended, "living", "living")
    svc.circumstance_end(
        actor=officer, circumstance=ended.circumstances.get(), end_date=dt.date(2025, 6, 1)
    )
    child("Bệnh Hộ Nghèo", "n", poverty="near_poor")
    child("Bệnh Không Nghèo", "n", poverty="none")
    child("Bỏ Học Đúng", "h", birth_date=born(14), schooling="dropped_out")
    child("Bỏ Học Đang Học", "h", birth_date=born(14), schooling="lower_secondary")
    child("Khuyết Tật Đi Học", "d", schooling="primary")  # other groups are not checked

    flagged = selectors.data_quality_list(user=officer, problem="group_mismatch")
    assert sorted(c.full_name for c in flagged) == [
        "Bệnh Không Nghèo",
        "Bỏ Học Đang Học",
        "Mồ Côi Mẹ Sống",
        "Mồ Côi Mẹ Đi Xa",
    ]
    summary = selectors.data_quality_summary(user=officer)
    assert summary["totals"]["group_mismatch"] == 4
    assert (
        selectors.data_quality_summary(user=world.other_officer)["totals"].get("group_mismatch", 0)
        == 0
    )


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="INCLUDE columns are PostgreSQL's")
@pytest.mark.parametrize("who", ["province_officer", "officer", "collaborator"])
def test_counting_an_id_number_search_reads_only_the_index(
    world: Any, child_maker: Any, who: str
) -> None:
    """Typing the first digits of an ID number matches tens of thousands of children in a
    province; their count (the API's, capped) is read from the ID number's index alone,
    whatever the user's scope: the index carries every column the list filters on
    (migration 0018). A new filter on the list needs its column there too."""
    from treem.registry.api import SEARCH_COUNT_CAP

    for i in range(3):
        child_maker(f"Trần Văn Số {i}", id_number=f"03621800123{i}", birth_date=dt.date(2018, 4, 2))
    child_maker(
        "Lê Văn Khác", id_number="036218009999", birth_date=dt.date(2018, 5, 2), area=world.village2
    )
    user = getattr(world, who)
    qs = selectors.child_list(user=user, filters=ChildFilters(q="0362180012"))
    counted = qs.order_by()[: SEARCH_COUNT_CAP + 1]
    sql, params = counted.query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        # the table is tiny: without these the planner would rightly read it whole
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN SELECT count(*) FROM ({sql}) s", params)  # noqa: S608  (the ORM's own SQL)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using child_unique_id_number" in plan, plan
    assert counted.count() == 3


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's planner")
def test_an_id_number_search_in_a_commune_can_check_the_number_in_the_scope_index(
    world: Any, child_maker: Any
) -> None:
    """In a commune the first digits of an ID number match a few of its thousands of
    children: the scope's index carries the number as its second key, so that only the
    matching rows are read (migration 0019; at 1 M children ~0.6 ms instead of 5-10 ms,
    bench/bench_registry_search.py). On a test's tiny table the planner rightly prefers
    other ways in: with them set aside for this transaction, the plan shows the scope
    index checking the number itself."""
    for i in range(3):
        child_maker(f"Trần Văn Số {i}", id_number=f"03621800123{i}", birth_date=dt.date(2018, 4, 2))
    child_maker("Lê Văn Khác", id_number="036218009999", birth_date=dt.date(2018, 5, 2))
    path = world.village.path
    qs = selectors.child_list(user=world.collaborator, filters=ChildFilters(q="0362180012"))
    assert [c.full_name for c in qs] == [f"Trần Văn Số {i}" for i in range(3)]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("DROP INDEX child_unique_id_number, child_commune_status_idx")
        cursor.execute(
            "EXPLAIN SELECT id FROM registry_child WHERE area_path LIKE %s AND id_number LIKE %s",
            [f"{path}%", "0362180012%"],
        )
        plan = [row[0] for row in cursor.fetchall()]
    scan = next(i for i, line in enumerate(plan) if "child_area_path_id_idx" in line)
    assert "area_path" in plan[scan + 1] and "id_number" in plan[scan + 1], plan


def test_dashboard_counts_of_a_commune_and_its_province_agree(world: Any, child_maker: Any) -> None:
    """The dashboard's counts are read one way for a commune and another for a province
    (see `registry_counts`): both count the same children."""
    a = child_maker("Nguyễn Văn An")
    b = child_maker("Lê Thị Bình", sex="female", area=world.village2)
    c = child_maker("Trần Văn Cường", actor=world.other_officer, area=world.other_village)
    child_maker("Phạm Văn Dũng")
    services.circumstance_add(actor=world.officer, child=a, kind="special", group="d")
    services.circumstance_add(actor=world.officer, child=a, kind="special", group="a")
    services.circumstance_add(actor=world.officer, child=b, kind="at_risk", group="a")
    services.circumstance_add(actor=world.other_officer, child=c, kind="special", group="d")
    services.circumstance_add(
        actor=world.officer,
        child=b,
        kind="special",
        group="d",
        start_date=dt.date(2019, 1, 1),
        end_date=dt.date(2020, 1, 1),
    )  # ended: not counted

    commune = selectors.registry_counts(user=world.officer, area=world.commune)
    assert (commune["total"], commune["special"], commune["at_risk"]) == (3, 1, 1)
    other = selectors.registry_counts(user=world.other_officer, area=world.other_commune)
    assert (other["total"], other["special"], other["at_risk"]) == (1, 1, 0)
    province = selectors.registry_counts(user=world.province_officer, area=world.province)
    for key in ("total", "special", "at_risk", "problems"):
        assert province[key] == commune[key] + other[key], key


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's planner")
def test_a_communes_list_page_is_sorted_after_reading_not_by_walking_the_name_index(
    world: Any, client_for: Any, child_maker: Any
) -> None:
    """A commune's list page is read with the count of all its rows (`COUNT(*) OVER ()`),
    which PostgreSQL costs as if reading stopped at the page: offered the name index, it
    walked it over the whole province to skip a sort (2.0 s at 1 M children, against
    3 ms reading the commune's rows and sorting them). The page's query must not be
    answerable in name order by that index."""
    from django.test.utils import CaptureQueriesContext

    for i in range(3):
        child_maker(f"Trần Văn Số {i}")
    with CaptureQueriesContext(connection) as ctx:
        assert client_for(world.officer).get("/tre-em/").status_code == 200
    sql = next(q["sql"] for q in ctx.captured_queries if "OVER ()" in q["sql"])
    # sorted by an expression of the name key, which no index gives in order (a few
    # rows here cannot make the planner prefer the walk, as a province's million did)
    order = sql.rsplit("ORDER BY", 1)[1]
    assert order.lstrip().startswith('("registry_child"."name_sort" || \'\')'), order
    with connection.cursor() as cursor:
        # the table is tiny: without these the planner would rightly read it whole
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}")  # the query as it ran, its values in place
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "child_name_sort_idx" not in plan, plan


@pytest.mark.parametrize(
    ("who", "query"),
    [("officer", ""), ("officer", "?sex=female&age_group=6_11"), ("collaborator", "?page=2")],
)
def test_a_communes_list_page_reads_its_ids_and_count_from_the_scope_index(
    world: Any, client_for: Any, child_maker: Any, who: str, query: str
) -> None:
    """A commune's list page (no search, group, schooling or poverty filter) shows its
    page and the count of all its rows; on PostgreSQL it reads the page's ids and the
    count from the scope index alone, then the page's rows by id
    (`selectors.child_list_page`)."""
    from django.test.utils import CaptureQueriesContext

    from treem.registry import views

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = {
        given: child_maker(f"Trần Thị {given}", sex="female", birth_date=born(8))
        for given in ("Cúc", "An", "Bình", "Dung")
    }
    services.circumstance_add(actor=world.officer, child=made["An"], kind="special", group="d")
    child_maker("Lê Văn Em", birth_date=born(3))
    try:
        with CaptureQueriesContext(connection) as ctx:
            response = client_for(getattr(world, who)).get(f"/tre-em/{query}")
    finally:
        monkeypatch.undo()
    assert response.status_code == 200
    html = response.content.decode()
    names = re.findall(r">(Trần Thị \w+|Lê Văn Em)<", html)
    expected = {
        "": ["Trần Thị An", "Trần Thị Bình"],  # by given name, Vietnamese order
        "?sex=female&age_group=6_11": ["Trần Thị An", "Trần Thị Bình"],
        "?page=2": ["Trần Thị Cúc", "Trần Thị Dung"],
    }[query]
    assert names == expected, html
    # An's ongoing group is read with her row
    assert html.count('class="badge warn"') == ("Trần Thị An" in names), html
    counted = 5 if query != "?sex=female&age_group=6_11" else 4
    assert f"{counted} trẻ" in html
    if connection.vendor != "postgresql":
        return  # (one query with its count; the plan below is PostgreSQL's)
    sql = next(q["sql"] for q in ctx.captured_queries if "OVER ()" in q["sql"])
    assert sql.startswith('SELECT "registry_child"."id" AS "pk", COUNT(*) OVER ()'), sql
    with connection.cursor() as cursor:
        # the table is tiny: without these the planner would rightly read it whole
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}")  # the query as it ran, its values in place
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using child_area_path_id_idx" in plan, plan


@pytest.mark.parametrize("query", ["?q=tran", "?group=special"])
def test_a_list_page_with_a_search_or_a_group_reads_its_rows_and_count_at_once(
    world: Any, client_for: Any, child_maker: Any, query: str
) -> None:
    """A search or a group filter needs the children's rows anyway: the page and its count
    come in one query (`counted_page`), with the same rows as the two-step read."""
    from django.test.utils import CaptureQueriesContext

    a = child_maker("Trần Văn An")
    services.circumstance_add(actor=world.officer, child=a, kind="special", group="d")
    child_maker("Lê Văn Bình")
    with CaptureQueriesContext(connection) as ctx:
        response = client_for(world.officer).get(f"/tre-em/{query}")
    html = response.content.decode()
    assert "Trần Văn An" in html and "Lê Văn Bình" not in html and "1 trẻ" in html
    counted = [q["sql"] for q in ctx.captured_queries if "OVER ()" in q["sql"]]
    assert len(counted) == 1 and '"registry_child"."full_name"' in counted[0], counted


def test_quality_lists_children_whose_caregiver_has_a_wrong_id_number(
    world: Any, child_maker: Any
) -> None:
    """Numbers the services refuse today may have been entered before the check: the
    data-quality page finds them (and the migration marked those already stored)."""
    import importlib

    from django.apps import apps

    from treem.registry.models import Caregiver

    def carer(child: Any, relation: str, number: str, year: int = 1990) -> Caregiver:
        # as an older version stored it, without the check
        row = Caregiver(
            child=child,
            relation=relation,
            full_name="Lò Thị Xuân",
            birth_year=year,
            id_number=number,
        )
        row.set_derived()
        row.save()
        return row

    right = child_maker("Lò Văn Đúng")
    carer(right, "mother", "036190123456")  # a woman of 1990
    wrong = child_maker("Lò Văn Sai")
    carer(wrong, "mother", "036090123456")  # coded for a man
    removed = child_maker("Lò Văn Bỏ")
    services.caregiver_remove(
        actor=world.officer, caregiver=carer(removed, "father", "036188123456", 1990)
    )  # removed by mistake-correction: not counted
    assert Caregiver.objects.filter(id_number_valid=False).count() == 2

    flagged = selectors.data_quality_list(user=world.officer, problem="bad_carer_id")
    assert [c.full_name for c in flagged] == ["Lò Văn Sai"]
    summary = selectors.data_quality_summary(user=world.officer, area=world.commune)
    assert summary["totals"]["bad_carer_id"] == 1 and "bad_carer_id" in summary["keys"]

    # the migration's backfill marks the numbers stored before the column existed
    Caregiver.objects.update(id_number_valid=None)
    migration = importlib.import_module("treem.registry.migrations.0020_caregiver_id_number_valid")
    migration.mark_numbers(apps, None)
    marks = dict(Caregiver.objects.values_list("child__full_name", "id_number_valid"))
    assert marks == {"Lò Văn Đúng": True, "Lò Văn Sai": False, "Lò Văn Bỏ": False}
