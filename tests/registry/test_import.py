"""Importing a commune's Excel/CSV book: messy real files, every error named by row and
column, all-or-nothing unless valid rows only are asked for, duplicates never created twice."""

from __future__ import annotations

import datetime as dt
import io
import json
import unicodedata
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import World
from treem.core.models import AuditLog
from treem.registry.importing import children_import
from treem.registry.importing.errorbook import error_workbook
from treem.registry.models import Caregiver, Child, ChildCircumstance

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def workbook(rows: list[list[Any]], *, title_rows: int = 3) -> io.BytesIO:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title_rows:
        ws.append(["UBND XÃ NGHĨA HƯNG"])
        ws.append(["DANH SÁCH TRẺ EM TRÊN ĐỊA BÀN XÃ NĂM 2026"])
        for _ in range(title_rows - 2):
            ws.append([])
    for row in rows:
        ws.append(row)
    for cell in ws["C"]:
        if isinstance(cell.value, dt.date):
            cell.number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "so-theo-doi-tre-em.xlsx"
    return out


HEADER = [
    "STT",
    "Họ tên trẻ",
    "Ngày tháng năm sinh",
    "Nam/Nữ",
    "Dân tộc",
    "Số định danh",
    "Thôn",
    "Họ tên cha",
    "Họ tên mẹ",
    "Hoàn cảnh đặc biệt",
    "Cột không biết",
]


@pytest.fixture
def registry(world: World, child_maker: Any) -> dict[str, Child]:
    """Two children already in the registry: one with an ID number, one without."""
    return {
        "lan": child_maker(
            "Bùi Thị Lan",
            birth_date=dt.date(2014, 2, 10),
            sex="female",
            id_number="036314000111",
        ),
        "minh": child_maker("Ngô Văn Minh", birth_date=dt.date(2013, 7, 1), sex="male"),
        "tung": child_maker(
            "Cao Văn Tùng", birth_date=dt.date(2013, 5, 5), sex="male", id_number="036213000444"
        ),
        "other": child_maker(
            "Đinh Văn Khác",
            area=world.other_village,
            actor=world.other_officer,
            birth_date=dt.date(2016, 1, 1),
            id_number="036216000222",
        ),
    }


def messy_rows() -> list[list[Any]]:
    return [
        HEADER,
        # row 5: fine, a real date cell
        [
            1,
            "NGUYỄN VĂN AN",
            dt.date(2015, 3, 4),
            "nam",
            "Kinh",
            "036215000123",
            "Liễu Đề",
            "NGUYỄN VĂN BÌNH",
            "Trần Thị Cúc",
            "a, đ",
            "?",
        ],
        # row 6: fine, non-breaking and double spaces, dd/mm/yyyy text, lower-case village
        [
            2,
            f"Trần{NBSP}Thị  Bích",
            "05/06/2016",
            "NỮ",
            "kinh",
            "",
            "thôn nghĩa thái",
            "",
            "",
            "",
            "",
        ],
        [None, None, None, None, None, None, None, None, None, None, None],  # row 7: blank
        # row 8: Excel serial date; the ID number's year digits say 2014
        [3, "Lê Văn Cường", 42100, "Nam", "Mường", "036214000999", "Liễu Đề", "", "", "", ""],
        # row 9: year only; unknown province code and a man's digit for a girl
        [4, "Phạm Thị Dung", "2014", "nu", "", "099214000123", "Liễu Đề", "", "", "", ""],
        # row 10: a day that does not exist
        [5, "Hoàng Văn Em", "31/02/2015", "Nam", "Kinh", "", "Liễu Đề", "", "", "", ""],
        # row 11: row 5 again, exactly: a duplicate inside the file
        [
            6,
            "NGUYỄN VĂN AN",
            dt.date(2015, 3, 4),
            "nam",
            "Kinh",
            "036215000123",
            "Liễu Đề",
            "NGUYỄN VĂN BÌNH",
            "Trần Thị Cúc",
            "a, đ",
            "?",
        ],
        # row 12: month/year; a village the commune does not have
        [7, "Vũ Thị Giang", "03/2016", "Nữ", "Tày", "", "Thôn Không Có", "", "", "", ""],
        # row 13: an ID number that belongs to another child of this commune
        [8, "Đỗ Văn Hải", "10/02/2013", "Nam", "Kinh", "036213000444", "Liễu Đề", "", "", "", ""],
        # row 14: the ID number of Bùi Thị Lan: an update (adds her mother, group d)
        [
            9,
            "BÙI THỊ LAN",
            "10/02/2014",
            "Nữ",
            "Kinh",
            "036314000111",
            "Liễu Đề",
            "",
            "Hà Thị Mai",
            "d",
            "",
        ],
        # row 15: same name, date of birth and village as Ngô Văn Minh (no ID): not created
        [10, "Ngô Văn Minh", "01/07/2013", "Nam", "Kinh", "", "Liễu Đề", "", "", "", ""],
        # row 16: no name
        [11, "", "01/01/2015", "Nam", "Kinh", "", "Liễu Đề", "", "", "", ""],
        # row 17: 17 years old; a special group nobody knows
        [12, "Đặng Thị Nga", "1/5/09", "Nữ", "Kinh", "", "Liễu Đề", "", "", "z", ""],
        # row 18: an ID number of a child of another commune
        [
            13,
            "Đinh Văn Khác",
            "01/01/2016",
            "Nam",
            "Kinh",
            "036216000222",
            "Liễu Đề",
            "",
            "",
            "",
            "",
        ],
        [None] * 11,
        ["Người lập biểu", None, None, None, None, None, "Nghĩa Hưng, ngày 20 tháng 11 năm 2026"],
    ]


def errors_by_cell(result: Any) -> dict[tuple[int, str], list[str]]:
    out: dict[tuple[int, str], list[str]] = {}
    for p in result.errors:
        out.setdefault((p.row, p.column), []).append(p.message)
    return out


def test_messy_workbook_names_every_error_and_writes_nothing(
    world: World, registry: dict[str, Child]
) -> None:
    before_children = Child.objects.count()
    lan_version = registry["lan"].version
    result = children_import(
        actor=world.officer, commune=world.commune, file=workbook(messy_rows())
    )

    assert not result.committed
    assert result.rows == 13  # blank rows and the signature footer are not rows
    cells = errors_by_cell(result)
    assert cells[(8, "Số định danh")] == [
        "Chữ số thứ 5–6 (“14”) phải là hai số cuối của năm sinh (“15”)."
    ]
    assert cells[(9, "Số định danh")][0].startswith("Ba chữ số đầu “099”")
    assert "giới tính nam, nhưng trẻ là nữ" in cells[(9, "Số định danh")][1]
    assert cells[(10, "Ngày tháng năm sinh")] == [
        "Ngày “31/02/2015” không có thật (kiểm tra ngày và tháng)."
    ]
    assert "Không có thôn “Thôn Không Có” trong xã" in cells[(12, "Thôn")][0]
    assert "đã thuộc trẻ “Cao Văn Tùng”" in cells[(13, "Số định danh")][0]
    assert cells[(16, "Họ tên trẻ")] == ["Thiếu họ và tên trẻ."]
    assert "Đã đủ 16 tuổi" in cells[(17, "Ngày tháng năm sinh")][0]
    assert "Không nhận ra nhóm hoàn cảnh đặc biệt “z”" in cells[(17, "Hoàn cảnh đặc biệt")][0]
    assert "xã, phường khác" in cells[(18, "Số định danh")][0]
    # the good rows and the exact duplicate carry no error
    assert not {5, 6, 11, 14, 15} & {p.row for p in result.errors}
    dups = {(d.row, d.kind): d.matches for d in result.duplicates}
    assert dups[(11, "in_file")] == [5]
    assert dups[(14, "id")] == [registry["lan"].pk]
    assert dups[(15, "name_dob")] == [registry["minh"].pk]
    assert "Cột không biết" in result.ignored_columns

    # nothing half-imported
    assert Child.objects.count() == before_children
    registry["lan"].refresh_from_db()
    assert registry["lan"].version == lan_version
    assert not AuditLog.objects.filter(action="child.import").exists()


def test_valid_only_writes_good_rows_and_offers_an_error_workbook(
    world: World, registry: dict[str, Child]
) -> None:
    result = children_import(
        actor=world.officer,
        commune=world.commune,
        file=workbook(messy_rows()),
        mode="valid_only",
    )
    assert result.committed
    assert (result.created, result.updated) == (2, 1)
    an = Child.objects.get(name_folded="nguyen van an")
    assert an.full_name == "Nguyễn Văn An"
    assert an.birth_date == dt.date(2015, 3, 4) and an.sex == "male"
    assert an.area == world.village and an.commune == world.commune
    assert an.ethnicity is not None and an.ethnicity.name == "Kinh"
    assert an.id_number == "036215000123" and an.id_number_valid
    assert sorted(an.caregivers.values_list("relation", "full_name")) == [
        ("father", "Nguyễn Văn Bình"),
        ("mother", "Trần Thị Cúc"),
    ]
    assert sorted(an.circumstances.values_list("group", flat=True)) == ["a", "dd"]
    bich = Child.objects.get(name_folded="tran thi bich")
    assert bich.full_name == "Trần Thị Bích" and bich.area == world.village2
    assert Child.objects.filter(name_folded="ngo van minh").count() == 1  # not created twice

    lan = Child.objects.get(pk=registry["lan"].pk)
    assert lan.version == registry["lan"].version + 1
    assert lan.caregivers.get().full_name == "Hà Thị Mai"
    assert list(lan.circumstances.values_list("group", flat=True)) == ["d"]
    update_log = AuditLog.objects.get(action="child.update", object_id=str(lan.pk))
    assert update_log.after["import"] == "so-theo-doi-tre-em.xlsx"

    log = AuditLog.objects.get(action="child.import")
    assert log.after["created"] == 2 and log.after["updated"] == 1
    assert sorted(log.after["created_ids"]) == sorted([an.pk, bich.pk])
    assert log.area == world.commune and log.actor == world.officer

    # the error workbook: the header plus every row not imported, with its messages
    book = openpyxl.load_workbook(io.BytesIO(error_workbook(result)))
    ws = book.active
    header = [c.value for c in ws[1]]
    assert header[0] == "Dòng trong tệp gốc" and header[-1] == "Lỗi cần sửa"
    assert header[2] == "Họ tên trẻ"
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {8, 9, 10, 11, 12, 13, 15, 16, 17, 18}
    assert "hai số cuối của năm sinh" in rows[8][-1]
    assert rows[10][3] == "31/02/2015"
    # as it looks: a bold header, frozen under it, dates shown as dates, the errors in red
    assert ws.freeze_panes == "B2" and ws["A1"].font.b
    dated = next(r for r in ws.iter_rows(min_row=2) if r[0].value == 11)
    assert dated[3].value.date() == dt.date(2015, 3, 4)
    assert dated[3].number_format == "DD/MM/YYYY"
    assert dated[-1].fill.fgColor.rgb.endswith("FDE2E1") and dated[-1].alignment.wrap_text


def test_a_clean_file_is_committed_whole_and_reimport_creates_nothing(world: World) -> None:
    rows = [
        [
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Thôn",
            "Họ tên mẹ",
            "Năm sinh mẹ",
            "Số điện thoại",
        ],
        ["lò văn páo", "2019", "Nam", "Liễu Đề", "LÒ THỊ MỶ", 1995, 912345678],
        ["Mùa Thị Sua", "T3/2020", "Nữ", "", "", "", ""],
    ]
    first = children_import(
        actor=world.officer, commune=world.commune, file=workbook(rows, title_rows=0)
    )
    assert first.committed and first.created == 2 and not first.errors
    pao = Child.objects.get(name_folded="lo van pao")
    assert pao.full_name == "Lò Văn Páo"
    assert (pao.birth_date, pao.birth_date_precision) == (dt.date(2019, 1, 1), "year")
    mother = Caregiver.objects.get(child=pao)
    assert (mother.full_name, mother.birth_year, mother.phone) == ("Lò Thị Mỷ", 1995, "0912345678")
    # the database stamps rows written in bulk (the transaction's time)
    recent = timezone.now() - dt.timedelta(minutes=10)
    assert pao.created_at > recent and pao.updated_at > recent and mother.created_at > recent
    # imported rows are found by search at once: by the child's and the mother's names
    from treem.registry.selectors import ChildFilters, child_list

    for q in ("pao lo", "PÁO", "my lo"):
        found = child_list(user=world.officer, filters=ChildFilters(q=q))
        assert [c.pk for c in found] == [pao.pk], q
    sua = Child.objects.get(name_folded="mua thi sua")
    assert (sua.birth_date_precision, sua.area) == ("month", world.commune)

    again = children_import(
        actor=world.officer, commune=world.commune, file=workbook(rows, title_rows=0)
    )
    assert again.created == 0 and {d.kind for d in again.duplicates} == {"name_dob"}
    assert Child.objects.count() == 2


def test_old_style_book_with_date_under_nam_or_nu_and_two_header_rows(world: World) -> None:
    rows = [
        [
            "TT",
            "Họ và tên trẻ em",
            "Ngày, tháng, năm sinh",
            None,
            "Thông tin về cha",
            None,
            "Thông tin về mẹ",
            None,
            "Hộ nghèo",
            "Hộ cận nghèo",
        ],
        [None, None, "Nam", "Nữ", "Họ tên", "Năm sinh", "Họ tên", "Năm sinh", None, None],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)"],
        [1, "Hà Văn Tú", "12/12/2017", None, "Hà Văn Tuấn", 1988, "", "", "x", ""],
        [2, "Hà Thị Tâm", None, "20/01/2019", "", "", "Lê Thị Hoa", "1990", "", "x"],
    ]
    result = children_import(
        actor=world.officer, commune=world.commune, file=workbook(rows, title_rows=0)
    )
    assert result.committed, result.errors
    tu = Child.objects.get(name_folded="ha van tu")
    assert (tu.sex, tu.birth_date, tu.poverty) == ("male", dt.date(2017, 12, 12), "poor")
    assert tu.caregivers.get().birth_year == 1988
    tam = Child.objects.get(name_folded="ha thi tam")
    assert (tam.sex, tam.birth_date, tam.poverty) == ("female", dt.date(2019, 1, 20), "near_poor")
    assert tam.caregivers.get().relation == "mother"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1258"])
def test_csv_in_the_encodings_offices_produce(world: World, encoding: str) -> None:
    text = (
        "Họ và tên;Ngày sinh;Giới tính;Dân tộc;Mã định danh;Thôn\n"
        "Nguyễn Thị Hoa;07/08/2018;Nữ;Kinh;036318000555;Nghĩa Thái\n"
        "Triệu Văn Sáng;2/3/17;Nam;H'Mông;;\n"
    )
    data = io.BytesIO(encode(text, encoding))
    data.name = "danh-sach.csv"
    result = children_import(actor=world.officer, commune=world.commune, file=data)
    assert result.committed, result.errors
    assert result.created == 2
    sang = Child.objects.get(name_folded="trieu van sang")
    assert sang.birth_date == dt.date(2017, 3, 2)
    assert sang.ethnicity is not None and sang.ethnicity.name == "Mông"


def encode(text: str, encoding: str) -> bytes:
    """cp1258 keeps tone marks as combining characters after the base letter."""
    if encoding != "cp1258":
        return text.encode(encoding)
    out = []
    for ch in text:
        try:
            out.append(ch.encode(encoding))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(p for p in parts if p in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
            out.append((base + tones).encode(encoding))
    return b"".join(out)


def test_dry_run_counts_without_writing(world: World) -> None:
    rows = [["Họ và tên", "Ngày sinh", "Giới tính"], ["An Văn Bình", "01/01/2020", "Nam"]]
    result = children_import(
        actor=world.officer, commune=world.commune, file=workbook(rows), dry_run=True
    )
    assert (result.created, result.committed) == (1, False)
    assert not Child.objects.exists()


def test_file_without_a_header_or_not_a_spreadsheet(world: World) -> None:
    rows = [["a", "b"], [1, 2]]
    result = children_import(actor=world.officer, commune=world.commune, file=workbook(rows))
    assert result.errors[0].row == 0 and "Không tìm thấy dòng tiêu đề" in result.errors[0].message
    junk = io.BytesIO(b"%PDF-1.4 not a sheet")
    junk.name = "tai-lieu.pdf"
    result = children_import(actor=world.officer, commune=world.commune, file=junk)
    assert "không được hỗ trợ" in result.errors[0].message and not result.committed


def test_only_commune_officers_of_that_commune_import(world: World) -> None:
    rows = [["Họ và tên", "Ngày sinh", "Giới tính"], ["An Văn Bình", "01/01/2020", "Nam"]]
    for user in (world.other_officer, world.collaborator, world.leader):
        with pytest.raises(PermissionDenied):
            children_import(actor=user, commune=world.commune, file=workbook(rows))
    assert not Child.objects.exists()


def test_cli_prints_the_issue_json_and_exits_1_when_nothing_committed(
    world: World, registry: dict[str, Child], tmp_path: Any, capsys: Any
) -> None:
    path = tmp_path / "so.xlsx"
    path.write_bytes(workbook(messy_rows()).getvalue())
    with pytest.raises(SystemExit) as exc:
        call_command("import_children", str(path), "--area", "13891", "--json")
    assert exc.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"rows", "created", "updated", "committed", "errors", "duplicates"}
    assert out["committed"] is False and out["rows"] == 13
    assert {
        "row": 10,
        "column": "Ngày tháng năm sinh",
        "value": "31/02/2015",
        "message": "Ngày “31/02/2015” không có thật (kiểm tra ngày và tháng).",
    } in out["errors"]
    assert {"row": 11, "kind": "in_file", "matches": [5]} in out["duplicates"]

    call_command(
        "import_children",
        str(path),
        "--area",
        "13891",
        "--json",
        "--valid-only",
        "--user",
        "canbo",
    )
    out = json.loads(capsys.readouterr().out)
    assert (out["committed"], out["created"], out["updated"]) == (True, 2, 1)
    assert ChildCircumstance.objects.filter(group="dd").count() == 1


def test_cli_dry_run_of_a_clean_file_exits_0(world: World, tmp_path: Any, capsys: Any) -> None:
    path = tmp_path / "ok.csv"
    path.write_text("Họ và tên,Ngày sinh,Giới tính\nAn Văn Bình,01/01/2020,Nam\n", "utf-8")
    call_command("import_children", str(path), "--area", "13891", "--dry-run")
    assert "1 dòng: thêm 1" in capsys.readouterr().out
    assert not Child.objects.exists()


def test_parents_id_numbers_and_phones_are_read_and_checked(world: World) -> None:
    """A book with the parents' ID numbers and phones (headers as offices write them): each
    number is checked for the parent it belongs to, a number or phone without a name is
    named, and the good rows keep them on the caregivers."""
    rows = [
        [
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Họ tên cha",
            "Năm sinh cha",
            "CCCD của cha",
            "Họ tên mẹ",
            "Năm sinh mẹ",
            "Số CCCD mẹ",
            "SĐT mẹ",
            "Số điện thoại",
        ],
        # good: the father's number codes a man born in 1985, the mother's a woman of 1990;
        # the book's phone goes to the father, the mother has her own
        [
            "Nguyễn Văn An",
            "04/03/2015",
            "Nam",
            "Nguyễn Văn Bình",
            1985,
            "036085001234",
            "Trần Thị Cúc",
            1990,
            "036190004321",
            "0912 345 678",
            "0987654321",
        ],
        # the mother's number codes a man
        ["Lê Thị Hoa", "2016", "Nữ", "", "", "", "Lê Thị Mai", 1990, "036090004321", "", ""],
        # a father's number and phone with no father named
        ["Phạm Văn Tú", "2017", "Nam", "", "", "036085009999", "", "", "", "", ""],
    ]
    result = children_import(actor=world.officer, commune=world.commune, file=workbook(rows))
    assert not result.committed
    cells = errors_by_cell(result)
    assert set(cells) == {(6, "Số CCCD mẹ"), (7, "CCCD của cha")}, cells
    assert (
        "giới tính nam" in cells[(6, "Số CCCD mẹ")][0]
        and "người này là nữ" in (cells[(6, "Số CCCD mẹ")][0])
    )
    assert cells[(7, "CCCD của cha")] == ["Có số định danh nhưng thiếu họ tên."]
    assert Child.objects.filter(name_folded="nguyen van an").count() == 0  # all or nothing

    result = children_import(
        actor=world.officer, commune=world.commune, file=workbook(rows), mode="valid_only"
    )
    assert result.committed and result.created == 1
    an = Child.objects.get(name_folded="nguyen van an")
    carers = {
        c.relation: (c.full_name, c.birth_year, c.id_number, c.id_number_valid, c.phone)
        for c in an.caregivers.all()
    }
    assert carers == {
        "father": ("Nguyễn Văn Bình", 1985, "036085001234", True, "0987654321"),
        "mother": ("Trần Thị Cúc", 1990, "036190004321", True, "0912345678"),
    }


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Số điện thoại của mẹ", "mother_phone"),
        ("SĐT bố", "father_phone"),
        ("Số CMND/CCCD của cha", "father_id_number"),
        ("Mã định danh cá nhân của mẹ", "mother_id_number"),
        ("Năm sinh người giám hộ", "guardian_birth_year"),
        ("Ngày sinh của mẹ", "mother_birth_year"),
        ("SĐT người chăm sóc", "guardian_phone"),
        # the child's own columns stay the child's
        ("Số định danh của trẻ", "id_number"),
        ("Số điện thoại liên hệ", "phone"),
        ("Mã định danh bổ sung", "id_number"),
        # both parents in one column: read as before, as the father's name
        ("Họ tên cha mẹ", "father_name"),
        # about a parent, not the child, and not kept: left out (and listed as such)
        ("Dân tộc của mẹ", None),
        ("Ghi chú của bố", None),
    ],
)
def test_headers_naming_a_parent_map_to_that_parents_column(header: str, key: str | None) -> None:
    from treem.registry.importing.columns import match_grouped, match_header

    assert match_header(header) == key
    if key and key.startswith(("father_", "mother_")) and "phone" in key:
        # the same under a group header: "Thông tin về mẹ" over "Điện thoại"
        who = "cha" if key.startswith("father") else "mẹ"
        assert match_grouped(f"Thông tin về {who}", "Điện thoại") == key
