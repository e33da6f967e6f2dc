"""In the browser: an officer takes a report, sees the 12-hour clock on the board, records
the steps through the plan, the leader approves, the plan is carried out, the case closes."""

from typing import Any

import pytest

from tests.cases.helpers import make_child
from tests.conftest import World
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD
from treem.cases.models import Case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def record(
    page: Any, step_label: str, fields: dict[str, str], selects: dict[str, str] | None = None
) -> None:
    page.click(f"#next-step nav a:has-text('{step_label}')")
    for name, value in fields.items():
        page.fill(f"#next-step [name='{name}']", value)
    for name, value in (selects or {}).items():
        page.select_option(f"#next-step [name='{name}']", value)
    page.click("#next-step button[type=submit]")
    page.wait_for_selector(".msg.success")


def test_report_to_closure(world: World, live_server: Any, page: Any, browser: Any) -> None:
    make_child(world.village, "Nguyễn Văn An", age=9)
    log_in(page, live_server, "canbo", PASSWORD)
    page.wait_for_selector("h1")
    page.goto(f"{live_server.url}/vu-viec/tiep-nhan/")
    page.fill("#child-q", "nguyen van an")
    page.wait_for_selector("input[name=child_id]")
    page.check("input[name=child_id]")
    page.select_option("select[name=source]", "hotline_111")
    page.check("input[name=forms_][value=violence]")
    page.select_option("select[name=setting]", "family")
    page.fill("textarea[name=description]", "Trẻ bị cha đánh, có vết bầm.")
    page.check("input[name=serious_risk]")
    page.fill("input[name=reporter_name]", "Trần Thị Báo")
    page.click("button:has-text('Ghi nhận thông tin')")
    page.wait_for_selector("#deadline")
    assert "Can thiệp khẩn cấp" in page.inner_text("#deadline")
    case = Case.objects.get()

    page.goto(f"{live_server.url}/vu-viec/")
    row = page.locator("#board tbody tr", has_text=case.code)
    assert "Can thiệp khẩn cấp" in row.inner_text()
    assert "Còn 11 giờ" in row.inner_text() or "Còn 12 giờ" in row.inner_text()

    page.click(f"text={case.code}")
    record(page, "Đánh giá nguy cơ ban đầu", {}, {"risk_level": "serious"})
    record(page, "Can thiệp khẩn cấp", {"measures": "Đưa trẻ về nhà bà nội"})
    record(
        page, "Thu thập thông tin", {"child_views": "Muốn ở với bà", "parents_views": "Cha hứa sửa"}
    )
    record(
        page,
        "Họp xác định nhu cầu",
        {"chair": "Chủ tịch UBND xã", "participants": "Công an, Y tế", "decisions": "Lập kế hoạch"},
    )
    record(
        page,
        "Trình kế hoạch",
        {
            "goal": "Trẻ an toàn",
            "items-0-service": "Tư vấn tâm lý",
            "items-0-cost": "300000",
            "items-1-service": "Trợ giúp pháp lý",
        },
    )
    assert "Phê duyệt kế hoạch" in page.inner_text("#deadline")
    with page.expect_download() as dl:
        page.click("#timeline li:has-text('Trình kế hoạch') a")
    assert dl.value.suggested_filename.endswith(".docx")

    leader_ctx = browser.new_context(locale="vi-VN")
    leader = leader_ctx.new_page()
    log_in(leader, live_server, "lanhdao", PASSWORD)
    leader.wait_for_selector("h1")
    leader.goto(f"{live_server.url}/vu-viec/{case.pk}/")
    record(leader, "Phê duyệt kế hoạch", {"decision_number": "12/QĐ-UBND"})
    leader_ctx.close()

    page.goto(f"{live_server.url}/vu-viec/{case.pk}/")
    page.click("#next-step nav a:has-text('Thực hiện kế hoạch')")
    for select in page.locator("#next-step select[name^=item-]").all():
        select.select_option("done")
    page.click("#next-step button[type=submit]")
    page.wait_for_selector(".msg.success")
    record(page, "Đánh giá, rà soát", {"results": "Trẻ an toàn, đi học lại"}, {"outcome": "close"})
    assert "Đã kết thúc" in page.inner_text("h1")
    case.refresh_from_db()
    assert case.status == "closed"
    assert all(i.status == "done" for i in case.plans.get().items.all())
