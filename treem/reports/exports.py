"""Exports: the report as .docx in the Vietnamese administrative layout, tables as .xlsx.

Layout follows Nghị định 30/2020/NĐ-CP (Phụ lục I): the issuing body and number on the
left, the national motto on the right, place and date in italics, the title centred,
the body in Times New Roman 13–14, then "Nơi nhận:" on the left and the signature on
the right.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from treem.reports.models import IndicatorUnit, Report
from treem.reports.periods import Period, parse_period

FONT = "Times New Roman"


def fmt(value: Decimal | None, unit: str = IndicatorUnit.NUMBER) -> str:
    """Vietnamese number format: 1.234 and 12,5 (missing is a dash, zero is 0)."""
    if value is None:
        return "–"
    if unit == IndicatorUnit.PERCENT:
        text = f"{value:.1f}".replace(".", ",")
        return f"{text}%"
    if value == value.to_integral_value():
        return f"{int(value):,}".replace(",", ".")
    return f"{value}".replace(".", ",")


def _cell_value(cell: Any, unit: str) -> str:
    return fmt(cell.value if cell is not None else None, unit)


def _target_text(target: Any) -> str:
    if target is None or target.value is None:
        return ""
    unit = target.unit or ""
    return f"{fmt(target.value)}{unit if unit == '%' else ' ' + unit}".strip()


def _para(
    doc: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: int = 14,
    align: Any = None,
    space_after: int = 4,
    indent: bool = False,
) -> Any:
    p = doc.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold = bold
        run.italic = italic
        run.font.size = Pt(size)
        run.font.name = FONT
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    return p


def _cell_text(
    cell: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: int = 13,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    new: bool = False,
) -> None:
    p = cell.add_paragraph() if new else cell.paragraphs[0]
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    run.font.name = FONT
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)


def _no_borders(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def issuing_body(report: Report) -> tuple[str, str]:
    """("UBND TỈNH NINH BÌNH", "UBND XÃ NGHĨA HƯNG"): the body above and the issuing body."""
    area = report.area
    parent = area.parent
    above = f"UBND {parent.full_name}".upper() if parent is not None else ""
    return above, f"ỦY BAN NHÂN DÂN {area.full_name}".upper()


def report_docx(
    *, report: Report, table: list[Any], units: list[Any], progress: list[Any]
) -> bytes:
    p: Period = parse_period(report.period)
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)

    above, body = issuing_body(report)
    header = doc.add_table(rows=1, cols=2)
    _no_borders(header)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    if above:
        _cell_text(left, above, size=13)
        _cell_text(left, body, bold=True, size=13, new=True)
    else:
        _cell_text(left, body, bold=True, size=13)
    _cell_text(left, "———", size=11, new=True)
    number = report.number or "     /BC-UBND"
    _cell_text(left, _("Số: %(number)s") % {"number": number}, size=13, new=True)
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13)
    _cell_text(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14, new=True)
    _cell_text(right, "———————————", size=11, new=True)
    day = timezone.localdate(report.submitted_at) if report.submitted_at else timezone.localdate()
    place = report.place or report.area.name
    _cell_text(
        right,
        _("%(place)s, ngày %(d)02d tháng %(m)02d năm %(y)d")
        % {"place": place, "d": day.day, "m": day.month, "y": day.year},
        italic=True,
        size=14,
        new=True,
    )

    _para(doc, "", space_after=6)
    _para(doc, _("BÁO CÁO"), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _para(
        doc,
        _("Kết quả thực hiện công tác trẻ em %(period)s") % {"period": p.label.lower()},
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=12,
    )

    _para(doc, _("I. KẾT QUẢ ĐẠT ĐƯỢC"), bold=True)
    _para(doc, _("1. Số liệu các chỉ tiêu thống kê"), bold=True)
    t = doc.add_table(rows=1, cols=6)
    t.style = "Table Grid"
    heads = [
        _("TT"),
        _("Chỉ tiêu"),
        _("Đơn vị tính"),
        _("Kỳ báo cáo"),
        _("Cùng kỳ năm trước"),
        _("Chỉ tiêu kế hoạch"),
    ]
    for cell, text in zip(t.rows[0].cells, heads, strict=True):
        _cell_text(cell, str(text), bold=True, size=12)
    for i, row in enumerate(table, start=1):
        ind = row.indicator
        cells = t.add_row().cells
        unit_label = "%" if ind.unit == IndicatorUnit.PERCENT else _("Trẻ em")
        if ind.slug == "abuse_cases":
            unit_label = _("Vụ")
        values = [
            str(i),
            ind.name,
            str(unit_label),
            _cell_value(row.value, ind.unit),
            _cell_value(row.previous, ind.unit),
            _target_text(row.target),
        ]
        for j, (cell, text) in enumerate(zip(cells, values, strict=True)):
            _cell_text(
                cell,
                text,
                size=12,
                align=WD_ALIGN_PARAGRAPH.LEFT if j == 1 else WD_ALIGN_PARAGRAPH.CENTER,
            )
    widths = [Cm(1), Cm(7), Cm(2), Cm(2.2), Cm(2.2), Cm(2)]
    for r in t.rows:
        for cell, w in zip(r.cells, widths, strict=True):
            cell.width = w

    _para(doc, "", space_after=4)
    _para(doc, _("2. Kết quả thực hiện nhiệm vụ"), bold=True)
    for line in (report.narrative_results or "").splitlines():
        if line.strip():
            _para(doc, line.strip(), indent=True)
    submitted_units = [(a, u) for a, u in units if u is not None and u.narrative]
    if submitted_units or progress:
        _para(doc, _("3. Kết quả thực hiện của các đơn vị"), bold=True)
        for agency, part in submitted_units:
            _para(doc, f"- {agency.name}: {part.narrative}", indent=True)
        for entry in progress:
            who = entry.agency.name if entry.agency else ""
            _para(
                doc,
                f"- {entry.task.title} ({who}): {entry.get_status_display()}"
                + (f". {entry.narrative}" if entry.narrative else ""),
                indent=True,
            )
    _para(doc, _("II. HẠN CHẾ, NGUYÊN NHÂN"), bold=True)
    for line in (report.narrative_limits or "").splitlines():
        if line.strip():
            _para(doc, line.strip(), indent=True)
    _para(doc, _("III. ĐỀ XUẤT, KIẾN NGHỊ"), bold=True)
    for line in (report.narrative_proposals or "").splitlines():
        if line.strip():
            _para(doc, line.strip(), indent=True)
    _para(
        doc,
        _("Trên đây là báo cáo kết quả thực hiện công tác trẻ em %(period)s của %(area)s./.")
        % {"period": p.label.lower(), "area": report.area.full_name},
        indent=True,
    )

    sign = doc.add_table(rows=1, cols=2)
    _no_borders(sign)
    left, right = sign.rows[0].cells
    _cell_text(left, _("Nơi nhận:"), bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in (report.recipients or "").splitlines():
        if line.strip():
            _cell_text(left, line.strip(), size=11, align=WD_ALIGN_PARAGRAPH.LEFT, new=True)
    _cell_text(right, _("TM. ỦY BAN NHÂN DÂN"), bold=True, size=13)
    _cell_text(right, (report.signer_title or _("CHỦ TỊCH")).upper(), bold=True, size=13, new=True)
    _cell_text(right, _("(Ký, ghi rõ họ tên, đóng dấu)"), italic=True, size=12, new=True)
    for _i in range(3):
        _cell_text(right, "", size=13, new=True)
    _cell_text(right, report.signer_name or "", bold=True, size=14, new=True)

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def table_xlsx(*, area: Any, period: Period, table: list[Any]) -> bytes:
    """The indicator table with its breakdowns, one row per indicator and disaggregation."""
    wb = Workbook()
    ws = wb.active
    ws.title = period.code
    ws.append(
        [
            _("Số liệu chỉ tiêu %(period)s · %(area)s")
            % {"period": period.label, "area": area.full_name}
        ]
    )
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    heads = [
        _("Mã chỉ tiêu"),
        _("Mã TT13"),
        _("Chỉ tiêu"),
        _("Phân tổ"),
        _("Đơn vị tính"),
        _("Kỳ báo cáo"),
        _("Cùng kỳ năm trước"),
        _("Chỉ tiêu kế hoạch"),
    ]
    ws.append([str(h) for h in heads])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")

    def num(cell: Any) -> Any:
        return float(cell.value) if cell is not None and cell.value is not None else None

    for row in table:
        ind = row.indicator
        unit = "%" if ind.unit == IndicatorUnit.PERCENT else _("số lượng")
        ws.append(
            [
                ind.slug,
                ind.code,
                ind.name,
                str(_("Tổng số")),
                str(unit),
                num(row.value),
                num(row.previous),
                float(row.target.value)
                if row.target is not None and row.target.value is not None
                else None,
            ]
        )
        for _key, label, cell in row.breakdown:
            ws.append([ind.slug, ind.code, "", label, str(unit), num(cell), None, None])
    for col, width in zip("ABCDEFGH", (30, 10, 55, 35, 12, 12, 14, 14), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
