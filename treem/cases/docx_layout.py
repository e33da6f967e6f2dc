"""Case forms (Mẫu 01–07) in the administrative layout; header, tables and the document
itself come from treem.core.docx_admin, shared with plans and reports.

Nghị định 30/2020/NĐ-CP style: A4, Times New Roman 13–14, margins 20–25 / 15–20 mm, the
two-column header (issuing body left; "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự
do - Hạnh phúc" right), place and date in italics, a bold centred title, and the signature
block on the right.

    doc = new_document()
    admin_header(doc, parent_body="UBND TỈNH NINH BÌNH", body="UBND XÃ NGHĨA HƯNG",
                 number="2026-007", place="Nghĩa Hưng", date=dt.date.today())
    title(doc, "QUYẾT ĐỊNH", "Phê duyệt kế hoạch ...")
    field_table(doc, [("Họ và tên trẻ", "Nguyễn Văn An"), ...])
    signature(doc, role="CHỦ TỊCH", name="Phạm Văn Quang")
    data = to_bytes(doc)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from treem.core import docx_admin as dx

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
SMALL_SIZE = Pt(13)


def new_document() -> Any:
    """The shared A4 / Times New Roman 14 document (treem.core.docx_admin)."""
    doc = dx.new_document()
    doc.styles["Normal"].paragraph_format.space_after = Pt(3)
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


def admin_header(
    doc: Any,
    *,
    body: str,
    parent_body: str = "",
    number: str = "",
    number_label: str = "Số hồ sơ",
    place: str = "",
    date: dt.date | None = None,
) -> None:
    """The two-column header of treem.core.docx_admin (issuing body, number; national
    name, motto, place and date)."""
    dx.add_header(
        doc,
        dx.AdminHeader(
            issuer_lines=[line.upper() for line in (parent_body, body) if line],
            symbol="",
            number=number,
            number_label=number_label,
            place=place,
            date=date,
        ),
    )


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
    return dx.add_grid(doc, headers, [list(map(str, r)) for r in rows], size=13)


def signature(
    doc: Any, *, role: str, name: str = "", left_role: str = "", left_name: str = ""
) -> None:
    """Signature block: the signer on the right (optionally a second one on the left)."""
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    dx.no_borders(table)
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


to_bytes = dx.to_bytes


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
