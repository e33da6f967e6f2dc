"""The procedure as a state machine: clocks, transitions, refusals in Vietnamese."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.cases.helpers import PLAN_ITEMS, intake, make_child, to_stage
from tests.conftest import World
from treem.cases import services
from treem.cases.models import Case, CaseReporter, CaseStatus, PlanStatus
from treem.core.models import AuditLog
from treem.registry.models import Child

pytestmark = pytest.mark.django_db


def test_intake_of_a_serious_report_starts_the_12_hour_clock(world: World) -> None:
    case = intake(world, hours_ago=1)
    assert case.status == CaseStatus.RECEIVED
    assert case.code.endswith("-001")
    assert case.next_step == "emergency"
    assert case.emergency_due_at == case.received_at + dt.timedelta(hours=12)
    assert case.assigned_officer == world.officer
    assert case.child_sex == "male" and case.child_age_group == "6_11"
    assert CaseReporter.objects.get(case=case).full_name == "Trần Thị Báo"
    entry = AuditLog.objects.get(action="case.intake")
    assert "Trần Thị Báo" not in str(entry.after) and "vết bầm" not in str(entry.after)


def test_not_serious_report_waits_for_the_initial_assessment(world: World) -> None:
    case = intake(world, serious=False)
    assert case.next_step == "initial_assessment"
    assert case.emergency_due_at is None
    assert case.plan_due_on is not None


def test_a_focal_point_reports_a_new_child_created_later_by_the_officer(world: World) -> None:
    case = services.case_intake(
        actor=world.focal_point,
        area=world.village2,
        child_details={"full_name": "LÊ THỊ BÉ", "sex": "female", "birth_year": 2018},
        received_at=timezone.now() - dt.timedelta(hours=1),
        source="health_station",
        forms=["neglect"],
        description="Trẻ suy dinh dưỡng, bị bỏ mặc.",
    )
    assert case.child is None and case.assigned_officer == world.officer
    services.case_step_record(
        actor=world.officer, case=case, step="initial_assessment", data={"risk_level": "moderate"}
    )
    case.refresh_from_db()
    assert case.child is not None and case.child.full_name == "Lê Thị Bé"
    assert case.child.area == world.village2 and case.child.birth_date_precision == "year"


def test_a_collaborator_intake_creates_the_minimal_child_at_once(world: World) -> None:
    case = services.case_intake(
        actor=world.collaborator,
        area=world.village,
        child_details={"full_name": "Đinh Văn Cường", "sex": "male"},
        received_at=timezone.now(),
        source="collaborator",
        forms=["exploitation"],
        description="Trẻ phải đi làm thuê ở xưởng gạch.",
    )
    assert Child.objects.filter(full_name="Đinh Văn Cường", area=world.village).exists()
    assert case.child is not None


def test_intake_names_each_bad_field(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.case_intake(
            actor=world.officer,
            area=world.commune,
            child_details={},
            received_at=timezone.now() + dt.timedelta(days=1),
            source="radio",
            forms=["beating"],
            description="",
        )
    errors = exc.value.message_dict
    assert set(errors) >= {"description", "source", "forms", "received_at", "child"}
    assert "Nội dung vụ việc không được để trống." in errors["description"]


def test_another_commune_cannot_take_a_report_here(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.case_intake(
            actor=world.other_officer,
            area=world.village,
            child_details={"full_name": "A"},
            received_at=timezone.now(),
            source="other",
            forms=["other"],
            description="x",
        )


def test_the_whole_procedure_to_archive(world: World) -> None:
    case = intake(world)
    case = to_stage(world, case, "emergency")
    assert case.separation_active and case.separation_due_on == (
        timezone.localdate() + dt.timedelta(days=15)
    )
    case = to_stage(world, Case.objects.get(pk=case.pk), "plan_submitted")
    assert case.status == CaseStatus.AWAITING_APPROVAL
    assert case.approval_due_on is not None and case.next_step == "plan_approved"
    plan = case.plans.get()
    assert plan.items.count() == 2 and plan.items.first().cost == 500000
    services.case_step_record(actor=world.leader, case=case, step="plan_approved", data={})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.next_step == "separation_end"
    items = list(plan.items.all())
    services.case_step_record(
        actor=world.officer,
        case=case,
        step="implementation",
        data={"items": [{"id": items[0].pk, "status": "done", "note": "4 buổi"}]},
    )
    services.case_step_record(
        actor=world.officer, case=case, step="separation_end", data={"reason": "Gia đình an toàn"}
    )
    services.case_step_record(
        actor=world.officer,
        case=case,
        step="review",
        data={"outcome": "close", "results": "Trẻ an toàn, đi học lại"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.next_step == "archive"
    assert case.next_due_at is None
    services.case_step_record(actor=world.officer, case=case, step="archive", data={})
    case.refresh_from_db()
    assert case.status == CaseStatus.ARCHIVED
    assert [s.kind for s in case.steps.order_by("at", "id")][:2] == ["intake", "initial_assessment"]


def test_illegal_transitions_are_refused_in_vietnamese(world: World) -> None:
    case = intake(world)
    with pytest.raises(ValidationError) as exc:
        services.case_step_record(
            actor=world.officer,
            case=case,
            step="plan_submitted",
            data={"goal": "x", "items": PLAN_ITEMS},
        )
    assert "Không thể ghi bước “Trình kế hoạch hỗ trợ, can thiệp”" in str(exc.value)
    with pytest.raises(ValidationError):
        services.case_step_record(actor=world.officer, case=case, step="fly", data={})
    case = to_stage(world, case, "plan_submitted")
    with pytest.raises(PermissionDenied) as denied:
        services.case_step_record(actor=world.officer, case=case, step="plan_approved", data={})
    assert "lãnh đạo" in str(denied.value)


def test_leader_sends_the_plan_back_and_the_officer_resubmits(world: World) -> None:
    case = to_stage(world, intake(world), "plan_submitted")
    services.case_step_record(
        actor=world.leader, case=case, step="plan_returned", data={"reason": "Thiếu kinh phí"}
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.PLANNING
    assert case.plans.get().status == PlanStatus.RETURNED
    services.case_step_record(
        actor=world.officer,
        case=case,
        step="plan_submitted",
        data={"goal": "y", "items": PLAN_ITEMS},
    )
    assert case.plans.count() == 2


def test_review_can_plan_again(world: World) -> None:
    case = to_stage(world, intake(world), "plan_approved")
    services.case_step_record(
        actor=world.officer,
        case=case,
        step="review",
        data={"outcome": "replan", "results": "Còn nguy cơ"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.PLANNING and case.next_step == "plan_submitted"
    assert case.plans.get().status == PlanStatus.SUPERSEDED


def test_bad_plan_rows_are_named(world: World) -> None:
    case = to_stage(world, intake(world), "case_meeting")
    with pytest.raises(ValidationError) as exc:
        services.case_step_record(
            actor=world.officer,
            case=case,
            step="plan_submitted",
            data={
                "goal": "x",
                "items": [
                    {"service": "A", "start_date": "2026-02-10", "end_date": "2026-02-01"},
                    {"service": "B", "cost": "-5"},
                    {"service": "C", "start_date": "31/13/2026"},
                ],
            },
        )
    msg = " ".join(exc.value.message_dict["items"])
    assert "Dòng 1: ngày kết thúc trước ngày bắt đầu." in msg
    assert "Dòng 2: kinh phí" in msg and "Dòng 3: từ ngày" in msg


def test_stale_version_is_refused(world: World) -> None:
    case = intake(world)
    old = case.version
    services.case_step_record(
        actor=world.officer, case=case, step="initial_assessment", data={"risk_level": "serious"}
    )
    with pytest.raises(ValidationError) as exc:
        services.case_step_record(
            actor=world.officer,
            case=case,
            step="emergency",
            data={"measures": "x"},
            version=old,
        )
    assert "vừa được người khác cập nhật" in str(exc.value)


def test_only_the_assigned_officer_records_steps(world: World) -> None:
    from tests.factories import make_user

    second = make_user("canbo2", "commune_officer", world.commune)
    case = intake(world)
    with pytest.raises(PermissionDenied):
        services.case_step_record(
            actor=second, case=case, step="initial_assessment", data={"risk_level": "none"}
        )
    services.case_assign(actor=world.leader, case=case, officer=second)
    services.case_step_record(
        actor=second, case=case, step="initial_assessment", data={"risk_level": "none"}
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_drowning_death_marks_the_child_died_and_flags_the_report(world: World) -> None:
    child = make_child(world.village, "Phạm Minh Khôi", age=7)
    incident = services.incident_record(
        actor=world.officer,
        child=child,
        kind="drowning",
        occurred_on=timezone.localdate(),
        outcome="died",
        place="Ao làng thôn Liễu Đề",
        latitude="20.1234",
        longitude="106.2",
    )
    child.refresh_from_db()
    assert child.status == "died" and child.death_cause == "Đuối nước"
    assert incident.immediate_report and incident.awaiting_report
    services.incident_mark_reported(actor=world.officer, incident=incident)
    assert not incident.awaiting_report


def test_incident_bad_input(world: World) -> None:
    child = make_child(world.village)
    with pytest.raises(ValidationError) as exc:
        services.incident_record(
            actor=world.officer,
            child=child,
            kind="meteor",
            occurred_on=timezone.localdate() + dt.timedelta(days=2),
            outcome="",
            latitude="95",
        )
    assert set(exc.value.message_dict) >= {"kind", "occurred_on", "outcome", "latitude"}
    with pytest.raises(PermissionDenied):
        services.incident_record(
            actor=world.other_officer,
            child=child,
            kind="fall",
            occurred_on=timezone.localdate(),
            outcome="injured",
        )
