"""The demo seeder imports the synthetic plans with progress, and is idempotent."""

from __future__ import annotations

from tests.conftest import World
from tests.factories import demo_context
from treem.plans import demo
from treem.plans.models import Plan, PlanStatus, TargetMeasurement, TaskProgress, TaskStatus
from treem.plans.selectors import report_deadlines_for


def test_demo_seed_imports_the_plans_once(world: World) -> None:
    ctx = demo_context(
        world,
        {"admin": world.admin, "yte": world.focal_point, "nghiahung": world.officer},
        seed=1,
    )
    demo.seed(ctx)
    demo.seed(ctx)
    plan = Plan.objects.get(area=world.commune)
    assert plan.status == PlanStatus.ISSUED and plan.number == "12/KH-UBND"
    assert plan.parent_plan == Plan.objects.get(area=world.province)
    assert TaskProgress.objects.filter(recorded_by=world.focal_point).count() == 3
    assert plan.tasks.filter(status=TaskStatus.DONE).count() == 3
    assert TargetMeasurement.objects.count() == 4
    # the officer linked the first target to the supported rate and the swimming one to
    # the manual indicator the reports demo adds: the report shows them
    linked = plan.targets.exclude(indicator_slug="").order_by("position")
    assert [t.indicator_slug for t in linked] == [
        "special_circumstances_supported_pct",
        "swimming_taught_pct",
    ]
    assert "hoàn cảnh đặc biệt" in linked[0].text and "học bơi" in linked[1].text
    deadlines = report_deadlines_for(world.commune, 2026)
    assert deadlines["6_months"].units_due.isoformat() == "2026-05-10"
    assert deadlines["6_months"].area_due.isoformat() == "2026-05-15"
    # the log tells the plan's year as it went: uploaded after it was issued, progress on
    # the days the units reported it
    from django.utils import timezone

    from treem.core.models import AuditLog

    created = AuditLog.objects.get(action="plan.create", object_id=str(plan.pk))
    assert plan.issued_date is not None
    assert timezone.localdate(created.at) > plan.issued_date
    progress_days = {
        timezone.localdate(a.at) for a in AuditLog.objects.filter(action="plan.task.progress")
    }
    assert progress_days == set(TaskProgress.objects.values_list("date", flat=True))
