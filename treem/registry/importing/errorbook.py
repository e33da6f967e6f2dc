"""The error workbook of a "valid rows only" import: the header of the user's file, every
row that was not imported as it was, and what to fix. Re-importable once fixed (the two
extra columns are ignored on import)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from treem.registry.exporting import safe_cell
from treem.registry.importing.service import ImportResult


def error_workbook(result: ImportResult) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Dòng cần sửa")[:31]
    header = [_("Dòng trong tệp gốc"), *(safe_cell(c) for c in result.header_cells)]
    header.append(_("Lỗi cần sửa"))
    ws.append(header)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    red = PatternFill("solid", fgColor="FDE2E1")
    width = len(result.header_cells)
    for row_number, cells, messages in result.failed:
        values: list[Any] = [row_number]
        for i in range(width):
            value = cells[i] if i < len(cells) else ""
            values.append(safe_cell(value))
        values.append("\n".join(messages))
        ws.append(values)
        last = ws.cell(row=ws.max_row, column=len(values))
        last.fill = red
        last.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions[ws.cell(row=1, column=width + 2).column_letter].width = 60
    ws.freeze_panes = "B2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
