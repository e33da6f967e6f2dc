"""Importing, correcting, issuing plans; recording progress and target measurements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import World
from treem.core.models import Agency, AuditLog
from treem.plans import services
from treem.plans.models import Plan, PlanStatus, ReportLevel, TaskProgress, TaskStatus


def test_import_builds_the_task_tree_with_units_matched_to_the_communes_agencies(
    world: World, plan: Plan
) -> None:
    assert plan.title == "Thực hiện công tác trẻ em năm 2025 trên địa bàn xã Nghĩa Hưng"
    assert plan.number == "45/KH-UBND"
    assert plan.issued_date == dt.date(2025, 8, 12)
    assert plan.status == PlanStatus.DRAFT
    tasks = {t.number: t for t in plan.tasks.all()}
    assert tasks["1.a"].parent == tasks["1"]
    # "Trạm Y tế xã" in the text is the commune's "Trạm Y tế xã Nghĩa Hưng"
    leads = [a.name for a in tasks["1.a"].lead_units.all()]
    assert world.health_station.name in leads
    assert tasks["1.a"].start_date == dt.date(2025, 7, 1)
    assert tasks["1.a"].end_date == dt.date(2025, 9, 30)
    assert tasks["2.b"].recurrence == "continuous"
    assert plan.targets.filter(value=Decimal("98")).exists()
    levels = {(d.period, d.level) for d in plan.report_deadlines.all()}
    assert ("6_months", ReportLevel.UNITS) in levels
    assert AuditLog.objects.filter(action="plan.create", object_id=str(plan.pk)).exists()


def test_missing_units_are_created_as_agencies_of_the_commune_with_an_audit_row(
    world: World, plan: Plan
) -> None:
    agency = Agency.objects.get(area=world.commune, name="Trường Tiểu học Nghĩa Hưng")
    assert AuditLog.objects.filter(action="agency.create", object_id=str(agency.pk)).exists()


def test_officer_of_another_commune_cannot_import_into_this_commune(
    world: World, sample_data: dict[str, Any]
) -> None:
    with pytest.raises(PermissionDenied):
        services.plan_create_from_extraction(
            actor=world.other_officer, area=world.commune, data=sample_data
        )


def test_correcting_a_lead_unit_replaces_it_and_is_audited(world: World, plan: Plan) -> None:
    task = plan.tasks.get(number="1.b")
    services.task_update(
        actor=world.officer, task=task, version=task.version, lead_units=["Trạm Y tế xã"]
    )
    assert [a.pk for a in task.lead_units.all()] == [world.health_station.pk]
    assert AuditLog.objects.filter(action="plan.task.update", object_id=str(task.pk)).exists()


def test_stale_version_is_refused_with_a_vietnamese_message(world: World, plan: Plan) -> None:
    task = plan.tasks.get(number="1.b")
    services.task_update(actor=world.officer, task=task, version=task.version, title="Mới")
    with pytest.raises(ValidationError, match="đã được người khác sửa"):
        services.task_update(actor=world.officer, task=task, version=task.version, title="Cũ")
    with pytest.raises(ValidationError, match="đã được người khác sửa"):
        services.plan_update(actor=world.officer, plan=plan, version=plan.version - 1, title="X")


def test_timeframe_is_reparsed_when_corrected(world: World, plan: Plan) -> None:
    task = plan.tasks.get(number="1.b")
    task = services.task_update(
        actor=world.officer, task=task, version=task.version, timeframe="Quý IV"
    )
    assert (task.start_date, task.end_date) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))


def test_bad_date_names_the_field(world: World, plan: Plan) -> None:
    with pytest.raises(ValidationError) as exc:
        services.plan_update(
            actor=world.officer, plan=plan, version=plan.version, issued_date="31/02/2025"
        )
    assert "Ngày ban hành" in str(exc.value)


def test_only_the_leader_issues_and_number_and_date_are_required(world: World, plan: Plan) -> None:
    with pytest.raises(PermissionDenied):
        services.plan_issue(actor=world.officer, plan=plan, version=plan.version)
    plan = services.plan_update(actor=world.officer, plan=plan, version=plan.version, number="")
    with pytest.raises(ValidationError, match="số, ký hiệu"):
        services.plan_issue(actor=world.leader, plan=plan, version=plan.version)
    plan = services.plan_update(
        actor=world.officer, plan=plan, version=plan.version, number="45/KH-UBND"
    )
    plan = services.plan_issue(actor=world.leader, plan=plan, version=plan.version)
    assert plan.status == PlanStatus.ISSUED


def test_focal_point_records_progress_only_on_tasks_of_their_unit(
    world: World, plan: Plan, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    own = plan.tasks.get(number="1.a")  # led by the health station
    other = plan.tasks.get(number="2.a")  # police and primary school
    evidence = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", "application/pdf")
    services.task_progress_record(
        actor=world.focal_point,
        task=own,
        status=TaskStatus.DONE,
        narrative="Đã phát 12 buổi.",
        files=[evidence],
    )
    own.refresh_from_db()
    assert own.status == TaskStatus.DONE
    progress = TaskProgress.objects.get(task=own)
    assert progress.agency == world.health_station
    assert (tmp_path / progress.evidence.get().file.name).exists()
    with pytest.raises(PermissionDenied):
        services.task_progress_record(actor=world.focal_point, task=other, status="done")


def test_evidence_of_an_unknown_type_is_refused_by_name(world: World, plan: Plan) -> None:
    bad = SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream")
    with pytest.raises(ValidationError, match=r"virus\.exe"):
        services.task_progress_record(
            actor=world.officer, task=plan.tasks.first(), status="in_progress", files=[bad]
        )


def test_target_measurement_is_one_row_per_period_and_percentages_are_checked(
    world: World, plan: Plan
) -> None:
    target = plan.targets.get(value=Decimal("98"))
    services.target_measure(
        actor=world.officer, target=target, period="6_months", year=2025, value="91,5"
    )
    services.target_measure(
        actor=world.officer, target=target, period="6_months", year=2025, value="93"
    )
    assert [m.value for m in target.measurements.all()] == [Decimal("93.00")]
    with pytest.raises(ValidationError, match="0 đến 100"):
        services.target_measure(
            actor=world.officer, target=target, period="annual", year=2025, value="130"
        )
    with pytest.raises(PermissionDenied):
        services.target_measure(
            actor=world.focal_point, target=target, period="annual", year=2025, value="90"
        )


def test_commune_draft_from_the_plan_above_copies_tasks_and_maps_units(
    world: World, plan: Plan
) -> None:
    from tests.factories import make_agency

    health = make_agency(world.other_commune, "Trạm Y tế xã Rạng Đông")
    draft = services.plan_create_from_parent(
        actor=world.other_officer, parent=plan, area=world.other_commune, year=2026
    )
    assert draft.parent_plan == plan
    assert draft.tasks.count() == plan.tasks.count()
    assert draft.targets.count() == plan.targets.count()
    task = draft.tasks.get(number="1.a")
    assert list(task.lead_units.all()) == [health]
    assert task.timeframe_text == "Quý III/2026"
    assert not Agency.objects.filter(area=world.other_commune, name__contains="Tiểu học").exists()


def test_purposes_requirements_and_budget_are_read_from_the_text() -> None:
    from tests.plans.conftest import SAMPLE
    from treem.plans.importing import extract_path

    data, _text = extract_path(SAMPLE)
    assert data["purposes"].startswith("Bảo đảm thực hiện quyền trẻ em")
    assert data["requirements"].startswith("Các ngành, đoàn thể")
    assert data["budget"] == "Ngân sách xã và nguồn xã hội hóa."
