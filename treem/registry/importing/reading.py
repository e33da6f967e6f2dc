"""Read a spreadsheet (xlsx, xlsm, xls, ods with python-calamine; csv in any of the
encodings Vietnamese offices produce) into rows of cell values."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}


class ReadError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    rows: list[list[Any]]
    row_offset: int  # the spreadsheet row number of rows[0] is row_offset + 1
    sheet: str


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Windows Vietnamese (cp1258, with combining tone marks: NFC later composes them)
    try:
        return data.decode("cp1258")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv(data: bytes) -> Table:
    text = _decode(data)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    return Table(rows=rows, row_offset=0, sheet="")


def read_workbook(data: bytes) -> Table:
    from python_calamine import CalamineError, load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data))
    except (CalamineError, Exception) as exc:  # calamine raises several error types
        raise ReadError(
            _("Không đọc được tệp bảng tính (tệp hỏng, có mật khẩu hoặc không phải Excel): %(e)s")
            % {"e": exc}
        ) from exc
    best: Table | None = None
    # The registry sheet is the first sheet with a recognisable header; fall back to sheet 1.
    from treem.registry.importing.columns import find_header

    for index, name in enumerate(workbook.sheet_names):
        sheet = workbook.get_sheet_by_index(index)
        # a list of lists already: used as it is (a copy took a quarter of a second per
        # 100,000 rows)
        rows = sheet.to_python(skip_empty_area=False)
        table = Table(rows=rows, row_offset=0, sheet=name)
        if find_header(table.rows) is not None:
            return table
        if best is None:
            best = table
    if best is None:
        raise ReadError(_("Tệp không có trang tính nào."))
    return best


def read_table(file: Any, name: str | None = None) -> Table:
    """Rows of the file's registry sheet. `file` is a path, bytes, or a file object."""
    if isinstance(file, str | Path):
        path = Path(file)
        name = name or path.name
        data = path.read_bytes()
    elif isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        stream: IO[bytes] = file
        if hasattr(stream, "seek"):
            stream.seek(0)
        data = stream.read()
        name = name or getattr(file, "name", "") or ""
    suffix = Path(name or "").suffix.lower()
    if not data:
        raise ReadError(_("Tệp rỗng."))
    if suffix in CSV_SUFFIXES:
        return read_csv(data)
    if suffix in WORKBOOK_SUFFIXES or data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        return read_workbook(data)
    raise ReadError(
        _("Định dạng tệp “%(name)s” không được hỗ trợ: dùng Excel (.xlsx, .xls), .ods hoặc .csv.")
        % {"name": name or "?"}
    )
