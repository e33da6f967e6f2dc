"""Each step's form (Mẫu 01–07 of Nghị định 56/2017) as a .docx, from the recorded step."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from treem.cases import docx_layout as L
from treem.cases.clock import VN_TZ
from treem.cases.models import (
    STEP_FORMS,
    AbuseForm,
    Case,
    CaseReporter,
    CaseStep,
    ItemStatus,
    PerpetratorRelation,
    Setting,
    Source,
    StepKind,
)
from treem.cases.steps import STEP_FIELDS

TITLES: dict[str, tuple[str, str]] = {
    StepKind.INTAKE: (
        "PHIẾU GHI CHÉP THÔNG TIN",
        "về trẻ em bị xâm hại hoặc có nguy cơ bị xâm hại",
    ),
    StepKind.INITIAL_ASSESSMENT: ("BÁO CÁO", "tiếp nhận thông tin và đánh giá nguy cơ ban đầu"),
    StepKind.EMERGENCY: (
        "QUYẾT ĐỊNH",
        "áp dụng biện pháp can thiệp khẩn cấp, tạm thời cách ly trẻ em",
    ),
    StepKind.SEPARATION_END: ("QUYẾT ĐỊNH", "chấm dứt việc tạm thời cách ly trẻ em"),
    StepKind.DETAILED_ASSESSMENT: (
        "BÁO CÁO",
        "thu thập thông tin, đánh giá nguy cơ cụ thể tình hình trẻ em",
    ),
    StepKind.CASE_MEETING: (
        "BIÊN BẢN",
        "cuộc họp xác định nhu cầu cần hỗ trợ, can thiệp cho trẻ em",
    ),
    StepKind.PLAN_SUBMITTED: ("KẾ HOẠCH", "hỗ trợ, can thiệp đối với trẻ em"),
    StepKind.PLAN_APPROVED: ("QUYẾT ĐỊNH", "phê duyệt kế hoạch hỗ trợ, can thiệp đối với trẻ em"),
    StepKind.PLAN_RETURNED: ("PHIẾU TRẢ LẠI", "kế hoạch hỗ trợ, can thiệp"),
    StepKind.IMPLEMENTATION: ("BÁO CÁO", "kết quả thực hiện kế hoạch hỗ trợ, can thiệp"),
    StepKind.REVIEW: ("BÁO CÁO", "đánh giá kết quả thực hiện kế hoạch hỗ trợ, can thiệp"),
    StepKind.ARCHIVE: ("BIÊN BẢN", "kết thúc và lưu trữ hồ sơ trẻ em"),
}


def _fmt_dt(value: Any) -> str:
    if value is None:
        return ""
    return value.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y")


def _label(choices: Any, value: str) -> str:
    return str(dict(choices).get(value, value)) if value else ""


def step_docx(*, case: Case, step: CaseStep, reporter: CaseReporter | None) -> bytes:
    """The form for one recorded step. The reporter block is printed only when given (the
    caller passes it only to those allowed to see the reporter)."""
    doc = L.new_document()
    commune = case.area
    province = commune.parent.full_name if commune.parent_id and commune.parent else ""
    L.admin_header(
        doc,
        parent_body=f"UBND {province}" if province else "",
        body=f"UBND {commune.full_name}",
        number=case.code,
        place=commune.name,
        date=step.at.astimezone(VN_TZ).date(),
    )
    heading, subtitle = TITLES.get(step.kind, (str(StepKind(step.kind).label), ""))
    L.title(doc, heading, subtitle, STEP_FORMS.get(step.kind, ""))

    L.heading(doc, "I. THÔNG TIN VỀ TRẺ EM")
    child = case.child
    L.field_table(
        doc,
        [
            ("Họ và tên trẻ", child.full_name if child else case.child_name),
            (
                "Ngày sinh",
                child.birth_date_display() if child else str(case.child_birth_year or ""),
            ),
            ("Giới tính", {"male": "Nam", "female": "Nữ"}.get(case.child_sex, "")),
            ("Nơi ở", (case.village.full_name + ", " if case.village else "") + commune.full_name),
        ],
    )
    if step.kind == StepKind.INTAKE:
        L.heading(doc, "II. THÔNG TIN VỤ VIỆC")
        forms = ", ".join(
            _label(AbuseForm.choices, f) for f in case.forms.values_list("form", flat=True)
        )
        L.field_table(
            doc,
            [
                ("Thời điểm tiếp nhận", _fmt_dt(case.received_at)),
                ("Nguồn thông tin", _label(Source.choices, case.source)),
                ("Hình thức xâm hại, nguy cơ", forms),
                ("Thời gian xảy ra", case.happened_when),
                ("Địa điểm xảy ra", case.happened_where),
                ("Môi trường xảy ra", _label(Setting.choices, case.setting)),
                (
                    "Quan hệ của người gây hại với trẻ",
                    _label(PerpetratorRelation.choices, case.perpetrator_relation),
                ),
                (
                    "Tính mạng, sức khỏe, nhân phẩm bị đe dọa nghiêm trọng",
                    "Có" if case.serious_risk else "Không",
                ),
                ("Nội dung", case.description),
            ],
        )
        if reporter is not None:
            L.heading(doc, "III. NGƯỜI CUNG CẤP THÔNG TIN (BẢO MẬT)")
            L.field_table(
                doc,
                [
                    ("Họ và tên", reporter.full_name),
                    ("Điện thoại", reporter.phone),
                    ("Quan hệ với trẻ", reporter.relation),
                    ("Địa chỉ", reporter.address),
                ],
            )
    else:
        L.heading(doc, "II. NỘI DUNG")
        L.field_table(doc, [("Thời điểm thực hiện", _fmt_dt(step.at))])
        for f in STEP_FIELDS.get(step.kind, []):
            value = step.data.get(f.name)
            if f.kind == "items":
                L.paragraph(doc, "", label=str(f.label))
                L.grid(
                    doc,
                    [
                        "TT",
                        "Dịch vụ, biện pháp",
                        "Thời gian",
                        "Người chịu trách nhiệm",
                        "Cơ quan cung cấp",
                        "Kinh phí (đồng)",
                    ],
                    [
                        (
                            str(i),
                            row.get("service", ""),
                            " – ".join(
                                x for x in (_d(row.get("start_date")), _d(row.get("end_date"))) if x
                            ),
                            row.get("responsible", ""),
                            row.get("provider", ""),
                            _money(row.get("cost")),
                        )
                        for i, row in enumerate(value or [], start=1)
                    ],
                )
            elif f.kind == "item_updates":
                L.grid(
                    doc,
                    ["TT", "Dịch vụ, biện pháp", "Kết quả", "Ghi chú"],
                    [
                        (
                            str(i),
                            row.get("service", ""),
                            _label(ItemStatus.choices, row.get("status", "")),
                            row.get("note", ""),
                        )
                        for i, row in enumerate(value or [], start=1)
                    ],
                )
            elif f.kind == "bool":
                L.field_table(doc, [(str(f.label), "Có" if value else "Không")])
            elif f.kind == "choice":
                L.field_table(doc, [(str(f.label), _label(f.choices, value or ""))])
            else:
                L.field_table(doc, [(str(f.label), value or "")])
        if step.note:
            L.field_table(doc, [(_("Ghi chú"), step.note)])
    leader_step = step.kind in (StepKind.PLAN_APPROVED, StepKind.PLAN_RETURNED, StepKind.EMERGENCY)
    L.signature(
        doc,
        role="CHỦ TỊCH UBND XÃ" if leader_step else "NGƯỜI LẬP",
        name=step.actor_name,
    )
    return L.to_bytes(doc)


def _d(value: Any) -> str:
    if not value:
        return ""
    y, m, d = str(value).split("-")
    return f"{d}/{m}/{y}"


def _money(value: Any) -> str:
    if value in (None, ""):
        return ""
    return f"{int(float(value)):,}".replace(",", ".")


def filename(case: Case, step: CaseStep) -> str:
    return f"vu-viec-{case.code}-{step.pk}-{step.kind}.docx"
