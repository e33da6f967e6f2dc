"""An officer uploads a small workbook in Chromium, sees the check's preview, commits."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from tests.conftest import World
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD
from treem.registry.models import Child

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def import_dir(settings: Any, tmp_path: Any) -> None:
    settings.TREEM_IMPORT_DIR = tmp_path / "imports"


def test_officer_uploads_sees_preview_and_commits(
    world: World, live_server: Any, page: Any, tmp_path: Any
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH TRẺ EM THÔN LIỄU ĐỀ"])
    ws.append(["STT", "Họ tên trẻ", "Ngày sinh", "Nam/Nữ", "Thôn", "Họ tên mẹ"])
    ws.append([1, "PHẠM VĂN HÙNG", "12/05/2017", "nam", "Liễu Đề", "Đỗ Thị Lan"])
    ws.append([2, "Phạm Thị Hoa", "30/02/2018", "Nữ", "Liễu Đề", ""])
    path = tmp_path / "lieu-de.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())

    log_in(page, live_server, "canbo", PASSWORD)
    page.wait_for_selector("h1")
    page.goto(f"{live_server.url}/tre-em/nhap-excel/")
    page.set_input_files("input[name=file]", str(path))
    page.check("input[value=all_or_nothing]")
    page.click("#import-form button")
    page.wait_for_selector("#import-errors")
    row = page.locator("#import-errors tbody tr").first.inner_text()
    assert "4" in row and "Ngày sinh" in row and "30/02/2018" in row
    assert "chưa ghi gì vào sổ" in page.inner_text("#import-job")
    assert Child.objects.count() == 0
    page.click("button[value=valid_only]")
    page.wait_for_selector("text=Đã ghi vào sổ")
    assert list(Child.objects.values_list("full_name", flat=True)) == ["Phạm Văn Hùng"]
