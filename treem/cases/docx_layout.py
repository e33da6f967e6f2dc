"""Vietnamese administrative document layout for python-docx (reusable by plans, reports).

Nghị định 30/2020/NĐ-CP style: A4, Times New Roman 13–14, margins 20–25 / 15–20 mm, the
two-column header (issuing body left; "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự
do - Hạnh phúc" right), place and date in italics, a bold centred title, and the signature
block on the right.

    doc = new_document()
    admin_header(doc, parent_body="UBND TỈNH NINH BÌNH", body="UBND XÃ NGHĨA HƯNG",
                 number="Số: 12/QĐ-UBND", place="Nghĩa Hưng", date=dt.date.today())
    title(doc, "QUYẾT ĐỊNH", "Phê duyệt kế hoạch ...")
    field_table(doc, [("Họ và tên trẻ", "Nguyễn Văn An"), ...])
    signature(doc, role="CHỦ TỊCH", name="Phạm Văn Quang")
    data = to_bytes(doc)
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
SMALL_SIZE = Pt(13)


def new_document() -> Any:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(20)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = BODY_SIZE
    # East-Asian font slot too, so Word does not substitute for Vietnamese text
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(3)
    return doc


def _run(
    paragraph: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: Any = None,
    underline: bool = False,
) -> Any:
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.name = FONT
    run.font.size = size or BODY_SIZE
    return run


def _no_borders(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _centered(cell: Any, lines: Sequence[tuple[str, dict[str, Any]]]) -> None:
    cell.paragraphs[0].text = ""
    for i, (text, fmt) in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        _run(
            p,
            text,
            size=fmt.get("size", SMALL_SIZE),
            bold=fmt.get("bold", False),
            italic=fmt.get("italic", False),
            underline=fmt.get("underline", False),
        )


def vn_date(day: dt.date) -> str:
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def admin_header(
    doc: Any,
    *,
    body: str,
    parent_body: str = "",
    number: str = "",
    place: str = "",
    date: dt.date | None = None,
) -> None:
    """The two-column header, then "place, ngày ... tháng ... năm ..." in italics."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(70), Mm(95)
    left_lines: list[tuple[str, dict[str, Any]]] = []
    if parent_body:
        left_lines.append((parent_body.upper(), {}))
    left_lines.append((body.upper(), {"bold": True}))
    left_lines.append(("———", {"bold": True}))
    if number:
        left_lines.append((number, {}))
    _centered(left, left_lines)
    _centered(
        right,
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {"bold": True}),
            ("Độc lập - Tự do - Hạnh phúc", {"bold": True, "size": BODY_SIZE}),
            ("———————————", {"bold": True}),
        ],
    )
    if place or date:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        text = ", ".join(x for x in (place, vn_date(date) if date else "") if x)
        _run(p, text, italic=True)


def title(doc: Any, heading: str, subtitle: str = "", form_name: str = "") -> None:
    if form_name:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(p, form_name, italic=True, size=SMALL_SIZE)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(12)
    _run(p, heading.upper(), bold=True)
    if subtitle:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, subtitle, bold=True)


def heading(doc: Any, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(6)
    _run(p, text, bold=True)


def paragraph(doc: Any, text: str, *, label: str = "") -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if label:
        _run(p, f"{label}: ", bold=True)
    _run(p, text or "")


def field_table(doc: Any, rows: Iterable[tuple[str, str]]) -> None:
    """Label/value lines ("Họ và tên trẻ: ...") as a borderless two-column table."""
    for label, value in rows:
        paragraph(doc, value or "…………………………", label=label)


def grid(doc: Any, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> Any:
    """A bordered table (plan items ...)."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].text = ""
        _run(cell.paragraphs[0], text, bold=True, size=SMALL_SIZE)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.paragraphs[0].text = ""
            _run(cell.paragraphs[0], str(text), size=SMALL_SIZE)
    return table


def signature(
    doc: Any, *, role: str, name: str = "", left_role: str = "", left_name: str = ""
) -> None:
    """Signature block: the signer on the right (optionally a second one on the left)."""
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    if left_role:
        _centered(
            left,
            [
                (left_role.upper(), {"bold": True, "size": BODY_SIZE}),
                ("(Ký, ghi rõ họ tên)", {"italic": True}),
                ("", {}),
                ("", {}),
                (left_name, {"bold": True, "size": BODY_SIZE}),
            ],
        )
    _centered(
        right,
        [
            (role.upper(), {"bold": True, "size": BODY_SIZE}),
            ("(Ký, ghi rõ họ tên)", {"italic": True}),
            ("", {}),
            ("", {}),
            (name, {"bold": True, "size": BODY_SIZE}),
        ],
    )


def to_bytes(doc: Any) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
