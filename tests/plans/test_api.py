"""API: /api/v1/plans and its sub-resources, with the three personas."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import World
from tests.plans.conftest import SAMPLE
from treem.plans.models import Plan, TaskStatus

pytestmark = pytest.mark.django_db


def _patch(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_owner_lists_and_reads_plans(world: World, plan: Plan, api_for: Any) -> None:
    client = api_for(world.officer)
    listing = client.get("/api/v1/plans").json()
    assert listing["count"] == 1 and listing["items"][0]["number"] == "45/KH-UBND"
    detail = client.get(f"/api/v1/plans/{plan.pk}").json()
    assert {d["period"] for d in detail["report_deadlines"]} == {"6_months", "annual"}
    tasks = client.get(f"/api/v1/plans/{plan.pk}/tasks").json()["items"]
    task = next(t for t in tasks if t["number"] == "1.a")
    assert task["timeframe"] == "Quý III/2025" and task["end"] == "2025-09-30"


def test_other_commune_gets_404_and_anonymous_401(
    world: World, plan: Plan, api_for: Any, client: Any
) -> None:
    task = plan.tasks.get(number="1.a")
    urls = [
        f"/api/v1/plans/{plan.pk}",
        f"/api/v1/plans/{plan.pk}/tasks",
        f"/api/v1/plans/{plan.pk}/tasks/{task.pk}/progress",
    ]
    other = api_for(world.other_officer)
    assert other.get("/api/v1/plans").json()["count"] == 0
    for url in urls:
        assert other.get(url).status_code == 404, url
        assert client.get(url).status_code == 401, url
    assert _patch(other, urls[0], {"version": plan.version, "title": "X"}).status_code == 404


def test_patch_with_a_stale_version_is_409(world: World, plan: Plan, api_for: Any) -> None:
    client = api_for(world.officer)
    url = f"/api/v1/plans/{plan.pk}"
    ok = _patch(client, url, {"version": plan.version, "number": "46/KH-UBND"})
    assert ok.status_code == 200 and ok.json()["number"] == "46/KH-UBND"
    stale = _patch(client, url, {"version": plan.version, "number": "47/KH-UBND"})
    assert stale.status_code == 409
    assert "người khác sửa" in stale.json()["detail"]
    # the same in English: the conflict is known by its code, not by its Vietnamese words
    client.cookies["django_language"] = "en"
    stale = _patch(client, url, {"version": plan.version, "number": "48/KH-UBND"})
    assert stale.status_code == 409


def test_task_patch_and_progress_by_the_focal_point(world: World, plan: Plan, api_for: Any) -> None:
    task = plan.tasks.get(number="1.b")
    officer = api_for(world.officer)
    response = _patch(
        officer,
        f"/api/v1/plans/{plan.pk}/tasks/{task.pk}",
        {"version": task.version, "lead_units": [world.health_station.name]},
    )
    assert response.json()["lead_units"] == [world.health_station.name]
    focal = api_for(world.focal_point)
    created = focal.post(
        f"/api/v1/plans/{plan.pk}/tasks/{task.pk}/progress",
        json.dumps({"status": "done", "narrative": "Xong", "date": "2025-06-30"}),
        content_type="application/json",
    )
    assert created.status_code == 201
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    other_task = plan.tasks.get(number="2.a")
    refused = focal.post(
        f"/api/v1/plans/{plan.pk}/tasks/{other_task.pk}/progress",
        json.dumps({"status": "done"}),
        content_type="application/json",
    )
    assert refused.status_code == 404


def test_extract_returns_the_json_and_saves_nothing(world: World, api_for: Any) -> None:
    client = api_for(world.officer)
    response = client.post(
        "/api/v1/plans/extract",
        {"file": SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes())},
    )
    assert response.status_code == 200
    assert response.json()["doc_number"] == "45/KH-UBND"
    assert not Plan.objects.exists()
    bad = client.post("/api/v1/plans/extract", {"file": SimpleUploadedFile("x.odt", b"x")})
    assert bad.status_code == 422 and "không được hỗ trợ" in bad.json()["detail"]


def test_post_creates_a_draft_from_extraction_json(
    world: World, api_for: Any, sample_data: dict[str, Any]
) -> None:
    payload = {**sample_data, "area": world.commune.key}
    response = api_for(world.officer).post(
        "/api/v1/plans", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "draft"
    payload["area"] = world.commune.key
    refused = api_for(world.other_officer).post(
        "/api/v1/plans", json.dumps(payload), content_type="application/json"
    )
    assert refused.status_code == 404
