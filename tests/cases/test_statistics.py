"""Statistics hooks: set-based counts by sex, age group, form, setting; injuries by cause."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from tests.cases.helpers import intake, make_child
from tests.conftest import World
from treem.cases import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world: World):
    boy = make_child(world.village, "Nguyễn Văn A", sex="male", age=4)
    girl = make_child(world.village2, "Trần Thị B", sex="female", age=12)
    intake(world, child=boy, forms=["violence", "neglect"], setting="family")
    intake(world, child=boy, forms=["violence"], setting="school")
    intake(world, child=girl, forms=["sexual_abuse"], setting="online")
    services.incident_record(
        actor=world.officer,
        child=boy,
        kind="drowning",
        occurred_on=timezone.localdate(),
        outcome="injured",
    )
    services.incident_record(
        actor=world.officer,
        child=girl,
        kind="drowning",
        occurred_on=timezone.localdate(),
        outcome="died",
    )
    services.incident_record(
        actor=world.officer,
        child=boy,
        kind="burn",
        occurred_on=timezone.localdate(),
        outcome="injured",
    )
    return world


def period():
    today = timezone.localdate()
    return today - dt.timedelta(days=30), today


def test_abuse_by_sex_age_setting_form(data: World, django_assert_max_num_queries) -> None:
    start, end = period()
    # roll-up paths + one GROUP BY
    with django_assert_max_num_queries(3):
        by_sex = selectors.abuse_statistics(area=data.commune, start=start, end=end, by="sex")
    assert by_sex == {"male": {"cases": 2, "children": 1}, "female": {"cases": 1, "children": 1}}
    by_age = selectors.abuse_statistics(area=data.province, start=start, end=end, by="age_group")
    assert by_age == {"3_6": {"cases": 2, "children": 1}, "11_16": {"cases": 1, "children": 1}}
    by_setting = selectors.abuse_statistics(area=data.commune, start=start, end=end, by="setting")
    assert by_setting["online"] == {"cases": 1, "children": 1}
    by_form = selectors.abuse_statistics(area=data.commune, start=start, end=end, by="form")
    assert by_form["violence"] == {"cases": 2, "children": 1}
    assert by_form["neglect"] == {"cases": 1, "children": 1}
    assert selectors.abuse_statistics(area=data.other_commune, start=start, end=end, by="sex") == {}
    before = start - dt.timedelta(days=60)
    assert (
        selectors.abuse_statistics(
            area=data.commune, start=before, end=start - dt.timedelta(days=1), by="sex"
        )
        == {}
    )


def test_injuries_by_cause(data: World) -> None:
    start, end = period()
    stats = selectors.injury_statistics(area=data.commune, start=start, end=end, by="kind")
    assert stats == {"drowning": {"injured": 1, "died": 1}, "burn": {"injured": 1, "died": 0}}
    assert selectors.injury_statistics(area=data.commune, start=start, end=end, by="sex")[
        "female"
    ] == {"injured": 0, "died": 1}


def test_statistics_respect_the_acting_user(data: World) -> None:
    start, end = period()
    assert selectors.abuse_statistics(
        area=data.commune, start=start, end=end, by="sex", user=data.leader
    )
    with pytest.raises(Http404):
        selectors.abuse_statistics(
            area=data.commune, start=start, end=end, by="sex", user=data.other_officer
        )
    with pytest.raises(ValueError):
        selectors.abuse_statistics(area=data.commune, start=start, end=end, by="colour")
