"""A search's slice read bucket by bucket (`ChildQuerySet.in_bucket_rounds`) is the plain
query's slice, and every child carries the sort bucket the rounds rely on."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from treem.registry import search, selectors
from treem.registry.models import Child, name_sort_string

pytestmark = pytest.mark.django_db

PG = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the sort bucket is a PostgreSQL search key"
)

# Given names across the alphabet, with the letters that fold together (a ă â, d đ, o ô ơ)
GIVEN = [
    "An", "Anh", "Ánh", "Ân", "Ấn", "Bình", "Chi", "Dũng", "Đạt", "Đức", "Giang", "Hoa",
    "Hùng", "Khoa", "Lan", "Minh", "Ngọc", "Oanh", "Ôn", "Phúc", "Quân", "Sơn", "Tâm",
    "Uyên", "Ưng", "Vy", "Xuân", "Yến",
]  # fmt: skip


def test_a_lower_bucket_always_sorts_first() -> None:
    names = [f"{s} {g}" for s in ("Vũ Quang", "Lò Thị", "Nguyễn") for g in GIVEN]
    names += ["Nguyễn Văn", "Nguyễn 3", "Nguyễn Zoe", "Nguyễn Wendy", "Trần Văn Æsir", ""]
    sorts = []
    for full in names:
        words = full.split(" ") if full else []
        sorts.append(name_sort_string(words[-1] if words else "", " ".join(words[:-1])))
    buckets = [search.sort_bucket(s) for s in sorted(sorts)]
    assert buckets == sorted(buckets, key=lambda b: int(b[1:], 16))
    assert all(0x20 <= int(b[1:], 16) <= 0x9F for b in buckets)
    assert search.sort_bucket(name_sort_string("An", "")) < search.sort_bucket(
        name_sort_string("Bình", "")
    )


@PG
def test_each_child_stores_its_sort_bucket(child_maker: Any) -> None:
    child = child_maker("Lò Văn Đạt")
    stored = Child.objects.get(pk=child.pk)
    assert search.sort_bucket(stored.name_sort) in stored.search_words
    assert search.sort_bucket(stored.name_sort) != search.sort_bucket(
        Child.objects.get(pk=child_maker("Lò Văn Dũng").pk).name_sort
    )


def _stats(monkeypatch: Any, rows: float) -> None:
    """Statistics that make every search look common, the buckets sharing the children
    evenly: the rounds then always run."""
    freqs = {f"@{c:02x}": 1 / 30 for c in range(0x21, 0x3F)}  # none without a given name
    stats = search.KeyStats(rows=rows, freqs=freqs, rare=0.5)
    monkeypatch.setattr(search, "key_stats", lambda: stats)
    monkeypatch.setattr(search, "ROUNDS_ABOVE", 1)


@PG
@pytest.mark.parametrize(
    ("q", "low", "high"),
    [("vu quang", 0, 5), ("vu quang", 0, 50), ("Quang Vũ", 20, 30), ("vu q", 55, 70)],
)
def test_a_slice_read_in_rounds_is_the_plain_slice(
    world: Any, child_maker: Any, monkeypatch: Any, q: str, low: int, high: int
) -> None:
    for i, given in enumerate(GIVEN):
        child_maker(f"Vũ Quang {given}")
        child_maker(
            f"Vũ Văn {given}", caregivers=[{"full_name": "Vũ Quang Minh", "relation": "father"}]
        )
        if i % 3 == 0:
            child_maker(f"Vũ Thị {given}")  # not matched
    user = world.province_officer
    plain = selectors.child_list(user=user, filters=selectors.ChildFilters(q=q))
    expected = [c.full_name for c in plain[low:high]]
    assert len(expected) == min(high, 2 * len(GIVEN)) - low

    _stats(monkeypatch, rows=1_000_000)
    rounds = selectors.child_list(user=user, filters=selectors.ChildFilters(q=q))
    with CaptureQueriesContext(connection) as ctx:
        got = [c.full_name for c in rounds[low:high]]
    assert got == expected
    # the first round asked the index for the first buckets only
    assert any("@21" in str(query["sql"]) for query in ctx.captured_queries)


@PG
@pytest.mark.parametrize(("low", "high"), [(0, 5), (3, 8)])
def test_matches_that_sort_late_are_read_in_a_second_bucket_round(
    world: Any, child_maker: Any, monkeypatch: Any, low: int, high: int
) -> None:
    """The first buckets hold none of the matches (every given name starts late in the
    alphabet): the next buckets, sized by that miss, are read before the rest, and the
    slice is still the plain query's."""
    late = [g for g in GIVEN if g[0] in "HKLMNOPQSTUVXY"]
    for given in late:
        child_maker(f"Vũ Quang {given}")
    user = world.province_officer
    plain = selectors.child_list(user=user, filters=selectors.ChildFilters(q="vu quang"))
    expected = [c.full_name for c in plain[low:high]]
    assert len(expected) == 5

    _stats(monkeypatch, rows=1_000_000)
    rounds = selectors.child_list(user=user, filters=selectors.ChildFilters(q="vu quang"))
    with CaptureQueriesContext(connection) as ctx:
        got = [c.full_name for c in rounds[low:high]]
    assert got == expected
    sqls = [str(query["sql"]) for query in ctx.captured_queries]
    first = [s for s in sqls if "@21" in s]
    second = [s for s in sqls if "@22" in s]
    assert len(first) == 1 and len(sqls) <= 4  # vocabulary, two bucket rounds, the rest
    if high == 5:
        assert len(second) == 1 and first != second
    # (for 8 rows, the first round's miss says the later buckets hold too few for a
    # round of their own: the rest is read at once)


@PG
def test_a_search_within_a_commune_reads_all_its_matches_at_once(
    world: Any, child_maker: Any, monkeypatch: Any
) -> None:
    """A commune officer (or a village filter) searches a few thousand children at most:
    one query, whatever the province-wide statistics say."""
    for given in GIVEN:
        child_maker(f"Vũ Quang {given}")
    _stats(monkeypatch, rows=1_000_000)
    village = selectors.ChildFilters(q="vu quang", village=world.village.key)
    for user, filters in (
        (world.officer, selectors.ChildFilters(q="vu quang")),
        (world.province_officer, village),
    ):
        qs = selectors.child_list(user=user, filters=filters)
        with CaptureQueriesContext(connection) as ctx:
            got = [c.full_name for c in qs[:10]]
        assert got == [c.full_name for c in qs.order_by("name_sort", "id")[:10]]
        assert got
        assert not any("@21" in str(query["sql"]) for query in ctx.captured_queries)


@PG
def test_a_count_or_a_full_read_ignores_the_rounds(
    world: Any, child_maker: Any, monkeypatch: Any
) -> None:
    for given in GIVEN:
        child_maker(f"Vũ Quang {given}")
    _stats(monkeypatch, rows=1_000_000)
    qs = selectors.child_list(user=world.officer, filters=selectors.ChildFilters(q="vu quang"))
    assert qs.count() == len(GIVEN)
    assert [c.full_name for c in qs] == [c.full_name for c in qs.order_by("name_sort", "id")]
    assert list(qs.order_by("-id")[:3]) == list(Child.objects.order_by("-id")[:3])


@PG
def test_statistics_give_the_share_of_each_bucket(child_maker: Any) -> None:
    for given in GIVEN:
        child_maker(f"Hà Văn {given}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_child")
    search.forget_key_stats()
    try:
        stats = search.key_stats()
        assert stats is not None
        assert stats.rows == Child.objects.count()
        bucket = search.sort_bucket(Child.objects.get(full_name="Hà Văn Bình").name_sort)
        assert stats.freqs[bucket] == pytest.approx(1 / len(GIVEN))
        found = search.words_search("ha van")
        assert found is not None
        # every child has the pair "ha|van"; "~ha|van" (a caregiver) is rare: half the
        # frequency of the least common key, as PostgreSQL's planner counts it
        assert found.estimated_matches() == pytest.approx(len(GIVEN) + 0.5)
    finally:
        search.forget_key_stats()


@PG
def test_the_province_list_page_and_the_api_read_in_rounds(
    world: Any, child_maker: Any, client_for: Any, monkeypatch: Any
) -> None:
    """The province officer's list page (50 a page, the commune named on each row) and
    the API show the same children, in the same order, with rounds as without."""
    from django.urls import reverse

    for given in GIVEN * 2:
        child_maker(f"Vũ Quang {given}")

    def pages() -> tuple[list[str], list[str]]:
        client = client_for(world.province_officer)
        html = client.get(reverse("registry:child_list"), {"q": "vu quang", "page": 2})
        assert html.status_code == 200
        body = html.content.decode()
        shown = [given for given in GIVEN if f"Vũ Quang {given}<" in body]
        api = client.get("/api/v1/children", {"q": "vu quang", "page": 2, "page_size": 7})
        assert api.status_code == 200
        return shown, [item["full_name"] for item in api.json()["items"]]

    plain = pages()
    assert plain[0] and len(plain[1]) == 7
    _stats(monkeypatch, rows=1_000_000)
    with CaptureQueriesContext(connection) as ctx:
        assert pages() == plain
    assert sum("@21" in str(query["sql"]) for query in ctx.captured_queries) == 2


def test_typed_wildcards_are_plain_characters(world: Any, child_maker: Any) -> None:
    """The vocabulary look-up escapes LIKE's wildcards: "n_" is not "n" and one letter."""
    child_maker("Nguyễn Văn Nam")
    found = selectors.child_list(user=world.officer, filters=selectors.ChildFilters(q="n_ van"))
    assert not found.exists()
    found = selectors.child_list(user=world.officer, filters=selectors.ChildFilters(q="na van"))
    assert [c.full_name for c in found] == ["Nguyễn Văn Nam"]


@PG
def test_a_word_typed_twice_asks_nothing_more(world: Any, child_maker: Any) -> None:
    """ "Đinh Phương Phương" finds Đinh Thị Phương with the one pair key of "dinh phuong",
    not also every child with a word starting "phuong" (a large posting list)."""
    child_maker("Đinh Thị Phương")
    child_maker("Đinh Thị Lan")
    twice, once = search.words_search("dinh phuong phuong"), search.words_search("dinh phuong")
    assert twice is not None and once is not None
    assert twice.sides == once.sides
    found = selectors.child_list(
        user=world.officer, filters=selectors.ChildFilters(q="Đinh Phương Phương")
    )
    assert [c.full_name for c in found] == ["Đinh Thị Phương"]


def test_groups_sharing_a_common_typed_word_are_not_taken_as_independent(
    monkeypatch: Any,
) -> None:
    """ "quach anh an" asks quach × anh and anh × an: every child with the first pair has
    the word "anh", so the estimate divides the shared word out (a plain product took
    3,068 matches for 193 and read them all instead of by sort bucket). A shared word
    the statistics do not know is not divided out: its frequency would be a guess."""
    freqs = {"anh|quach": 0.0024, "an|anh": 0.0001, "anh": 0.08}
    stats = search.KeyStats(rows=1_000_000, freqs=freqs, rare=0.00001)
    monkeypatch.setattr(search, "key_stats", lambda: stats)
    groups = [["anh|quach"], ["an|anh", "anh"]]
    shared = search.WordsSearch(Q(), (groups,), ([["anh"]],))
    # P(quach|anh) × P(an|anh or anh) / P(anh), at most the rarer group: 2,400
    assert 0.0024 * 0.0801 / 0.08 > 0.0024
    assert shared.estimated_matches() == pytest.approx(0.0024 * 1_000_000)
    independent = search.WordsSearch(Q(), (groups,))
    assert independent.estimated_matches() == pytest.approx(0.0024 * 0.0801 * 1_000_000)
    unknown = search.WordsSearch(Q(), (groups,), ([["zzz"]],))
    assert unknown.estimated_matches() == pytest.approx(independent.estimated_matches())


@PG
def test_an_odd_count_of_typed_words_names_the_word_two_pairs_share(world: Any) -> None:
    from treem.registry.search import vocabulary_add

    vocabulary_add(["quach", "anh", "an"])
    found = search.words_search("quach anh an")
    assert found is not None
    assert found.shared == ([["anh"]], [["~anh"]])  # "anh" starts only itself here
