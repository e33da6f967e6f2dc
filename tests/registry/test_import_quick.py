"""The import's fast path (`importing/quick.py`) reads a row exactly as the full parser
does, or hands it back: on every row of messy and generated books, a row the fast path
reads has no problem for the full parser and the same values, caregivers and groups."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from tests.conftest import World
from tests.registry.test_import import HEADER, messy_rows
from treem.registry.importing.columns import find_header
from treem.registry.importing.parsing import caregiver_values, fold_name
from treem.registry.importing.quick import QuickRows
from treem.registry.importing.service import (
    Lookups,
    Problem,
    _latest_day,
    _RowParser,
    quick_rows,
)
from treem.registry.models import years_before

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 6)
NBSP = "\u00a0"
SIXTEEN = years_before(TODAY, 16)

WIDE_HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Mã định danh",
    "Thôn",
    "Địa chỉ",
    "Chủ hộ",
    "Họ tên cha",
    "Năm sinh cha",
    "Họ tên mẹ",
    "Năm sinh mẹ",
    "CCCD của mẹ",
    "Người giám hộ",
    "SĐT cha",
    "Số điện thoại",
    "Hộ nghèo, cận nghèo",
    "Cận nghèo",
    "Số thẻ BHYT",
    "Tình trạng học tập",
    "Dạng khuyết tật",
    "Mức độ khuyết tật",
    "Hoàn cảnh đặc biệt",
    "Ghi chú",
]


def _pick(rng: random.Random, good: list[Any], bad: list[Any], p_bad: float = 0.02) -> Any:
    return rng.choice(bad) if bad and rng.random() < p_bad else rng.choice(good)


def generated_rows(n: int, seed: int) -> list[list[Any]]:
    """A book of every column, mostly clean, with a few bad cells of every kind."""
    rng = random.Random(seed)
    names = ["Nguyễn Văn An", "TRẦN THỊ BÍCH", "lò văn páo", f"Hà{NBSP}Thị  Mai", "Đỗ Minh"]
    rows: list[list[Any]] = [WIDE_HEADER]
    for i in range(n):
        male = rng.random() < 0.5
        born = TODAY - dt.timedelta(days=rng.randint(20, 15 * 365))
        birth = _pick(
            rng,
            [
                born,
                f"{born:%d/%m/%Y}",
                (born - dt.date(1899, 12, 30)).days,
                str(born.year),
                TODAY,
                SIXTEEN + dt.timedelta(days=1),
            ],
            [
                "31/02/2015",
                "hôm qua",
                TODAY + dt.timedelta(days=1),
                SIXTEEN,  # the 16th birthday is today: no longer a child
                "1/5/09",
                None,
                "",
            ],
        )
        digit = (2 if male else 3) if born.year >= 2000 else (0 if male else 1)
        number = f"036{digit}{born.year % 100:02d}{i:06d}"
        rows.append(
            [
                i + 1,
                _pick(rng, names, ["", "Nguyễn V4n A", None, "   "]),
                birth,
                _pick(rng, ["Nam", "nam", " NAM"] if male else ["NỮ", "nu", " Nữ "], ["X", None]),
                _pick(rng, ["Kinh", "kinh", "Mường", "H'Mông", "", None], ["Tây Ban Nha"]),
                _pick(
                    rng,
                    [number, float(number), "", None, f"{number[:4]} {number[4:]}"],
                    ["099" + number[3:], number[:11], number[:3] + "9" + number[4:], "abc", " - "],
                ),
                _pick(rng, ["Liễu Đề", "thôn nghĩa thái", "", None], ["Thôn Không Có"]),
                _pick(rng, ["", "Xóm 3", None], []),
                _pick(rng, ["", "NGUYỄN VĂN BÌNH", None], ["B@d"]),
                father := _pick(rng, ["Nguyễn Văn Bình", "", None], ["S0 sai"]),
                _pick(rng, [1985, "1990", 1990.0] if father else ["", None], ["19x5", 1850, 2100]),
                mother := _pick(rng, ["Trần Thị Cúc", "", None], []),
                mother_year := _pick(rng, [1988, "", None], ["năm ngoái"]),
                # her number codes a woman of the 1900s and her year of birth, when given
                _pick(
                    rng,
                    [f"0361{str(mother_year)[-2:] if mother_year else '88'}{i:06d}", "", None]
                    if mother
                    else ["", None],
                    ["0360" + f"88{i:06d}", "0361" + f"70{i:06d}", "12345"],
                    p_bad=0.03,
                ),
                _pick(rng, ["", None, "Bà Nội Hoa"], []),
                _pick(rng, ["", None, "0987 654 321"] if father else ["", None], ["123"]),
                _pick(rng, ["", None, "0912 345 678", 912345678, "+84912345678"], ["12345"]),
                _pick(rng, ["", None, "Hộ nghèo", "cận nghèo", "Không"], ["giàu"]),
                _pick(rng, ["", None, "x", "không", "0"], ["có lẽ"]),
                _pick(rng, ["", None, "HN4010123456789"], ["HN40101234567890123456"]),
                _pick(rng, ["", None, "Tiểu học", "Lớp 7", "mẫu giáo"], ["đại học"]),
                _pick(rng, ["", None, "Vận động", "không"], []),
                _pick(rng, ["", None, "Nặng", "nhẹ"], ["vừa vừa"]),
                _pick(rng, ["", None, "a, đ", "d", "Khuyết tật"], ["z"]),
                _pick(rng, ["", None, "ghi chú"], []),
            ]
        )
    return rows


def compare(world: World, rows: list[list[Any]]) -> tuple[int, int]:
    """Run both parsers on every data row; returns (rows read by the fast path, rows)."""
    header = find_header(rows)
    assert header is not None
    lookups = Lookups.for_commune(world.commune)
    parser = _RowParser(header, lookups, TODAY)
    data = rows[header.data_start :]
    quick = quick_rows(header, lookups, TODAY)
    assert quick is not None
    for start in range(0, len(data), 100):  # as the import does, a chunk at a time
        quick.extend(data[start : start + 100])
    fast = 0
    for offset, cells in enumerate(data):
        got = quick.parse(cells)
        if got is None:
            continue
        fast += 1
        problems: list[Problem] = []
        full = parser.parse(offset + 1, cells, problems)
        assert problems == [] and not full.has_error, (cells, problems)
        assert got == (full.values, full.caregivers, full.groups), cells
    return fast, len(data)


def test_messy_book_rows_read_alike(world: World) -> None:
    fast, total = compare(world, messy_rows())
    # rows 5, 6, 11, 13, 14, 15 and 18 parse cleanly: their problems are duplicates,
    # found after parsing
    assert fast == 7, (fast, total)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_books_read_alike(world: World, seed: int) -> None:
    fast, total = compare(world, generated_rows(400, seed))
    # most rows are clean: the fast path must read them (else it is switched off)
    assert fast > total * 0.3, (fast, total)


def test_old_style_and_tick_box_books_use_the_full_parser(world: World) -> None:
    lookups = Lookups.for_commune(world.commune)
    kwargs = {
        "village": lookups.village,
        "ethnicity": lookups.ethnicity,
        "today": TODAY,
        "latest_day": _latest_day,
    }
    old = [["Họ và tên", "Nam", "Nữ"], ["Lò Văn Páo", "03/04/2015", None]]
    header = find_header(old)
    assert header is not None
    assert QuickRows.build(header.fields, **kwargs) is None
    # True and 1 are one dictionary key but read differently ("Có" against "1"): once
    # both are met in a column, the full parser reads the rest of the book
    row = [1, "An", "01/01/2015", "Nam", "Kinh", "", "Liễu Đề", "", "Hà Thị Mai", "", ""]
    ticks = [HEADER, row, [*row[:8], True, *row[9:]], [*row[:8], 1, *row[9:]]]
    header = find_header(ticks)
    assert header is not None
    quick = QuickRows.build(header.fields, **kwargs)
    assert quick is not None
    data = ticks[header.data_start :]
    quick.extend(data[:2])
    assert quick.parse(data[0]) is not None and quick.parse(data[1]) is not None
    quick.extend(data[2:])
    assert quick.off and quick.parse(data[0]) is None


def test_copy_lines_equal_the_general_formatter(world: World) -> None:
    """`_CopyLines` (the import's COPY text, built from cached parts) writes what
    `CopyRows.line` writes for `child_row(...)`, for children, caregivers and groups."""
    from django.utils import timezone

    from treem.registry.importing.service import (
        _CAREGIVER_VARIABLE,
        _CHILD_OPTIONAL,
        _NAME_COLUMNS,
        ParsedRow,
        _CopyLines,
        child_row,
    )
    from treem.registry.importing.writing import CopyRows
    from treem.registry.models import Caregiver, Child, ChildCircumstance

    rows = generated_rows(300, seed=9)
    header = find_header(rows)
    assert header is not None
    lookups = Lookups.for_commune(world.commune)
    parser = _RowParser(header, lookups, TODAY)
    parsed = []
    for offset, cells in enumerate(rows[header.data_start :]):
        problems: list[Problem] = []
        row = parser.parse(offset + 1, cells, problems)
        if not problems and row.values.get("full_name"):
            parsed.append(row)
    # names that need quoting in an array, a caregiver sharing words with another, none
    parsed.append(
        ParsedRow(
            999,
            [],
            {"full_name": 'Null "Quý"', "birth_date": TODAY, "sex": "male"},
            [
                caregiver_values("father", "Lê Văn Null", None, "", ""),
                caregiver_values("mother", "Lê Thị Lan", 1990, "0912345678", "036190000123"),
            ],
            ["a", "dd"],
        )
    )
    parsed.append(
        ParsedRow(
            1000,
            [],
            {"full_name": "Lê Văn Tí", "birth_date": TODAY, "sex": "male"},
            [
                caregiver_values("father", "Lê Văn Hùng", 1980, "", "036080000456"),
                caregiver_values("mother", "Lê Thị Lan", None, "", ""),
            ],
            [],
        )
    )
    assert len(parsed) > 100
    now = timezone.now()
    constants = {
        "commune_id": world.commune.pk,
        "province_code": world.commune.province_code,
        "created_by_id": world.officer.pk,
        "created_at": now,
        "updated_at": now,
    }
    lines = _CopyLines(commune=world.commune, constants=constants, note="Nhập từ tệp x.xlsx")
    constants = {k: v for k, v in constants.items() if k not in ("created_at", "updated_at")}
    general = CopyRows(
        Child,
        [
            _NAME_COLUMNS,
            "search_words",
            "birth_date",
            "ethnicity_id",
            ("id_number", "id_number_valid"),
            ("area_id", "area_path"),
            _CHILD_OPTIONAL,
        ],
        constants,
    )
    carer_rows = CopyRows(Caregiver, _CAREGIVER_VARIABLE, with_id=False)
    group_rows = CopyRows(
        ChildCircumstance,
        ("child_id", "group"),
        {"kind": "special", "note": "Nhập từ tệp x.xlsx"},
        with_id=False,
    )
    assert lines.child_sql == general.sql
    for pk, row in enumerate(parsed, start=1):
        children: list[str] = []
        carers: list[str] = []
        groups: list[str] = []
        lines.add(row, pk, children, carers, groups)
        folded = [fold_name(cg["full_name"]) for cg in row.caregivers]
        assert children == [general.line(child_row(row, folded, world.commune), pk)]
        assert carers == [
            carer_rows.line({**cg, "name_folded": f, "child_id": pk})
            for cg, f in zip(row.caregivers, folded, strict=True)
        ]
        assert groups == [group_rows.line({"child_id": pk, "group": g}) for g in row.groups]


def test_bulk_work_restores_the_interpreter_after_overlapping_imports() -> None:
    """Two imports in two threads: the collector and the GIL switch interval come back
    as they were only when the last one ends, whatever the order they end in."""
    import gc
    import sys
    import threading

    from treem.registry.importing.service import SWITCH_INTERVAL, bulk_work

    before = (gc.isenabled(), sys.getswitchinterval())
    first_in, second_in, first_may_end = threading.Event(), threading.Event(), threading.Event()
    seen: list[tuple[bool, float]] = []

    def first() -> None:
        with bulk_work():
            first_in.set()
            first_may_end.wait(5)

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with bulk_work():
        second_in.set()
        first_may_end.set()
        thread.join(5)  # the first import ended while this one runs
        seen.append((gc.isenabled(), sys.getswitchinterval()))
    assert seen == [(False, pytest.approx(min(before[1], SWITCH_INTERVAL)))]
    assert (gc.isenabled(), sys.getswitchinterval()) == before
