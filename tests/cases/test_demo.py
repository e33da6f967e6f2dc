"""The cases demo: cases at every stage now, and closed cases and injuries in the demo
report's half-year (2026H1), so the report's abuse and injury tables have rows."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import World
from tests.factories import demo_context
from tests.reports.conftest import make_child
from treem.cases import demo
from treem.cases.models import Case, CaseStatus, Incident
from treem.reports import services as reports
from treem.reports.models import DataValue

pytestmark = pytest.mark.django_db


def test_demo_cases_fill_the_demo_half_year_once(world: World) -> None:
    for n in range(30):
        make_child(world.commune, area=world.village, born=dt.date(2012 + n % 12, 3, 1))
    ctx = demo_context(
        world,
        {"nghiahung": world.officer, "lanhdao": world.leader, "ctv": world.collaborator},
        seed=3,
    )
    demo.seed(ctx)
    demo.seed(ctx)  # idempotent
    assert Case.objects.count() == len(demo.PLAN) + len(demo.EARLIER)
    # the office's steps are taken in office hours (a report and the first, 12-hour
    # assessment come when they come)
    from treem.cases.clock import VN_TZ
    from treem.cases.models import CaseStep

    office = CaseStep.objects.exclude(kind__in=["intake", "initial_assessment", "emergency"])
    assert office.exists()
    assert all(7 <= s.at.astimezone(VN_TZ).hour < 18 for s in office), sorted(
        (s.kind, s.at.astimezone(VN_TZ))
        for s in office
        if not 7 <= s.at.astimezone(VN_TZ).hour < 18
    )
    # numbered as received, as a register is kept: a later number was received later
    received = [c.received_at for c in sorted(Case.objects.all(), key=lambda c: c.code)]
    assert received == sorted(received)
    first_half = Case.objects.filter(
        received_at__date__gte=dt.date(2026, 1, 1), received_at__date__lte=dt.date(2026, 6, 30)
    )
    assert first_half.count() == 3
    assert all(c.status == CaseStatus.ARCHIVED for c in first_half)  # closed, filed away
    for case in first_half:  # a closed case carried out its whole plan
        items = [i for plan in case.plans.all() for i in plan.items.all()]
        assert items and all(i.status == "done" for i in items), case.code
    # the audit log tells each case's steps at their own times, as the case page does
    from treem.core.models import AuditLog

    for case in first_half:
        logged = AuditLog.objects.filter(object_type="cases.case", object_id=str(case.pk))
        assert logged.get(action="case.intake").at == case.received_at
        steps = {s.kind: s.at for s in case.steps.all()}
        assert logged.get(action="case.step.archive").at == steps["archive"]
    assert Incident.objects.filter(occurred_on__year=2026, occurred_on__month__lte=6).count() == 2

    reports.computation_run_all(actor=world.province_officer, area=world.commune, period="2026H1")

    def total(slug: str) -> int:
        value = DataValue.objects.get(
            indicator__slug=slug, period="2026H1", area=world.commune, disaggregation=""
        ).value
        return int(value)

    assert total("abuse_cases") == 3
    assert total("abused_children") == 3
    assert total("injured_children") == 2
