"""Registry API: three personas, filters, PATCH with version (409 when stale), sub-resources."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from treem.registry.models import Child

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def kid(child_maker: Any) -> Child:
    return child_maker("Hoàng Minh Khôi", birth_date=dt.date(2018, 4, 2))


def test_list_three_personas_and_filters(
    world: Any, api_for: Any, kid: Child, child_maker: Any
) -> None:
    child_maker("Lê Thị Lan", sex="female", area=world.village2)
    api = api_for(world.officer)
    data = api.get("/api/v1/children").json()
    assert data["count"] == 2
    assert api.get("/api/v1/children", {"q": "khoi hoang"}).json()["items"][0]["id"] == kid.pk
    assert api.get("/api/v1/children", {"sex": "female"}).json()["count"] == 1
    assert api.get("/api/v1/children", {"village": world.village2.key}).json()["count"] == 1
    assert api.get("/api/v1/children", {"sex": "x"}).status_code == 422
    assert api_for(world.other_officer).get("/api/v1/children").json()["count"] == 0
    assert api_for(world.collaborator).get("/api/v1/children").json()["count"] == 1
    assert Client().get("/api/v1/children").status_code == 401


def test_create(world: Any, api_for: Any) -> None:
    payload = {
        "area": world.village.key,
        "full_name": "PHẠM THỊ HỒNG",
        "birth_date": "2019-08-01",
        "sex": "female",
        "ethnicity": "01",
        "caregivers": [{"relation": "father", "full_name": "Phạm Văn Sơn", "birth_year": 1988}],
    }
    response = post(api_for(world.officer), "/api/v1/children", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["full_name"] == "Phạm Thị Hồng" and body["ethnicity"] == "01"
    bad = post(api_for(world.officer), "/api/v1/children", {**payload, "id_number": "0361190"})
    assert bad.status_code == 422 and "id_number" in bad.json()["errors"]
    # a caregiver's number is checked too (a father's codes a man), and answered checked
    father = {"relation": "father", "full_name": "Lò Văn Sơn", "birth_year": 1988}

    def with_father(number: str) -> Any:
        child = {**payload, "full_name": "Lò Thị Hoa"}
        child["caregivers"] = [{**father, "id_number": number}]
        return post(api_for(world.officer), "/api/v1/children", child)

    wrong = with_father("036188000111")
    assert wrong.status_code == 422, wrong.content
    assert "người này là nam" in wrong.json()["detail"]
    made = with_father("036088000111")
    assert made.status_code == 201, made.content
    carers = (
        api_for(world.officer).get(f"/api/v1/children/{made.json()['id']}").json()["caregivers"]
    )
    assert [(c["id_number"], c["id_number_valid"]) for c in carers] == [("036088000111", True)]
    assert Child.objects.filter(full_name="Lò Thị Hoa").count() == 1  # the refused one: nothing
    assert post(api_for(world.other_officer), "/api/v1/children", payload).status_code == 404
    assert post(Client(), "/api/v1/children", payload).status_code == 401


def test_read_and_patch_with_version(world: Any, api_for: Any, kid: Child) -> None:
    url = f"/api/v1/children/{kid.pk}"
    api = api_for(world.officer)
    assert api.get(url).json()["version"] == 1
    ok = patch(api, url, {"version": 1, "poverty": "near_poor"})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = patch(api, url, {"version": 1, "poverty": "poor"})
    assert stale.status_code == 409
    assert "người khác sửa" in stale.json()["detail"]
    api.cookies["django_language"] = "en"  # known by its kind, whatever the language
    assert patch(api, url, {"version": 1, "poverty": "poor"}).status_code == 409
    kid.refresh_from_db()
    assert kid.poverty == "near_poor"
    assert api_for(world.other_officer).get(url).status_code == 404
    assert patch(api_for(world.other_officer), url, {"version": 2}).status_code == 404
    assert Client().get(url).status_code == 401
    # a collaborator may read but not edit a child the officer registered
    assert api_for(world.collaborator).get(url).status_code == 200
    assert patch(api_for(world.collaborator), url, {"version": 2, "notes": "x"}).status_code == 404


def test_sub_resources(world: Any, api_for: Any, kid: Child) -> None:
    api = api_for(world.officer)
    base = f"/api/v1/children/{kid.pk}"
    r = post(api, f"{base}/circumstances", {"kind": "special", "group": "d", "subtype": "mild"})
    assert r.status_code == 201
    bad = post(api, f"{base}/circumstances", {"kind": "special", "group": "zz"})
    assert bad.status_code == 422
    assert api.get(f"{base}/circumstances").json()["count"] == 1
    r = post(api, f"{base}/supports", {"kind": "gift", "date": "2025-06-01", "amount": 500000})
    assert r.status_code == 201 and r.json()["amount"] == 500000
    assert api.get(f"{base}/supports").json()["items"][0]["kind"] == "gift"
    assert api.get("/api/v1/children", {"group": "d"}).json()["count"] == 1
    other = api_for(world.other_officer)
    assert other.get(f"{base}/supports").status_code == 404
    assert (
        post(other, f"{base}/supports", {"kind": "gift", "date": "2025-06-01"}).status_code == 404
    )
    assert Client().get(f"{base}/circumstances").status_code == 401


def test_search_count_stops_at_the_cap_and_says_so(
    world: Any, api_for: Any, child_maker: Any, monkeypatch: Any
) -> None:
    from treem.registry import api as registry_api

    for given in ("An", "Anh", "Ân"):
        child_maker(f"Nguyễn Văn {given}")
    monkeypatch.setattr(registry_api, "SEARCH_COUNT_CAP", 2)
    api = api_for(world.officer)
    data = api.get("/api/v1/children", {"q": "nguyen an"}).json()
    assert (data["count"], data["count_capped"], len(data["items"])) == (2, True, 3)
    exact = api.get("/api/v1/children", {"q": "nguyen anh"}).json()
    assert exact["count"] == 1 and "count_capped" not in exact
    assert api.get("/api/v1/children").json()["count"] == 3  # a plain list counts all


def test_a_list_page_reads_its_rows_in_a_fixed_number_of_queries(
    world: Any, api_for: Any, child_maker: Any
) -> None:
    """The list reads only the columns a row shows (`API_LIST_FIELDS`): a column left out
    but read by `child_json` would cost a query per child, which this catches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from treem.registry import services

    api = api_for(world.officer)

    def listed() -> tuple[int, list[dict[str, Any]]]:
        with CaptureQueriesContext(connection) as ctx:
            items = api.get("/api/v1/children").json()["items"]
        return len(ctx.captured_queries), items

    from treem.registry.models import Ethnicity, age_on

    tay = Ethnicity.objects.get(name="Tày")
    first = child_maker("Lê Thị Lan", sex="female", area=world.village2, ethnicity=tay)
    services.circumstance_add(actor=world.officer, child=first, kind="special", group="d")
    listed()  # the token's first use of the day is written down
    few, _items = listed()
    for i in range(5):
        child_maker(f"Trần Văn Số {i}", id_number=f"03621800123{i}", birth_date=dt.date(2018, 4, 2))
    many, items = listed()
    assert many == few, (few, many)
    lan = next(i for i in items if i["id"] == first.pk)
    assert (lan["village"], lan["commune"], lan["groups"], lan["sex"]) == (
        world.village2.name,
        world.commune.key,
        ["d"],
        "female",
    )
    assert (lan["ethnicity"], lan["version"]) == (tay.code, first.version)
    numbered = next(i for i in items if i["full_name"] == "Trần Văn Số 0")
    age = age_on(dt.date(2018, 4, 2), dt.date.today())
    assert (numbered["id_number"], numbered["age"], numbered["village"]) == (
        "036218001230",
        age,
        world.village.name,
    )
