"""The reports demo: whatever the day it is seeded in 2026, the province dashboard opens
on a period where one commune has sent its report and the other has not."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.conftest import World
from tests.factories import demo_context, make_plan
from treem.reports import demo, selectors
from treem.reports.models import Report, ReportStatus

pytestmark = pytest.mark.django_db


def _seed(world: World) -> None:
    ctx = demo_context(
        world,
        {"nghiahung": world.officer, "tinh": world.province_officer, "admin": world.admin},
    )
    demo.seed(ctx)
    demo.seed(ctx)  # idempotent: a second run keeps the reports


def _dashboard_tile(client_for, world: World) -> str:
    body = client_for(world.province_officer).get("/bao-cao/").content.decode()
    found = re.search(r'id="completeness-rate">([^<]*)<', body)
    assert found is not None
    return found.group(1)


def test_in_june_the_dashboard_opens_on_the_half_year_with_one_commune_sent(
    world: World, client_for, monkeypatch
) -> None:
    monkeypatch.setattr(selectors, "today", lambda: dt.date(2026, 6, 20))
    _seed(world)
    sent = Report.objects.get(area=world.commune, period="2026H1")
    assert sent.status == ReportStatus.SUBMITTED
    assert sent.submitted_at is not None
    assert sent.submitted_at.date() == dt.date(2026, 5, 12)  # before the 15/05 due date
    # the report's history tells the same dates (drafted when the unit's part came in)
    history = {e.action: timezone.localdate(e.at) for e in sent.events.all()}
    assert history == {"create": dt.date(2026, 5, 8), "submit": dt.date(2026, 5, 12)}
    # and so does the audit log (the demo plays the past: not all at the seed's minute)
    from treem.core.models import AuditLog

    logged = {
        a.action: timezone.localdate(a.at)
        for a in AuditLog.objects.filter(object_type="reports.report", object_id=str(sent.pk))
    }
    assert logged["report.create"] == dt.date(2026, 5, 8)
    assert logged["report.submit"] == dt.date(2026, 5, 12)
    assert not Report.objects.filter(period="2026").exists()  # the year is not open yet
    assert not Report.objects.filter(area=world.other_commune).exists()
    assert _dashboard_tile(client_for, world) == "1/2"


def test_in_december_the_annual_report_is_sent_too(world: World, client_for, monkeypatch) -> None:
    monkeypatch.setattr(selectors, "today", lambda: dt.date(2026, 12, 6))
    _seed(world)
    reports = {r.period: r for r in Report.objects.filter(area=world.commune)}
    assert set(reports) == {"2026H1", "2026"}
    assert all(r.status == ReportStatus.SUBMITTED for r in reports.values())
    annual_sent = reports["2026"].submitted_at
    assert annual_sent is not None
    assert annual_sent.date() == dt.date(2026, 11, 10)  # before 15/11
    assert not Report.objects.filter(area=world.other_commune).exists()
    # the dashboard opens on the year: one of the two communes has sent it
    assert selectors.default_period().code == "2026"
    assert _dashboard_tile(client_for, world) == "1/2"


def test_each_computation_is_dated_before_the_report_it_fed(
    world: World, client_for, monkeypatch
) -> None:
    """The report page's "last computed" came before the report was sent (the values
    sent are the ones computed), and a past period was computed in its own reporting
    season, not at the seed's minute; the audit log tells the same dates."""
    from treem.core.models import AuditLog
    from treem.reports.models import ComputationRun

    monkeypatch.setattr(selectors, "today", lambda: dt.date(2026, 12, 6))
    _seed(world)
    runs = ComputationRun.objects.filter(area=world.commune)
    latest = {}
    for run in runs.order_by("created_at"):
        latest[run.period] = run
    assert set(latest) >= {"2024H1", "2024", "2025H1", "2025", "2026H1", "2026"}
    for period, report in ((r.period, r) for r in Report.objects.filter(area=world.commune)):
        assert report.submitted_at is not None
        assert latest[period].created_at < report.submitted_at, period
    assert timezone.localdate(latest["2025"].created_at) == dt.date(2025, 11, 10)
    assert timezone.localdate(latest["2024H1"].created_at) == dt.date(2024, 5, 10)
    body = client_for(world.officer).get(f"/bao-cao/ky/2026/{world.commune.key}/").content
    assert "Lần tính gần nhất: 06/11/2026" in body.decode()
    logged = AuditLog.objects.filter(action="reports.compute", area=world.commune)
    assert logged.exists()
    assert all(timezone.localdate(a.at).year in (2024, 2025, 2026) for a in logged)
    assert not logged.filter(at__date__gt=dt.date(2026, 11, 6)).exists()


def test_the_demo_reports_a_manual_indicator_beside_its_plan_target(
    world: World, client_for, monkeypatch
) -> None:
    """The administrator's swimming indicator, with Nghĩa Hưng's value each period entered
    before the report was sent, and by sex in 2026: the annual report shows it beside
    last year's and the plan's target."""
    from decimal import Decimal

    from treem.plans.models import PlanTarget
    from treem.reports.models import DataValue, Indicator

    monkeypatch.setattr(selectors, "today", lambda: dt.date(2026, 12, 6))
    plan = make_plan(world.commune)
    PlanTarget.objects.create(
        plan=plan,
        text="60% trẻ em từ 6 đến 16 tuổi được học bơi",
        value=Decimal(60),
        unit="%",
        indicator_slug="swimming_taught_pct",
    )
    _seed(world)
    swim = Indicator.objects.get(slug="swimming_taught_pct")
    assert swim.is_manual and swim.unit == "percent"
    values = DataValue.objects.filter(indicator=swim, area=world.commune)
    assert values.get(period="2026", disaggregation="").value == Decimal("58.6")
    assert values.get(period="2026", disaggregation="sex=female").value == Decimal("57.2")
    assert set(values.values_list("period", flat=True)) == {
        "2024H1",
        "2024",
        "2025H1",
        "2025",
        "2026H1",
        "2026",
    }
    from treem.core.models import AuditLog

    sent = Report.objects.get(area=world.commune, period="2026").submitted_at
    entered = AuditLog.objects.filter(action="datavalue.set", area=world.commune)
    assert entered.count() == 10  # each period's total, and 2026's by sex
    assert max(a.at for a in entered) < sent  # entered before the report went up
    assert min(a.at for a in entered).year == 2024
    body = client_for(world.officer).get(f"/bao-cao/ky/2026/{world.commune.key}/").content
    row = body.decode().split("được học bơi", 1)[1].split("</tr>", 1)[0]
    cells = [c.strip() for c in re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)]
    assert cells[:3] == ["58,6%", "42,8%", "60%"]  # this year, last year, the target


def test_a_report_sent_before_its_period_ends_counts_what_had_happened_by_then(
    world: World, client_for, monkeypatch
) -> None:
    """The annual report sent on 10/11 had counted the cases received in late November
    and December (the demo computed at the seed's minute, to the year's end). Each sent
    period is now counted as of the morning it was computed, and the page says so."""
    from tests.reports.test_computation import _case
    from treem.cases.clock import VN_TZ
    from treem.reports.models import DataValue

    monkeypatch.setattr(selectors, "today", lambda: dt.date(2026, 12, 6))
    for code, day in (("1", dt.date(2026, 10, 1)), ("2", dt.date(2026, 11, 25))):
        _case(
            world.commune,
            code,
            forms=["violence"],
            at=dt.datetime.combine(day, dt.time(9), tzinfo=VN_TZ),
        )
    _seed(world)
    cases = DataValue.objects.get(
        indicator__slug="abuse_cases", period="2026", area=world.commune, disaggregation=""
    )
    assert cases.value == 1  # the case of 25/11 came after the report was computed (6/11)
    body = client_for(world.officer).get(f"/bao-cao/ky/2026/{world.commune.key}/").content
    assert "số liệu tính đến ngày 06/11/2026" in body.decode()
