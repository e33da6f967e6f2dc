"""Turn a .txt, .docx or text .pdf file into raw lines of text.

Each reader returns a :class:`SourceText`; everything after that (joining
broken lines, finding sections) is format-independent.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ScannedDocumentError, UnreadableDocumentError, UnsupportedFormatError

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf")

# A PDF page with fewer visible characters than this is treated as an image.
MIN_CHARS_PER_PAGE = 40


@dataclass
class SourceText:
    lines: list[str]
    # True: lines are hard-wrapped (PDF); False: one paragraph per line (Word);
    # None: decide from the line lengths (plain text of unknown origin).
    wrapped: bool | None = None


def read_document(path: str | Path) -> SourceText:
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UnreadableDocumentError(f"Không tìm thấy tệp “{path.name}”.")
    if suffix == ".txt":
        return read_txt(path)
    if suffix == ".docx":
        return read_docx(path)
    if suffix == ".pdf":
        return read_pdf(path)
    if suffix == ".doc":
        raise UnsupportedFormatError(
            "Tệp .doc (Word 97-2003) chưa được hỗ trợ: hãy mở bằng Word và lưu lại dưới dạng "
            ".docx hoặc .pdf rồi tải lên lại."
        )
    raise UnsupportedFormatError(
        f"Định dạng tệp “{suffix or path.name}” không được hỗ trợ: chỉ nhận .txt, .docx hoặc .pdf."
    )


# --------------------------------------------------------------------- text


def read_txt(path: Path) -> SourceText:
    data = path.read_bytes()
    return SourceText(decode_text(data).splitlines())


def decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Older Vietnamese Windows files.
        return data.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise UnreadableDocumentError(
            "Không đọc được tệp văn bản: bảng mã không phải UTF-8 hay Windows-1258."
        ) from exc


# --------------------------------------------------------------------- Word


def read_docx(path: Path) -> SourceText:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - dependency is pinned
        raise UnreadableDocumentError("Thiếu thư viện python-docx để đọc tệp Word.") from exc
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise UnreadableDocumentError(
            "Không đọc được tệp Word: tệp bị hỏng hoặc không phải định dạng .docx."
        ) from exc
    except Exception as exc:  # lxml / zipfile errors come in many types
        raise UnreadableDocumentError(
            "Không đọc được tệp Word: tệp bị hỏng hoặc không phải định dạng .docx."
        ) from exc
    numbering = _Numbering(document)
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(_paragraph_text(child, numbering))
        elif tag == "tbl":
            lines.extend(_table_lines(child, numbering))
    return SourceText(lines, wrapped=False)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraph_text(p: Any, numbering: _Numbering) -> str:
    parts: list[str] = []
    for node in p.iter():
        tag = node.tag
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}tab":
            parts.append(" ")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
    text = "".join(parts)
    prefix = numbering.label(p)
    return f"{prefix} {text}" if prefix and text.strip() else text


def _table_lines(tbl: Any, numbering: _Numbering) -> list[str]:
    rows: list[list[list[str]]] = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells: list[list[str]] = []
        for tc in tr.iterchildren(f"{_W}tc"):
            paras = [_paragraph_text(p, numbering) for p in tc.iterchildren(f"{_W}p")]
            for inner in tc.iterchildren(f"{_W}tbl"):
                paras.extend(_table_lines(inner, numbering))
            cells.append(paras)
        rows.append(cells)
    n_cols = max((len(r) for r in rows), default=0)
    if n_cols <= 2 and len(rows) <= 4:
        # A layout table (the two-column header or signature block): read it
        # column by column so each block stays together.
        out: list[str] = []
        for col in range(n_cols):
            for r in rows:
                if col < len(r):
                    out.extend(r[col])
        return out
    out = []
    for r in rows:
        texts = [" ".join(x.strip() for x in cell if x.strip()) for cell in r]
        out.append(" | ".join(texts))
    return out


class _Numbering:
    """Render Word's automatic list numbers (``1.``, ``1.2.``, ``a)``, bullets) as text."""

    def __init__(self, document: Any) -> None:
        self.formats: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        try:
            part = document.part.numbering_part
        except (NotImplementedError, KeyError, AttributeError):
            return
        root = part.element
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.iterchildren(f"{_W}abstractNum"):
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in an.iterchildren(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                fmt = _val(lvl, "numFmt") or "decimal"
                text = _val(lvl, "lvlText") or ""
                start = int(_val(lvl, "start") or "1")
                levels[ilvl] = (fmt, text, start)
            abstract[an.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iterchildren(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.formats[num.get(f"{_W}numId", "")] = abstract.get(ref.get(f"{_W}val"), {})
        for style in document.styles.element.iterchildren(f"{_W}style"):
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None:
                num_id = _val(num_pr, "numId")
                if num_id:
                    ilvl = int(_val(num_pr, "ilvl") or "0")
                    self.style_num[style.get(f"{_W}styleId", "")] = (num_id, ilvl)

    def label(self, p: Any) -> str:
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        num_id: str | None = None
        ilvl = 0
        if num_pr is not None:
            num_id = _val(num_pr, "numId")
            ilvl = int(_val(num_pr, "ilvl") or "0")
        else:
            style = p.find(f"{_W}pPr/{_W}pStyle")
            if style is not None and style.get(f"{_W}val") in self.style_num:
                num_id, ilvl = self.style_num[style.get(f"{_W}val")]
        if not num_id or num_id == "0" or num_id not in self.formats:
            return ""
        levels = self.formats[num_id]
        counters = self.counters.setdefault(num_id, {})
        fmt, text, start = levels.get(ilvl, ("decimal", f"%{ilvl + 1}.", 1))
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return "-"
        if fmt == "none":
            return ""

        def render(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            lfmt, _, lstart = levels.get(level, ("decimal", "", 1))
            value = counters.get(level, lstart)
            return _format_number(value, lfmt)

        return re.sub(r"%(\d)", render, text).strip()


def _val(node: Any, name: str) -> str | None:
    child = node.find(f"{_W}{name}")
    return None if child is None else child.get(f"{_W}val")


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = "abcdđeghiklmnopqrstuvxy"
        s = letters[(value - 1) % len(letters)]
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("upperRoman", "lowerRoman"):
        s = to_roman(value)
        return s if fmt == "upperRoman" else s.lower()
    return str(value)


def to_roman(value: int) -> str:
    out = ""
    for n, sym in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while value >= n:
            out += sym
            value -= n
    return out


# ---------------------------------------------------------------------- PDF


def read_pdf(path: Path) -> SourceText:
    # pypdf is several times faster than pdfplumber; pdfplumber is the second
    # opinion when pypdf finds (almost) no text.
    pages = _pdf_pages_pypdf(path)
    if not _has_text_layer(pages):
        pages = _pdf_pages_pdfplumber(path)
    if not _has_text_layer(pages):
        raise ScannedDocumentError(
            "Tệp PDF này là bản scan (chỉ có hình ảnh, không có lớp chữ) nên không đọc được "
            "nội dung. Cần nhận dạng chữ (OCR) trước, hoặc tải lên bản Word (.docx) hay "
            "PDF có chữ."
        )
    return SourceText(_drop_running_lines(pages), wrapped=True)


_PDF_ERROR = "Không đọc được tệp PDF: tệp bị hỏng, được bảo vệ bằng mật khẩu hoặc không phải PDF."


def _has_text_layer(pages: list[list[str]]) -> bool:
    visible = sum(len("".join(line.split())) for lines in pages for line in lines)
    return bool(pages) and visible >= MIN_CHARS_PER_PAGE * len(pages) / 2


def _pdf_pages_pypdf(path: Path) -> list[list[str]]:
    try:
        import pypdf
    except ImportError:  # pragma: no cover - dependency is pinned
        return []
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            raise UnreadableDocumentError(_PDF_ERROR)
        return [(page.extract_text() or "").splitlines() for page in reader.pages]
    except UnreadableDocumentError:
        raise
    except Exception as exc:  # pypdf raises many unrelated types on broken files
        logger.info("pypdf could not read %s: %s", path, exc)
        return []


def _pdf_pages_pdfplumber(path: Path) -> list[list[str]]:
    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover - dependency is pinned
        raise UnreadableDocumentError("Thiếu thư viện pdfplumber để đọc tệp PDF.") from exc
    try:
        with pdfplumber.open(str(path)) as pdf:
            return [(page.extract_text() or "").splitlines() for page in pdf.pages]
    except Exception as exc:  # pdfminer raises many unrelated types
        raise UnreadableDocumentError(_PDF_ERROR) from exc


def _drop_running_lines(pages: list[list[str]]) -> list[str]:
    """Drop headers and footers repeated at the top or bottom of most pages."""
    if len(pages) < 3:
        return [line for lines in pages for line in lines]

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", " ".join(line.split()))

    edge_counts: Counter[str] = Counter()
    for lines in pages:
        edges = {key(x) for x in lines[:2] + lines[-2:] if x.strip()}
        edge_counts.update(edges)
    running = {k for k, n in edge_counts.items() if n >= max(3, len(pages) // 2)}
    out: list[str] = []
    for lines in pages:
        for i, line in enumerate(lines):
            at_edge = i < 2 or i >= len(lines) - 2
            if at_edge and key(line) in running:
                continue
            out.append(line)
    return out
