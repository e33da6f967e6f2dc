"""The issue's browser flow: upload a plan, correct a lead unit, save; the focal point
marks the task done; the plan dashboard shows it; the Word export reads back the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import World
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD
from treem.plans.extraction import extract_plan
from treem.plans.models import Plan, TaskStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(__file__).parent.parent / "plans" / "fixtures" / "nghia-hung-2025.txt"


def _docx_of(text: str, path: Path) -> Path:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(str(path))
    return path


def test_upload_correct_progress_dashboard_and_export(
    world: World, live_server: Any, page: Any, browser: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # The officer uploads the plan as a Word file.
    upload = _docx_of(SAMPLE.read_text(encoding="utf-8"), tmp_path / "ke-hoach-2025.docx")
    log_in(page, live_server, "canbo", PASSWORD)
    page.goto(f"{live_server.url}/ke-hoach/")
    page.click("text=Tải lên kế hoạch")
    page.set_input_files("input[name=file]", str(upload))
    page.click("button[type=submit]")
    page.wait_for_selector("text=Soát xét kế hoạch")
    assert "Kiện toàn Ban bảo vệ trẻ em xã" in page.inner_text(".source")

    # Task 1.b was given to the Fatherland Front; the health station leads it in fact.
    lead = page.locator("tr[data-task='1.b'] input[name$='-lead']")
    assert lead.input_value() == "Ủy ban Mặt trận Tổ quốc Việt Nam xã"
    lead.fill("Trạm Y tế xã Nghĩa Hưng")
    page.click("text=Lưu dự thảo")
    page.wait_for_selector("text=Đã lưu kế hoạch (dự thảo).")
    plan = Plan.objects.get(area=world.commune)
    task = plan.tasks.get(number="1.b")
    assert [a.name for a in task.lead_units.all()] == ["Trạm Y tế xã Nghĩa Hưng"]

    # The health station's focal point finds the task under "my tasks" and marks it done.
    context = browser.new_context(locale="vi-VN")
    focal = context.new_page()
    log_in(focal, live_server, "yte", PASSWORD)
    focal.goto(f"{live_server.url}/ke-hoach/nhiem-vu-cua-toi/")
    focal.click("tr[data-task='1.b'] a")
    focal.select_option("select[name=status]", "done")
    focal.fill("input[name=date]", "30/06/2025")
    focal.fill("textarea[name=narrative]", "Đã tổ chức lễ phát động tại nhà văn hóa xã.")
    focal.click("text=Lưu tiến độ")
    focal.wait_for_selector("text=Đã cập nhật tiến độ nhiệm vụ.")
    context.close()
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE

    # The officer's plan dashboard shows it.
    page.goto(f"{live_server.url}/ke-hoach/{plan.pk}/")
    assert page.inner_text("[data-stat=done]") == "1"
    assert "Hoàn thành" in page.inner_text("#tasks tr[data-task='1.b']")
    health_row = page.locator("#unit-progress tr", has_text="Trạm Y tế xã Nghĩa Hưng")
    assert health_row.locator("td").nth(1).inner_text() == "1"

    # The Word export reads back as the same plan.
    with page.expect_download() as info:
        page.click("text=Tải bản Word")
    exported = tmp_path / "export.docx"
    info.value.save_as(str(exported))
    data = extract_plan(exported)
    assert data["doc_number"] == "45/KH-UBND" and data["title"] == plan.title
    tasks = {t["number"]: t for t in data["tasks"]}
    assert tasks["1.b"]["lead_units"] == ["Trạm Y tế xã Nghĩa Hưng"]
    assert tasks["1.b"]["timeframe"] == "Tháng 6/2025"


def test_a_text_pdf_uploads_like_its_txt(
    world: World, live_server: Any, page: Any, tmp_path: Path, settings: Any
) -> None:
    from tests.plans.pdfgen import write_text_pdf

    settings.MEDIA_ROOT = tmp_path / "media"
    pdf = tmp_path / "ke-hoach.pdf"
    write_text_pdf(SAMPLE.read_text(encoding="utf-8").splitlines(), pdf)
    log_in(page, live_server, "canbo", PASSWORD)
    page.goto(f"{live_server.url}/ke-hoach/tai-len/")
    page.set_input_files("input[name=file]", str(pdf))
    page.click("button[type=submit]")
    page.wait_for_selector("text=Soát xét kế hoạch")
    from_pdf = Plan.objects.get(area=world.commune)
    from_txt = extract_plan(SAMPLE)
    assert from_pdf.number == from_txt["doc_number"]
    assert sorted(from_pdf.tasks.values_list("number", flat=True)) == sorted(
        t["number"] for t in from_txt["tasks"]
    )
    assert from_pdf.targets.count() == len(from_txt["targets"])
