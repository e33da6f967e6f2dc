"""Signing in and staying signed in: each request reads its session row and its user with a
written-out statement (treem.core.sessions, treem.core.auth); these pin what Django's own
reads guaranteed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _signed_in() -> Client:
    client = Client()
    res = client.post("/dang-nhap/", {"username": "canbo", "password": PASSWORD})
    assert res.status_code == 302
    assert client.get("/").status_code == 200  # the dashboard, signed in
    return client


def _signed_out(client: Client) -> bool:
    res = client.get("/")
    return res.status_code == 302 and res.url.startswith("/dang-nhap/")


def test_a_session_past_its_expiry_signs_the_officer_out(world: World) -> None:
    client = _signed_in()
    assert not _signed_out(client)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert _signed_out(client)


def test_a_deactivated_account_is_signed_out_at_its_next_request(world: World) -> None:
    client = _signed_in()
    get_user_model().objects.filter(username="canbo").update(is_active=False)
    assert _signed_out(client)


def test_a_password_changed_elsewhere_signs_the_old_session_out(world: World) -> None:
    client = _signed_in()
    officer = get_user_model().objects.get(username="canbo")
    officer.set_password("Mat-khau-moi-2026")
    officer.save()
    assert _signed_out(client)


def test_a_page_reads_its_session_and_its_user_once_each(world: World) -> None:
    client = _signed_in()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/tre-em/").status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "django_session"' in s for s in sql) == 1
    assert sum('FROM "auth_user"' in s for s in sql) == 1
    # the user read is the signed-in officer, with the fields the pages show
    client_user = client.get("/").wsgi_request.user
    assert client_user.username == "canbo"
    assert client_user.get_full_name() == world.officer.get_full_name()
    assert client_user.last_login is not None and client_user.last_login.tzinfo is not None


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's prepared statements")
def test_the_reads_every_request_makes_are_prepared_once_and_planned_once(world: World) -> None:
    """A page's session, user and memberships reads are prepared on the connection the
    first time and then run without planning (PostgreSQL's generic plan); the pages
    still see the signed-in officer and her commune, and an account deactivated between
    two requests is still signed out."""
    client = _signed_in()
    for _ in range(7):
        res = client.get("/tre-em/")
        assert res.status_code == 200
        assert res.wsgi_request.user.username == "canbo"
        assert world.commune.full_name in res.content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans FROM pg_prepared_statements")
        prepared = cursor.fetchall()
    for table in ("django_session", "auth_user", "core_membership"):
        found = [generic for statement, generic in prepared if f'FROM "{table}"' in statement]
        assert len(found) == 1, (table, prepared)
        assert found[0] >= 1, (table, prepared)  # planned once for all the executions
    get_user_model().objects.filter(username="canbo").update(is_active=False)
    assert _signed_out(client)
