"""Vietnamese administrative documents in Word (Nghị định 30/2020/NĐ-CP, Phụ lục I).

Shared by plans and reports (cases has its own form layout in cases/docx_layout.py, to be
merged here): an A4 document in Times New Roman
with the prescribed margins, the two-column header (issuing body / national
motto, number and symbol, place and date), the title, numbered body
paragraphs, and the recipients and signature blocks.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_PT = 14
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass
class AdminHeader:
    """What the top of an administrative document says.

    ``issuer_lines``: the issuing body, upper case, the governing body first
    (e.g. ["ỦY BAN NHÂN DÂN", "XÃ NGHĨA HƯNG"]). ``number``: "45/KH-UBND", or ""
    to leave the number blank for the clerk ("Số:      /KH-UBND"). ``place``: the
    place name of the date line; ``date``: None leaves day and month blank.
    """

    issuer_lines: list[str]
    symbol: str  # "KH-UBND"
    number: str = ""
    place: str = ""
    date: dt.date | None = None
    year: int | None = None
    number_label: str = "Số"  # "Số hồ sơ" on case forms


@dataclass
class Signature:
    authority: str = "TM. ỦY BAN NHÂN DÂN"  # "TM. ..." on behalf of a collective body
    deputy_prefix: str = ""  # "KT. CHỦ TỊCH" when a deputy signs
    title: str = "CHỦ TỊCH"
    name: str = ""


@dataclass
class Recipients:
    items: list[str] = field(default_factory=lambda: ["Lưu: VT."])


def new_document() -> DocumentObject:
    """An empty A4 document: margins top/bottom 20 mm, left 30 mm, right 15 mm; 14 pt."""
    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = Mm(20)
        section.bottom_margin = Mm(20)
        section.left_margin = Mm(30)
        section.right_margin = Mm(15)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    pf = style.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(6)
    pf.line_spacing = 1.15
    return doc


def _run(
    p: Paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None
) -> None:
    # Only set what differs from the Normal style (Times New Roman 14): each property
    # written is an XML element, and long plans have thousands of runs.
    run = p.add_run(text)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if size and size != BODY_PT:
        run.font.size = Pt(size)


def _new_paragraph(doc: DocumentObject) -> Paragraph:
    """Append a paragraph before the section properties in O(1).

    python-docx's ``add_paragraph`` scans the body for ``w:sectPr`` on every call,
    which makes a 400-task plan quadratic.
    """
    body = doc.element.body
    p = OxmlElement("w:p")
    # sectPr is always the body's last child in a document python-docx created.
    sect = body[-1] if len(body) and body[-1].tag == qn("w:sectPr") else None
    if sect is not None:
        sect.addprevious(p)
    else:
        body.append(p)
    return Paragraph(p, doc._body)


def _cell_paragraph(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = 13,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    first: bool = False,
) -> Paragraph:
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.first_line_indent = None
    _run(p, text, bold=bold, italic=italic, size=size)
    return p


def no_borders(table: object) -> None:
    tbl = table._tbl  # type: ignore[attr-defined]
    tbl_pr = tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _underline_rule(p: Paragraph) -> None:
    """The short horizontal rule under the issuing body and the motto."""
    p_pr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    border.append(bottom)
    p_pr.append(border)


def date_line(place: str, date: dt.date | None, year: int | None = None) -> str:
    """ "Nghĩa Hưng, ngày 12 tháng 8 năm 2025" (day and month left blank when unknown)."""
    if date is None:
        y = year or dt.date.today().year
        return f"{place}, ngày      tháng      năm {y}"
    day = f"{date.day:02d}" if date.day < 10 else str(date.day)
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"{place}, ngày {day} tháng {month} năm {date.year}"


def number_line(number: str, symbol: str, label: str = "Số") -> str:
    return f"{label}: {number}" if number else f"{label}:      /{symbol}"


def add_header(doc: DocumentObject, header: AdminHeader) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10)
    lines = header.issuer_lines or [""]
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        p = _cell_paragraph(left, line, bold=last, size=13, first=i == 0)
        if last:
            _underline_rule(p)
    _cell_paragraph(left, number_line(header.number, header.symbol, header.number_label), size=13)
    _cell_paragraph(right, NATIONAL_NAME, bold=True, size=12, first=True)
    motto = _cell_paragraph(right, MOTTO, bold=True, size=13)
    _underline_rule(motto)
    _cell_paragraph(right, date_line(header.place, header.date, header.year), italic=True, size=13)


def add_title(doc: DocumentObject, kind: str, subject: str) -> None:
    p = _new_paragraph(doc)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(18)
    p.paragraph_format.space_after = Pt(0)
    _run(p, kind.upper(), bold=True, size=14)
    s = _new_paragraph(doc)
    s.alignment = WD_ALIGN_PARAGRAPH.CENTER
    s.paragraph_format.space_after = Pt(12)
    _run(s, subject, bold=True, size=14)


def add_heading(doc: DocumentObject, text: str, *, level: int = 1) -> Paragraph:
    """A numbered section heading: level 1 "I. MỤC ĐÍCH" bold; level 2 "1. Mục đích" bold."""
    p = _new_paragraph(doc)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = Cm(1)
    p.paragraph_format.space_before = Pt(6)
    _run(p, text, bold=level <= 2, italic=level == 3)
    return p


def add_body(doc: DocumentObject, text: str, *, italic: bool = False) -> Paragraph:
    """A justified body paragraph with a 1 cm first-line indent."""
    p = _new_paragraph(doc)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = Cm(1)
    _run(p, text, italic=italic)
    return p


def add_closing(doc: DocumentObject, recipients: Recipients, signature: Signature) -> None:
    """The recipients block (left, 12/11 pt) beside the signature block (right)."""
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(8), Cm(8.5)
    _cell_paragraph(
        left,
        "Nơi nhận:",
        bold=True,
        italic=True,
        size=12,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        first=True,
    )
    for item in recipients.items:
        _cell_paragraph(left, f"- {item}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_paragraph(right, signature.authority, bold=True, size=14, first=True)
    if signature.deputy_prefix:
        _cell_paragraph(right, signature.deputy_prefix, bold=True, size=14)
    _cell_paragraph(right, signature.title, bold=True, size=14)
    for _ in range(3):
        _cell_paragraph(right, "", size=14)
    if signature.name:
        _cell_paragraph(right, signature.name, bold=True, size=14)


def add_grid(
    doc: DocumentObject,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths_cm: Sequence[float] = (),
    left_columns: Sequence[int] = (),
    size: float = 12,
) -> object:
    """A bordered table: bold centred headers, then the rows (columns in `left_columns`
    aligned left, the others centred)."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_paragraph(cell, str(text), bold=True, size=size, first=True)
    for values in rows:
        cells = table.add_row().cells
        for j, (cell, text) in enumerate(zip(cells, values, strict=True)):
            align = WD_ALIGN_PARAGRAPH.LEFT if j in left_columns else WD_ALIGN_PARAGRAPH.CENTER
            _cell_paragraph(cell, str(text), size=size, align=align, first=True)
    if widths_cm:
        # Word reads the cells' widths, LibreOffice the table grid's: set both
        table.autofit = False
        for column, width in zip(table.columns, widths_cm, strict=True):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_cm, strict=True):
                cell.width = Cm(width)
    return table


def to_bytes(doc: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def issuer_lines_for(governing: str, level_word: str, area_name: str) -> list[str]:
    """["ỦY BAN NHÂN DÂN", "XÃ NGHĨA HƯNG"]."""
    return [governing.upper(), f"{level_word} {area_name}".strip().upper()]


def split_signer_title(title: str) -> tuple[str, str]:
    """ "PHÓ CHỦ TỊCH" is signed "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"; "CHỦ TỊCH" directly."""
    t = (title or "CHỦ TỊCH").upper().strip()
    if t.startswith("PHÓ "):
        return "KT. " + t[4:], t
    return "", t


__all__: Sequence[str] = [
    "AdminHeader",
    "Recipients",
    "Signature",
    "add_body",
    "add_closing",
    "add_grid",
    "add_header",
    "add_heading",
    "add_title",
    "date_line",
    "issuer_lines_for",
    "new_document",
    "number_line",
    "split_signer_title",
    "to_bytes",
]
