"""Parse the timeframe of a plan task ("Quý IV", "Tháng 6/2025", ...) into dates."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}

CONTINUOUS_RE = re.compile(
    r"thường xuyên|hằng năm|hàng năm|cả năm|trong năm|suốt năm|liên tục", re.IGNORECASE
)
ON_DEMAND_RE = re.compile(
    r"theo (?:các |từng )?(?:vụ việc|yêu cầu|tình hình|kế hoạch riêng|thực tế)|khi có|phát sinh",
    re.IGNORECASE,
)
PEAK_RE = re.compile(r"cao điểm\s*(?:vào|là|trong)?\s*(.*)$", re.IGNORECASE)
DATE_RANGE_RE = re.compile(
    r"từ\s*(?:ngày\s*)?(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?"
    r"\s*(?:đến|tới|-|–)\s*(?:hết\s*)?(?:ngày\s*)?(\d{1,2})\s*[/.-]\s*(\d{1,2})"
    r"(?:\s*[/.-]\s*(\d{4}))?",
    re.IGNORECASE,
)
BEFORE_RE = re.compile(
    r"(?:trước|chậm nhất|hạn chót|không muộn hơn)\s*(?:ngày\s*)?(\d{1,2})\s*[/.-]\s*(\d{1,2})"
    r"(?:\s*[/.-]\s*(\d{4}))?",
    re.IGNORECASE,
)
QUARTER_RE = re.compile(r"quý\s+(IV|III|II|I|[1-4])\b", re.IGNORECASE)
MONTH_RE = re.compile(r"tháng\s+(\d{1,2})(?:\s*/\s*(\d{4})|\s+năm\s+(\d{4}))?", re.IGNORECASE)
MONTH_SPAN_RE = re.compile(
    r"tháng\s+(\d{1,2})\s*(?:-|–|đến|tới)\s*(?:tháng\s*)?(\d{1,2})(?:\s*/\s*(\d{4}))?",
    re.IGNORECASE,
)
HALF_RE = re.compile(r"(6|sáu)\s+tháng\s+(đầu|cuối)\s+năm", re.IGNORECASE)
YEAR_RE = re.compile(r"\bnăm\s+(\d{4})\b|\b(20\d{2})\b", re.IGNORECASE)


@dataclass
class Timeframe:
    """A task's timeframe: a date range, a recurrence, and optional peak periods."""

    text: str
    start: date | None = None
    end: date | None = None
    # "continuous" (all year), "on_demand" (per case/event) or None for a fixed period
    recurrence: str | None = None
    peaks: list[tuple[date, date]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "recurrence": self.recurrence,
            "peaks": [{"start": a.isoformat(), "end": b.isoformat()} for a, b in self.peaks],
        }


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date | None:
    if not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _months_span(text: str, year: int) -> tuple[date, date] | None:
    """The span covered by the months named in ``text`` ("tháng 5, tháng 6" -> May-June)."""
    span = MONTH_SPAN_RE.search(text)
    if span:
        y = int(span.group(3) or year)
        a, b = int(span.group(1)), int(span.group(2))
        start, end = _safe_date(y, a, 1), _month_end(y, b)
        if start and end and start <= end:
            return start, end
    months: list[tuple[int, int]] = []
    for m in MONTH_RE.finditer(text):
        y = int(m.group(2) or m.group(3) or year)
        months.append((y, int(m.group(1))))
    # "tháng 5, 6" / "tháng 5 và 6": bare numbers following a month.
    tail = re.search(r"tháng\s+\d{1,2}((?:\s*(?:,|và|-)\s*\d{1,2}\b)+)", text, re.IGNORECASE)
    if tail:
        months.extend((year, int(n)) for n in re.findall(r"\d{1,2}", tail.group(1)))
    months = [(y, m) for y, m in months if 1 <= m <= 12]
    if not months:
        return None
    first, last = min(months), max(months)
    start, end = _safe_date(first[0], first[1], 1), _month_end(*last)
    if start and end:
        return start, end
    return None


def parse_timeframe(text: str | None, year: int | None) -> Timeframe:
    """Read a Vietnamese timeframe such as "Quý IV" or "từ ngày 03/10/2025 đến ngày 06/10/2025".

    ``year`` is the plan's year, used when the text leaves it out.
    """
    raw = unicodedata.normalize("NFC", " ".join((text or "").split()))
    result = Timeframe(text=raw)
    if not raw:
        return result
    explicit_year = YEAR_RE.search(raw)
    if year is None:
        year = int(explicit_year.group(1) or explicit_year.group(2)) if explicit_year else None
    if year is None:
        year = date.today().year

    main, peak_text = raw, ""
    peak = PEAK_RE.search(raw)
    if peak:
        main, peak_text = raw[: peak.start()], peak.group(1)
        span = _months_span(peak_text, year)
        rng = DATE_RANGE_RE.search(peak_text)
        if rng:
            dates = _range_dates(rng, year)
            if dates:
                result.peaks.append(dates)
        elif span:
            result.peaks.append(span)

    rng = DATE_RANGE_RE.search(main)
    if rng:
        dates = _range_dates(rng, year)
        if dates:
            result.start, result.end = dates
            return result

    if ON_DEMAND_RE.search(main):
        result.recurrence = "on_demand"
    if CONTINUOUS_RE.search(main):
        result.recurrence = "continuous"
        result.start, result.end = date(year, 1, 1), date(year, 12, 31)
        return result
    if result.recurrence:
        return result

    half = HALF_RE.search(main)
    if half:
        if half.group(2).lower() == "đầu":
            result.start, result.end = date(year, 1, 1), date(year, 6, 30)
        else:
            result.start, result.end = date(year, 7, 1), date(year, 12, 31)
        return result

    quarters = [QUARTERS[q.upper()] for q in QUARTER_RE.findall(main)]
    # "Quý I, II" lists the rest without repeating the word.
    more = re.search(
        r"quý\s+(?:IV|III|II|I|[1-4])((?:\s*(?:,|và|-)\s*(?:IV|III|II|I|[1-4])\b)+)",
        main,
        re.IGNORECASE,
    )
    if more:
        quarters += [QUARTERS[q.upper()] for q in re.findall(r"IV|III|II|I|[1-4]", more.group(1))]
    if quarters:
        q_year = year
        y_match = re.search(r"(?:/|năm\s+)(\d{4})", main)
        if y_match:
            q_year = int(y_match.group(1))
        first, last = min(quarters), max(quarters)
        result.start = date(q_year, 3 * first - 2, 1)
        result.end = _month_end(q_year, 3 * last)
        return result

    before = BEFORE_RE.search(main)
    if before:
        end = _safe_date(int(before.group(3) or year), int(before.group(2)), int(before.group(1)))
        if end:
            result.end = end
            return result

    span = _months_span(main, year)
    if span:
        result.start, result.end = span
        return result

    if explicit_year and re.fullmatch(r"(?:trong\s+)?năm\s+\d{4}\.?", main.strip(), re.IGNORECASE):
        y = int(explicit_year.group(1) or explicit_year.group(2))
        result.start, result.end = date(y, 1, 1), date(y, 12, 31)
    return result


def _range_dates(m: re.Match[str], year: int) -> tuple[date, date] | None:
    end_year = int(m.group(6) or m.group(3) or year)
    start_year = int(m.group(3) or end_year)
    start = _safe_date(start_year, int(m.group(2)), int(m.group(1)))
    end = _safe_date(end_year, int(m.group(5)), int(m.group(4)))
    if start and end and start <= end:
        return start, end
    return None
