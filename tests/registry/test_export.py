"""Exports: the filtered list, the per-village tracking book, the data-quality list.
Real dates, neutralised formulas, scope (collaborators: their village), three personas."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from tests.conftest import World
from treem.registry import services
from treem.registry.exporting import safe_cell

pytestmark = pytest.mark.django_db


@pytest.fixture
def children(world: World, child_maker: Any) -> dict[str, Any]:
    an = child_maker(
        "Nguyễn Văn An",
        birth_date=dt.date(2016, 3, 5),
        id_number="036216000123",
        caregivers=[{"relation": "mother", "full_name": "Trần Thị Cúc", "birth_year": 1990}],
    )
    services.circumstance_add(actor=world.officer, child=an, kind="special", group="dd")
    evil = child_maker(
        '=HYPERLINK("http://x")',
        area=world.village2,
        birth_date=dt.date(2019, 1, 1),
        birth_date_precision="year",
        sex="female",
        notes="@SUM(A1:A2)",
        address="-1+2",
    )
    other = child_maker("Đinh Văn Khác", area=world.other_village, actor=world.other_officer)
    return {"an": an, "evil": evil, "other": other}


def sheet_rows(content: bytes, sheet: int = 0) -> tuple[Any, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb.worksheets[sheet]
    return ws, list(ws.iter_rows(values_only=True))


def test_safe_cell_neutralises_formula_starters() -> None:
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("+84 912") == "'+84 912"
    assert safe_cell("-x") == "'-x" and safe_cell("@x") == "'@x"
    assert safe_cell("Nguyễn") == "Nguyễn" and safe_cell(5) == 5


def test_list_export_has_real_dates_and_no_formulas(
    world: World, children: dict[str, Any], client_for: Any
) -> None:
    res = client_for(world.officer).get("/tre-em/xuat-excel/")
    assert res.status_code == 200
    assert res["Content-Disposition"].startswith('attachment; filename="danh-sach-tre-em-13891')
    ws, rows = sheet_rows(res.content)
    header = rows[3]
    assert header[:5] == ("STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc")
    data = {r[1]: dict(zip(header, r, strict=False)) for r in rows[4:]}
    an = data["Nguyễn Văn An"]
    assert an["Ngày sinh"] == dt.datetime(2016, 3, 5)
    assert ws.cell(row=5, column=3).number_format == "DD/MM/YYYY" or any(
        ws.cell(row=r, column=3).number_format == "DD/MM/YYYY" for r in range(5, 8)
    )
    assert an["Số định danh cá nhân"] == "036216000123"
    assert an["Họ tên mẹ"] == "Trần Thị Cúc" and an["Năm sinh mẹ"] == 1990
    assert an["Hoàn cảnh đặc biệt"] == "đ" and an["Thôn"] == "Liễu Đề"
    evil = data['\'=HYPERLINK("http://x")']
    assert evil["Ngày sinh"] == 2019  # year precision stays a year
    assert evil["Ghi chú"] == "'@SUM(A1:A2)" and evil["Địa chỉ"] == "'-1+2"
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    assert "Đinh Văn Khác" not in data


def test_list_export_follows_the_filters(
    world: World, children: dict[str, Any], client_for: Any
) -> None:
    res = client_for(world.officer).get("/tre-em/xuat-excel/?sex=female")
    names = [r[1] for r in sheet_rows(res.content)[1][4:]]
    assert names == ['\'=HYPERLINK("http://x")']
    res = client_for(world.officer).get("/tre-em/xuat-excel/?q=nguyen+van+an")
    assert [r[1] for r in sheet_rows(res.content)[1][4:]] == ["Nguyễn Văn An"]


def test_collaborator_exports_only_their_village(
    world: World, children: dict[str, Any], client_for: Any
) -> None:
    res = client_for(world.collaborator).get("/tre-em/xuat-excel/")
    assert res.status_code == 200
    assert [r[1] for r in sheet_rows(res.content)[1][4:]] == ["Nguyễn Văn An"]
    book = client_for(world.collaborator).get("/tre-em/so-theo-doi/")
    wb = openpyxl.load_workbook(io.BytesIO(book.content))
    assert wb.sheetnames == ["Liễu Đề"]


def test_village_book_has_one_sheet_per_village_in_the_usual_layout(
    world: World, children: dict[str, Any], client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.officer)
    assert 'href="/tre-em/so-theo-doi/"' in client.get("/tre-em/").content.decode()
    with django_assert_max_num_queries(20):
        res = client.get("/tre-em/so-theo-doi/")
    assert res.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(res.content))
    assert wb.sheetnames == ["Liễu Đề", "Nghĩa Thái"]
    ws = wb["Liễu Đề"]
    assert ws["A4"].value.startswith("SỔ THEO DÕI TRẺ EM NĂM")
    assert (ws["C7"].value, ws["C8"].value, ws["D8"].value) == (
        "Ngày, tháng, năm sinh",
        "Nam",
        "Nữ",
    )
    assert ws["B9"].value == "Nguyễn Văn An"
    assert ws["C9"].value == dt.datetime(2016, 3, 5) and ws["C9"].number_format == "DD/MM/YYYY"
    assert "Mẹ: Trần Thị Cúc (1990)" in ws["G9"].value
    assert wb["Nghĩa Thái"]["D9"].value == 2019  # a girl: the date goes under "Nữ"


def test_quality_export_lists_problems(
    world: World, children: dict[str, Any], client_for: Any
) -> None:
    res = client_for(world.officer).get("/tre-em/chat-luong-du-lieu/xuat-excel/")
    assert res.status_code == 200
    _ws, rows = sheet_rows(res.content)
    problems = {(r[1], r[3]) for r in rows[3:]}
    assert ("Chưa có số định danh", '\'=HYPERLINK("http://x")') in problems
    assert ("Thiếu thông tin cha, mẹ, người chăm sóc", '\'=HYPERLINK("http://x")') in problems
    assert not any(name == "Đinh Văn Khác" for _p, name in problems)
    only = client_for(world.officer).get("/tre-em/chat-luong-du-lieu/xuat-excel/?problem=no_id")
    assert {r[1] for r in sheet_rows(only.content)[1][3:]} == {"Chưa có số định danh"}
    assert (
        client_for(world.officer)
        .get("/tre-em/chat-luong-du-lieu/xuat-excel/?problem=nope")
        .status_code
        == 404
    )


def test_personas_on_exports(world: World, children: dict[str, Any], client_for: Any) -> None:
    urls = ["/tre-em/xuat-excel/", "/tre-em/so-theo-doi/", "/tre-em/chat-luong-du-lieu/xuat-excel/"]
    colleague = client_for(world.other_officer)
    for url in urls:
        res = colleague.get(url)
        assert res.status_code == 200
        assert b"Nguy\xe1\xbb\x85n V\xc4\x83n An" not in res.content  # never the owner's children
        wb = openpyxl.load_workbook(io.BytesIO(res.content))
        text = " ".join(str(c) for ws in wb for r in ws.iter_rows(values_only=True) for c in r)
        assert "Nguyễn Văn An" not in text
        r = Client().get(url)
        assert r.status_code == 302 and r.url.startswith("/dang-nhap/")
    # a focal point of the health station has no registry access at all
    assert client_for(world.focal_point).get(urls[0]).status_code == 404


def test_province_filters_by_commune_on_the_page_and_in_the_export(
    world: World, children: dict[str, Any], client_for: Any
) -> None:
    province = client_for(world.province_officer)
    page = province.get("/tre-em/").content.decode()
    assert "Xã, phường" in page and f'<option value="{world.other_commune.key}">' in page
    page = province.get(f"/tre-em/?village={world.other_commune.key}").content.decode()
    assert f'/tre-em/{children["other"].pk}/"' in page
    assert f'/tre-em/{children["an"].pk}/"' not in page
    res = province.get(f"/tre-em/xuat-excel/?village={world.other_commune.key}")
    assert [r[1] for r in sheet_rows(res.content)[1][4:]] == ["Đinh Văn Khác"]


def test_a_filter_value_the_form_refuses_selects_nothing_not_everything(
    world: World, children: dict[str, Any], client_for: Any
) -> None:
    officer = client_for(world.officer)
    bad = f"village={world.other_village.key}"  # not one of this commune's villages
    page = officer.get(f"/tre-em/?{bad}").content.decode()
    assert "Không có trẻ nào phù hợp." in page
    res = officer.get(f"/tre-em/xuat-excel/?{bad}")
    assert sheet_rows(res.content)[1][4:] == []
    res = officer.get("/tre-em/xuat-excel/?sex=robot")
    assert sheet_rows(res.content)[1][4:] == []
