"""Demo cases (synthetic): a dozen in Nghĩa Hưng at every stage, two overdue; injuries,
one drowning (the child's record marked died), and three closed cases and two injuries
in the first half of 2026 for the demo report. Idempotent. Runs after the registry demo."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from treem.cases import services
from treem.cases.clock import VN_TZ
from treem.cases.models import Case, Incident
from treem.core.demo import DemoContext, audit_at

ITEMS = [
    {
        "service": "Tư vấn, trị liệu tâm lý cho trẻ (4 buổi)",
        "responsible": "Nguyễn Thị Lan",
        "provider": "Trạm Y tế xã",
        "cost": "800000",
    },
    {
        "service": "Hỗ trợ pháp lý cho gia đình",
        "responsible": "Bộ phận Tư pháp",
        "provider": "Trợ giúp pháp lý tỉnh",
        "cost": "0",
    },
    {
        "service": "Theo dõi an toàn của trẻ hằng tuần",
        "responsible": "Vũ Thị Hoa",
        "provider": "Cộng tác viên thôn",
        "cost": "",
    },
]

STEPS: list[tuple[str, dict[str, Any]]] = [
    ("initial_assessment", {"risk_level": "moderate", "harm": "Vết bầm ở tay, trẻ sợ hãi"}),
    (
        "detailed_assessment",
        {
            "physical_state": "Sức khỏe ổn định, còn lo âu",
            "family": "Cha uống rượu, mẹ đi làm xa",
            "child_views": "Muốn ở với bà nội",
            "parents_views": "Cha cam kết không tái diễn",
        },
    ),
    (
        "case_meeting",
        {
            "chair": "Phạm Văn Quang",
            "participants": "UBND xã, Công an xã, Trạm Y tế, Hội Phụ nữ, gia đình",
            "decisions": "Xây dựng kế hoạch hỗ trợ tâm lý và pháp lý",
        },
    ),
    ("plan_submitted", {"goal": "Trẻ được an toàn và ổn định tâm lý", "items": ITEMS}),
    ("plan_approved", {"decision_number": "15/QĐ-UBND"}),
    ("implementation", {}),
    ("review", {"outcome": "close", "results": "Trẻ an toàn, đi học đều"}),
    ("archive", {"storage": "Tủ hồ sơ bảo vệ trẻ em, UBND xã", "national_db": True}),
]

# (hours since the report, serious risk, steps done, forms, setting, source)
PLAN: list[tuple[float, bool, int, list[str], str, str]] = [
    (20, True, 0, ["violence"], "family", "hotline_111"),  # overdue: 12-hour clock missed
    (2, True, 0, ["sexual_abuse"], "community", "police"),  # the 12-hour clock running
    (5, False, 0, ["neglect"], "family", "collaborator"),
    (26, False, 1, ["exploitation"], "community", "school"),
    (30, True, 1, ["violence", "neglect"], "family", "community"),
    (40, False, 2, ["abandonment"], "family", "health_station"),
    (24 * 12, False, 3, ["violence"], "school", "school"),  # overdue: no plan in 5 days
    (44, False, 4, ["neglect"], "family", "community"),
    (24 * 6, False, 5, ["violence"], "family", "hotline_111"),
    (24 * 9, False, 6, ["exploitation"], "online", "police"),
    (24 * 30, False, 7, ["violence"], "family", "hotline_111"),
    (24 * 45, False, 8, ["other"], "community", "child"),
]


# Closed cases received in the demo report's half-year (2026H1), so its abuse tables
# have rows: (day received, serious risk, forms, setting, source); every step done.
EARLIER: list[tuple[dt.date, bool, list[str], str, str]] = [
    (dt.date(2026, 2, 24), False, ["violence"], "family", "community"),
    (dt.date(2026, 4, 8), True, ["sexual_abuse"], "community", "police"),
    (dt.date(2026, 5, 19), False, ["neglect", "violence"], "family", "school"),
]
CLOSED_GAP = dt.timedelta(hours=10)  # within the 12-hour first assessment
# Up to the plan's approval the demo officers keep the statutory limits (a plan within 5
# working days, its approval within 2): steps at most this far apart; the cases late on
# purpose are the ones in PLAN that stop before a step.
QUICK_GAP = dt.timedelta(hours=20)
QUICK_STEPS = {
    "initial_assessment",
    "detailed_assessment",
    "case_meeting",
    "plan_submitted",
    "plan_approved",
}
# What the carried-out plan items achieved (the implementation step's notes).
RESULTS = [
    "Trẻ tham gia đủ 4 buổi, bớt lo âu, ngủ ngon hơn",
    "Gia đình được tư vấn về quyền nuôi con và thủ tục bảo vệ",
    "Cộng tác viên thăm trẻ hằng tuần trong 3 tháng, trẻ an toàn",
]


def seed(ctx: DemoContext, stdout: Any = None) -> None:
    from treem.registry.models import Child

    officer = ctx.users["nghiahung"]
    children = list(
        Child.objects.active()
        .filter(commune=ctx.commune)
        .select_related("area", "commune")
        .order_by("id")[:400]
    )
    if not children:
        if stdout:
            stdout.write("cases: no registry children in the demo commune, skipped\n")
        return
    rng = ctx.rng
    now = timezone.now()
    if not Case.objects.filter(area=ctx.commune).exists():
        picked = rng.sample(children, len(PLAN) + len(EARLIER))
        for n, (day, serious, forms, setting, source) in enumerate(EARLIER):
            received = dt.datetime.combine(day, dt.time(8, 30), tzinfo=VN_TZ)
            if received < now:  # received first, so numbered first
                child = picked[len(PLAN) + n]
                _case(ctx, child, received, CLOSED_GAP, serious, len(STEPS), forms, setting, source)
        # oldest first: a case's number is given when it is received, in order
        by_age = sorted(enumerate(PLAN), key=lambda item: -item[1][0])
        for n, (hours, serious, done, forms, setting, source) in by_age:
            received = now - dt.timedelta(hours=hours)
            gap = dt.timedelta(hours=min(hours, 24 * 60) / (len(STEPS) + 2))
            _case(ctx, picked[n], received, gap, serious, done, forms, setting, source)
        if stdout:
            stdout.write(
                f"cases: {len(PLAN) + len(EARLIER)} demo cases in {ctx.commune.full_name}\n"
            )
    if not Incident.objects.filter(area=ctx.commune).exists():
        pool = [c for c in children if c.status == "active"]
        today = timezone.localdate()
        kinds = [
            ("traffic", "injured", "Đường liên xã", today - dt.timedelta(days=3)),
            ("fall", "injured", "Sân nhà", today - dt.timedelta(days=10)),
            ("burn", "injured", "Bếp nhà", today - dt.timedelta(days=17)),
            ("drowning", "died", "Ao làng thôn Liễu Đề", today - dt.timedelta(days=24)),
            # in the demo report's half-year (2026H1)
            ("traffic", "injured", "Quốc lộ 21", dt.date(2026, 3, 14)),
            ("drowning", "injured", "Sông Đáy, bến đò Nghĩa Châu", dt.date(2026, 6, 2)),
        ]
        kinds = [k for k in kinds if k[3] < today]
        for k, (kind, outcome, place, day) in enumerate(kinds):
            child = pool[-(k + 1)]
            services.incident_record(
                actor=officer,
                child=child,
                kind=kind,
                occurred_on=day,
                outcome=outcome,
                place=place,
                latitude="20.0170" if kind == "drowning" else None,
                longitude="106.2140" if kind == "drowning" else None,
                treatment="Sơ cứu tại Trạm Y tế xã" if outcome == "injured" else "",
            )
        if stdout:
            stdout.write(f"cases: {len(kinds)} demo incidents (one drowning death)\n")


def _office_hours(at: dt.datetime) -> dt.datetime:
    """`at`, moved to the next morning's 08:00 (same minute) when it falls at night: a
    detailed assessment, a case meeting, a plan are made in office hours (the receipt of
    a report, the first assessment within its 12 hours and an emergency intervention are
    not moved: they happen when they must)."""
    local = at.astimezone(VN_TZ)
    if 7 <= local.hour < 18:
        return at
    day = local.date() + (dt.timedelta(days=1) if local.hour >= 18 else dt.timedelta(0))
    return dt.datetime.combine(day, dt.time(8, local.minute), tzinfo=VN_TZ)


def _case(
    ctx: DemoContext,
    child: Any,
    received: dt.datetime,
    gap: dt.timedelta,
    serious: bool,
    done: int,
    forms: list[str],
    setting: str,
    source: str,
) -> None:
    """One demo case received at `received`, its first `done` steps `gap` apart."""
    officer, leader = ctx.users["nghiahung"], ctx.users["lanhdao"]
    now = timezone.now()
    actor = ctx.users["ctv"] if source == "collaborator" else officer
    kwargs: dict[str, Any] = {"child": child}
    if source == "collaborator" and child.area.level == 4:
        kwargs = {
            "child": None,
            "area": ctx.villages[0],
            "child_details": {
                "full_name": "Hoàng Văn Tài",
                "sex": "male",
                "birth_year": now.year - 8,
            },
        }
    with audit_at(received):
        case = services.case_intake(
            actor=actor,
            received_at=received,
            source=source,
            forms=forms,
            serious_risk=serious,
            setting=setting,
            perpetrator_relation="parent" if setting == "family" else "acquaintance",
            description="Thông tin giả lập cho bản trình diễn: nghi trẻ bị xâm hại.",
            reporter={"full_name": "Người báo tin (giả lập)", "phone": "0900000000"},
            **kwargs,
        )
    at = received
    for kind, data in STEPS[:done]:
        at = at + (min(gap, QUICK_GAP) if kind in QUICK_STEPS else gap)
        if kind != "initial_assessment":  # its 12 hours run day and night
            at = _office_hours(at)
        payload = dict(data)
        if kind == "initial_assessment" and serious:
            payload["risk_level"] = "serious"
        if kind == "implementation":
            plan = case.plans.get(status="approved")
            # a case carried to its close did everything; one still open keeps up the
            # weekly follow-up (the last item) after the first two are done
            carried = len(RESULTS) if done == len(STEPS) else 2
            payload = {
                "items": [
                    {"id": i.pk, "status": "done", "note": note}
                    for i, note in zip(plan.items.all()[:carried], RESULTS, strict=False)
                ]
            }
        actor = leader if kind == "plan_approved" else officer
        with audit_at(at):
            services.case_step_record(actor=actor, case=case, step=kind, at=at, data=payload)
        if kind == "initial_assessment" and serious:
            at = at + dt.timedelta(minutes=30)
            with audit_at(at):
                services.case_step_record(
                    actor=officer,
                    case=case,
                    step="emergency",
                    at=at,
                    data={
                        "measures": "Đưa trẻ đến ở tạm nhà bà nội, Công an xã làm việc với cha",
                        "decided_by": "Chủ tịch UBND xã",
                        "separation": True,
                        "shelter": "Nhà bà nội, thôn Nghĩa Thái",
                        "temporary_caregiver": "Bà nội",
                    },
                )
