"""Compute → narrative → submit → return with a comment → fix → resubmit → approve → locked."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from tests.factories import make_plan
from tests.reports.conftest import Kids, swimming_indicator
from treem.core.models import AuditLog
from treem.reports import services
from treem.reports.models import DataValue, Indicator, Report, ReportStatus, UnitReport

pytestmark = pytest.mark.django_db

NARRATIVE = {
    "narrative_results": "Đã rà soát toàn bộ trẻ em.",
    "narrative_limits": "Cập nhật chưa kịp thời.",
    "narrative_proposals": "Đề nghị tập huấn.",
}


def test_full_workflow_through_the_pages(kids: Kids, client_for) -> None:
    w = kids.world
    officer, province = client_for(w.officer), client_for(w.province_officer)
    base = f"/bao-cao/ky/2026H1/{w.commune.key}/"
    assert officer.post(base + "lap/").status_code == 302
    report = Report.objects.get(area=w.commune, period="2026H1")
    # Submitting before computing is refused with a Vietnamese message.
    res = officer.post(f"/bao-cao/{report.pk}/gui/", follow=True)
    assert "còn trống" in res.content.decode()
    officer.post(base + "tinh-so-lieu/")
    assert DataValue.objects.filter(area=w.commune, period="2026H1").exists()
    form = {**NARRATIVE, "version": report.version, "number": "12/BC-UBND", "place": "Nghĩa Hưng"}
    res = officer.post(f"/bao-cao/{report.pk}/sua/", {**form, "and_submit": "1"}, follow=True)
    assert "Đã gửi báo cáo lên tỉnh." in res.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at is not None
    # The province returns it with a comment; the officer sees the comment.
    res = province.post(f"/bao-cao/{report.pk}/tra-lai/", {"comment": ""}, follow=True)
    assert "Vui lòng ghi ý kiến" in res.content.decode()
    province.post(f"/bao-cao/{report.pk}/tra-lai/", {"comment": "Bổ sung số liệu thôn."})
    body = officer.get(base).content.decode()
    assert "Bổ sung số liệu thôn." in body and "Bị trả lại" in body
    report.refresh_from_db()
    form = {**form, "version": report.version, "narrative_results": "Đã bổ sung số liệu thôn."}
    officer.post(f"/bao-cao/{report.pk}/sua/", {**form, "and_submit": "1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    # The officer cannot approve her own report; the province approves.
    assert officer.post(f"/bao-cao/{report.pk}/duyet/").status_code == 404
    province.post(f"/bao-cao/{report.pk}/duyet/")
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert list(report.events.values_list("action", flat=True)) == [
        "create",
        "submit",
        "return",
        "submit",
        "approve",
    ]
    assert AuditLog.objects.filter(action="report.approve", object_id=str(report.pk)).exists()
    # Values are locked: recomputation skips the commune, manual entry is refused.
    before = DataValue.objects.get(
        indicator__slug="child_population", period="2026H1", area=w.commune, disaggregation=""
    ).value
    kids.children[0].status = "moved"
    kids.children[0].save()
    run = services.computation_run_all(actor=w.province_officer, area=w.province, period="2026H1")
    assert w.commune.path in run.skipped_locked
    after = DataValue.objects.get(
        indicator__slug="child_population", period="2026H1", area=w.commune, disaggregation=""
    ).value
    assert after == before
    swim = swimming_indicator(w)
    with pytest.raises(ValidationError, match="đã được duyệt"):
        services.manual_value_set(
            actor=w.officer, indicator=swim, period="2026H1", area=w.commune, value=50
        )
    res = officer.post(
        f"/bao-cao/{report.pk}/sua/", {**form, "version": report.version}, follow=True
    )
    assert "không sửa được" in res.content.decode()


def test_the_values_sent_are_the_values_the_province_reads_until_it_returns_the_report(
    kids: Kids, client_for
) -> None:
    """Once sent, the commune's figures stay as sent: a province computation skips the
    commune, the commune cannot recompute (told why, no button), a manual value is
    refused; when the province returns the report, computing works again."""
    w = kids.world
    officer = client_for(w.officer)
    base = f"/bao-cao/ky/2026H1/{w.commune.key}/"
    services.computation_run_all(actor=w.officer, area=w.commune, period="2026H1")
    report = services.report_create(actor=w.officer, area=w.commune, period="2026H1")
    report = services.report_update(
        actor=w.officer, report=report, version=report.version, **NARRATIVE
    )
    report = services.report_submit(actor=w.officer, report=report)

    def population() -> Any:
        return DataValue.objects.get(
            indicator__slug="child_population", period="2026H1", area=w.commune, disaggregation=""
        ).value

    sent = population()
    kids.children[0].status = "moved"
    kids.children[0].save()
    run = services.computation_run_all(actor=w.province_officer, area=w.province, period="2026H1")
    assert w.commune.path in run.skipped_locked and population() == sent
    with pytest.raises(ValidationError, match="đã gửi lên tỉnh: số liệu giữ như khi gửi"):
        services.computation_start(actor=w.officer, area=w.commune, period="2026H1")
    page = officer.get(base).content.decode()
    assert 'id="values-locked"' in page and 'id="compute"' not in page
    assert "chỉ sửa được khi tỉnh trả lại báo cáo" in page
    assert 'id="last-run"' in page  # when the figures sent were computed
    refused = officer.post(base + "tinh-so-lieu/", follow=True).content.decode()
    assert "số liệu giữ như khi gửi" in refused
    services.report_return(actor=w.province_officer, report=report, comment="Cập nhật số trẻ.")
    assert 'id="compute"' in officer.get(base).content.decode()
    services.computation_run_all(actor=w.officer, area=w.commune, period="2026H1")
    assert population() == sent - 1


def test_stale_version_is_refused(kids: Kids) -> None:
    w = kids.world
    report = services.report_create(actor=w.officer, area=w.commune, period="2026H1")
    services.report_update(actor=w.officer, report=report, version=1, narrative_results="A")
    with pytest.raises(ValidationError, match="người khác sửa"):
        services.report_update(actor=w.officer, report=report, version=1, narrative_results="B")


def test_manual_indicator_zero_is_distinct_from_missing(kids: Kids, client_for) -> None:
    w = kids.world
    swim = swimming_indicator(w)
    services.report_create(actor=w.officer, area=w.commune, period="2026H1")
    client = client_for(w.officer)
    url = f"/bao-cao/ky/2026H1/{w.commune.key}/nhap-so-lieu/"
    box = "v:swimming_taught_pct:"
    res = client.post(url, {box: "abc"})
    assert "Tỷ lệ trẻ em được dạy bơi · Tổng số: “abc” không phải là số." in res.content.decode()
    client.post(url, {box: "0", "was:swimming_taught_pct:": ""})
    assert DataValue.objects.get(indicator=swim, area=w.commune).value == 0
    client.post(url, {box: "", "was:swimming_taught_pct:": "0"})
    assert not DataValue.objects.filter(indicator=swim, area=w.commune).exists()
    res = client.post(url, {box: "120"})
    assert "không được lớn hơn 100%" in res.content.decode()
    assert Indicator.objects.filter(slug="swimming_taught_pct").exists()


def test_docx_has_header_tables_and_signature(kids: Kids, client_for) -> None:
    w = kids.world
    services.computation_run_all(actor=w.officer, area=w.commune, period="2026H1")
    report = services.report_create(actor=w.officer, area=w.commune, period="2026H1")
    services.report_update(
        actor=w.officer, report=report, version=None, signer_name="Phạm Văn Quang", **NARRATIVE
    )
    res = client_for(w.officer).get(f"/bao-cao/{report.pk}/word/")
    assert res.status_code == 200
    doc = Document(io.BytesIO(res.content))
    header = doc.tables[0]
    text = "\n".join(c.text for c in header.rows[0].cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ỦY BAN NHÂN DÂN XÃ NGHĨA HƯNG" in text and "Số:" in text
    assert "ngày" in text and "Nghĩa Hưng" in text
    table = doc.tables[1]
    names = [r.cells[1].text for r in table.rows]
    assert "Số trẻ em" in names
    population = next(r for r in table.rows if r.cells[1].text == "Số trẻ em")
    assert population.cells[3].text == "10"  # 9 + the child recorded under the legacy commune
    # the table grid holds the column widths (LibreOffice lays the table out from it): a
    # narrow number column and a wide name column, not six equal ones
    from docx.shared import Cm

    grid = [c.width for c in table.columns]
    assert abs(grid[0] - Cm(1)) < Cm(0.05) and abs(grid[1] - Cm(7)) < Cm(0.05)
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in body and "Đề nghị tập huấn." in body
    sign = doc.tables[2].rows[0].cells
    assert "Nơi nhận:" in sign[0].text
    assert "Phạm Văn Quang" in sign[1].text and "CHỦ TỊCH" in sign[1].text


def test_xlsx_has_the_indicator_rows(kids: Kids, client_for) -> None:
    from openpyxl import load_workbook

    w = kids.world
    services.computation_run_all(actor=w.officer, area=w.commune, period="2026H1")
    res = client_for(w.officer).get(f"/bao-cao/ky/2026H1/{w.commune.key}/excel/")
    ws = load_workbook(io.BytesIO(res.content)).active
    rows = [r for r in ws.iter_rows(values_only=True) if r[0] == "child_population"]
    assert rows[0][3] == "Tổng số" and rows[0][5] == 10
    assert any(r[3] == "Nữ" for r in rows)


def test_unit_focal_point_submits_its_part(kids: Kids, client_for) -> None:
    w = kids.world
    url = f"/bao-cao/don-vi/2026H1/{w.health_station.pk}/"
    client = client_for(w.focal_point)
    res = client.post(url, {"narrative": "", "submit": "1"}, follow=True)
    assert "Vui lòng ghi kết quả" in res.content.decode()
    client.post(url, {"narrative": "Tiêm chủng đủ 98%.", "submit": "1"})
    officer_page = client_for(w.officer).get(f"/bao-cao/ky/2026H1/{w.commune.key}/")
    assert "Tiêm chủng đủ 98%." in officer_page.content.decode()
    assert client_for(w.other_officer).get(url).status_code == 404


def test_once_the_commune_has_sent_its_report_a_units_part_is_shown_not_offered_for_edit(
    kids: Kids, client_for
) -> None:
    """After the commune's report went up to the province, the unit's page shows its part
    as sent, with no form to change it; a save posted anyway is refused in words."""
    w = kids.world
    url = f"/bao-cao/don-vi/2026H1/{w.health_station.pk}/"
    client = client_for(w.focal_point)
    client.post(url, {"narrative": "Tiêm chủng đủ 98%.", "difficulties": "Thiếu tờ rơi."})
    assert 'id="unit-submit"' in client.get(url).content.decode()  # still the unit's to edit
    services.computation_run_all(actor=w.officer, area=w.commune, period="2026H1")
    report = services.report_create(actor=w.officer, area=w.commune, period="2026H1")
    report = services.report_update(
        actor=w.officer,
        report=report,
        version=report.version,
        narrative_results="Kết quả",
        narrative_limits="Hạn chế",
        narrative_proposals="Đề xuất",
    )
    services.report_submit(actor=w.officer, report=report)
    page = client.get(url).content.decode()
    assert 'id="unit-part-sent"' in page
    assert "Báo cáo của xã đã gửi lên tỉnh ngày" in page
    assert "Tiêm chủng đủ 98%." in page and "Thiếu tờ rơi." in page
    assert 'id="unit-submit"' not in page and "<textarea" not in page
    refused = client.post(url, {"narrative": "Sửa sau khi gửi", "submit": "1"})
    assert "Báo cáo 6 tháng đầu năm 2026 của xã đã gửi lên tỉnh" in refused.content.decode()
    from treem.reports.models import UnitReport

    assert UnitReport.objects.get(agency=w.health_station).narrative == "Tiêm chủng đủ 98%."


def test_a_plan_target_linked_to_an_indicator_stands_beside_its_value(
    kids: Kids, client_for
) -> None:
    """The officer links "100% trẻ em có HCĐB được hỗ trợ" to the supported rate: the
    report page, the .docx and the xlsx show 100% in the plan-target column."""
    from openpyxl import load_workbook

    from treem.plans.models import PlanTarget

    w = kids.world
    plan = make_plan(w.commune)
    PlanTarget.objects.create(
        plan=plan,
        text="100% trẻ em có hoàn cảnh đặc biệt được hỗ trợ",
        value="100.00",
        unit="%",
        indicator_slug="special_circumstances_supported_pct",
    )
    PlanTarget.objects.create(plan=plan, text="Giảm suy dinh dưỡng", value="11.80", unit="%")
    services.computation_run_all(actor=w.officer, area=w.commune, period="2026H1")
    officer = client_for(w.officer)

    page = officer.get(f"/bao-cao/ky/2026H1/{w.commune.key}/").content.decode()
    row = page.split("Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp", 1)[1].split("</tr>")[0]
    assert '<td class="num">100%</td>' in row
    other = page.split("Số trẻ em bị xâm hại", 1)[1].split("</tr>")[0]
    assert '<td class="num"></td>' in other  # no target linked: an empty cell

    report = services.report_create(actor=w.officer, area=w.commune, period="2026H1")
    doc = Document(io.BytesIO(officer.get(f"/bao-cao/{report.pk}/word/").content))
    rate = next(
        r
        for r in doc.tables[1].rows
        if r.cells[1].text == "Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp"
    )
    assert rate.cells[5].text == "100%"

    ws = load_workbook(
        io.BytesIO(officer.get(f"/bao-cao/ky/2026H1/{w.commune.key}/excel/").content)
    ).active
    xl = next(
        r
        for r in ws.iter_rows(values_only=True)
        if r[0] == "special_circumstances_supported_pct" and r[3] == "Tổng số"
    )
    assert xl[7] == 100.0


def test_unit_focal_point_reaches_its_part_from_the_menu_and_dashboard(
    kids: Kids, client_for
) -> None:
    from treem.reports.selectors import default_period

    w = kids.world
    client = client_for(w.focal_point)
    home = client.get("/").content.decode()
    assert 'href="/bao-cao/"' in home  # "Báo cáo" in the menu
    period = default_period()
    own = f"/bao-cao/don-vi/{period.code}/{w.health_station.pk}/"
    assert "Báo cáo của đơn vị: " in home and f'href="{own}"' in home
    res = client.get("/bao-cao/")
    assert res.status_code == 302 and res.url == own
    page = client.get(own).content.decode()
    assert "Chưa gửi" in page
    other = next(p for p in ("2026H1", "2025") if p != period.code)
    assert f'href="/bao-cao/don-vi/{other}/{w.health_station.pk}/"' in page
    client.post(own, {"narrative": "Tiêm chủng đủ 98%.", "submit": "1"})
    assert "Đã gửi xã" in client.get("/").content.decode()
    # the commune officer keeps the commune's reports page
    assert client_for(w.officer).get("/bao-cao/").status_code == 200


def test_the_target_shown_is_the_current_plans_not_an_archived_ones(kids: Kids, client_for) -> None:
    """The commune replaced its 2026 plan (the first archived): the report shows the
    target of the plan it works to, not the one it replaced, nor a draft beside it."""
    from treem.plans.models import PlanStatus, PlanTarget

    w = kids.world

    def plan(status: str, value: str, *, archived: bool = False) -> None:
        made = make_plan(w.commune, status=status, archived=archived)
        PlanTarget.objects.create(
            plan=made,
            text=f"{value}% trẻ em có hoàn cảnh đặc biệt được hỗ trợ",
            value=value,
            unit="%",
            indicator_slug="special_circumstances_supported_pct",
        )

    plan(PlanStatus.ISSUED, "90.00", archived=True)  # replaced
    plan(PlanStatus.ISSUED, "100.00")  # the plan in force
    plan(PlanStatus.DRAFT, "95.00")  # a draft for a later revision
    services.computation_run_all(actor=w.officer, area=w.commune, period="2026H1")
    page = client_for(w.officer).get(f"/bao-cao/ky/2026H1/{w.commune.key}/").content.decode()
    row = page.split("Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp", 1)[1].split("</tr>")[0]
    assert '<td class="num">100%</td>' in row


def test_the_administrator_adds_a_manual_indicator_from_the_catalogue_page(
    kids: Kids, client_for
) -> None:
    w = kids.world
    admin = client_for(w.admin)
    form = {
        "slug": "swimming_taught_pct",
        "name": "Tỷ lệ trẻ em được dạy bơi",
        "group": "05",
        "unit": "percent",
        "formula": "manual",
        "disaggregations": ["sex"],
        "period_type": "both",
    }
    res = admin.post("/bao-cao/chi-tieu/", form)
    assert res.status_code == 302
    swim = Indicator.objects.get(slug="swimming_taught_pct")
    assert swim.disaggregations == ["sex"] and swim.formula == "manual"
    listed = admin.get("/bao-cao/chi-tieu/").content.decode()
    assert "Tỷ lệ trẻ em được dạy bơi" in listed
    again = admin.post("/bao-cao/chi-tieu/", form).content.decode()
    assert "Mã chỉ tiêu “swimming_taught_pct” đã có." in again
    # the code names the indicator's pages: the service refuses one a URL cannot carry
    with pytest.raises(ValidationError) as refused:
        services.indicator_create(
            actor=w.admin,
            slug="tỷ lệ bơi",
            name="Tỷ lệ bơi",
            group="05",
            unit="percent",
            disaggregations=[],
        )
    assert "chữ thường không dấu" in refused.value.message_dict["slug"][0]
    # an officer may read the catalogue, not add to it
    assert client_for(w.officer).post("/bao-cao/chi-tieu/", form).status_code == 404


def test_two_officers_writing_the_narrative_lose_neither_text(kids: Kids, client_for) -> None:
    """The leader saves while the officer is still typing: the officer's save is refused
    (nothing overwritten) but the page keeps her text, shows the leader's beside it, and
    her next save, made knowingly, goes through."""
    w = kids.world
    report = services.report_create(actor=w.officer, area=w.commune, period="2026H1")
    url = f"/bao-cao/{report.pk}/sua/"
    page = f"/bao-cao/ky/2026H1/{w.commune.key}/"
    mine = {
        "version": str(report.version),
        "number": "45/BC-UBND",
        "place": "Nghĩa Hưng",
        "narrative_results": "Kết quả do cán bộ soạn: 120 trẻ được hỗ trợ.",
        "narrative_limits": "",
        "narrative_proposals": "",
        "recipients": "UBND tỉnh",
        "signer_title": "CHỦ TỊCH",
        "signer_name": "Phạm Văn Quang",
    }
    services.report_update(
        actor=w.officer,
        report=report,
        version=report.version,
        narrative_results="Bản của lãnh đạo xã.",
    )
    officer = client_for(w.officer)
    res = officer.post(url, mine)
    assert res.status_code == 409
    body = res.content.decode()
    assert "Kết quả do cán bộ soạn: 120 trẻ được hỗ trợ." in body  # her text, in the form
    assert 'id="saved-meanwhile"' in body and "Bản của lãnh đạo xã." in body
    report.refresh_from_db()
    assert report.narrative_results == "Bản của lãnh đạo xã."  # nothing overwritten
    # she saves again from that page (its form carries the version it replaces)
    again = re.search(r'name="version" value="(\d+)"', body)
    assert again is not None and int(again.group(1)) == report.version
    res = officer.post(url, {**mine, "version": again.group(1)})
    assert res.status_code == 302 and res["Location"] == page
    report.refresh_from_db()
    assert report.narrative_results == "Kết quả do cán bộ soạn: 120 trẻ được hỗ trợ."


def test_a_units_part_written_by_two_people_keeps_both_texts(kids: Kids, client_for) -> None:
    """The unit's focal point writes while a colleague saves the part: her save is refused
    with her text kept and the colleague's shown; her next save goes through."""
    w = kids.world
    first = services.unit_report_save(
        actor=w.focal_point, agency=w.health_station, period="2026H1", narrative="Bản đầu."
    )
    services.unit_report_save(
        actor=w.focal_point,
        agency=w.health_station,
        period="2026H1",
        narrative="Bản của đồng nghiệp: tiêm chủng 98%.",
        version=first.version,
    )
    url = f"/bao-cao/don-vi/2026H1/{w.health_station.pk}/"
    client = client_for(w.focal_point)
    mine = {"narrative": "Bản của tôi: khám sức khỏe 300 trẻ.", "difficulties": ""}
    res = client.post(url, {**mine, "version": str(first.version)})
    assert res.status_code == 409
    body = res.content.decode()
    assert "Bản của tôi: khám sức khỏe 300 trẻ." in body
    assert 'id="saved-meanwhile"' in body and "Bản của đồng nghiệp: tiêm chủng 98%." in body
    again = re.search(r'name="version" value="(\d+)"', body)
    assert again is not None
    res = client.post(url, {**mine, "version": again.group(1)})
    assert res.status_code == 302
    part = UnitReport.objects.get(agency=w.health_station, period="2026H1")
    assert part.narrative == "Bản của tôi: khám sức khỏe 300 trẻ."
