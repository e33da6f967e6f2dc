"""The registry demo (issue: ~3,000 children in the demo commune, ~1,500 in the other,
households, an age pyramid, ~7% in special circumstances, support, deliberate data
problems) and the history its children's pages show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from tests.conftest import World
from tests.factories import demo_context
from treem.core.models import AuditLog
from treem.registry import demo
from treem.registry.models import Child, ChildCircumstance, Support

pytestmark = pytest.mark.django_db


def test_demo_registry_is_realistic_and_each_childs_history_is_dated(world: World) -> None:
    ctx = demo_context(world, {"nghiahung": world.officer, "xakhac": world.other_officer})
    demo.seed(ctx)
    demo.seed(ctx)  # idempotent
    here = Child.objects.filter(commune=world.commune)
    there = Child.objects.filter(commune=world.other_commune)
    assert 2900 <= here.count() <= 3100 and 1400 <= there.count() <= 1600
    children = Child.objects.filter(commune__in=[world.commune, world.other_commune])
    total = children.count()
    special = children.filter(circumstances__kind="special").distinct().count()
    assert 0.05 <= special / total <= 0.09  # ~7%
    assert Support.objects.filter(child__in=children).exists()
    # the cleaning page has work: no ID number, a wrong one, probable duplicates
    assert children.filter(id_number__isnull=True).exists()
    assert children.filter(id_number_valid=False).exists()
    twice = children.values("name_folded", "birth_date").annotate(n=Count("id")).filter(n__gt=1)
    assert twice.exists()

    # every child, circumstance and support has its audit row, dated when it was
    # recorded: never after now, never before the child was born
    logs = AuditLog.objects.filter(object_type="registry.child")
    created = {
        int(i): at for i, at in logs.filter(action="child.create").values_list("object_id", "at")
    }
    assert set(created) == set(children.values_list("id", flat=True))
    now = timezone.now()
    births = dict(children.values_list("id", "birth_date"))
    for pk, at in created.items():
        assert at <= now
        assert births[pk] is None or timezone.localdate(at) >= births[pk]
    circumstances = ChildCircumstance.objects.filter(child__in=children).count()
    assert logs.filter(action="circumstance.add").count() == circumstances
    assert (
        logs.filter(action="support.add").count()
        == Support.objects.filter(child__in=children).count()
    )
    # a registry kept over years, not a file entered today
    first = min(created.values())
    assert timezone.localdate(first) <= timezone.localdate() - dt.timedelta(days=365)
    later = logs.exclude(action="child.create").values_list("object_id", "at")
    assert all(created[int(pk)] < at <= now for pk, at in later)
    # a namesake born the same day, recorded three weeks ago as a different child: the
    # duplicates page shows the decision, not the pair
    from treem.registry.models import DistinctChildren
    from treem.registry.selectors import distinct_decisions, probable_duplicates

    pair = DistinctChildren.objects.get()
    assert pair.first.full_name == pair.second.full_name == "Nguyễn Văn An"
    assert pair.first.birth_date == pair.second.birth_date
    assert timezone.localdate(pair.created_at) == timezone.localdate() - dt.timedelta(days=20)
    decided = AuditLog.objects.get(action="child.distinct")
    assert decided.at == pair.created_at
    groups = probable_duplicates(user=world.officer, area=world.commune)
    assert all({pair.first_id, pair.second_id} - {c.pk for c in g.children} for g in groups)
    assert distinct_decisions(user=world.officer, area=world.commune) == [pair]
