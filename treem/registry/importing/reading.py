"""Read a spreadsheet (xlsx, xlsm, xls, ods with python-calamine; csv in any of the
encodings Vietnamese offices produce) into rows of cell values.

An xlsx or xlsm workbook is read row by row (python-calamine-plus, the same reader with
streaming): its first rows are read at once (the header is among them), the rest as
the import asks for them (`Table.more`), so that checking and writing the first rows
start while the last are still in the file, and the sheet is never held whole. Other
formats are read whole."""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
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
    # a streamed sheet: the rows after `rows`, read from the file as they are asked for
    more: Iterator[list[Any]] | None = None
    # a streamed sheet: how many rows the workbook says the sheet has (its <dimension>),
    # for the progress bar; None when it does not say
    declared_rows: int | None = None


# The rows of a streamed sheet read before its header is looked for: `find_header`
# looks at the first 30 and at the row under the header.
HEAD_ROWS = 32


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


def _unreadable(exc: BaseException) -> ReadError:
    return ReadError(
        _("Không đọc được tệp bảng tính (tệp hỏng, có mật khẩu hoặc không phải Excel): %(e)s")
        % {"e": exc}
    )


def read_workbook(data: bytes) -> Table:
    if data[:4] == b"PK\x03\x04":
        streamed = stream_workbook(data)
        if streamed is not None:
            return streamed
    from python_calamine import CalamineError, load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data))
    except (CalamineError, Exception) as exc:  # calamine raises several error types
        raise _unreadable(exc) from exc
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


def stream_workbook(data: bytes) -> Table | None:
    """An xlsx or xlsm workbook's registry sheet (the first with a recognisable header,
    else sheet 1), its first `HEAD_ROWS` rows read and the rest streamed; None when the
    file is not one the streaming reader reads (xlsb, say: then it is read whole)."""
    from python_calamine_plus import StreamingNotSupported
    from python_calamine_plus import load_workbook as load_streamed

    from treem.registry.importing.columns import find_header

    try:
        workbook = load_streamed(io.BytesIO(data))
        names = list(workbook.sheet_names)
    except StreamingNotSupported:
        return None
    except Exception as exc:  # calamine raises several error types
        raise _unreadable(exc) from exc
    first: Table | None = None
    declared = declared_rows(data)
    for index, name in enumerate(names):
        try:
            # a workbook streams one sheet at a time: this one ends the one before
            stream = workbook.stream_sheet_by_index(index)
            head: list[list[Any]] = list(itertools.islice(stream, HEAD_ROWS))
        except StreamingNotSupported:
            return None
        except Exception as exc:
            raise _unreadable(exc) from exc
        if find_header(head) is not None:
            more = _rows_or_read_error(stream) if len(head) == HEAD_ROWS else None
            return Table(
                rows=head, row_offset=0, sheet=name, more=more, declared_rows=declared.get(index)
            )
        if first is None:
            first = Table(rows=head, row_offset=0, sheet=name)
    if first is None:
        raise ReadError(_("Tệp không có trang tính nào."))
    return first  # no header: the import says so, from the first sheet's first rows


def _rows_or_read_error(stream: Iterator[list[Any]]) -> Iterator[list[Any]]:
    """The streamed rows; a part of the file that cannot be read (a damaged zip entry,
    say) stops the import with the same message as a file that cannot be opened."""
    try:
        yield from stream
    except Exception as exc:
        raise _unreadable(exc) from exc


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+(?::[A-Z]+(\d+))?\"")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\s[^>]*>")
_RELATION = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")
_ATTRIBUTE = re.compile(rb"([\w:]+)=\"([^\"]*)\"")


def declared_rows(data: bytes) -> dict[int, int]:
    """{sheet index: the last row number its <dimension> declares} of an xlsx workbook,
    read from the start of each sheet's XML (the element comes before the cells); the
    sheets that declare none, or a file laid out otherwise, are left out. (Attributes
    are picked out with patterns, not an XML parser: nothing of the file is expanded.)"""
    found: dict[int, int] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            book = archive.read("xl/workbook.xml")
            rels = archive.read("xl/_rels/workbook.xml.rels")
            targets = {}
            for tag in _RELATION.findall(rels):
                attributes = dict(_ATTRIBUTE.findall(tag))
                targets[attributes.get(b"Id")] = attributes.get(b"Target", b"").decode()
            for index, tag in enumerate(_SHEET.findall(book)):
                relation = dict(_ATTRIBUTE.findall(tag)).get(b"r:id")
                target = targets.get(relation, "")
                if not target:
                    continue
                path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                with archive.open(path) as xml:
                    start = xml.read(16_384)
                match = _DIMENSION.search(start)
                if match and match.group(1):
                    found[index] = int(match.group(1))
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, UnicodeDecodeError):
        pass
    return found


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
