"""API: tokens, /me, areas with eras and pagination; 401 without credentials, 404 outside scope."""

from typing import Any

import pytest
from django.test import Client

from tests.conftest import World
from tests.factories import PASSWORD
from treem.core.models import ApiToken

pytestmark = pytest.mark.django_db


def test_token_then_me(world: World) -> None:
    client = Client()
    res = client.post(
        "/api/v1/auth/token",
        {"username": "canbo", "password": PASSWORD},
        content_type="application/json",
    )
    assert res.status_code == 200
    token = res.json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert me["username"] == "canbo"
    assert me["roles"] == ["commune_officer"]
    assert me["areas"] == ["13891"]


def _signed_in(client: Client) -> tuple[dict[str, Any], dict[str, Any]]:
    """A token for the commune officer, and the header that presents it."""
    ok = client.post(
        "/api/v1/auth/token",
        {"username": "canbo", "password": PASSWORD},
        content_type="application/json",
    ).json()
    return ok, {"HTTP_AUTHORIZATION": f"Bearer {ok['token']}"}


def test_wrong_password_and_missing_or_revoked_token_get_401(world: World) -> None:
    client = Client()
    res = client.post(
        "/api/v1/auth/token",
        {"username": "canbo", "password": "sai"},
        content_type="application/json",
    )
    assert res.status_code == 401
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    assert client.get("/api/v1/areas").status_code == 401

    ok, auth = _signed_in(client)
    assert client.delete(f"/api/v1/auth/token/{ok['id']}", **auth).status_code == 204
    assert client.get("/api/v1/me", **auth).status_code == 401


def test_a_token_records_its_use_and_stops_working_when_its_account_is_deactivated(
    world: World,
) -> None:
    client = Client()
    ok, auth = _signed_in(client)
    assert client.get("/api/v1/me", **auth).json()["username"] == "canbo"
    token = ApiToken.objects.get(pk=ok["id"])
    assert token.last_used_at is not None

    world.officer.is_active = False
    world.officer.save(update_fields=["is_active"])
    assert client.get("/api/v1/me", **auth).status_code == 401
    assert client.get("/api/v1/children", **auth).status_code == 401


def test_areas_list_provinces_children_and_eras(world: World, api_for) -> None:
    api = api_for(world.officer)
    provinces = api.get("/api/v1/areas").json()
    assert provinces["count"] == 1 and provinces["items"][0]["key"] == "37"
    communes = api.get("/api/v1/areas?parent=37").json()
    assert [a["key"] for a in communes["items"]] == ["13891", "13894"]

    detail = api.get("/api/v1/areas/13891").json()
    assert detail["key"] == "13891" and detail["is_legacy"] is False
    assert {p["key"] for p in detail["predecessors"]} == {"legacy-13906", "legacy-361"}

    legacy = api.get("/api/v1/areas/legacy-13906").json()
    assert legacy["key"] == "legacy-13906" and legacy["valid_to"] == "2025-07-01"
    assert [s["key"] for s in legacy["successors"]] == ["13891"]
    assert api.get("/api/v1/areas/99999").status_code == 404


def test_villages_of_nghia_hung_are_404_for_the_other_commune(world: World, api_for) -> None:
    mine = api_for(world.officer).get("/api/v1/areas?parent=13891").json()
    assert mine["count"] == 2
    other = api_for(world.other_officer)
    assert other.get(f"/api/v1/areas/{world.village.key}").status_code == 404
    assert other.get("/api/v1/areas?parent=13891").json()["count"] == 0


def test_pagination_bounds(world: World, api_for) -> None:
    api = api_for(world.officer)
    page = api.get("/api/v1/areas?parent=37&page=2&page_size=1").json()
    assert page == {"items": [page["items"][0]], "count": 2}
    assert page["items"][0]["key"] == "13894"
    assert api.get("/api/v1/areas?page_size=501").status_code == 422


def test_openapi_schema_is_published(world: World) -> None:
    res = Client().get("/api/v1/openapi.json")
    assert res.status_code == 200
    assert "/api/v1/areas/{key}" in res.json()["paths"]


def test_api_docs_load_nothing_from_the_internet(world: World) -> None:
    """Swagger UI comes from the project's static files (ninja in INSTALLED_APPS), not a CDN."""
    import re

    from django.contrib.staticfiles import finders

    body = Client().get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in body
    assert not re.search(r"(src|href)=\"https?://", body)
    assert finders.find("ninja/swagger-ui-bundle.js")
