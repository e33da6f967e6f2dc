"""Shared helpers for the cases tests: registry children and cases at a given stage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from treem.cases import services
from treem.cases.models import Case
from treem.registry.models import Child
from treem.registry.search import plain_words, vocabulary_add


def make_child(area: Any, name: str = "Nguyễn Văn An", *, sex: str = "male", age: int = 9) -> Child:
    commune = area.parent if area.level == 4 else area
    child = Child(
        area=area,
        commune=commune,
        province_code=area.province_code,
        full_name=name,
        sex=sex,
        birth_date=timezone.localdate().replace(month=1, day=1) - dt.timedelta(days=365 * age),
    )
    child.set_derived()
    child.save()
    # its words in the search vocabulary, as the registry's services record them (a
    # typed word is looked up there before the children: treem.registry.search)
    vocabulary_add(plain_words(child.search_words))
    return child


def intake(
    world: Any, *, child: Any = None, hours_ago: float = 2, serious: bool = True, **kw: Any
) -> Case:
    child = child or make_child(world.village)
    params: dict[str, Any] = {
        "received_at": timezone.now() - dt.timedelta(hours=hours_ago),
        "source": "hotline_111",
        "forms": ["violence"],
        "description": "Hàng xóm báo trẻ bị cha đánh nhiều lần, có vết bầm trên tay.",
        "serious_risk": serious,
        "reporter": {"full_name": "Trần Thị Báo", "phone": "0912345678", "relation": "hàng xóm"},
        "setting": "family",
        "perpetrator_relation": "parent",
    }
    params.update(kw)
    return services.case_intake(actor=world.officer, child=child, **params)


PLAN_ITEMS = [
    {
        "service": "Tư vấn tâm lý cho trẻ",
        "start_date": "2026-01-05",
        "end_date": "2026-02-05",
        "responsible": "Nguyễn Thị Lan",
        "provider": "Trạm Y tế xã",
        "cost": "500000",
    },
    {"service": "Hỗ trợ pháp lý cho gia đình", "provider": "Tư pháp xã", "cost": ""},
]


def to_stage(world: Any, case: Case, stage: str) -> Case:
    """Walk a case through the procedure up to (and including) `stage`."""
    order = [
        ("initial_assessment", {"risk_level": "serious", "harm": "Vết bầm"}),
        ("emergency", {"measures": "Đưa trẻ đến nhà bà ngoại", "separation": True}),
        ("detailed_assessment", {"child_views": "Muốn ở với bà", "parents_views": "Cha hối hận"}),
        (
            "case_meeting",
            {
                "chair": "Phạm Văn Quang",
                "participants": "UBND, Công an",
                "decisions": "Lập kế hoạch",
            },
        ),
        ("plan_submitted", {"goal": "Trẻ an toàn", "items": PLAN_ITEMS}),
        ("plan_approved", {"decision_number": "12/QĐ-UBND"}),
    ]
    done = set(case.steps.values_list("kind", flat=True))
    for step, data in order:
        if step in done:
            if step == stage:
                break
            continue
        actor = world.leader if step == "plan_approved" else world.officer
        services.case_step_record(actor=actor, case=case, step=step, data=data)
        if step == stage:
            break
    case.refresh_from_db()
    return case
