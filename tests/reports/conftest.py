"""A small registry world for the reports tests: children in two communes and a legacy one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import World
from treem.registry.models import Child, ChildCircumstance, Ethnicity, Support

H1_2026_END = dt.date(2026, 6, 30)


def make_child(
    commune: Any,
    *,
    area: Any = None,
    name: str = "Nguyễn Văn An",
    born: dt.date = dt.date(2018, 5, 1),
    sex: str = "male",
    ethnicity: str | None = "01",
    status: str = "active",
    status_date: dt.date | None = None,
    id_number: str | None = None,
) -> Child:
    child = Child(
        area=area or commune,
        commune=commune,
        province_code=commune.province_code,
        full_name=name,
        birth_date=born,
        sex=sex,
        ethnicity=Ethnicity.objects.filter(code=ethnicity).first() if ethnicity else None,
        status=status,
        status_date=status_date,
        id_number=id_number,
    )
    child.set_derived()
    child.save()
    return child


def circumstance(
    child: Child,
    group: str,
    *,
    kind: str = "special",
    start: dt.date = dt.date(2025, 1, 1),
    end: dt.date | None = None,
) -> ChildCircumstance:
    return ChildCircumstance.objects.create(
        child=child, kind=kind, group=group, start_date=start, end_date=end
    )


def swimming_indicator(
    world: World, *, name: str = "Tỷ lệ trẻ em được dạy bơi", dims: tuple[str, ...] = ("sex",)
) -> Any:
    """The manual indicator an administrator adds (the issue's example): the share of
    children taught to swim, by sex."""
    from treem.reports import services

    return services.indicator_create(
        actor=world.admin,
        slug="swimming_taught_pct",
        name=name,
        group="05",
        unit="percent",
        disaggregations=list(dims),
    )


def support(child: Child, day: dt.date, kind: str = "gift") -> Support:
    return Support.objects.create(child=child, kind=kind, date=day, source="state_budget")


@dataclass
class Kids:
    world: World
    children: list[Child]


@pytest.fixture
def kids(world: World) -> Kids:
    """About twenty children covering every rule the computation applies."""
    w = world
    c: list[Child] = []
    # Nghĩa Hưng, in villages
    c.append(make_child(w.commune, area=w.village, born=dt.date(2024, 1, 10), sex="female"))
    c.append(make_child(w.commune, area=w.village, born=dt.date(2020, 7, 1), sex="male"))
    c.append(make_child(w.commune, area=w.village2, born=dt.date(2015, 3, 3), sex="female"))
    c.append(
        make_child(
            w.commune, area=w.village2, born=dt.date(2012, 12, 1), sex="male", ethnicity="02"
        )
    )
    # Nghĩa Hưng, village unknown
    c.append(make_child(w.commune, born=dt.date(2011, 1, 1), sex="female", ethnicity=None))
    c.append(make_child(w.commune, born=dt.date(2023, 6, 30), sex="male", id_number="037212345678"))
    # turns 3 exactly on the period end: 3_6
    c.append(make_child(w.commune, born=dt.date(2023, 6, 30), sex="female"))
    # turns 16 on 30/6/2026: not counted; 16 on 1/7/2026: still counted
    c.append(make_child(w.commune, born=dt.date(2010, 6, 30), sex="male"))
    c.append(make_child(w.commune, born=dt.date(2010, 7, 1), sex="male"))
    # born after the period end: not counted
    c.append(make_child(w.commune, born=dt.date(2026, 8, 1), sex="female"))
    # died in March (not counted), died in August (counted for 2026H1)
    c.append(make_child(w.commune, status="died", status_date=dt.date(2026, 3, 1)))
    c.append(make_child(w.commune, status="died", status_date=dt.date(2026, 8, 1)))
    # moved out before the end
    c.append(make_child(w.commune, status="moved", status_date=dt.date(2026, 2, 1)))
    # a merged duplicate
    dup = make_child(w.commune, name="Trùng Lặp")
    Child.objects.filter(pk=dup.pk).update(merged_into=c[0])
    # Rạng Đông
    c.append(make_child(w.other_commune, area=w.other_village, sex="female"))
    c.append(make_child(w.other_commune, sex="male", born=dt.date(2009, 1, 1)))  # 17: no
    c.append(make_child(w.other_commune, sex="male", born=dt.date(2019, 9, 9)))
    # recorded under the pre-2025 commune (rolls up into Nghĩa Hưng)
    c.append(make_child(w.legacy_commune, sex="female", born=dt.date(2016, 2, 2)))
    # special circumstances and support
    circumstance(c[0], "d")
    circumstance(c[0], "a")  # two groups: counted once in the total
    support(c[0], dt.date(2026, 3, 1))
    circumstance(c[2], "d")
    support(c[2], dt.date(2025, 3, 1))  # support outside the period
    circumstance(c[3], "l", start=dt.date(2026, 2, 1), end=dt.date(2026, 4, 1))
    Support.objects.create(
        child=c[3], kind="monthly_allowance", date=dt.date(2025, 1, 1), end_date=None
    )
    circumstance(c[4], "d", end=dt.date(2025, 12, 31))  # ended before the period
    circumstance(c[13], "b")
    circumstance(c[1], "parent_absent", kind="at_risk")
    circumstance(c[16], "k")
    support(c[16], dt.date(2026, 5, 5))
    return Kids(world=w, children=c)
