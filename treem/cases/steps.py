"""What each step records: one field list drives the web form, the API body and the .docx.

Kinds of field: "text", "textarea", "bool", "choice" (with `choices`), "items" (plan
services), "item_updates" (implementation of plan items).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from treem.cases.models import CaseStatus, ReviewOutcome, RiskLevel, StepKind


@dataclass(frozen=True)
class StepField:
    name: str
    label: Any
    kind: str = "text"
    required: bool = False
    choices: list[tuple[str, Any]] = field(default_factory=list)


STEP_FIELDS: dict[str, list[StepField]] = {
    StepKind.INITIAL_ASSESSMENT: [
        StepField("risk_level", _("Kết luận mức độ nguy cơ"), "choice", True, RiskLevel.choices),
        StepField("harm", _("Tình trạng tổn hại của trẻ (thể chất, tinh thần)")),
        StepField("safety", _("Mức độ an toàn hiện tại của trẻ"), "textarea"),
        StepField("urgent_needs", _("Nhu cầu cần hỗ trợ ngay"), "textarea"),
    ],
    StepKind.EMERGENCY: [
        StepField("measures", _("Biện pháp can thiệp khẩn cấp đã áp dụng"), "textarea", True),
        StepField("decided_by", _("Người quyết định (Chủ tịch UBND xã, cơ quan có thẩm quyền)")),
        StepField(
            "separation", _("Tạm thời cách ly trẻ khỏi môi trường, người gây tổn hại"), "bool"
        ),
        StepField("shelter", _("Nơi tạm trú an toàn")),
        StepField("temporary_caregiver", _("Người chăm sóc tạm thời")),
    ],
    StepKind.SEPARATION_END: [
        StepField(
            "reason", _("Lý do kết thúc cách ly (gia đình bảo đảm an toàn ...)"), "textarea", True
        ),
    ],
    StepKind.DETAILED_ASSESSMENT: [
        StepField("physical_state", _("Tình trạng thể chất, tâm lý, tình cảm của trẻ"), "textarea"),
        StepField("family", _("Hoàn cảnh gia đình, năng lực bảo vệ của cha mẹ"), "textarea"),
        StepField("child_views", _("Ý kiến, nguyện vọng của trẻ"), "textarea", True),
        StepField("parents_views", _("Ý kiến của cha, mẹ, người chăm sóc trẻ"), "textarea", True),
        StepField("needs", _("Nhu cầu cần hỗ trợ, can thiệp"), "textarea"),
    ],
    StepKind.CASE_MEETING: [
        StepField("chair", _("Người chủ trì"), "text", True),
        StepField("participants", _("Thành phần tham dự"), "textarea", True),
        StepField("decisions", _("Kết luận: các biện pháp hỗ trợ, can thiệp"), "textarea", True),
    ],
    StepKind.PLAN_SUBMITTED: [
        StepField("goal", _("Mục tiêu của kế hoạch"), "textarea", True),
        StepField("items", _("Các dịch vụ, biện pháp"), "items", True),
    ],
    StepKind.PLAN_APPROVED: [
        StepField("decision_number", _("Số quyết định phê duyệt")),
    ],
    StepKind.PLAN_RETURNED: [
        StepField("reason", _("Lý do trả lại, nội dung cần sửa"), "textarea", True),
    ],
    StepKind.IMPLEMENTATION: [
        StepField("items", _("Kết quả từng nội dung"), "item_updates", True),
    ],
    StepKind.REVIEW: [
        StepField("outcome", _("Kết luận"), "choice", True, ReviewOutcome.choices),
        StepField("results", _("Kết quả thực hiện kế hoạch"), "textarea", True),
        StepField("remaining_risk", _("Nguy cơ còn lại"), "textarea"),
    ],
    StepKind.ARCHIVE: [
        StepField("storage", _("Nơi lưu hồ sơ")),
        StepField("national_db", _("Đã cập nhật vào cơ sở dữ liệu quốc gia về trẻ em"), "bool"),
    ],
}

# The statuses from which each step may be recorded.
ALLOWED_FROM: dict[str, set[str]] = {
    StepKind.INITIAL_ASSESSMENT: {CaseStatus.RECEIVED},
    StepKind.EMERGENCY: {
        CaseStatus.RECEIVED,
        CaseStatus.ASSESSED,
        CaseStatus.DETAILED,
        CaseStatus.PLANNING,
        CaseStatus.AWAITING_APPROVAL,
        CaseStatus.IN_PROGRESS,
    },
    StepKind.SEPARATION_END: {
        CaseStatus.RECEIVED,
        CaseStatus.ASSESSED,
        CaseStatus.DETAILED,
        CaseStatus.PLANNING,
        CaseStatus.AWAITING_APPROVAL,
        CaseStatus.IN_PROGRESS,
        CaseStatus.CLOSED,
    },
    StepKind.DETAILED_ASSESSMENT: {CaseStatus.ASSESSED},
    StepKind.CASE_MEETING: {CaseStatus.DETAILED},
    StepKind.PLAN_SUBMITTED: {CaseStatus.PLANNING},
    StepKind.PLAN_APPROVED: {CaseStatus.AWAITING_APPROVAL},
    StepKind.PLAN_RETURNED: {CaseStatus.AWAITING_APPROVAL},
    StepKind.IMPLEMENTATION: {CaseStatus.IN_PROGRESS},
    StepKind.REVIEW: {CaseStatus.IN_PROGRESS},
    StepKind.ARCHIVE: {CaseStatus.CLOSED},
}

# Steps only the commune leader records (Điều 28.4: the chair approves the plan).
LEADER_STEPS = {StepKind.PLAN_APPROVED, StepKind.PLAN_RETURNED}

# The step that moves a case on, by status (what the board shows as "next").
NEXT_BY_STATUS: dict[str, str] = {
    CaseStatus.RECEIVED: StepKind.INITIAL_ASSESSMENT,
    CaseStatus.ASSESSED: StepKind.DETAILED_ASSESSMENT,
    CaseStatus.DETAILED: StepKind.CASE_MEETING,
    CaseStatus.PLANNING: StepKind.PLAN_SUBMITTED,
    CaseStatus.AWAITING_APPROVAL: StepKind.PLAN_APPROVED,
    CaseStatus.IN_PROGRESS: StepKind.REVIEW,
    CaseStatus.CLOSED: StepKind.ARCHIVE,
}


def available_steps(case: Any) -> list[str]:
    """Steps that may be recorded now, in the order the procedure suggests them."""
    result = []
    for kind in STEP_FIELDS:
        if case.status not in ALLOWED_FROM[kind]:
            continue
        if kind == StepKind.EMERGENCY and not case.serious_risk:
            continue
        if kind == StepKind.SEPARATION_END and not case.separation_active:
            continue
        result.append(kind)
    nxt = case.next_step
    result.sort(key=lambda k: 0 if k == nxt else 1)
    return result
