"""A long xlsx book is read row by row (python-calamine-plus): its rows are those of a
whole read, it is checked a chunk at a time against the registry (the children its ID
numbers name are read for each chunk, on PostgreSQL by the writer between its COPY
statements), and a part of the file that cannot be read stops the import whole."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from python_calamine import load_workbook

from tests.conftest import World
from tests.registry.test_import import HEADER, errors_by_cell, messy_rows, registry, workbook
from treem.registry.importing import children_import, reading, service
from treem.registry.models import Caregiver, Child

pytestmark = pytest.mark.django_db

__all__ = ["registry"]  # the fixture, shared with test_import


GIVEN = ["An", "Bình", "Cúc", "Dũng", "Giang", "Hà", "Khánh", "Lâm", "Mai", "Nam"]
MIDDLE = ["Văn", "Minh", "Quốc", "Hữu", "Đức", "Gia"]


def filler_name(i: int) -> tuple[str, str]:
    """The i-th filler child's name and its father's (names have no digits)."""
    middle, given = MIDDLE[i // len(GIVEN)], GIVEN[i % len(GIVEN)]
    return f"Trần {middle} {given}", f"Trần Văn {given} {middle}"


def filler(count: int, start: int = 100) -> list[list[Any]]:
    """Good rows of children nobody has registered."""
    return [
        [
            start + i,
            filler_name(i)[0],
            dt.date(2015, 1, 1) + dt.timedelta(days=i),
            "Nam",
            "Kinh",
            "",
            "Liễu Đề",
            filler_name(i)[1],
            "",
            "",
            "",
        ]
        for i in range(count)
    ]


def long_messy_rows(before: int = 40) -> list[list[Any]]:
    """The messy book's rows after `before` good ones: its problems lie past the first
    rows read, in several chunks."""
    rows = messy_rows()
    return [rows[0], *filler(before), *rows[1:]]


@pytest.fixture
def small_chunks(monkeypatch: Any) -> None:
    """Chunks of a few rows, and a head of a few rows before the stream (the header
    row, the row under it): every path of a long file on a short one."""
    monkeypatch.setattr(service, "FIRST_CHUNK", 4)
    monkeypatch.setattr(service, "CHUNK", 7)
    monkeypatch.setattr(reading, "HEAD_ROWS", 6)


def test_a_long_book_is_streamed_with_the_rows_a_whole_read_gives() -> None:
    data = workbook(long_messy_rows(60)).getvalue()
    table = reading.read_table(data, "so.xlsx")
    assert table.more is not None and len(table.rows) == reading.HEAD_ROWS
    streamed = table.rows + list(table.more)
    whole = load_workbook(io.BytesIO(data)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    assert streamed == whole
    assert table.declared_rows == len(whole)  # openpyxl writes the sheet's <dimension>


@pytest.mark.parametrize("mode", ["all_or_nothing", "valid_only"])
def test_a_long_messy_book_is_checked_chunk_by_chunk_against_the_registry(
    world: World, registry: dict[str, Any], small_chunks: None, mode: str
) -> None:
    before = Child.objects.count()
    result = children_import(
        actor=world.officer, commune=world.commune, file=workbook(long_messy_rows()), mode=mode
    )
    cells = errors_by_cell(result)
    shift = 40  # the messy rows come after 40 good ones
    assert "đã thuộc trẻ “Cao Văn Tùng”" in cells[(13 + shift, "Số định danh")][0]
    assert "xã, phường khác" in cells[(18 + shift, "Số định danh")][0]
    dups = {(d.row, d.kind): d.matches for d in result.duplicates}
    assert dups[(11 + shift, "in_file")] == [5 + shift]
    assert dups[(14 + shift, "id")] == [registry["lan"].pk]
    assert dups[(15 + shift, "name_dob")] == [registry["minh"].pk]
    assert result.rows == 13 + 40
    if mode == "all_or_nothing":
        assert not result.committed and Child.objects.count() == before
        return
    assert result.committed
    created = Child.objects.filter(pk__in=result.created_ids)
    assert created.count() == result.created == 40 + 2  # the good rows and An, Bích
    assert len(set(result.created_ids)) == len(result.created_ids)
    # each new child has its own father, written with it
    fathers = dict(filler_name(i) for i in range(40))
    for child in created.exclude(full_name__in=["Nguyễn Văn An", "Trần Thị Bích"]):
        written = Caregiver.objects.filter(child=child, relation="father")
        assert [f.full_name for f in written] == [fathers[child.full_name]], child.full_name
    registry["lan"].refresh_from_db()
    assert registry["lan"].caregivers.filter(full_name="Hà Thị Mai").exists()  # updated


def damaged(data: bytes, at_row: int) -> bytes:
    """The workbook with its sheet cut off inside row `at_row` (a cell naming a shared
    string that does not exist): the first rows read, the rest cannot be."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            content = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                cut = content.index(f'<row r="{at_row}"'.encode())
                content = content[:cut] + f'<row r="{at_row}"><c r="A{at_row}" t="s"><v>9'.encode()
            zout.writestr(item, content)
    return out.getvalue()


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_book_damaged_past_its_first_rows_is_refused_whole(
    world: World, small_chunks: None, dry_run: bool
) -> None:
    data = damaged(workbook([HEADER, *filler(50)]).getvalue(), at_row=40)
    before = Child.objects.count()
    result = children_import(
        actor=world.officer,
        commune=world.commune,
        file=io.BytesIO(data),
        file_name="so.xlsx",
        mode="valid_only",
        dry_run=dry_run,
    )
    assert not result.committed
    assert [p.row for p in result.errors] == [0]
    assert result.errors[0].message.startswith("Không đọc được tệp bảng tính")
    assert Child.objects.count() == before
