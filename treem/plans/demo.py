"""Demo data: Xã Nghĩa Hưng's 2026 plan (a synthetic text in the genre), with some progress.

The plan is read from demo_data/ through the extractor and imported with the
same services the upload page uses. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

from treem.core.demo import DemoContext, audit_at
from treem.plans import services
from treem.plans.importing import extract_path
from treem.plans.models import Plan, PlanStatus, TaskStatus

DEMO_FILE = Path(__file__).parent / "demo_data" / "nghia-hung-2026.txt"
PROVINCE_FILE = Path(__file__).parent / "demo_data" / "ninh-binh-2026.txt"

# (task number, username, status, narrative, date): progress as the units reported it
PROGRESS = [
    (
        "2.a",
        "yte",
        TaskStatus.IN_PROGRESS,
        "Đã tiêm chủng đầy đủ cho 212/218 trẻ dưới 1 tuổi.",
        (5, 5),
    ),
    ("2.b", "yte", TaskStatus.DONE, "Đã khám sức khỏe cho 1.046 trẻ tại 3 trường.", (6, 20)),
    ("2.c", "yte", TaskStatus.IN_PROGRESS, "Phối hợp rà soát 64 trẻ chưa có thẻ.", (5, 30)),
    ("1.b", "nghiahung", TaskStatus.DONE, "Đã tổ chức lễ phát động ngày 01/6.", (6, 30)),
    ("4.a", "nghiahung", TaskStatus.DONE, "Đã cập nhật dữ liệu 8 thôn.", (3, 25)),
    ("1.a", "nghiahung", TaskStatus.IN_PROGRESS, "Phát 2 buổi/tuần trên loa truyền thanh.", (5, 2)),
]
MEASUREMENTS = [(0, "100"), (1, "96.5"), (2, "11.8"), (3, "92")]
# Targets the officer links to an indicator (the plan page's "mã chỉ số"), so the report
# shows the target beside the value: "100% of children in special circumstances managed
# and supported" is the supported rate; the swimming target is the manual indicator the
# administrator adds for it (`treem.reports.demo`).
LINKS = [(0, "special_circumstances_supported_pct"), (5, "swimming_taught_pct")]


def _on(day: dt.date, hour: int) -> dt.datetime:
    """`day` at `hour` o'clock, local time (the demo's audit rows: `audit_at`)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _import(ctx: DemoContext, area: Any, path: Path, parent: Plan | None = None) -> Plan:
    data, text = extract_path(path)
    issued = services._safe_iso(data.get("issued_date")) or timezone.localdate()
    with audit_at(_on(issued + dt.timedelta(days=2), 9)):  # uploaded soon after it was issued
        return services.plan_create_from_extraction(
            actor=ctx.users["admin"],
            area=area,
            data=data,
            source=services.UploadedSource(name=path.name, file=None, text=text),
            parent_plan=parent,
            status=PlanStatus.ISSUED,
        )


def seed(ctx: DemoContext, stdout: Any = None) -> None:
    commune = ctx.commune
    province_plan = Plan.objects.filter(area=ctx.province, source_name=PROVINCE_FILE.name).first()
    if province_plan is None:
        province_plan = _import(ctx, ctx.province, PROVINCE_FILE)
    if Plan.objects.filter(area=commune, source_name=DEMO_FILE.name).exists():
        return
    plan = _import(ctx, commune, DEMO_FILE, parent=province_plan)
    today = timezone.localdate()
    tasks = {t.number: t for t in plan.tasks.all()}
    for number, username, status, narrative, (month, day) in PROGRESS:
        task = tasks.get(number)
        if task is None:
            continue
        date = min(dt.date(plan.year, month, day), today)
        with audit_at(_on(date, 16)):
            services.task_progress_record(
                actor=ctx.users[username], task=task, status=status, narrative=narrative, date=date
            )
    targets = list(plan.targets.order_by("position"))
    issued = plan.issued_date or today
    with audit_at(_on(issued + dt.timedelta(days=3), 10)):  # linked as the plan was read
        services.plan_targets_save(
            actor=ctx.users["nghiahung"],
            plan=plan,
            targets=[
                services.TargetEdit(
                    pk=targets[index].pk,
                    text=targets[index].text,
                    value=targets[index].value,
                    unit=targets[index].unit,
                    indicator_slug=slug,
                )
                for index, slug in LINKS
                if index < len(targets)
            ],
        )
    measured = min(dt.date(plan.year, 5, 10), today)
    for index, value in MEASUREMENTS:
        if index < len(targets):
            with audit_at(_on(measured, 15)):
                services.target_measure(
                    actor=ctx.users["nghiahung"],
                    target=targets[index],
                    period="6_months",
                    year=plan.year,
                    value=Decimal(value),
                    measured_on=measured,
                )
    if stdout is not None:
        stdout.write(
            f"plans: kế hoạch {plan.number} ({plan.tasks.count()} nhiệm vụ, "
            f"{len(targets)} chỉ tiêu) cho {commune.full_name}\n"
        )
