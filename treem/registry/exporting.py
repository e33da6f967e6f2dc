"""Excel exports of the registry: the filtered child list, the per-village tracking book
("sổ theo dõi trẻ em") and the data-quality list, plus the import template.

Headers are Vietnamese; dates are real date cells shown dd/mm/yyyy (partial dates as
"mm/yyyy" or the year, so a re-import keeps their precision); any text starting with
= + - @ is neutralised so a spreadsheet never runs it as a formula. Only registry
fields are written, never case data.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from treem.core.models import Area
from treem.registry.models import (
    Caregiver,
    Child,
    ChildCircumstance,
    DisabilityLevel,
    Ethnicity,
    Poverty,
    Schooling,
    Sex,
    Support,
)
from treem.registry.services import EDITABLE_FIELDS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The most rows one export writes: ~10 s of writing (openpyxl, ~4,500 rows/s measured),
# inside a request. A province's list is exported a commune (or a filter) at a time.
EXPORT_MAX_ROWS = 50_000
DATE_FORMAT = "DD/MM/YYYY"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe-like
    quote character so it stays text (OWASP CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _birth_cell(child: Child) -> Any:
    if child.birth_date is None:
        return ""
    if child.birth_date_precision == "year":
        return child.birth_date.year
    if child.birth_date_precision == "month":
        return f"{child.birth_date:%m/%Y}"
    return child.birth_date


def _label(choices: Any, value: str) -> str:
    return str(dict(choices).get(value, value)) if value else ""


def _labeller(choices: Any) -> Any:
    """`_label` for one set of choices, their texts read once (per export, so in the
    language of the request)."""
    texts = {key: str(text) for key, text in choices}
    return lambda value: texts.get(value, value) if value else ""


def _group_letters(child: Child) -> str:
    circs = getattr(child, "ongoing_circumstances", None)
    if circs is None:
        circs = [c for c in child.circumstances.all() if c.removed_at is None]
    letters = [
        ("đ" if c.group == "dd" else c.group)
        for c in circs
        if c.kind == "special" and (c.end_date is None or c.end_date >= dt.date.today())
    ]
    return ", ".join(sorted(set(letters)))


_CARERS = "_export_carers"


def _first_carers(caregivers: Iterable[Caregiver]) -> tuple[dict[str, Caregiver], str]:
    """The first current caregiver of each relation and the first phone number among
    them (caregivers in the model's order)."""
    by_relation: dict[str, Caregiver] = {}
    phone = ""
    for cg in caregivers:
        if cg.removed_at is None:
            by_relation.setdefault(cg.relation, cg)
            phone = phone or cg.phone
    return by_relation, phone


def _carers(child: Child) -> tuple[dict[str, Caregiver], str]:
    """`_first_carers` of the child, read once per child (an export asks five times a
    row; `export_children` sets it for a chunk at once)."""
    found = child.__dict__.get(_CARERS)
    if found is None:
        found = child.__dict__[_CARERS] = _first_carers(child.caregivers.all())
    return found


def _caregiver(child: Child, relation: str) -> Caregiver | None:
    return _carers(child)[0].get(relation)


def _phone(child: Child) -> str:
    return _carers(child)[1]


def export_queryset(qs: QuerySet[Child]) -> QuerySet[Child]:
    """What the exports read, in a bounded number of queries (prefetch in chunks)."""
    today = dt.date.today()
    from django.db.models import Q

    ongoing = ChildCircumstance.objects.filter(removed_at__isnull=True).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    return qs.select_related("area", "commune", "ethnicity").prefetch_related(
        Prefetch("caregivers", queryset=Caregiver.objects.filter(removed_at__isnull=True)),
        Prefetch("circumstances", queryset=ongoing, to_attr="ongoing_circumstances"),
    )


class _Ongoing(NamedTuple):
    kind: str
    group: str
    end_date: dt.date | None


# The columns `child_list_workbook` reads from the child row itself: the record's own
# fields (those an officer edits) and the commune.
_LIST_FIELDS = ("id", "commune", *EDITABLE_FIELDS)
EXPORT_CHUNK = 2000


def export_children(qs: QuerySet[Child]) -> Iterator[Child]:
    """The children of `qs` with what a list export shows, read a chunk at a time: the
    child's own columns, then for the chunk one query for the caregivers and one for
    the ongoing circumstances, and the villages' and ethnic groups' names by id. The
    same values as `export_queryset`, without a related object built per row (measured
    on 20,000 children: 3.3 s to read through `export_queryset`)."""
    ethnicities = dict(Ethnicity.objects.values_list("id", "name"))
    areas: dict[int, Area] = {}
    today = dt.date.today()
    rows = qs.only(*_LIST_FIELDS).iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(itertools.islice(rows, EXPORT_CHUNK)):
        ids = [c.pk for c in chunk]
        carers: dict[int, list[Caregiver]] = {}
        for cg in Caregiver.objects.filter(child_id__in=ids, removed_at__isnull=True).only(
            "id",
            "child_id",
            "relation",
            "full_name",
            "birth_year",
            "phone",
            "id_number",
            "removed_at",
        ):
            carers.setdefault(cg.child_id, []).append(cg)
        ongoing: dict[int, list[_Ongoing]] = {}
        for child_id, kind, group, end in (
            ChildCircumstance.objects.filter(child_id__in=ids, removed_at__isnull=True)
            .exclude(end_date__lt=today)
            .order_by("id")
            .values_list("child_id", "kind", "group", "end_date")
        ):
            ongoing.setdefault(child_id, []).append(_Ongoing(kind, group, end))
        missing = {c.area_id for c in chunk} - areas.keys()
        if missing:
            areas.update(
                (a.pk, a) for a in Area.objects.filter(pk__in=missing).only("id", "name", "code")
            )
        for c in chunk:
            c.__dict__[_CARERS] = _first_carers(carers.get(c.pk, []))
            c.ongoing_circumstances = ongoing.get(c.pk, [])  # type: ignore[attr-defined]
            c.__dict__[_NAMES] = (
                areas[c.area_id].name if c.area_id in areas else "",
                ethnicities.get(c.ethnicity_id, "") if c.ethnicity_id else "",
            )
            yield c


_NAMES = "_export_names"


def _village_name(child: Child) -> str:
    """The child's village (blank when recorded under the commune itself)."""
    if child.area_id == child.commune_id:
        return ""
    names = child.__dict__.get(_NAMES)
    return names[0] if names is not None else child.area.name


def _ethnicity_name(child: Child) -> str:
    names = child.__dict__.get(_NAMES)
    if names is not None:
        return str(names[1])
    return child.ethnicity.name if child.ethnicity else ""


# (header msgid, width, value getter) — the import template's headers, so an export
# can be corrected and imported back.
def _list_columns() -> list[tuple[str, int, Any]]:
    def name_of(relation: str) -> Any:
        return lambda c: cg.full_name if (cg := _caregiver(c, relation)) else ""

    def year_of(relation: str) -> Any:
        return lambda c: cg.birth_year or "" if (cg := _caregiver(c, relation)) else ""

    def number_of(relation: str) -> Any:
        return lambda c: cg.id_number if (cg := _caregiver(c, relation)) else ""

    sex, poverty = _labeller(Sex.choices), _labeller(Poverty.choices)
    schooling, disability = _labeller(Schooling.choices), _labeller(DisabilityLevel.choices)
    return [
        (_("Họ và tên"), 26, lambda c: c.full_name),
        (_("Ngày sinh"), 12, _birth_cell),
        (_("Giới tính"), 9, lambda c: sex(c.sex)),
        (_("Dân tộc"), 10, _ethnicity_name),
        (_("Số định danh cá nhân"), 16, lambda c: c.id_number or ""),
        (_("Nơi đăng ký khai sinh"), 20, lambda c: c.birth_registration_place),
        (_("Thôn"), 14, _village_name),
        (_("Địa chỉ"), 22, lambda c: c.address),
        (_("Chủ hộ"), 20, lambda c: c.household_head),
        (_("Họ tên cha"), 22, name_of("father")),
        (_("Năm sinh cha"), 8, year_of("father")),
        (_("Số định danh của cha"), 15, number_of("father")),
        (_("Họ tên mẹ"), 22, name_of("mother")),
        (_("Năm sinh mẹ"), 8, year_of("mother")),
        (_("Số định danh của mẹ"), 15, number_of("mother")),
        (_("Người giám hộ, chăm sóc"), 22, name_of("guardian")),
        (_("Số điện thoại"), 13, _phone),
        (
            _("Hộ nghèo, cận nghèo"),
            12,
            lambda c: poverty(c.poverty) if c.poverty != "none" else "",
        ),
        (_("Số thẻ BHYT"), 17, lambda c: c.health_insurance_number),
        (_("Tình trạng học tập"), 16, lambda c: schooling(c.schooling)),
        (_("Dạng khuyết tật"), 16, lambda c: c.disability_type),
        (_("Mức độ khuyết tật"), 14, lambda c: disability(c.disability_level)),
        (_("Hoàn cảnh đặc biệt"), 18, _group_letters),
        (_("Ghi chú"), 24, lambda c: c.notes),
    ]


_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="E8F0E8")
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TOP = Alignment(vertical="top")
_TOP_WRAP = Alignment(vertical="top", wrap_text=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _write_rows(ws: Any, rows: Iterable[list[Any]], start_row: int) -> int:
    r = start_row
    for values in rows:
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=safe_cell(value))
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
        r += 1
    return r


def _head(ws: Any, row: int, headers: list[tuple[str, int]]) -> None:
    for col, (text, width) in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font, cell.fill, cell.alignment, cell.border = _BOLD, _HEAD_FILL, _CENTER, _BOX
        ws.column_dimensions[get_column_letter(col)].width = width


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _wo_row(ws: Any, values: list[Any]) -> list[Any]:
    """A row for a write-only sheet: neutralised text, date cells in dd/mm/yyyy."""
    out: list[Any] = []
    for value in values:
        if isinstance(value, dt.date):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = DATE_FORMAT
            out.append(cell)
        else:
            out.append(safe_cell(value))
    return out


def _wo_head(ws: Any, headers: list[tuple[str, int]]) -> list[Any]:
    cells = []
    for col, (text, width) in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        cell = WriteOnlyCell(ws, value=text)
        cell.font, cell.fill, cell.alignment, cell.border = _BOLD, _HEAD_FILL, _CENTER, _BOX
        cells.append(cell)
    return cells


def child_list_workbook(qs: QuerySet[Child], *, title: str = "") -> bytes:
    """The filtered list: one row per child, the import template's columns (written in
    openpyxl's streaming mode: a commune's few thousand children in a second or two)."""
    columns = _list_columns()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Danh sách trẻ em"))
    headers = [(_("STT"), 6), *((h, w) for h, w, _g in columns)]
    head = _wo_head(ws, headers)
    ws.freeze_panes = "C5"
    title_cell = WriteOnlyCell(ws, value=safe_cell(title or _("DANH SÁCH TRẺ EM")))
    title_cell.font = Font(bold=True, size=13)
    ws.append([title_cell])
    ws.append([_("Xuất ngày %(d)s") % {"d": f"{dt.date.today():%d/%m/%Y}"}])
    ws.append([])
    ws.append(head)
    n = 0
    for n, c in enumerate(export_children(qs), start=1):
        ws.append(_wo_row(ws, [n, *(get(c) for _h, _w, get in columns)]))
    ws.auto_filter.ref = f"A4:{get_column_letter(len(headers))}{max(n + 4, 5)}"
    return _save(wb)


def template_workbook() -> bytes:
    """The import template: Vietnamese headers, two example rows, drop-down lists."""
    from treem.registry.importing.columns import TEMPLATE_COLUMNS

    wb = Workbook()
    ws = wb.active
    ws.title = _("Danh sách trẻ em")
    _head(ws, 1, [(str(c.header), c.width) for c in TEMPLATE_COLUMNS])
    examples: dict[str, list[Any]] = {
        "seq": [1, 2],
        "full_name": ["Nguyễn Văn An", "Trần Thị Bình"],
        "birth_date": [dt.date(2016, 3, 5), "2019"],
        "sex": ["Nam", "Nữ"],
        "ethnicity": ["Kinh", "Mường"],
        "id_number": ["036216000123", ""],
        "village": ["(tên thôn trong xã)", ""],
        "father_name": ["Nguyễn Văn Bình", ""],
        "father_birth_year": [1988, ""],
        "father_id_number": ["036088001234", ""],
        "mother_name": ["Lê Thị Cúc", "Trần Thị Hoa"],
        "mother_birth_year": [1990, 1995],
        "mother_id_number": ["036190004321", ""],
        "poverty": ["", "Hộ nghèo"],
        "schooling": ["Tiểu học", "Mẫu giáo"],
        "groups": ["", "a, d"],
    }
    for i in range(2):
        for col, c in enumerate(TEMPLATE_COLUMNS, start=1):
            value = examples.get(c.key, ["", ""])[i]
            cell = ws.cell(row=i + 2, column=col, value=value)
            cell.font = Font(italic=True, color="777777")
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
    keys = [c.key for c in TEMPLATE_COLUMNS]

    def validation(key: str, options: list[str]) -> None:
        letter = get_column_letter(keys.index(key) + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        dv.add(f"{letter}2:{letter}5000")
        ws.add_data_validation(dv)

    validation("sex", ["Nam", "Nữ"])
    validation("poverty", ["Hộ nghèo", "Cận nghèo"])
    validation("disability_level", ["Đặc biệt nặng", "Nặng", "Nhẹ"])
    ws.freeze_panes = "C2"
    help_ws = wb.create_sheet(_("Hướng dẫn"))
    notes = [
        _("Mỗi dòng một trẻ. Xóa hai dòng ví dụ (chữ nghiêng) trước khi nhập."),
        _("Bắt buộc: Họ và tên, Ngày sinh, Giới tính. Các cột khác có thể để trống."),
        _("Ngày sinh: ngày/tháng/năm (05/03/2016); chỉ biết tháng: 03/2016; chỉ biết năm: 2016."),
        _("Số định danh cá nhân: 12 chữ số; ghi dạng văn bản để không mất số 0 ở đầu."),
        _(
            "Số định danh của cha, mẹ (nếu có): được kiểm tra theo giới tính và năm sinh của "
            "cha, mẹ; cần ghi kèm họ tên. Có thể thêm cột “Số điện thoại của mẹ”, “Số định "
            "danh người giám hộ”..."
        ),
        _("Thôn: đúng tên thôn đã khai trong xã (không phân biệt dấu, hoa thường)."),
        _(
            "Hoàn cảnh đặc biệt: chữ cái theo Điều 10 Luật Trẻ em (a, b, c, d, đ, e, g, h, i, k, "
            "l, m, n, o), nhiều nhóm cách nhau bằng dấu phẩy."
        ),
        _(
            "Tình trạng học tập: Chưa đi học, Nhà trẻ, Mẫu giáo, Tiểu học, THCS, THPT, Không đi "
            "học, Bỏ học."
        ),
    ]
    for i, note in enumerate(notes, start=1):
        help_ws.cell(row=i, column=1, value=note)
    help_ws.column_dimensions["A"].width = 110
    return _save(wb)


def village_book_workbook(qs: QuerySet[Child], *, commune: Area, year: int | None = None) -> bytes:
    """ "Sổ theo dõi trẻ em": one sheet per village, laid out like the communes' Excel book
    (title block, two header rows with the date of birth under "Nam" or "Nữ", signatures)."""
    year = year or dt.date.today().year
    children = list(
        export_queryset(qs)
        .prefetch_related(
            Prefetch(
                "supports",
                queryset=Support.objects.filter(removed_at__isnull=True).order_by("-date"),
            )
        )
        .order_by("area__code", "name_sort", "id")
    )
    by_area: dict[int, list[Child]] = {}
    areas: dict[int, Area] = {}
    for c in children:
        by_area.setdefault(c.area_id, []).append(c)
        areas[c.area_id] = c.area
    wb = Workbook()
    wb.remove(wb.active)
    _add_book_styles(wb)
    if not by_area:
        ws = wb.create_sheet(_("Sổ theo dõi"))
        ws.cell(row=1, column=1, value=_("Không có trẻ em nào trong phạm vi đã chọn."))
        return _save(wb)
    order = sorted(areas.values(), key=lambda a: (a.level, a.code, a.name))
    used: set[str] = set()
    for area in order:
        name = area.name if area.pk != commune.pk else _("Chưa rõ thôn")
        title = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or "Sheet"
        while title in used:
            title = title[:26] + f"_{len(used)}"
        used.add(title)
        ws = wb.create_sheet(title)
        _village_sheet(ws, area=area, commune=commune, year=year, children=by_area[area.pk])
    return _save(wb)


_BOOK_HEAD = [
    ("STT", 5),
    ("Họ và tên trẻ em", 24),
    ("Ngày, tháng, năm sinh", 11),
    ("", 11),
    ("Dân tộc", 9),
    ("Số định danh cá nhân", 15),
    ("Họ tên cha, mẹ hoặc người chăm sóc", 28),
    ("Địa chỉ", 20),
    ("Hộ nghèo, cận nghèo", 10),
    ("Tình trạng học tập", 13),
    ("Hoàn cảnh đặc biệt (Điều 10)", 12),
    ("Trợ giúp đã nhận", 26),
    ("Ghi chú", 18),
]


# The book's cell styles, registered once per workbook: setting a border and an
# alignment on each of a commune's ~40,000 cells made openpyxl hash the style objects
# for each (1.2 s of a 3,300-children book); a named style is looked up by its name.
_BOOK_CELL, _BOOK_WRAP, _BOOK_DATE = "TreEm - sổ", "TreEm - sổ, xuống dòng", "TreEm - sổ, ngày"


def _add_book_styles(wb: Workbook) -> None:
    for name, alignment, number_format in (
        (_BOOK_CELL, _TOP, "General"),
        (_BOOK_WRAP, _TOP_WRAP, "General"),
        (_BOOK_DATE, _TOP, DATE_FORMAT),
    ):
        style = NamedStyle(name=name, border=_BOX, alignment=alignment)
        style.number_format = number_format
        wb.add_named_style(style)


def _village_sheet(ws: Any, *, area: Area, commune: Area, year: int, children: list[Child]) -> None:
    ncol = len(_BOOK_HEAD)
    last = get_column_letter(ncol)
    ws.cell(row=1, column=1, value=safe_cell(f"UBND {commune.full_name}".upper())).font = _BOLD
    ws.cell(row=1, column=8, value=_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")).font = _BOLD
    ws.cell(row=2, column=8, value=_("Độc lập - Tự do - Hạnh phúc"))
    ws.merge_cells(f"A4:{last}4")
    t = ws.cell(row=4, column=1, value=_("SỔ THEO DÕI TRẺ EM NĂM %(y)d") % {"y": year})
    t.font, t.alignment = Font(bold=True, size=14), _CENTER
    ws.merge_cells(f"A5:{last}5")
    place = area.full_name if area.pk != commune.pk else _("Trẻ em chưa xác định thôn")
    sub = ws.cell(row=5, column=1, value=safe_cell(f"{place} – {commune.full_name}"))
    sub.alignment = _CENTER
    head_row = 7
    for col, (text, width) in enumerate(_BOOK_HEAD, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        for r in (head_row, head_row + 1):
            cell = ws.cell(row=r, column=col)
            cell.font, cell.fill, cell.alignment, cell.border = _BOLD, _HEAD_FILL, _CENTER, _BOX
        if col == 3:
            continue
        if col == 4:
            continue
        ws.cell(row=head_row, column=col, value=_(text))
        ws.merge_cells(start_row=head_row, start_column=col, end_row=head_row + 1, end_column=col)
    ws.cell(row=head_row, column=3, value=_("Ngày, tháng, năm sinh"))
    ws.merge_cells(start_row=head_row, start_column=3, end_row=head_row, end_column=4)
    ws.cell(row=head_row + 1, column=3, value=_("Nam"))
    ws.cell(row=head_row + 1, column=4, value=_("Nữ"))
    ws.row_dimensions[head_row].height = 30
    r = head_row + 2
    for n, c in enumerate(children, start=1):
        parents = [
            f"{cg.get_relation_display()}: {cg.full_name}"
            + (f" ({cg.birth_year})" if cg.birth_year else "")
            for cg in c.caregivers.all()
        ]
        supports = [
            f"{s.date:%d/%m/%Y} {s.get_kind_display()}"
            + (f" {int(s.amount):,}đ".replace(",", ".") if s.amount else "")
            for s in list(c.supports.all())[:3]
        ]
        birth = _birth_cell(c)
        values = [
            n,
            c.full_name,
            birth if c.sex == "male" else "",
            birth if c.sex != "male" else "",
            c.ethnicity.name if c.ethnicity else "",
            c.id_number or "",
            "\n".join(parents),
            c.address,
            _label(Poverty.choices, c.poverty) if c.poverty != "none" else "",
            _label(Schooling.choices, c.schooling),
            _group_letters(c),
            "\n".join(supports),
            c.notes,
        ]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=safe_cell(value))
            if isinstance(value, dt.date):
                cell.style = _BOOK_DATE
            else:
                cell.style = _BOOK_WRAP if col in (7, 12, 13) else _BOOK_CELL
        r += 1
    r += 1
    ws.cell(row=r, column=2, value=_("Tổng số: %(n)d trẻ em") % {"n": len(children)}).font = _BOLD
    ws.cell(row=r + 2, column=2, value=_("Người lập sổ")).font = _BOLD
    ws.cell(row=r + 2, column=9, value=_("TM. UBND XÃ")).font = _BOLD
    ws.freeze_panes = ws.cell(row=head_row + 2, column=3)
    ws.print_title_rows = f"{head_row}:{head_row + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1


def quality_workbook(rows: Iterable[tuple[str, str, Child]], *, title: str = "") -> bytes:
    """Children to verify (Văn bản 2513/LĐTBXH-TTTT): one row per child and problem."""
    from treem.registry.models import id_number_problems

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Cần rà soát"))
    headers = [
        (_("STT"), 6),
        (_("Vấn đề"), 34),
        (_("Chi tiết"), 50),
        (_("Họ và tên"), 26),
        (_("Ngày sinh"), 12),
        (_("Giới tính"), 9),
        (_("Dân tộc"), 10),
        (_("Số định danh cá nhân"), 16),
        (_("Thôn"), 16),
        (_("Mã hồ sơ"), 10),
    ]
    head = _wo_head(ws, headers)
    ws.freeze_panes = "D4"
    title_cell = WriteOnlyCell(ws, value=safe_cell(title or _("DANH SÁCH TRẺ EM CẦN RÀ SOÁT")))
    title_cell.font = Font(bold=True, size=13)
    ws.append([title_cell])
    ws.append([])
    ws.append(head)
    for n, (key, label, c) in enumerate(rows, start=1):
        detail = ""
        if key == "bad_id":
            detail = " ".join(id_number_problems(c))
        elif key == "bad_carer_id":  # whose number, and why (`data_quality_list`)
            detail = "\n".join(
                f"{g.get_relation_display()} {g.full_name}: {g.id_number}. "
                + " ".join(g.id_number_problems())
                for g in getattr(c, "wrong_id_carers", [])
            )
        ws.append(
            _wo_row(
                ws,
                [
                    n,
                    label,
                    detail,
                    c.full_name,
                    _birth_cell(c),
                    _label(Sex.choices, c.sex),
                    c.ethnicity.name if c.ethnicity else "",
                    c.id_number or "",
                    c.area.name if c.area_id != c.commune_id else "",
                    c.pk,
                ],
            )
        )
    return _save(wb)
