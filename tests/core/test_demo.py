"""The demo's set-up (villages, units, accounts): dated when the communes set TreEm up,
before their register began, so the audit log reads in order."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import World
from treem.core import demo
from treem.core.dates import years_before
from treem.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_the_demo_set_up_is_dated_before_the_register_began(world: World) -> None:
    demo.seed()
    demo.seed()  # idempotent
    today = timezone.localdate()
    set_up = AuditLog.objects.filter(action__in=["area.create", "agency.create"])
    here = set_up.filter(area__path__startswith=world.commune.path)
    assert (
        here.filter(action="area.create").exists() and here.filter(action="agency.create").exists()
    )
    days = {timezone.localdate(a.at) for a in set_up}
    began = years_before(today, demo.YEARS_IN_USE)
    assert days == {began - dt.timedelta(days=14)}
