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
        caregivers=[
            {
                "relation": "mother",
                "full_name": "Trần Thị Cúc",
                "birth_year": 1990,
                "id_number": "036190004321",
            }
        ],
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
    assert an["Số định danh của mẹ"] == "036190004321"
    # the export's headers are the import's: every column is read back, the parents' ID
    # numbers as theirs
    from treem.registry.importing.columns import find_header

    found = find_header([list(r) for r in rows])
    assert found is not None and not found.ignored
    assert {"father_id_number", "mother_id_number"} <= set(found.fields.values())
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
    # every cell of a row boxed and top-aligned; the caregivers' cell wraps its lines
    assert all(ws.cell(row=9, column=col).border.left.style == "thin" for col in range(1, 14))
    assert ws["B9"].alignment.vertical == "top" and not ws["B9"].alignment.wrap_text
    assert ws["G9"].alignment.wrap_text
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


def test_quality_export_says_whose_id_number_is_wrong_and_why(
    world: World, child_maker: Any, client_for: Any
) -> None:
    from treem.registry.models import Caregiver

    kid = child_maker("Lò Văn Sai")
    stored = Caregiver(  # as stored before the check
        child=kid,
        relation="mother",
        full_name="Lò Thị Xuân",
        birth_year=1990,
        id_number="036090123456",
    )
    stored.set_derived()
    stored.save()
    res = client_for(world.officer).get(
        "/tre-em/chat-luong-du-lieu/xuat-excel/?problem=bad_carer_id"
    )
    _ws, rows = sheet_rows(res.content)
    [(problem, detail, name)] = [(r[1], r[2], r[3]) for r in rows[3:]]
    assert problem == "Số định danh của cha, mẹ, người chăm sóc sai" and name == "Lò Văn Sai"
    assert detail.startswith("Mẹ Lò Thị Xuân: 036090123456. Chữ số thứ 4 (“0”)")
    assert "nhưng người này là nữ" in detail


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


def test_list_export_reads_the_same_values_chunk_by_chunk(
    world: World, child_maker: Any, monkeypatch: Any
) -> None:
    """The list export reads children a chunk at a time with their caregivers and
    circumstances in one query each (`export_children`); every cell equals what the
    children read one by one through Django's relations (`export_queryset`) give."""
    from treem.registry import exporting
    from treem.registry.models import Child, Ethnicity

    monkeypatch.setattr(exporting, "EXPORT_CHUNK", 2)  # several chunks, one partial
    made = []
    for i, (area, carers) in enumerate(
        [
            (
                world.village,
                [
                    ("father", "Lê Văn Ba", 1980, "", "036080001234"),
                    ("mother", "Lê Thị Mẹ", None, "0912345678", ""),
                ],
            ),
            (
                world.commune,
                [
                    ("guardian", "Bà Ngoại", 1950, "0987654321", ""),
                    ("mother", "Mẹ Hai", 1991, "", "036191004321"),
                ],
            ),
            (world.village2, []),
            (
                world.village,
                [
                    ("mother", "Trần Thị Một", 1988, "", ""),
                    ("mother", "Trần Thị Hai", 1989, "0933111222", ""),
                ],
            ),
            (world.village2, [("other", "Chú Tư", None, "0977888999", "")]),
        ]
    ):
        child = child_maker(
            f"Nguyễn Văn Số {i}",
            area=area,
            ethnicity=Ethnicity.objects.get(code="01") if i % 2 else None,
            poverty=["none", "poor", "near_poor"][i % 3],
            schooling=["primary", "", "out_of_school"][i % 3],
        )
        for relation, name, year, phone, number in carers:
            services.caregiver_add(
                actor=world.officer,
                child=child,
                relation=relation,
                full_name=name,
                birth_year=year,
                phone=phone,
                id_number=number,
            )
        made.append(child)
    services.circumstance_add(actor=world.officer, child=made[0], kind="special", group="d")
    services.circumstance_add(actor=world.officer, child=made[0], kind="special", group="a")
    services.circumstance_add(actor=world.officer, child=made[1], kind="at_risk", group="a")
    services.circumstance_add(
        actor=world.officer,
        child=made[2],
        kind="special",
        group="b",
        start_date=dt.date(2019, 1, 1),
        end_date=dt.date(2020, 1, 1),
    )
    removed = services.circumstance_add(
        actor=world.officer, child=made[3], kind="special", group="c"
    )
    services.circumstance_remove(actor=world.officer, circumstance=removed)
    gone = made[4].caregivers.get()
    services.caregiver_remove(actor=world.officer, caregiver=gone)

    qs = Child.objects.filter(pk__in=[c.pk for c in made]).order_by("pk")
    columns = exporting._list_columns()

    def cells(children: Any) -> list[list[Any]]:
        return [[get(c) for _h, _w, get in columns] for c in children]

    fast = cells(exporting.export_children(qs))
    assert fast == cells(exporting.export_queryset(qs))
    assert len(fast) == 5
    at = {str(header): i for i, (header, _w, _g) in enumerate(columns)}

    def cell(row: int, header: str) -> Any:
        return fast[row][at[header]]

    assert (cell(0, "Họ tên cha"), cell(0, "Họ tên mẹ"), cell(0, "Số điện thoại")) == (
        "Lê Văn Ba",
        "Lê Thị Mẹ",
        "0912345678",
    )
    assert (cell(0, "Số định danh của cha"), cell(0, "Số định danh của mẹ")) == (
        "036080001234",
        "",
    )
    assert cell(1, "Số định danh của mẹ") == "036191004321"
    groups = "Hoàn cảnh đặc biệt"
    assert cell(0, groups) == "a, d" and cell(2, groups) == "" and cell(3, groups) == ""
    assert cell(1, "Thôn") == "" and cell(0, "Thôn") == world.village.name  # village, or none


def test_an_export_too_large_for_one_file_is_refused_with_a_message(
    world: World, children: dict[str, Any], client_for: Any, monkeypatch: Any
) -> None:
    """Above the rows one export writes (a province's list), the officer is sent back to
    the page she came from, filters kept, and told to narrow the list; below it, the
    file comes as before."""
    from treem.registry import exporting

    monkeypatch.setattr(exporting, "EXPORT_MAX_ROWS", 1)  # the commune has 2 children
    client = client_for(world.officer)
    # the list says so beside the export link's place, instead of a link that is refused
    listed = client.get("/tre-em/", {"status": "all"}).content.decode()
    assert "chọn xã, phường hoặc lọc thêm để xuất" in listed
    assert 'href="/tre-em/xuat-excel/?' not in listed
    res = client.get("/tre-em/xuat-excel/", {"village": "", "status": "all"}, follow=True)
    assert res.redirect_chain[-1][0] == "/tre-em/?village=&status=all"
    body = res.content.decode()
    assert "Danh sách có hơn 1 trẻ, quá nhiều để xuất một lần." in body
    quality = client.get("/tre-em/chat-luong-du-lieu/xuat-excel/", follow=True)
    assert quality.redirect_chain[-1][0] == "/tre-em/chat-luong-du-lieu/"
    assert "quá nhiều để xuất một lần" in quality.content.decode()
    monkeypatch.setattr(exporting, "EXPORT_MAX_ROWS", 2)
    assert (
        'href="/tre-em/xuat-excel/?' in client.get("/tre-em/", {"status": "all"}).content.decode()
    )
    ok = client.get("/tre-em/xuat-excel/")
    assert ok.status_code == 200 and ok["Content-Type"].startswith("application/vnd.openxmlformats")
