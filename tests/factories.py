"""Factories for tests: small synthetic areas, units and users."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.contrib.auth import get_user_model

from treem.core.models import Agency, AgencyKind, Area, AreaKind, AreaLevel, Membership, Role
from treem.core.text import fold

User = get_user_model()
PASSWORD = "Mat-khau-thu-2026"


def make_area(
    key: str,
    name: str,
    *,
    level: int,
    parent: Area | None = None,
    kind: str | None = None,
    legacy: bool = False,
) -> Area:
    kinds = {1: AreaKind.PROVINCE, 2: AreaKind.DISTRICT, 3: AreaKind.COMMUNE, 4: AreaKind.VILLAGE}
    prefix = {1: "Tỉnh", 2: "Huyện", 3: "Xã", 4: "Thôn"}[level]
    full_key = f"legacy-{key}" if legacy else key
    area = Area.objects.create(
        key=full_key,
        code=key.split("-")[-1],
        name=name,
        full_name=f"{prefix} {name}",
        kind=kind or kinds[level],
        level=level,
        parent=parent,
        path=f"{parent.path if parent else '/'}{full_key}/",
        province_code=parent.province_code if parent else full_key,
        valid_from=dt.date(1900, 1, 1) if legacy else dt.date(2025, 7, 1),
        valid_to=dt.date(2025, 7, 1) if legacy else None,
        name_folded=fold(name),
    )
    return area


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Nguyễn Văn An"
    last_name = ""
    password = factory.django.Password(PASSWORD)


def make_user(username: str, role: str | None, area: Area | None, agency: Any = None) -> Any:
    user = UserFactory(username=username)
    if role and area:
        Membership.objects.create(
            user=user, role=Role.objects.get(slug=role), area=area, agency=agency
        )
    return user


def make_agency(area: Area, name: str, kind: str = AgencyKind.HEALTH_STATION) -> Agency:
    return Agency.objects.create(
        area=area, province_code=area.province_code, name=name, kind=kind, name_folded=fold(name)
    )


__all__ = ["PASSWORD", "AreaLevel", "UserFactory", "make_agency", "make_area", "make_user"]


def demo_context(world: Any, users: dict[str, Any], seed: int = 1) -> Any:
    """A `DemoContext` over the test world, with the demo usernames a seeder asks for."""
    import random

    from treem.core.demo import DemoContext

    return DemoContext(
        province=world.province,
        commune=world.commune,
        other_commune=world.other_commune,
        villages=[world.village],
        other_villages=[world.other_village],
        users=users,
        agencies={},
        rng=random.Random(seed),
    )


def make_plan(area: Area, *, status: str = "issued", archived: bool = False) -> Any:
    """The area's 2026 plan for child work, as the officer keeps it (issued by default)."""
    from treem.plans.models import Plan

    return Plan.objects.create(
        area=area,
        province_code=area.province_code,
        year=2026,
        title="Kế hoạch công tác trẻ em năm 2026",
        status=status,
        is_archived=archived,
    )
