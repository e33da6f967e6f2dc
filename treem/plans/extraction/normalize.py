"""Clean raw lines and join them back into paragraphs.

Text taken out of a signed PDF breaks sentences across lines (sometimes with
blank lines in between), keeps page numbers, running headers and the digital
signature stamps. Here those are removed and paragraphs are rebuilt, so later
steps can look at one numbered item or sentence at a time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ROMAN_RE = r"(?:X{0,3}(?:IX|IV|V?I{1,3}|V)|X{1,3})"

# A list marker at the start of a paragraph: I. / 1. / 1.1 / 1.1. / 1) / a) / a. / - / +
MARKER_RE = re.compile(
    rf"^(?:(?P<roman>{ROMAN_RE})\s*[.)/]\s*"
    r"|(?P<num>\d{1,2}(?:\.\d{1,2}){1,4})\.?\s+"
    r"|(?P<num1>\d{1,2})\s*[.)]\s*(?!\d)"
    r"|(?P<letter>[a-zđ])\s*\)\s*"
    r"|(?P<letterdot>[a-zđ])\.\s+(?=[A-ZĐÀ-Ỹ])"
    r"|(?P<bullet>[-–—+•●▪○◦➢✓]|\*)\s+)"
)

PAGE_NUMBER_RE = re.compile(
    r"^(?:[-–—]?\s*\d{1,3}\s*[-–—]?|trang\s*\d{1,3}(?:\s*/\s*\d{1,3})?|\d{1,3}\s*/\s*\d{1,3})$",
    re.IGNORECASE,
)
STAMP_START_RE = re.compile(r"CHỨNG THỰC SỐ|CHUNG THUC SO|Ký bởi:|Signed by", re.IGNORECASE)
STAMP_END_RE = re.compile(r"đã ký lên văn bản|ký số|Ngày ký:|Signing time", re.IGNORECASE)
TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:[+-]\d{2}:?\d{2}|Z)?$")
# The end of a stamp line wrapped onto its own line ("... đã ký lên văn bản / này!").
STAMP_TAIL_RE = re.compile(r"^(?:(?:đã\s+)?ký\s+)?(?:lên\s+)?(?:văn bản\s+)?này\s*!$")
TERMINAL = (".", ";", ":", "!", "?", "…")


@dataclass
class Paragraph:
    text: str
    # index of the first raw line, to relate paragraphs to the header area
    line_no: int


def clean_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line)
    line = line.replace("\u00a0", " ").replace("\t", " ").replace("\u200b", "")
    line = line.replace("\uf0b7", "-").replace("\uf02d", "-")
    # Emphasis marks left by a Markdown-ish conversion (**bold**, *italic*).
    stripped = line.strip()
    if stripped.startswith("* "):
        line = "- " + stripped[2:]
    line = line.replace("*", "")
    return line.rstrip("\r\n")


def drop_noise(lines: list[str]) -> tuple[list[tuple[int, str, bool]], list[str]]:
    """Remove page numbers and signature stamps.

    Returns the kept lines as (raw index, text, had trailing space) and the text
    of the signature stamps (they name the signing body, useful as a fallback).
    """
    kept: list[tuple[int, str, bool]] = []
    stamps: list[str] = []
    in_stamp = False
    for i, raw in enumerate(lines):
        line = clean_line(raw)
        text = " ".join(line.split())
        if not text:
            continue
        if STAMP_START_RE.search(text):
            in_stamp = True
            stamps.append(text)
            continue
        if in_stamp:
            stamps.append(text)
            if STAMP_END_RE.search(text):
                in_stamp = False
            continue
        if TIMESTAMP_RE.match(text) or (STAMP_END_RE.search(text) and "<" in text):
            stamps.append(text)
            continue
        if PAGE_NUMBER_RE.match(text) or STAMP_TAIL_RE.match(text):
            continue
        kept.append((i, text, line.endswith(" ")))
    return kept, stamps


def is_upper_line(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) / len(letters) >= 0.9


def starts_lower(text: str) -> bool:
    return bool(text) and text[0].isalpha() and text[0].islower()


def detect_wrapped(lines: list[tuple[int, str, bool]]) -> tuple[bool, float, bool]:
    """Whether lines are hard-wrapped; the wrap width; whether wraps keep a trailing space."""
    lengths = sorted(len(t) for _, t, _ in lines)
    if len(lengths) < 10:
        return False, 0.0, False
    p90 = lengths[int(len(lengths) * 0.9)]
    near_width = sum(1 for n in lengths if n >= 0.75 * p90)
    wrapped = p90 <= 140 and near_width >= 0.4 * len(lengths)
    trailing = sum(1 for _, _, sp in lines if sp) >= 0.3 * len(lines)
    return wrapped, float(p90), trailing


def to_paragraphs(
    lines: list[str], wrapped: bool | None = None
) -> tuple[list[Paragraph], list[str]]:
    kept, stamps = drop_noise(lines)
    auto_wrapped, width, trailing = detect_wrapped(kept)
    if wrapped is None:
        wrapped = auto_wrapped
    paragraphs: list[Paragraph] = []
    current: list[str] = []
    current_start = 0
    last_raw = ""
    last_trailing = False
    for line_no, text, has_trailing in kept:
        if current and _continues(
            current[-1], last_raw, last_trailing, text, wrapped, width, trailing
        ):
            prev = current[-1]
            if re.search(r"\S-$", prev) and not re.search(r"\s-$", prev):
                current[-1] = prev + text
            else:
                current[-1] = prev + " " + text
        else:
            if current:
                paragraphs.append(Paragraph(_tidy(current[0]), current_start))
            current = [text]
            current_start = line_no
        last_raw = text
        last_trailing = has_trailing
    if current:
        paragraphs.append(Paragraph(_tidy(current[0]), current_start))
    return paragraphs, stamps


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([,;])", r"\1", text)
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"\s+\)", ")", text)
    return " ".join(text.split())


def _continues(
    para: str,
    last_line: str,
    last_trailing: bool,
    nxt: str,
    wrapped: bool,
    width: float,
    trailing_convention: bool,
) -> bool:
    """Does line ``nxt`` continue the paragraph ``para`` (whose last raw line is ``last_line``)?"""
    if MARKER_RE.match(nxt) and not re.search(r"\S-$", para):
        return False
    if nxt[0] in ",;.)":
        return True
    if is_upper_line(nxt):
        # Upper-case headings that wrap ("V. TỔ CHỨC THỰC / HIỆN") and header blocks.
        return is_upper_line(para) and not para.endswith(TERMINAL) and len(nxt) < 80
    if starts_lower(nxt):
        return True
    if re.search(r"\S-$", para):
        return True
    if para.endswith(TERMINAL) or para.endswith("./."):
        return False
    if nxt[0].isdigit() or nxt[0] == "(":
        return True
    if not wrapped:
        return False
    if trailing_convention:
        return last_trailing
    return len(last_line) >= 0.8 * width
