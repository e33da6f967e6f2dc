"""Three personas per page and API route: owner, officer of another commune (404), anonymous."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from tests.reports.conftest import Kids
from treem.reports import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(kids: Kids):
    w = kids.world
    services.computation_run_all(actor=w.officer, area=w.commune, period="2026H1")
    r = services.report_create(actor=w.officer, area=w.commune, period="2026H1")
    return services.report_update(
        actor=w.officer,
        report=r,
        version=None,
        narrative_results="a",
        narrative_limits="b",
        narrative_proposals="c",
    )


def test_pages_three_personas(kids: Kids, report, client_for) -> None:
    w = kids.world
    urls = [
        f"/bao-cao/ky/2026H1/{w.commune.key}/",
        f"/bao-cao/ky/2026H1/{w.commune.key}/chi-tieu/child_population/",
        f"/bao-cao/ky/2026H1/{w.commune.key}/excel/",
        f"/bao-cao/{report.pk}/word/",
        f"/bao-cao/don-vi/2026H1/{w.health_station.pk}/",
    ]
    for url in urls:
        assert client_for(w.officer).get(url).status_code == 200, url
        assert client_for(w.other_officer).get(url).status_code == 404, url
        res = Client().get(url)
        assert res.status_code == 302 and res.url.startswith("/dang-nhap/"), url
    for url in ["/bao-cao/", "/bao-cao/chi-tieu/"]:
        assert client_for(w.officer).get(url).status_code == 200
        assert Client().get(url).status_code == 302


def test_writes_outside_scope_are_404(kids: Kids, report, client_for) -> None:
    w = kids.world
    other = client_for(w.other_officer)
    base = f"/bao-cao/ky/2026H1/{w.commune.key}/"
    assert other.post(base + "lap/").status_code == 404
    assert other.post(base + "tinh-so-lieu/").status_code == 404
    assert other.post(f"/bao-cao/{report.pk}/gui/").status_code == 404
    assert other.post(f"/bao-cao/{report.pk}/duyet/").status_code == 404
    assert other.post(f"/bao-cao/{report.pk}/tra-lai/", {"comment": "x"}).status_code == 404


def test_province_sees_communes_and_drills_down(kids: Kids, report, client_for) -> None:
    w = kids.world
    services.computation_run_all(actor=w.province_officer, area=w.province, period="2026H1")
    client = client_for(w.province_officer)
    body = client.get("/bao-cao/?ky=2026H1").content.decode()
    assert "Xã Nghĩa Hưng" in body and "Xã Rạng Đông" in body
    page = client.get(f"/bao-cao/ky/2026H1/{w.province.key}/chi-tieu/child_population/")
    text = page.content.decode()
    assert "Xã Nghĩa Hưng" in text and "Xã Rạng Đông" in text
    village = client.get(f"/bao-cao/ky/2026H1/{w.commune.key}/chi-tieu/child_population/")
    assert "Thôn Liễu Đề" in village.content.decode()


def test_report_pages_have_bounded_queries(
    kids: Kids, report, client_for, django_assert_max_num_queries
) -> None:
    w = kids.world
    client = client_for(w.province_officer)
    client.get("/bao-cao/")
    with django_assert_max_num_queries(40):
        client.get(f"/bao-cao/ky/2026H1/{w.commune.key}/")
    with django_assert_max_num_queries(30):
        client.get("/bao-cao/?ky=2026H1")


def test_api_three_personas_and_values(kids: Kids, report, api_for) -> None:
    w = kids.world
    owner, other = api_for(w.officer), api_for(w.other_officer)
    assert owner.get("/api/v1/indicators").status_code == 200
    assert Client().get("/api/v1/indicators").status_code == 401
    url = f"/api/v1/values?indicator=child_population&period=2026H1&area={w.commune.key}&by=sex"
    res = owner.get(url)
    assert res.status_code == 200
    values = {v["disaggregation"]: v["value"] for v in res.json()["values"]}
    total = owner.get(url.replace("&by=sex", "")).json()["values"][0]["value"]
    assert sum(values.values()) == total == 10
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 401
    village = owner.get(url.replace(f"area={w.commune.key}", f"area={w.village.key}"))
    assert village.status_code == 422 and "chỉ có tổng số" in village.json()["detail"]
    bad = owner.get(url.replace("by=sex", "by=colour"))
    assert bad.status_code == 422 and "Phân tổ không hợp lệ" in bad.json()["detail"]
    # reports
    assert owner.get("/api/v1/reports").json()["count"] == 1
    assert other.get("/api/v1/reports").json()["count"] == 0
    assert other.get(f"/api/v1/reports/{report.pk}").status_code == 404
    assert Client().get("/api/v1/reports").status_code == 401
    res = other.post(f"/api/v1/reports/{report.pk}/submit", "{}", content_type="application/json")
    assert res.status_code == 404
    res = owner.post(
        f"/api/v1/reports/{report.pk}/submit",
        json.dumps({"version": 1}),
        content_type="application/json",
    )
    assert res.status_code == 409
    assert owner.get(f"/api/v1/reports/{report.pk}").json()["values_locked"] is False
    res = owner.post(f"/api/v1/reports/{report.pk}/submit", "{}", content_type="application/json")
    assert res.status_code == 200 and res.json()["status"] == "submitted"
    assert res.json()["values_locked"] is True
    province = api_for(w.province_officer)
    res = province.post(
        f"/api/v1/reports/{report.pk}/return", "{}", content_type="application/json"
    )
    assert res.status_code == 422
    res = province.post(
        f"/api/v1/reports/{report.pk}/approve", "{}", content_type="application/json"
    )
    assert res.json()["status"] == "approved"


def test_api_create_report_and_province_sum(kids: Kids, api_for) -> None:
    w = kids.world
    services.computation_run_all(actor=w.province_officer, area=w.province, period="2026H1")
    res = api_for(w.other_officer).post(
        "/api/v1/reports",
        json.dumps({"area": w.other_commune.key, "period": "2026h1", "narrative_results": "x"}),
        content_type="application/json",
    )
    assert res.status_code == 201 and res.json()["period"] == "2026H1"
    res = api_for(w.other_officer).post(
        "/api/v1/reports",
        json.dumps({"area": w.commune.key, "period": "2026H1"}),
        content_type="application/json",
    )
    assert res.status_code == 404
    province = api_for(w.province_officer)

    def total(key: str) -> float:
        url = f"/api/v1/values?indicator=child_population&period=2026H1&area={key}"
        return province.get(url).json()["values"][0]["value"]

    assert total(w.province.key) == total(w.commune.key) + total(w.other_commune.key)
    bad = province.get(
        f"/api/v1/values?indicator=child_population&period=2026-1&area={w.province.key}"
    )
    assert bad.status_code == 422 and "không hợp lệ" in bad.json()["detail"]


def test_trend_chart_names_periods_and_plots_rolled_up_totals(
    kids: Kids, client_for, api_for
) -> None:
    w = kids.world
    for period in ("2025H1", "2026H1"):
        services.computation_run_all(actor=w.officer, area=w.commune, period=period)
    body = client_for(w.officer).get("/bao-cao/?ky=2026H1").content.decode()
    raw = body.split('<script id="chart-data" type="application/json">', 1)[1]
    chart = json.loads(raw.split("</script>", 1)[0])
    labels = chart["labels"]
    assert "6 tháng đầu năm 2025" in labels and "6 tháng đầu năm 2026" in labels
    assert not any("H1" in label for label in labels)
    population = next(s for s in chart["series"] if s["label"] == "Số trẻ em")["data"]
    api = api_for(w.officer)
    for period in ("2025H1", "2026H1"):
        url = f"/api/v1/values?indicator=child_population&period={period}&area={w.commune.key}"
        total = api.get(url).json()["values"][0]["value"]  # the commune with its predecessor
        assert population[labels.index(f"6 tháng đầu năm {period[:4]}")] == total
    assert population[labels.index("6 tháng đầu năm 2026")] == 10
    assert 'data-locale="vi-VN"' in body


def test_seeded_indicator_names_follow_the_language_custom_names_stay(
    kids: Kids, report, client_for
) -> None:
    from treem.reports.models import Indicator

    w = kids.world
    Indicator.objects.filter(slug="at_risk").update(name="Trẻ em có nguy cơ (tên của xã)")
    url = f"/bao-cao/ky/2026H1/{w.commune.key}/"
    client = client_for(w.officer)
    vi = client.get(url).content.decode()
    assert ">Số trẻ em</a>" in vi and "<th>Chỉ tiêu</th>" in vi
    client.cookies["django_language"] = "en"
    en = client.get(url).content.decode()
    assert ">Number of children</a>" in en and "<th>Indicator</th>" in en
    assert ">Số trẻ em</a>" not in en
    assert "Trẻ em có nguy cơ (tên của xã)" in en  # written by the commune: shown as written
    chart = client.get("/bao-cao/?ky=2026H1").content.decode()
    assert '"label": "Number of children"' in chart
    # a period alone starts with a capital; inside a sentence it does not
    assert ">First 6 months of 2026</option>" in chart
    assert "Report for the first 6 months of 2026" in en


def test_indicator_catalogue_names_the_disaggregations(kids: Kids, client_for) -> None:
    body = client_for(kids.world.officer).get("/bao-cao/chi-tieu/").content.decode()
    row = body.split("<code>child_population</code>", 1)[1].split("</tr>", 1)[0]
    assert "Nhóm tuổi, Dân tộc, Giới tính" in row
    assert "age_group" not in row


def test_annual_trend_plots_years_in_order(kids: Kids, client_for, api_for, monkeypatch) -> None:
    from treem.reports import selectors

    monkeypatch.setattr(selectors, "today", lambda: dt.date(2026, 12, 3))
    w = kids.world
    for period in ("2025", "2026H1", "2026"):
        services.computation_run_all(actor=w.officer, area=w.commune, period=period)

    def chart(query: str) -> dict:
        body = client_for(w.officer).get(f"/bao-cao/{query}").content.decode()
        raw = body.split('<script id="chart-data" type="application/json">', 1)[1]
        return json.loads(raw.split("</script>", 1)[0])

    annual = chart("")  # December: the page opens on the annual report
    assert annual["labels"] == ["Năm 2024", "Năm 2025", "Năm 2026"]
    population = next(s for s in annual["series"] if s["label"] == "Số trẻ em")["data"]
    url = f"/api/v1/values?indicator=child_population&period=2026&area={w.commune.key}"
    assert population[2] == api_for(w.officer).get(url).json()["values"][0]["value"]
    assert population[0] is None  # 2024 was never computed
    half = chart("?ky=2026H1")
    assert half["labels"] == [
        "6 tháng đầu năm 2024",
        "6 tháng đầu năm 2025",
        "6 tháng đầu năm 2026",
    ]


def test_the_report_links_up_only_for_those_who_may_read_the_level_above(
    kids: Kids, client_for
) -> None:
    """A commune's officer was offered "↑ Tỉnh …", a page that answers her 404."""
    w = kids.world
    page = f"/bao-cao/ky/2026H1/{w.commune.key}/"
    up = f'href="/bao-cao/ky/2026H1/{w.province.key}/"'
    officer_page = client_for(w.officer).get(page).content.decode()
    assert up not in officer_page
    assert client_for(w.officer).get(f"/bao-cao/ky/2026H1/{w.province.key}/").status_code == 404
    assert up in client_for(w.province_officer).get(page).content.decode()
    village = f"/bao-cao/ky/2026H1/{w.village.key}/"
    assert f'href="{page}"' in client_for(w.officer).get(village).content.decode()
