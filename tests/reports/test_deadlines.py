"""Report deadlines where officers look: the dashboard cards and the reports page.

In December the annual report is the one due (15/11 by default): the dashboard must say
so, and keep the 6-month report on it for as long as that one is not sent."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import World
from treem.reports import selectors, services
from treem.reports.models import Report, ReportStatus, UnitReport

pytestmark = pytest.mark.django_db

CARD = re.compile(
    r'<a class="stat (?P<tone>[a-z]*)" href="(?P<url>[^"]*)">\s*<span class="value">'
    r'(?P<value>[^<]*)</span><span class="label">(?P<label>[^<]*)</span>'
    r"(?:<small>(?P<hint>[^<]*)</small>)?"
)


def report_cards(client: Any) -> dict[str, dict[str, str]]:
    """The dashboard's report cards, by label."""
    body = client.get("/").content.decode()
    return {
        m["label"]: m.groupdict(default="") for m in CARD.finditer(body) if "/bao-cao/" in m["url"]
    }


def health_station_sends_its_part(world: World, period: str = "2026") -> None:
    services.unit_report_save(
        actor=world.focal_point,
        agency=world.health_station,
        period=period,
        narrative="Tiêm chủng đủ 98%.",
        submit=True,
    )


@pytest.fixture
def on(monkeypatch: pytest.MonkeyPatch):
    def set_today(day: dt.date) -> None:
        monkeypatch.setattr(selectors, "today", lambda: day)

    return set_today


def sent(report: Report, day: dt.date) -> None:
    """Arrange: the report was submitted on `day` (the workflow itself is tested elsewhere)."""
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED, submitted_at=at)


def test_commune_dashboard_names_the_annual_report_overdue_in_december(
    world: World, client_for, on
) -> None:
    h1 = services.report_create(actor=world.officer, area=world.commune, period="2026H1")
    sent(h1, dt.date(2026, 5, 12))
    on(dt.date(2026, 12, 3))
    cards = report_cards(client_for(world.officer))
    assert list(cards) == ["Báo cáo năm 2026"]  # the sent 6-month report has left
    card = cards["Báo cáo năm 2026"]
    assert card["value"] == "Chưa lập" and card["tone"] == "danger"
    assert card["hint"] == "Quá hạn 18 ngày (hạn 15/11/2026)"
    assert card["url"] == "/bao-cao/?ky=2026"


def test_an_unsent_six_month_report_stays_beside_the_annual_one(
    world: World, client_for, on
) -> None:
    services.report_create(actor=world.officer, area=world.commune, period="2026H1")  # a draft
    on(dt.date(2026, 11, 5))
    cards = report_cards(client_for(world.officer))
    assert list(cards) == ["Báo cáo năm 2026", "Báo cáo 6 tháng đầu năm 2026"]
    annual, h1 = cards["Báo cáo năm 2026"], cards["Báo cáo 6 tháng đầu năm 2026"]
    assert (annual["tone"], annual["hint"]) == ("warn", "Hạn gửi 15/11/2026")
    assert (h1["value"], h1["tone"]) == ("Đang soạn", "danger")
    assert h1["hint"] == "Quá hạn 174 ngày (hạn 15/05/2026)"


def test_in_july_the_six_month_report_is_the_current_one(world: World, client_for, on) -> None:
    on(dt.date(2026, 7, 1))
    cards = report_cards(client_for(world.officer))
    # The annual period opens in November; until then the one before is last year's.
    assert list(cards) == ["Báo cáo 6 tháng đầu năm 2026", "Báo cáo năm 2025"]
    assert cards["Báo cáo 6 tháng đầu năm 2026"]["hint"] == "Quá hạn 47 ngày (hạn 15/05/2026)"


def test_province_dashboard_follows_both_periods_while_communes_are_missing(
    world: World, client_for, on
) -> None:
    h1 = services.report_create(actor=world.officer, area=world.commune, period="2026H1")
    sent(h1, dt.date(2026, 5, 12))
    on(dt.date(2026, 12, 3))
    cards = report_cards(client_for(world.province_officer))
    annual = cards["Xã đã gửi báo cáo: Năm 2026"]
    half = cards["Xã đã gửi báo cáo: 6 tháng đầu năm 2026"]
    expected = selectors.completeness(
        user=world.province_officer, area=world.province, period="2026H1"
    ).expected
    assert expected >= 2  # the officer's commune and the colleague's
    assert annual["value"] == f"0/{expected}" and annual["tone"] == "danger"
    assert annual["hint"].endswith("hạn 15/11/2026")
    assert half["value"] == f"1/{expected}"
    # the denominator is the communes using TreEm, not all the province's: said so
    assert half["hint"].startswith(f"Trong {expected} xã đang dùng TreEm: tỷ lệ ")


def test_unit_focal_point_sees_its_own_deadline(world: World, client_for, on) -> None:
    on(dt.date(2026, 11, 12))
    card = report_cards(client_for(world.focal_point))["Báo cáo của đơn vị: Năm 2026"]
    assert card["value"] == "Chưa gửi" and card["tone"] == "danger"
    assert card["hint"] == "Quá hạn 2 ngày (hạn 10/11/2026)"  # units report 5 days earlier
    health_station_sends_its_part(world)
    assert UnitReport.objects.get(period="2026").status == "submitted"
    card = report_cards(client_for(world.focal_point))["Báo cáo của đơn vị: Năm 2026"]
    assert (card["value"], card["tone"], card["hint"]) == ("Đã gửi xã", "", "")


def test_reports_page_gives_every_period_a_due_date_and_flags_the_late_one(
    world: World, client_for, on
) -> None:
    h1 = services.report_create(actor=world.officer, area=world.commune, period="2026H1")
    sent(h1, dt.date(2026, 5, 12))
    on(dt.date(2026, 12, 3))
    body = client_for(world.officer).get("/bao-cao/").content.decode()
    rows = re.findall(r"<tr( class=\"overdue\")?>\s*<td>([^<]*)</td>.*?</tr>", body, re.S)
    assert [label for _c, label in rows][:3] == ["Năm 2026", "6 tháng đầu năm 2026", "Năm 2025"]
    assert [bool(c) for c, _l in rows][:3] == [True, False, False]  # 2025 is history, unflagged
    assert '15/11/2026 <span class="badge danger">quá hạn 18 ngày</span>' in body
    for due in ("15/05/2026", "15/11/2025", "15/05/2025", "15/11/2024", "15/05/2024"):
        assert f"<td>{due}</td>" in body
    # The period selector opens on the annual report, the one now due.
    assert '<option value="2026" selected>' in body


def test_report_page_names_its_due_date_and_lateness(world: World, client_for, on) -> None:
    on(dt.date(2026, 12, 3))
    client = client_for(world.officer)
    body = client.get(f"/bao-cao/ky/2026/{world.commune.key}/").content.decode()
    assert re.search(r"Hạn gửi: 15/11/2026 <span class=\"badge danger\">quá hạn 18 ngày", body)
    client.post(f"/bao-cao/ky/2026/{world.commune.key}/lap/")  # opened late: still overdue
    body = client.get(f"/bao-cao/ky/2026/{world.commune.key}/").content.decode()
    assert "Đang soạn" in body and "quá hạn 18 ngày" in body
    old = client.get(f"/bao-cao/ky/2025H1/{world.commune.key}/").content.decode()
    assert "Hạn gửi: 15/05/2025" in old and "quá hạn" not in old  # history, not flagged


PROVINCE_PLAN = (
    "ỦY BAN NHÂN DÂN\nTỈNH NINH BÌNH\nSố: 5/KH-UBND\nNinh Bình, ngày 08 tháng 01 năm 2026\n"
    "KẾ HOẠCH\nThực hiện công tác trẻ em năm 2026\nI. MỤC ĐÍCH, YÊU CẦU\nBảo đảm quyền trẻ em.\n"
    "II. CHẾ ĐỘ BÁO CÁO\nỦy ban nhân dân các xã, phường báo cáo kết quả 6 tháng trước ngày "
    "20/5/2026 và báo cáo năm trước ngày 20/11/2026 về Ủy ban nhân dân tỉnh (qua Sở Y tế).\n"
)


def test_the_plans_reporting_regime_sets_the_due_dates_reports_follow(
    world: World, client_for, on
) -> None:
    """The province's plan has the communes report the year by 20/11, not the default 15/11:
    the dashboards, the reports pages and the report itself follow it."""
    from treem.plans.extraction import extract_text
    from treem.plans.models import PlanStatus
    from treem.plans.services import plan_create_from_extraction

    plan_create_from_extraction(
        actor=world.admin,
        area=world.province,
        data=extract_text(PROVINCE_PLAN),
        status=PlanStatus.ISSUED,
    )
    on(dt.date(2026, 11, 18))
    card = report_cards(client_for(world.officer))["Báo cáo năm 2026"]
    assert (card["tone"], card["hint"]) == ("warn", "Hạn gửi 20/11/2026")  # not yet late
    report = services.report_create(actor=world.officer, area=world.commune, period="2026")
    assert report.due_date == dt.date(2026, 11, 20)
    sent(report, dt.date(2026, 11, 19))
    assert Report.objects.get(pk=report.pk).on_time  # sent before the plan's date

    on(dt.date(2026, 11, 25))
    province = client_for(world.province_officer)
    body = province.get("/bao-cao/?ky=2026").content.decode()
    # one commune of two has sent, the other is late: the page's count says so in red
    assert '<div class="stat danger"><span class="value" id="completeness-rate">1/2<' in body
    table = body[body.index('id="completeness"') :]
    rows = dict(re.findall(r'<a href="[^"]*">([^<]*)</a></td>(.*?)</tr>', table, re.S))
    sent_row, missing_row = rows[world.commune.full_name], rows[world.other_commune.full_name]
    assert "20/11/2026</td>" in sent_row and "quá hạn" not in sent_row
    # the commune that has not sent is five days past the date the province set
    assert '20/11/2026 <span class="badge danger">quá hạn 5 ngày</span>' in missing_row
    annual = report_cards(province)["Xã đã gửi báo cáo: Năm 2026"]
    assert annual["hint"].endswith("hạn 20/11/2026") and annual["tone"] == "danger"


def test_the_province_table_reads_the_communes_due_dates_in_bounded_queries(
    world: World, client_for
) -> None:
    """A province rolls TreEm out to many communes: the due dates of their reports are read
    for all of them at once, not commune by commune."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_area, make_user
    from treem.core.models import AreaLevel

    def completeness() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            c = selectors.completeness(
                user=world.province_officer, area=world.province, period="2026"
            )
        assert all(row.deadline.due == dt.date(2026, 11, 15) for row in c.rows)
        return c.expected, len(ctx.captured_queries)

    completeness()  # what is read once per process (roles, say) is read
    expected, queries = completeness()
    for i in range(5):
        extra = make_area(f"1399{i}", f"Thử {i}", level=AreaLevel.COMMUNE, parent=world.province)
        make_user(f"canbo{i}", "commune_officer", extra)
    assert completeness() == (expected + 5, queries)
    assert client_for(world.province_officer).get("/bao-cao/?ky=2026").status_code == 200


def test_the_communes_report_page_flags_the_units_whose_part_is_late(
    world: World, client_for, on
) -> None:
    """Units report five days before the commune (10/11 by default): on 12/11 a unit
    that has not sent its part reads "quá hạn 2 ngày" on the commune's report page; one
    that has sent it does not; in a period no longer followed nothing is overdue."""
    from tests.factories import make_agency

    police = make_agency(world.commune, "Công an xã", kind="police")
    health_station_sends_its_part(world)
    on(dt.date(2026, 11, 12))
    page = client_for(world.officer).get(f"/bao-cao/ky/2026/{world.commune.key}/").content
    units = page.decode().split('id="units"', 1)[1].split("</table>", 1)[0]
    rows = {
        name: row
        for row in units.split("<tr>")[1:]
        for name in (world.health_station.name, police.name)
        if name in row
    }
    assert "quá hạn 2 ngày" in rows[police.name]
    assert "quá hạn" not in rows[world.health_station.name]
    # the same number of queries for more units (one due date for the units without a part)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.officer)
    url = f"/bao-cao/ky/2026/{world.commune.key}/"
    client.get(url)  # the session's first request does more (its state, its save)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        make_agency(world.commune, f"Trường số {n}", kind="school")
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)
    on(dt.date(2027, 12, 1))  # 2026 is history by then
    page = client_for(world.officer).get(f"/bao-cao/ky/2026/{world.commune.key}/").content
    assert "quá hạn" not in page.decode().split('id="units"', 1)[1].split("</table>", 1)[0]
