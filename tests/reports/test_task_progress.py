"""The report's "progress on plan tasks": the latest entry of the period per task and
unit, named by its unit, or by the commune's committee when an officer recorded it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from tests.conftest import World
from tests.plans.conftest import plan, sample_data  # noqa: F401  (fixtures)
from treem.plans import services as plans
from treem.plans.models import Plan, TaskStatus
from treem.reports import services

pytestmark = pytest.mark.django_db


def test_report_lists_the_periods_progress_by_unit_or_committee(
    world: World,
    plan: Plan,  # noqa: F811
    client_for,
) -> None:
    plan = plans.plan_update(actor=world.officer, plan=plan, version=plan.version, number="45/KH")
    plan = plans.plan_issue(actor=world.leader, plan=plan, version=plan.version)
    health_task = plan.tasks.get(number="1.a")  # led by the health station
    other = plan.tasks.get(number="2.b")
    plans.task_progress_record(
        actor=world.focal_point,
        task=health_task,
        status=TaskStatus.IN_PROGRESS,
        narrative="Đã phát 6 buổi.",
        date=dt.date(2025, 3, 2),
    )
    plans.task_progress_record(
        actor=world.focal_point,
        task=health_task,
        status=TaskStatus.DONE,
        narrative="Đã phát 12 buổi.",
        date=dt.date(2025, 5, 2),
    )
    plans.task_progress_record(
        actor=world.officer,
        task=other,
        status=TaskStatus.DONE,
        narrative="Đã rà soát 8 thôn.",
        date=dt.date(2025, 6, 10),
    )
    plans.task_progress_record(
        actor=world.officer,
        task=other,
        status=TaskStatus.DONE,
        narrative="Ghi sau kỳ báo cáo.",
        date=dt.date(2025, 8, 1),
    )
    officer = client_for(world.officer)
    body = officer.get(f"/bao-cao/ky/2025H1/{world.commune.key}/").content.decode()
    progress = body.split('<ul id="task-progress">', 1)[1].split("</ul>", 1)[0]
    assert f"{world.health_station.name}: Hoàn thành. Đã phát 12 buổi." in progress
    assert "Đã phát 6 buổi." not in progress  # an earlier entry of the same task and unit
    assert "UBND Xã Nghĩa Hưng: Hoàn thành. Đã rà soát 8 thôn." in progress
    assert "Ghi sau kỳ báo cáo." not in progress  # recorded after the period
    assert "— :" not in progress

    report = services.report_create(actor=world.officer, area=world.commune, period="2025H1")
    doc = Document(io.BytesIO(officer.get(f"/bao-cao/{report.pk}/word/").content))
    lines = [p.text for p in doc.paragraphs]
    assert any(f"({world.health_station.name}): Hoàn thành. Đã phát 12 buổi." in t for t in lines)
    assert any("(UBND Xã Nghĩa Hưng): Hoàn thành. Đã rà soát 8 thôn." in t for t in lines)
    assert not any("()" in t for t in lines)
