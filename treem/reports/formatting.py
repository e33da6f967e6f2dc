"""Figures as a Vietnamese report writes them (page, .docx): 1.234, 12,5, 89,2%."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from treem.reports.models import IndicatorUnit


def fmt(value: Decimal | None, unit: str = IndicatorUnit.NUMBER) -> str:
    """Vietnamese number format: 1.234 and 12,5 (missing is a dash, zero is 0)."""
    if value is None:
        return "–"
    if unit == IndicatorUnit.PERCENT:
        text = f"{value:.1f}".replace(".", ",")
        return f"{text}%"
    if value == value.to_integral_value():
        return f"{int(value):,}".replace(",", ".")
    return format(value.normalize(), "f").replace(".", ",")  # 96.50 -> 96,5


def target_text(target: Any) -> str:
    """A plan target as written in the report: "100%", "11,8%", "45 trẻ"."""
    if target is None or target.value is None:
        return ""
    unit = target.unit or ""
    return f"{fmt(target.value)}{unit if unit == '%' else ' ' + unit}".strip()
