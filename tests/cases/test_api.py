"""The cases API with the three personas (owner, other commune -> 404, anonymous -> 401)."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.cases.helpers import PLAN_ITEMS, intake, make_child
from tests.conftest import World
from treem.core.models import AuditLog

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_intake_then_read_with_deadlines(world: World, api_for) -> None:
    child = make_child(world.village)
    api = api_for(world.officer)
    received = (timezone.now() - dt.timedelta(hours=1)).replace(microsecond=0)
    res = post(
        api,
        "/api/v1/cases",
        {
            "child_id": child.pk,
            "received_at": received.isoformat(),
            "source": "hotline_111",
            "forms": ["violence", "neglect"],
            "serious_risk": True,
            "description": "Trẻ bị đánh",
            "reporter": {"full_name": "Người báo", "phone": "0900000000"},
            "setting": "family",
        },
    )
    assert res.status_code == 201, res.content
    case_id = res.json()["id"]
    body = api.get(f"/api/v1/cases/{case_id}").json()
    assert body["status"] == "received" and body["next_step"] == "emergency"
    due = dt.datetime.fromisoformat(body["deadlines"]["emergency_response_by"])
    assert due == received + dt.timedelta(hours=12)
    assert "plan_drafted_by" in body["deadlines"]
    assert "plan_approval_by" not in body["deadlines"]
    assert body["deadline_status"] == {"emergency": "pending", "plan": "pending"}
    assert body["reporter"]["full_name"] == "Người báo"
    assert sorted(body["forms"]) == ["neglect", "violence"]
    assert AuditLog.objects.filter(action="case.read", object_id=str(case_id)).count() == 1


def test_intake_with_minimal_child_and_bad_fields(world: World, api_for) -> None:
    api = api_for(world.officer)
    res = post(
        api,
        "/api/v1/cases",
        {
            "child": {
                "full_name": "Hà Văn Nam",
                "sex": "male",
                "birth_year": 2016,
                "village": "13891-02",
            },
            "received_at": timezone.now().isoformat(),
            "source": "police",
            "forms": ["trafficking"],
            "description": "Nghi bị dụ dỗ đi làm xa",
        },
    )
    assert res.status_code == 201, res.content
    bad = post(
        api,
        "/api/v1/cases",
        {
            "area": "13891",
            "received_at": timezone.now().isoformat(),
            "source": "x",
            "forms": [],
            "description": "",
        },
    )
    assert bad.status_code == 422
    assert "source" in bad.json()["errors"] and "forms" in bad.json()["errors"]


def test_steps_through_the_api(world: World, api_for) -> None:
    case = intake(world)
    api = api_for(world.officer)
    url = f"/api/v1/cases/{case.pk}/steps"
    res = post(
        api, url, {"step": "initial_assessment", "note": "Đã gặp trẻ", "risk_level": "serious"}
    )
    assert res.status_code == 201, res.content
    assert res.json()["status"] == "assessed"
    wrong = post(api, url, {"step": "plan_approved"})
    assert wrong.status_code == 404  # only the leader approves; the officer has no right
    early = post(
        api, url, {"step": "case_meeting", "chair": "A", "participants": "B", "decisions": "C"}
    )
    assert early.status_code == 422 and "Không thể ghi bước" in early.json()["detail"]
    stale = post(api, url, {"step": "emergency", "measures": "x", "version": 1})
    assert stale.status_code == 409
    api.cookies["django_language"] = "en"  # known by its kind, whatever the language
    assert post(api, url, {"step": "emergency", "measures": "x", "version": 1}).status_code == 409
    del api.cookies["django_language"]
    for body in (
        {"step": "detailed_assessment", "child_views": "a", "parents_views": "b"},
        {"step": "case_meeting", "chair": "A", "participants": "B", "decisions": "C"},
        {"step": "plan_submitted", "goal": "G", "items": PLAN_ITEMS},
    ):
        assert post(api, url, body).status_code == 201
    res = post(api_for(world.leader), url, {"step": "plan_approved", "decision_number": "1/QĐ"})
    assert res.status_code == 201 and res.json()["status"] == "in_progress"
    detail = api.get(f"/api/v1/cases/{case.pk}").json()
    assert "plan_approval_by" in detail["deadlines"]
    assert detail["plans"][0]["items"][0]["cost"] == 500000


def test_personas_on_case_routes(world: World, api_for) -> None:
    case = intake(world)
    other = api_for(world.other_officer)
    assert other.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert (
        post(other, f"/api/v1/cases/{case.pk}/steps", {"step": "initial_assessment"}).status_code
        == 404
    )
    assert other.get("/api/v1/cases").json()["count"] == 0
    anon = Client()
    assert anon.get("/api/v1/cases").status_code == 401
    assert anon.get(f"/api/v1/cases/{case.pk}").status_code == 401
    assert post(anon, "/api/v1/cases", {}).status_code == 401
    assert api_for(world.officer).get("/api/v1/cases").json()["count"] == 1
    assert api_for(world.province_officer).get(f"/api/v1/cases/{case.pk}").status_code == 200


def test_collaborator_submits_but_cannot_read(world: World, api_for) -> None:
    api = api_for(world.collaborator)
    res = post(
        api,
        "/api/v1/cases",
        {
            "child": {"full_name": "Lò Thị Mai", "sex": "female"},
            "area": world.village.key,
            "received_at": timezone.now().isoformat(),
            "source": "collaborator",
            "forms": ["sexual_abuse"],
            "description": "Nghi bị xâm hại",
        },
    )
    assert res.status_code == 201 and "deadlines" not in res.json()
    assert api.get(f"/api/v1/cases/{res.json()['id']}").status_code == 404
    assert api.get("/api/v1/cases").json()["count"] == 0


def test_incidents_api(world: World, api_for) -> None:
    child = make_child(world.village, "Bùi Văn Tú", age=6)
    api = api_for(world.officer)
    res = post(
        api,
        "/api/v1/incidents",
        {
            "child_id": child.pk,
            "kind": "drowning",
            "occurred_on": timezone.localdate().isoformat(),
            "outcome": "died",
            "place": "Sông Đáy",
            "latitude": 20.0,
            "longitude": 106.1,
        },
    )
    assert res.status_code == 201, res.content
    assert res.json()["immediate_report"] is True
    child.refresh_from_db()
    assert child.status == "died"
    assert api.get("/api/v1/incidents").json()["count"] == 1
    other = api_for(world.other_officer)
    assert other.get("/api/v1/incidents").json()["count"] == 0
    assert (
        post(
            other,
            "/api/v1/incidents",
            {
                "child_id": child.pk,
                "kind": "fall",
                "occurred_on": "2026-01-01",
                "outcome": "injured",
            },
        ).status_code
        == 404
    )
    assert Client().get("/api/v1/incidents").status_code == 401
    bad = post(
        api,
        "/api/v1/incidents",
        {
            "child_id": make_child(world.village).pk,
            "kind": "x",
            "occurred_on": "2026-01-01",
            "outcome": "injured",
        },
    )
    assert bad.status_code == 422 and "kind" in bad.json()["errors"]
