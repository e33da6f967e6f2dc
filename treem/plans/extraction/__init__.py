"""Plan-document extraction: .txt, .docx or text .pdf in, the plan-extraction JSON out.

Pure Python (no Django), so it can be unit-tested and benchmarked on its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import (
    ExtractionError,
    ScannedDocumentError,
    UnreadableDocumentError,
    UnsupportedFormatError,
)
from .extract import extract_from_source
from .readers import SourceText, read_document
from .timeframe import Timeframe, parse_timeframe

__all__ = [
    "ExtractionError",
    "ScannedDocumentError",
    "SourceText",
    "Timeframe",
    "UnreadableDocumentError",
    "UnsupportedFormatError",
    "extract_plan",
    "extract_text",
    "parse_timeframe",
]


def extract_plan(path: str | Path) -> dict[str, Any]:
    """Extract a plan from a .txt, .docx or .pdf file; raises ExtractionError."""
    return extract_from_source(read_document(path))


def extract_text(text: str, *, wrapped: bool | None = None) -> dict[str, Any]:
    """Extract a plan from its plain text (``wrapped``: lines are hard-wrapped, None: guess)."""
    return extract_from_source(SourceText(text.splitlines(), wrapped=wrapped))
