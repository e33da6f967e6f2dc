"""The issue's reporting flow in a browser: the commune officer computes the figures (progress
bar), writes the narrative and submits; the province officer returns it with a comment;
the officer fixes it and resubmits; the province approves; the values are then locked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.e2e.conftest import log_in
from tests.factories import PASSWORD
from tests.reports.conftest import Kids, kids, swimming_indicator  # noqa: F401  (kids: the fixture)
from treem.registry.models import Child
from treem.reports import services
from treem.reports.models import DataValue, Report, ReportStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PERIOD = "2026H1"


def _population(area: Any) -> Any:
    return DataValue.objects.get(
        indicator__slug="child_population", period=PERIOD, area=area, disaggregation=""
    ).value


def test_compute_submit_return_resubmit_approve_lock(
    kids: Kids,  # noqa: F811
    live_server: Any,
    page: Any,
    browser: Any,
) -> None:
    w = kids.world
    url = f"{live_server.url}/bao-cao/ky/{PERIOD}/{w.commune.key}/"

    # The commune officer opens the report and computes the figures.
    log_in(page, live_server, "canbo", PASSWORD)
    page.goto(url)
    page.click("#create-report")
    page.wait_for_selector("#compute")
    page.click("#compute")
    page.wait_for_selector("text=Đã tính xong số liệu.")
    assert page.get_attribute("#run-bar", "value") == "100"
    page.click("#compute-progress >> text=Xem số liệu")
    population = page.locator("#indicators tr[data-slug=child_population] td.value")
    assert population.inner_text().strip() == "10"  # 9 + the child under the legacy commune

    # She writes the narrative and submits it.
    page.fill("textarea[name=narrative_results]", "Đã rà soát toàn bộ trẻ em trên địa bàn.")
    page.fill("textarea[name=narrative_limits]", "Cập nhật biến động chưa kịp thời.")
    page.fill("textarea[name=narrative_proposals]", "Đề nghị tỉnh tổ chức tập huấn.")
    page.click("#submit-report")
    page.wait_for_selector("text=Đã gửi báo cáo lên tỉnh.")
    assert "Đã gửi" in page.inner_text(".page-head")
    assert page.locator("#narrative").count() == 0  # no longer editable

    # The province officer returns it with a comment (an empty comment is refused).
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    province = context.new_page()
    province.set_default_timeout(15000)
    log_in(province, live_server, "tinh", PASSWORD)
    province.goto(url)
    province.click("#return")  # the browser refuses the empty required field
    assert Report.objects.get(area=w.commune).status == ReportStatus.SUBMITTED
    province.fill("#decide textarea[name=comment]", "Bổ sung số liệu trẻ em khuyết tật.")
    province.click("#return")
    province.wait_for_selector("text=Đã trả lại báo cáo cho xã.")

    # The officer sees the comment, fixes the narrative and resubmits.
    page.goto(url)
    assert "Bổ sung số liệu trẻ em khuyết tật." in page.inner_text("#return-comment")
    assert "Bị trả lại" in page.inner_text(".page-head")
    page.fill(
        "textarea[name=narrative_results]",
        "Đã rà soát toàn bộ trẻ em; bổ sung số liệu trẻ em khuyết tật.",
    )
    page.click("#submit-report")
    page.wait_for_selector("text=Đã gửi báo cáo lên tỉnh.")

    # The province approves.
    province.goto(url)
    assert "bổ sung số liệu trẻ em khuyết tật" in province.inner_text("body")
    province.click("#approve")
    province.wait_for_selector("text=Đã duyệt báo cáo. Số liệu của kỳ đã được khóa.")
    report = Report.objects.get(area=w.commune, period=PERIOD)
    assert report.status == ReportStatus.APPROVED
    assert list(report.events.values_list("action", flat=True)) == [
        "create",
        "submit",
        "return",
        "submit",
        "approve",
    ]
    context.close()

    # Locked: the officer can no longer compute or edit; a province recomputation after a
    # change in the registry leaves the approved figures as they were.
    page.goto(url)
    assert "đã được duyệt: số liệu đã khóa, không sửa được." in page.inner_text("#values-locked")
    assert page.locator("#compute").count() == 0
    assert page.locator("#narrative").count() == 0
    before = _population(w.commune)
    Child.objects.filter(pk=kids.children[0].pk).update(
        status="moved", status_date=dt.date(2026, 1, 5)
    )
    run = services.computation_run_all(actor=w.province_officer, area=w.province, period=PERIOD)
    assert w.commune.path in run.skipped_locked
    assert _population(w.commune) == before
    page.goto(url)
    assert population.inner_text().strip() == "10"


def test_trend_chart_keeps_small_indicators_readable_beside_the_population(
    kids: Kids,  # noqa: F811
    live_server: Any,
    page: Any,
) -> None:
    """The dashboard's trend plots the child population (thousands in a commune) on an
    axis of its own, on the right: on one axis with it, the children in special
    circumstances (tens) would lie flat along the bottom of the chart."""
    w = kids.world
    for period in ("2025H1", PERIOD):
        services.computation_run_all(actor=w.officer, area=w.commune, period=period)
    log_in(page, live_server, "canbo", PASSWORD)
    page.goto(f"{live_server.url}/bao-cao/?ky={PERIOD}")
    page.wait_for_function("window.Chart && Chart.getChart(document.getElementById('trend'))")
    drawn = page.evaluate(
        """() => {
        const chart = Chart.getChart(document.getElementById("trend"));
        const area = chart.chartArea;
        return chart.data.datasets.map((d, i) => {
          const meta = chart.getDatasetMeta(i);
          const highest = Math.min(...meta.data.map((p) => p.y));
          return { label: d.label, axis: chart.scales[meta.yAxisID].position,
                   values: d.data, height: (area.bottom - highest) / (area.bottom - area.top) };
        });
    }"""
    )
    by_label = {d["label"]: d for d in drawn}
    population, special = by_label["Số trẻ em"], by_label["Số trẻ em có hoàn cảnh đặc biệt"]
    assert population["axis"] == "right" and special["axis"] == "left"

    def largest(values: list) -> Any:
        return max(v for v in values if v is not None)

    assert largest(special["values"]) * 3 < largest(population["values"])  # much smaller
    assert special["height"] > 0.5, special  # its highest point in the chart's upper half


def test_two_tabs_entering_manual_values_overwrite_nothing_unknowingly(
    kids: Kids,  # noqa: F811
    live_server: Any,
    page: Any,
    browser: Any,
) -> None:
    """Two pages of the manual values open: the first saves the girls' share; the second,
    loaded before, saves the total and another girls' share: refused, the first's value
    listed, what was typed kept; its officer keeps the first's share and saves: both
    values stand. A box the second page did not change never conflicts."""
    w = kids.world
    swimming_indicator(w)
    report = f"{live_server.url}/bao-cao/ky/{PERIOD}/{w.commune.key}/"
    log_in(page, live_server, "canbo", PASSWORD)
    page.goto(report)
    page.click("#enter-values")
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    other = context.new_page()
    other.set_default_timeout(15000)
    log_in(other, live_server, "canbo", PASSWORD)
    other.goto(page.url)
    girls, total = (
        'input[name="v:swimming_taught_pct:sex=female"]',
        'input[name="v:swimming_taught_pct:"]',
    )

    page.fill(girls, "45,5")
    page.click("#manual-values button")
    page.wait_for_selector("text=Đã lưu 1 số liệu nhập tay.")

    other.fill(total, "47")
    other.fill(girls, "50")
    other.click("#manual-values button")
    other.wait_for_selector("#manual-errors")
    assert "Nữ: người khác vừa lưu 45,5%" in other.inner_text("#manual-errors")
    assert (other.input_value(total), other.input_value(girls)) == ("47", "50")
    values = DataValue.objects.filter(indicator__slug="swimming_taught_pct")
    assert not values.filter(disaggregation="").exists()  # all or none
    other.fill(girls, "45,5")  # the first page's share is the right one
    other.click("#manual-values button")
    other.wait_for_selector("text=Đã lưu 1 số liệu nhập tay.")
    stored = dict(values.values_list("disaggregation", "value"))
    assert stored == {"": 47, "sex=female": Decimal("45.5")}
    row = other.locator("#indicators tr[data-slug=swimming_taught_pct] td.value")
    assert row.inner_text().strip() == "47,0%"
    context.close()
