"""A plan as a Word document in the administrative layout (see docx_admin)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from treem.core import docx_admin as dx
from treem.core.models import AreaKind
from treem.core.text import fold
from treem.plans.models import Plan, ReportLevel, ReportPeriod
from treem.plans.selectors import plan_tasks

LEVEL_WORDS: dict[str, str] = {
    AreaKind.COMMUNE: "xã",
    AreaKind.WARD: "phường",
    AreaKind.SPECIAL_ZONE: "đặc khu",
    AreaKind.TOWNSHIP: "thị trấn",
    AreaKind.DISTRICT: "huyện",
    AreaKind.URBAN_DISTRICT: "quận",
    AreaKind.DISTRICT_TOWN: "thị xã",
    AreaKind.PROVINCIAL_CITY: "thành phố",
    AreaKind.PROVINCE: "tỉnh",
    AreaKind.MUNICIPALITY: "thành phố",
}
PERIOD_PHRASES: dict[str, str] = {
    ReportPeriod.SIX_MONTHS: "báo cáo kết quả 6 tháng",
    ReportPeriod.ANNUAL: "báo cáo kết quả năm",
    ReportPeriod.QUARTERLY: "báo cáo quý",
    ReportPeriod.MONTHLY: "báo cáo tháng",
    ReportPeriod.OTHER: "báo cáo",
}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
DEFAULT_RECIPIENTS = [
    "Sở Y tế;",
    "Thường trực Đảng ủy, HĐND xã;",
    "Các đơn vị tại mục V;",
    "Lưu: VT.",
]


def _level_word(plan: Plan) -> str:
    return plan.issuer_level or LEVEL_WORDS.get(plan.area.kind, "xã")


def _date(d: Any) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _task_label(number: str) -> str:
    """ "1" -> "1.", "2.3.1" -> "2.3.1.", "1.a" -> "a)"."""
    last = number.split(".")[-1] if number else ""
    if last and last.isalpha() and len(last) == 1:
        return f"{last})"
    return f"{number}." if number else "-"


def _value_text(value: Decimal | None, unit: str) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}".strip()


def _target_line(text: str, value: Decimal | None, unit: str) -> str:
    shown = _value_text(value, unit)
    if not shown or fold(shown) in fold(text):
        return text
    return f"{text.rstrip('.')} (chỉ tiêu: {shown})."


def plan_docx_filename(plan: Plan) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(plan.title)).strip("-")[:60] or "ke-hoach"
    return f"ke-hoach-{plan.year}-{slug}.docx"


def plan_docx_bytes(plan: Plan) -> bytes:
    area = plan.area
    level_word = _level_word(plan)
    place = plan.issuer_name or area.name
    doc = dx.new_document()
    dx.add_header(
        doc,
        dx.AdminHeader(
            issuer_lines=dx.issuer_lines_for("Ủy ban nhân dân", level_word, place),
            symbol="KH-UBND",
            number=plan.number,
            place=place,
            date=plan.issued_date,
            year=plan.year,
        ),
    )
    dx.add_title(doc, "Kế hoạch", plan.title)

    refs = list(plan.references.all())
    if refs:
        cited = "; ".join(
            f"{r.kind or 'Văn bản'} số {r.number}" + (f" ngày {_date(r.date)}" if r.date else "")
            for r in refs
        )
        dx.add_body(doc, f"Căn cứ {cited};")
    dx.add_body(
        doc,
        f"Ủy ban nhân dân {level_word} {place} ban hành Kế hoạch {plan.title[:1].lower()}"
        f"{plan.title[1:]}, như sau:",
    )

    section = 0

    def heading(text: str) -> None:
        nonlocal section
        dx.add_heading(doc, f"{ROMAN[section]}. {text}", level=1)
        section += 1

    heading("MỤC ĐÍCH, YÊU CẦU")
    dx.add_heading(doc, "1. Mục đích", level=2)
    dx.add_body(doc, plan.purposes or "Triển khai có hiệu quả công tác trẻ em trên địa bàn.")
    dx.add_heading(doc, "2. Yêu cầu", level=2)
    dx.add_body(doc, plan.requirements or "Các đơn vị bám sát nội dung Kế hoạch để triển khai.")

    # A target stated inside a task ("đạt 60% học sinh biết bơi") is written with the task.
    task_texts = "\n".join(fold(f"{t.title} {t.text}") for t in plan.tasks.all())
    targets = [t for t in plan.targets.order_by("position") if fold(t.text) not in task_texts]
    if targets:
        heading("CHỈ TIÊU")
        for t in targets:
            dx.add_body(doc, f"- {_target_line(t.text, t.value, t.unit)}")

    heading("NHIỆM VỤ TRỌNG TÂM")
    for task in plan_tasks(plan):
        label = _task_label(task.number)
        title = task.title.rstrip(".")
        dx.add_heading(doc, f"{label} {title}", level=2 if task.depth == 0 else 3)
        rest = task.text.strip()
        if rest.startswith(task.title):
            rest = rest[len(task.title) :].strip(" .:")
        if rest and rest != title:
            dx.add_body(doc, rest if rest.endswith(".") else f"{rest}.")
        leads = [link.agency.name for link in task.lead_links.all()]
        coords = [link.agency.name for link in task.coord_links.all()]
        if leads:
            dx.add_body(doc, f"- Đơn vị chủ trì: {'; '.join(leads)}.")
        if coords:
            dx.add_body(doc, f"- Đơn vị phối hợp: {'; '.join(coords)}.")
        if task.timeframe_text:
            dx.add_body(doc, f"- Thời gian thực hiện: {task.timeframe_text.rstrip('.')}.")

    heading("KINH PHÍ THỰC HIỆN")
    budget = plan.budget_text or "; ".join(s.name for s in plan.budget_sources.all())
    dx.add_body(doc, budget or "Ngân sách nhà nước theo phân cấp và các nguồn huy động hợp pháp.")

    units = list(plan.units.order_by("position"))
    heading("TỔ CHỨC THỰC HIỆN")
    for i, unit in enumerate(units, start=1):
        dx.add_heading(doc, f"{i}. {unit.name}", level=2)
        for duty in unit.duties or []:
            dx.add_body(doc, duty)

    deadlines = list(plan.report_deadlines.order_by("due_date"))
    if deadlines:
        heading("CHẾ ĐỘ THÔNG TIN, BÁO CÁO")
        for level, who in (
            (ReportLevel.UNITS, "Các đơn vị"),
            (ReportLevel.AREA, f"Ủy ban nhân dân {level_word}"),
        ):
            rows = [d for d in deadlines if d.level == level]
            if not rows:
                continue
            parts = [
                f"{PERIOD_PHRASES.get(d.period, 'báo cáo')} trước ngày {_date(d.due_date)}"
                + (f" về {d.recipient}" if d.recipient else "")
                for d in rows
            ]
            dx.add_body(doc, f"{who} {', '.join(parts)}.")

    recipients = [
        r.strip() for r in plan.recipients.splitlines() if r.strip()
    ] or DEFAULT_RECIPIENTS
    deputy, title = dx.split_signer_title(plan.signer_title)
    dx.add_closing(
        doc,
        dx.Recipients(items=[r.lstrip("- ") for r in recipients]),
        dx.Signature(
            authority="TM. ỦY BAN NHÂN DÂN",
            deputy_prefix=deputy,
            title=title,
            name=plan.signer_name,
        ),
    )
    return dx.to_bytes(doc)
