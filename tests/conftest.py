"""Shared fixtures: a small province with two communes, villages, units, and the personas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tests.factories import PASSWORD, make_agency, make_area, make_user
from treem.core.models import AgencyKind, Area, AreaLevel
from treem.core.roles import roles_sync


@dataclass
class World:
    province: Area
    commune: Area
    other_commune: Area
    village: Area
    village2: Area
    other_village: Area
    legacy_commune: Area
    officer: Any  # commune officer of `commune` (the owner persona)
    leader: Any
    collaborator: Any  # collaborator of `village`
    other_officer: Any  # commune officer of `other_commune` (the colleague persona)
    province_officer: Any
    focal_point: Any
    admin: Any
    health_station: Any


DB_FIXTURES = ("db", "transactional_db", "live_server")


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Each test starts in Vietnamese: a request in English leaves its language active in
    the thread (LocaleMiddleware activates, nothing deactivates), and messages built
    outside a request in a later test would come out in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Put back data-migration rows after a transactional test's flush emptied the tables."""
    uses_db = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in DB_FIXTURES
    )
    if not uses_db:
        return
    request.getfixturevalue("_django_db_helper")
    from tests import reference_data

    if reference_data.missing():
        reference_data.restore()


@pytest.fixture
def world(db: Any) -> World:
    roles_sync()
    province = make_area("37", "Ninh Bình", level=AreaLevel.PROVINCE)
    commune = make_area("13891", "Nghĩa Hưng", level=AreaLevel.COMMUNE, parent=province)
    other = make_area("13894", "Rạng Đông", level=AreaLevel.COMMUNE, parent=province)
    village = make_area("13891-01", "Liễu Đề", level=AreaLevel.VILLAGE, parent=commune)
    village2 = make_area("13891-02", "Nghĩa Thái", level=AreaLevel.VILLAGE, parent=commune)
    other_village = make_area("13894-01", "Rạng Đông 1", level=AreaLevel.VILLAGE, parent=other)
    old_province = make_area("36", "Nam Định", level=AreaLevel.PROVINCE, legacy=True)
    old_district = make_area(
        "361", "Nghĩa Hưng", level=AreaLevel.DISTRICT, parent=old_province, legacy=True
    )
    legacy_commune = make_area(
        "13906", "Nghĩa Thái", level=AreaLevel.COMMUNE, parent=old_district, legacy=True
    )
    legacy_commune.successors.add(commune)
    old_district.successors.add(commune, other)
    health = make_agency(commune, "Trạm Y tế xã Nghĩa Hưng", AgencyKind.HEALTH_STATION)
    admin = make_user("quantri", None, None)
    admin.is_superuser = True
    admin.save()
    return World(
        province=province,
        commune=commune,
        other_commune=other,
        village=village,
        village2=village2,
        other_village=other_village,
        legacy_commune=legacy_commune,
        officer=make_user("canbo", "commune_officer", commune),
        leader=make_user("lanhdao", "commune_leader", commune),
        collaborator=make_user("ctv", "village_collaborator", village),
        other_officer=make_user("xakhac", "commune_officer", other),
        province_officer=make_user("tinh", "province_officer", province),
        focal_point=make_user("yte", "unit_focal_point", commune, agency=health),
        admin=admin,
        health_station=health,
    )


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for() -> Any:
    return login


@pytest.fixture
def api_for(db: Any) -> Any:
    """A client carrying a bearer token for the user (as the API's real clients do)."""

    def make(user: Any) -> Client:
        from treem.core.services import token_issue

        _token, raw = token_issue(actor=user, user=user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


__all__ = ["PASSWORD", "World", "login"]


def born(years: int, days: int = 30) -> dt.date:
    """A birth date making the child `years` old today (plus a few days)."""
    from treem.registry.models import years_before

    return years_before(dt.date.today(), years) - dt.timedelta(days=days)


@pytest.fixture
def child_maker(world: Any) -> Any:
    """Children made through the registry's service (as an officer registers them)."""
    from treem.registry import services

    def make(
        full_name: str = "Nguyễn Văn An", *, actor: Any = None, area: Any = None, **fields: Any
    ) -> Any:
        fields.setdefault("birth_date", born(7))
        fields.setdefault("sex", "male")
        return services.child_create(
            actor=actor or world.officer, area=area or world.village, full_name=full_name, **fields
        )

    return make
