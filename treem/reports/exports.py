"""Exports: the report as .docx in the Vietnamese administrative layout, tables as .xlsx.

Layout follows Nghị định 30/2020/NĐ-CP (Phụ lục I): the issuing body and number on the
left, the national motto on the right, place and date in italics, the title centred,
the body in Times New Roman 13–14, then "Nơi nhận:" on the left and the signature on
the right.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from treem.core import docx_admin as dx
from treem.reports.formatting import fmt, target_text
from treem.reports.models import IndicatorUnit, Report
from treem.reports.periods import Period, parse_period


def _cell_value(cell: Any, unit: str) -> str:
    return fmt(cell.value if cell is not None else None, unit)


def issuing_body(report: Report) -> tuple[str, str]:
    """("UBND TỈNH NINH BÌNH", "ỦY BAN NHÂN DÂN XÃ NGHĨA HƯNG"): the body above and the issuer."""
    area = report.area
    parent = area.parent
    above = f"UBND {parent.full_name}".upper() if parent is not None else ""
    return above, f"ỦY BAN NHÂN DÂN {area.full_name}".upper()


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def report_docx(
    *,
    report: Report,
    table: list[Any],
    units: list[Any],
    progress: list[Any],
    as_of: Any = None,
) -> bytes:
    """The report in the administrative layout (treem.core.docx_admin, as plans use)."""
    p: Period = parse_period(report.period)
    doc = dx.new_document()
    above, body = issuing_body(report)
    day = timezone.localdate(report.submitted_at) if report.submitted_at else timezone.localdate()
    dx.add_header(
        doc,
        dx.AdminHeader(
            issuer_lines=[line for line in (above, body) if line],
            symbol="BC-UBND",
            number=report.number or "",
            place=report.place or report.area.name,
            date=day,
        ),
    )
    dx.add_title(
        doc,
        _("Báo cáo"),
        _("Kết quả thực hiện công tác trẻ em %(period)s") % {"period": p.label.lower()},
    )

    dx.add_heading(doc, _("I. KẾT QUẢ ĐẠT ĐƯỢC"))
    dx.add_heading(doc, _("1. Số liệu các chỉ tiêu thống kê"), level=2)
    if as_of is not None:  # the figures were counted before the period's end
        dx.add_body(doc, _as_of_text(as_of), italic=True)
    rows = []
    for i, row in enumerate(table, start=1):
        ind = row.indicator
        unit_label = "%" if ind.unit == IndicatorUnit.PERCENT else _("Trẻ em")
        if ind.slug == "abuse_cases":
            unit_label = _("Vụ")
        rows.append(
            [
                str(i),
                ind.display_name(),
                str(unit_label),
                _cell_value(row.value, ind.unit),
                _cell_value(row.previous, ind.unit),
                target_text(row.target),
            ]
        )
    dx.add_grid(
        doc,
        [
            _("TT"),
            pgettext("statistics", "Chỉ tiêu"),
            _("Đơn vị tính"),
            _("Kỳ báo cáo"),
            _("Cùng kỳ năm trước"),
            _("Chỉ tiêu kế hoạch"),
        ],
        rows,
        widths_cm=(1, 7, 2, 2.2, 2.2, 2),
        left_columns=(1,),
    )

    dx.add_heading(doc, _("2. Kết quả thực hiện nhiệm vụ"), level=2)
    for line in _lines(report.narrative_results):
        dx.add_body(doc, line)
    submitted_units = [(a, u) for a, u in units if u is not None and u.narrative]
    if submitted_units or progress:
        dx.add_heading(doc, _("3. Kết quả thực hiện của các đơn vị"), level=2)
        for agency, part in submitted_units:
            dx.add_body(doc, f"- {agency.name}: {part.narrative}")
        for entry in progress:
            dx.add_body(
                doc,
                f"- {entry.task.title} ({entry.reported_by()}): {entry.get_status_display()}"
                + (f". {entry.narrative}" if entry.narrative else ""),
            )
    dx.add_heading(doc, _("II. HẠN CHẾ, NGUYÊN NHÂN"))
    for line in _lines(report.narrative_limits):
        dx.add_body(doc, line)
    dx.add_heading(doc, _("III. ĐỀ XUẤT, KIẾN NGHỊ"))
    for line in _lines(report.narrative_proposals):
        dx.add_body(doc, line)
    dx.add_body(
        doc,
        _("Trên đây là báo cáo kết quả thực hiện công tác trẻ em %(period)s của %(area)s./.")
        % {"period": p.label.lower(), "area": report.area.full_name},
    )
    deputy, title = dx.split_signer_title(report.signer_title or "CHỦ TỊCH")
    dx.add_closing(
        doc,
        dx.Recipients(items=[line.lstrip("-+ ").strip() for line in _lines(report.recipients)]),
        dx.Signature(
            authority="TM. ỦY BAN NHÂN DÂN",
            deputy_prefix=deputy,
            title=title,
            name=report.signer_name or "",
        ),
    )
    return dx.to_bytes(doc)


def _as_of_text(day: Any) -> str:
    return _("(Số liệu tính đến ngày %(day)s)") % {"day": day.strftime("%d/%m/%Y")}


def table_xlsx(*, area: Any, period: Period, table: list[Any], as_of: Any = None) -> bytes:
    """The indicator table with its breakdowns, one row per indicator and disaggregation;
    under the title, the day the figures were counted to when it is before the period's
    end."""
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
    ws.append([_as_of_text(as_of)] if as_of is not None else [])
    heads = [
        _("Mã chỉ tiêu"),
        _("Mã TT13"),
        pgettext("statistics", "Chỉ tiêu"),
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
                ind.display_name(),
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
