"""Case pages with the three personas, confidentiality, the audit of reads, and .docx."""

import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document

from tests.cases.helpers import intake, make_child, to_stage
from tests.conftest import World
from tests.factories import make_user
from treem.cases import services
from treem.cases.models import Case, CaseStatus
from treem.cases.selectors import case_deadlines, case_plans, child_has_open_case
from treem.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_board_owner_other_commune_anonymous(world: World, client_for) -> None:
    case = intake(world, hours_ago=14)  # the 12-hour clock has run out
    intake(world, hours_ago=1, child=make_child(world.village2, "Lê Văn Bình"))
    res = client_for(world.officer).get("/vu-viec/")
    body = res.content.decode()
    assert res.status_code == 200
    assert case.code in body and "Quá hạn" in body and 'class="overdue"' in body
    assert "Can thiệp khẩn cấp, tạm thời cách ly" in body
    other = client_for(world.other_officer).get("/vu-viec/").content.decode()
    assert case.code not in other
    anon = Client().get("/vu-viec/")
    assert anon.status_code == 302 and anon.url.startswith("/dang-nhap/")


def test_board_query_count_is_bounded(
    world: World, client_for, django_assert_max_num_queries
) -> None:
    for i in range(8):
        intake(world, child=make_child(world.village, f"Trẻ Số {i}"))
    client = client_for(world.officer)
    client.get("/vu-viec/")
    with django_assert_max_num_queries(16):
        assert client.get("/vu-viec/").status_code == 200


def test_province_sees_each_commune(world: World, client_for) -> None:
    intake(world, hours_ago=14)
    client = client_for(world.province_officer)
    body = client.get("/vu-viec/?area=37").content.decode()
    assert "Xã Nghĩa Hưng" in body and "Theo xã, phường" in body
    body = client.get("/vu-viec/?area=13891").content.decode()
    assert "Quá hạn" in body
    assert client_for(world.other_officer).get("/vu-viec/?area=13891").status_code == 404


def test_case_page_personas_and_audit(world: World, client_for) -> None:
    case = intake(world)
    url = f"/vu-viec/{case.pk}/"
    res = client_for(world.officer).get(url)
    assert res.status_code == 200 and "Trần Thị Báo" in res.content.decode()
    assert client_for(world.other_officer).get(url).status_code == 404
    anon = Client().get(url)
    assert anon.status_code == 302 and anon.url.startswith("/dang-nhap/")
    assert client_for(world.leader).get(url).status_code == 200
    assert client_for(world.province_officer).get(url).status_code == 200
    reads = AuditLog.objects.filter(action="case.read", object_id=str(case.pk))
    assert sorted(reads.values_list("actor_name", flat=True)) == ["canbo", "lanhdao", "tinh"]


def test_a_case_is_named_one_case_in_each_language(world: World, client_for) -> None:
    """ "Vụ việc 2026-001" in Vietnamese; in English "Case 2026-001" (the menu's "Cases"
    is the plural), in the page title and in the audit log's step names."""
    case = intake(world)
    client = client_for(world.officer)
    page = client.get(f"/vu-viec/{case.pk}/").content.decode()
    assert f"<h1>Vụ việc {case.code} ·" in page
    client.cookies["django_language"] = "en"
    english = client.get(f"/vu-viec/{case.pk}/").content.decode()
    assert f"<h1>Case {case.code} ·" in english
    assert f"<title>Case {case.code}" in english
    from django.utils import translation

    from treem.core.audit import action_label

    with translation.override("en"):
        assert str(action_label("case.step.emergency")).startswith("Case: ")
    # the audit log keeps its own language: the English reader's visit reads in Vietnamese
    reads = AuditLog.objects.filter(action="case.read", object_id=str(case.pk))
    assert {r.object_repr for r in reads} == {f"Vụ việc {case.code}"}


def _states(case: Case) -> dict[str, str]:
    case = Case.objects.get(pk=case.pk)
    return {d.label: d.state for d in case_deadlines(case=case, plans=case_plans(case=case))}


PLAN_LIMIT = "Xây dựng kế hoạch (5 ngày làm việc)"
APPROVAL_LIMIT = "Phê duyệt kế hoạch (2 ngày làm việc)"
EMERGENCY_LIMIT = "Can thiệp khẩn cấp (12 giờ)"


def test_the_case_page_says_whether_each_time_limit_was_kept(world: World, client_for) -> None:
    # every step taken at once, two hours after the report: every limit kept
    prompt = to_stage(world, intake(world, hours_ago=2), "plan_approved")
    assert _states(prompt) == {
        EMERGENCY_LIMIT: "met",
        PLAN_LIMIT: "met",
        APPROVAL_LIMIT: "met",
        "Tạm thời cách ly tối đa đến": "pending",  # the separation goes on
    }
    # the same steps taken three weeks after the report: the emergency and the plan late,
    # the approval (the same day as the plan) in time
    slow = to_stage(
        world,
        intake(world, child=make_child(world.village, "Lê Văn Bảo"), hours_ago=24 * 21),
        "plan_approved",
    )
    states = _states(slow)
    assert states[EMERGENCY_LIMIT] == "late" and states[PLAN_LIMIT] == "late"
    assert states[APPROVAL_LIMIT] == "met"
    body = client_for(world.officer).get(f"/vu-viec/{slow.pk}/").content.decode()
    assert body.count("trễ hạn") == 2 and "đúng hạn" in body
    # nothing done three weeks on: overdue; a report of this morning: still in time
    waiting = intake(
        world,
        child=make_child(world.village, "Đỗ Thị Mai", sex="female"),
        hours_ago=24 * 21,
        serious=False,
    )
    assert _states(waiting) == {PLAN_LIMIT: "overdue"}
    assert (
        "quá hạn, chưa thực hiện"
        in client_for(world.officer).get(f"/vu-viec/{waiting.pk}/").content.decode()
    )
    fresh = intake(world, child=make_child(world.village, "Vũ Văn Hải"), hours_ago=1, serious=False)
    assert _states(fresh) == {PLAN_LIMIT: "pending"}


def test_collaborator_who_submitted_gets_404(world: World, client_for) -> None:
    client = client_for(world.collaborator)
    res = client.post(
        "/vu-viec/tiep-nhan/",
        {
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "source": "collaborator",
            "child_name": "Mai Thị Hoa",
            "child_sex": "female",
            "area": world.village.key,
            "forms_": ["neglect"],
            "description": "Trẻ bị bỏ đói",
        },
    )
    assert res.status_code == 302 and res.url == "/vu-viec/tiep-nhan/cam-on/"
    case = Case.objects.get()
    assert client.get(f"/vu-viec/{case.pk}/").status_code == 404
    assert (
        case.code not in client.get("/vu-viec/").content.decode()
        if client.get("/vu-viec/").status_code == 200
        else True
    )
    assert client.get(f"/vu-viec/{case.pk}/buoc/{case.steps.get().pk}/docx/").status_code == 404


def test_the_intake_form_starts_from_the_reporters_own_source(world: World, client_for) -> None:
    def chosen(user) -> str:
        body = client_for(user).get("/vu-viec/tiep-nhan/").content.decode()
        select = body.split('name="source"', 1)[1].split("</select>", 1)[0]
        return select.split(" selected", 1)[0].rsplit('value="', 1)[1].split('"', 1)[0]

    assert chosen(world.collaborator) == "collaborator"
    assert chosen(world.focal_point) == "health_station"  # the health station's focal point
    assert chosen(world.officer) == "hotline_111"  # the officer taking calls


def test_focal_point_thanks_page(world: World, client_for) -> None:
    client = client_for(world.focal_point)
    assert client.get("/vu-viec/tiep-nhan/").status_code == 200
    res = client.post(
        "/vu-viec/tiep-nhan/",
        {
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "source": "health_station",
            "child_name": "Vũ Minh",
            "area": world.commune.key,
            "forms_": ["violence"],
            "description": "Vết bỏng thuốc lá",
            "serious_risk": "on",
        },
        follow=True,
    )
    assert "Cảm ơn bạn đã báo tin" in res.content.decode()
    assert client_for(world.other_officer).get("/vu-viec/tiep-nhan/").status_code == 200
    assert Client().get("/vu-viec/tiep-nhan/").status_code == 302


def test_intake_errors_are_shown_in_vietnamese(world: World, client_for) -> None:
    res = client_for(world.officer).post(
        "/vu-viec/tiep-nhan/",
        {
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "source": "police",
            "area": "13891",
        },
    )
    body = res.content.decode()
    assert "Nội dung vụ việc không được để trống." in body
    assert "Hãy chọn ít nhất một hình thức" in body


def test_reporter_hidden_from_an_assigned_officer_who_did_not_take_the_report(
    world: World, client_for
) -> None:
    second = make_user("canbo2", "commune_officer", world.commune)
    case = intake(world)
    assert client_for(second).get(f"/vu-viec/{case.pk}/").status_code == 404  # not assigned
    services.case_assign(actor=world.leader, case=case, officer=second)
    body = client_for(second).get(f"/vu-viec/{case.pk}/").content.decode()
    assert "Trần Thị Báo" not in body and "0912345678" not in body
    assert "Trần Thị Báo" in client_for(world.leader).get(f"/vu-viec/{case.pk}/").content.decode()
    step = case.steps.get()
    doc = client_for(second).get(f"/vu-viec/{case.pk}/buoc/{step.pk}/docx/")
    text = "\n".join(p.text for p in Document(io.BytesIO(doc.content)).paragraphs)
    assert "Trần Thị Báo" not in text and "NGƯỜI CUNG CẤP THÔNG TIN" not in text


def test_steps_through_the_page(world: World, client_for) -> None:
    case = intake(world)
    client = client_for(world.officer)
    page = client.get(f"/vu-viec/{case.pk}/").content.decode()
    assert "Ghi bước tiếp theo" in page
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    res = client.post(
        f"/vu-viec/{case.pk}/buoc/",
        {"step": "initial_assessment", "at": now, "version": case.version, "risk_level": "serious"},
    )
    assert res.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSED
    bad = client.post(
        f"/vu-viec/{case.pk}/buoc/",
        {"step": "detailed_assessment", "at": now, "version": case.version, "child_views": ""},
    )
    assert (
        bad.status_code == 422
        and "Ý kiến, nguyện vọng của trẻ: không được để trống." in bad.content.decode()
    )
    assert (
        client_for(world.other_officer)
        .post(f"/vu-viec/{case.pk}/buoc/", {"step": "review", "at": now, "version": case.version})
        .status_code
        == 404
    )
    assert Client().post(f"/vu-viec/{case.pk}/buoc/", {}).status_code == 302


def test_plan_rows_and_leader_approval_through_the_page(world: World, client_for) -> None:
    case = to_stage(world, intake(world), "case_meeting")
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    res = client_for(world.officer).post(
        f"/vu-viec/{case.pk}/buoc/",
        {
            "step": "plan_submitted",
            "at": now,
            "version": case.version,
            "goal": "An toàn",
            "items-0-service": "Tư vấn tâm lý",
            "items-0-cost": "300000",
            "items-1-service": "Khám sức khỏe",
            "items-1-provider": "Trạm Y tế",
        },
    )
    assert res.status_code == 302, res.content.decode()[:3000]
    case.refresh_from_db()
    assert case.plans.get().items.count() == 2
    leader = client_for(world.leader)
    page = leader.get(f"/vu-viec/{case.pk}/").content.decode()
    assert "Phê duyệt kế hoạch" in page
    res = leader.post(
        f"/vu-viec/{case.pk}/buoc/",
        {
            "step": "plan_approved",
            "at": now,
            "version": case.version,
            "decision_number": "5/QĐ-UBND",
        },
    )
    assert res.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS


def test_each_step_prints_as_docx_with_its_fields(world: World, client_for) -> None:
    case = to_stage(world, intake(world), "plan_approved")
    client = client_for(world.leader)
    texts = {}
    for step in case.steps.all():
        res = client.get(f"/vu-viec/{case.pk}/buoc/{step.pk}/docx/")
        assert res.status_code == 200
        assert res["Content-Type"].startswith("application/vnd.openxmlformats")
        doc = Document(io.BytesIO(res.content))
        body = "\n".join(p.text for p in doc.paragraphs)
        body += "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
        assert (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in body and "Độc lập - Tự do - Hạnh phúc" in body
        )
        assert "Nguyễn Văn An" in body
        assert doc.styles["Normal"].font.name == "Times New Roman"
        texts[step.kind] = body
    assert "Mẫu số 01" in texts["intake"] and "Trần Thị Báo" in texts["intake"]
    assert (
        "Ý kiến, nguyện vọng của trẻ" in texts["detailed_assessment"]
        and "Muốn ở với bà" in texts["detailed_assessment"]
    )
    assert (
        "Tư vấn tâm lý cho trẻ" in texts["plan_submitted"] and "500.000" in texts["plan_submitted"]
    )
    assert "Mẫu số 05" in texts["plan_approved"]
    assert Client().get(f"/vu-viec/{case.pk}/buoc/{case.steps.first().pk}/docx/").status_code == 302
    assert (
        client_for(world.other_officer)
        .get(f"/vu-viec/{case.pk}/buoc/{case.steps.first().pk}/docx/")
        .status_code
        == 404
    )


def test_child_has_open_case_only_for_those_who_may_read(world: World) -> None:
    child = make_child(world.village)
    intake(world, child=child)
    assert child_has_open_case(world.officer, child) is True
    assert child_has_open_case(world.leader, child) is True
    assert child_has_open_case(world.province_officer, child) is True
    assert child_has_open_case(world.collaborator, child) is None
    assert child_has_open_case(world.other_officer, child) is None
    assert child_has_open_case(make_user("canbo3", "commune_officer", world.commune), child) is None
    assert child_has_open_case(world.leader, make_child(world.village, "Khác")) is False


def test_incident_page_and_death_flag(world: World, client_for) -> None:
    child = make_child(world.village, "Đỗ Văn Hải", age=8)
    client = client_for(world.officer)
    res = client.post(
        "/vu-viec/tai-nan/",
        {
            "child_id": child.pk,
            "kind": "drowning",
            "occurred_on": timezone.localdate().isoformat(),
            "outcome": "died",
            "place": "Ao đình",
        },
    )
    assert res.status_code == 302
    board = client.get("/vu-viec/").content.decode()
    assert "Báo cáo ngay cấp trên" in board and "Đỗ Văn Hải" in board
    home = client.get("/").content.decode()
    assert "báo cáo ngay cấp trên" in home
    page = client.get("/vu-viec/tai-nan/").content.decode()
    assert "Cần báo cáo ngay cấp trên" in page
    assert (
        "Đỗ Văn Hải"
        not in client_for(world.other_officer).get("/vu-viec/tai-nan/").content.decode()
    )
    assert Client().get("/vu-viec/tai-nan/").status_code == 302
    incident = child.incidents.get()
    assert (
        client_for(world.other_officer)
        .post(f"/vu-viec/tai-nan/{incident.pk}/da-bao-cao/")
        .status_code
        == 404
    )
    # "next" brings the officer back to a page of this site, never to another site
    res = client.post(
        f"/vu-viec/tai-nan/{incident.pk}/da-bao-cao/", {"next": "https://example.com/x"}
    )
    assert res.status_code == 302 and res["Location"] == "/vu-viec/tai-nan/"
    incident.refresh_from_db()
    assert incident.reported_up_at is not None
    res = client.post(f"/vu-viec/tai-nan/{incident.pk}/da-bao-cao/", {"next": "/vu-viec/"})
    assert res["Location"] == "/vu-viec/"


def test_the_intake_forms_child_search_finds_as_the_registry_does(
    world: World, client_for, child_maker
) -> None:
    """Given name first, no accents, an ID number: the intake form finds the child as the
    registry's own search does, in the reporter's scope only."""
    an = child_maker("Nguyễn Văn An", birth_date=dt.date(2017, 3, 5), id_number="036217000123")
    child_maker(
        "Nguyễn Văn An",
        actor=world.other_officer,
        area=world.other_village,
        birth_date=dt.date(2016, 1, 9),
    )
    officer = client_for(world.officer)

    def found(client: Client, q: str) -> list[str]:
        body = client.get("/vu-viec/tim-tre/", {"q": q}).content.decode()
        return re.findall(r'name="child_id" value="(\d+)"', body)

    for q in ("An Nguyễn", "nguyen van an", "NGUYỄN VĂN AN", "036217000123"):
        assert found(officer, q) == [str(an.pk)], q
    # the village collaborator reporting from the village finds the child there too
    assert found(client_for(world.collaborator), "an nguyen") == [str(an.pk)]
    assert found(officer, "a") == []  # too short to search


def test_dashboard_cards(world: World, client_for) -> None:
    intake(world, hours_ago=30)
    body = client_for(world.officer).get("/").content.decode()
    assert "Vụ việc quá hạn" in body
    assert "Vụ việc quá hạn" not in client_for(world.collaborator).get("/").content.decode()
    _ = dt
