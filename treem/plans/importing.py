"""Reading an uploaded plan document with the extractor (nothing is saved here)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile

from treem.plans.extraction import ExtractionError, extract_text
from treem.plans.extraction.readers import read_document
from treem.plans.services import UploadedSource

__all__ = ["ExtractionError", "extract_path", "extract_upload"]

_BUDGET_HEADING = re.compile(r"^\s*[IVX]+\.\s*KINH PHÍ", re.IGNORECASE)
_NEXT_HEADING = re.compile(r"^\s*[IVX]+\.\s+\S")


def extract_path(path: str | Path, *, name: str | None = None) -> tuple[dict[str, Any], str]:
    """The plan-extraction JSON and the document's text, for a file on disk."""
    source = read_document(path)
    data = extract_text("\n".join(source.lines), wrapped=source.wrapped)
    text = "\n".join(source.lines)
    budget = budget_section(source.lines)
    if budget and "budget" not in data:
        data["budget"] = budget
    for key, value in purposes_requirements(source.lines).items():
        data.setdefault(key, value)
    return data, text


def extract_upload(uploaded: Any) -> tuple[dict[str, Any], UploadedSource]:
    """Extract an uploaded file (Django UploadedFile); raises ExtractionError."""
    name = os.path.basename(getattr(uploaded, "name", "") or "ke-hoach.txt")
    suffix = Path(name).suffix.lower()
    content = b"".join(uploaded.chunks()) if hasattr(uploaded, "chunks") else uploaded.read()
    with tempfile.TemporaryDirectory(prefix="treem-plan-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(content)
        data, text = extract_path(path)
    return data, UploadedSource(name=name, file=ContentFile(content, name=name), text=text)


_PURPOSE_HEADING = re.compile(r"^\s*[IVX]+\.\s*MỤC ĐÍCH", re.IGNORECASE)
_SUB = re.compile(r"^\s*\d+\.\s*(Mục đích|Yêu cầu)\b\s*[:.]?\s*(.*)$", re.IGNORECASE)


def purposes_requirements(lines: list[str]) -> dict[str, str]:
    """The "1. Mục đích" and "2. Yêu cầu" texts of section I (left out of the JSON)."""
    out: dict[str, list[str]] = {"purposes": [], "requirements": []}
    inside = False
    current: str | None = None
    for line in lines:
        if _PURPOSE_HEADING.match(line):
            inside = True
            continue
        if not inside:
            continue
        if _NEXT_HEADING.match(line):
            break
        sub = _SUB.match(line)
        if sub:
            current = "purposes" if sub.group(1).lower().startswith("m") else "requirements"
            if sub.group(2).strip():
                out[current].append(sub.group(2).strip())
            continue
        if current and line.strip():
            out[current].append(line.strip())
    return {k: " ".join(v) for k, v in out.items() if v}


def budget_section(lines: list[str]) -> str:
    """The text of the "KINH PHÍ" section, which the extraction JSON leaves out."""
    out: list[str] = []
    inside = False
    for line in lines:
        if _BUDGET_HEADING.match(line):
            inside = True
            continue
        if inside and _NEXT_HEADING.match(line):
            break
        if inside and line.strip():
            out.append(line.strip())
    return " ".join(out)
