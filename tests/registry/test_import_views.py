"""The import pages: upload, preview of the check, commit, error workbook; three personas."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import World
from treem.registry.models import Child

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def import_dir(settings: Any, tmp_path: Any) -> None:
    settings.TREEM_IMPORT_DIR = tmp_path / "imports"


def upload(rows: list[list[Any]], name: str = "danh-sach.xlsx") -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX)


GOOD = [
    ["Họ và tên", "Ngày sinh", "Giới tính", "Thôn"],
    ["Lê Văn Tám", "02/09/2016", "Nam", "Liễu Đề"],
]
MIXED = [*GOOD, ["Lê Thị Chín", "31/13/2016", "Nữ", "Liễu Đề"]]


def test_officer_checks_then_commits(world: World, client_for: Any) -> None:
    client = client_for(world.officer)
    page = client.get("/tre-em/nhap-excel/")
    assert page.status_code == 200 and "Tải tệp mẫu" in page.content.decode()
    res = client.post("/tre-em/nhap-excel/", {"file": upload(GOOD), "mode": "all_or_nothing"})
    assert res.status_code == 302
    preview = client.get(res.url).content.decode()
    assert "Đã kiểm tra xong, chưa ghi gì" in preview and not Child.objects.exists()
    done = client.post(res.url + "ghi/", {"mode": "all_or_nothing"}, follow=True)
    assert "Đã ghi vào sổ: thêm 1 trẻ, cập nhật 0 hồ sơ." in done.content.decode()
    assert Child.objects.get().full_name == "Lê Văn Tám"
    # a second commit of the same job does nothing more
    client.post(res.url + "ghi/")
    assert Child.objects.count() == 1


def test_errors_are_listed_and_valid_rows_can_be_written(world: World, client_for: Any) -> None:
    client = client_for(world.officer)
    res = client.post("/tre-em/nhap-excel/", {"file": upload(MIXED), "mode": "all_or_nothing"})
    body = client.get(res.url).content.decode()
    assert "Tệp có lỗi: chưa ghi gì vào sổ" in body
    assert "<td>3</td><td>Ngày sinh</td><td>31/13/2016</td>" in body
    assert "Chỉ ghi 1 dòng hợp lệ" in body
    errors = client.get(res.url + "loi.xlsx")
    assert errors.status_code == 200 and errors["Content-Type"] == XLSX
    ws = openpyxl.load_workbook(io.BytesIO(errors.content)).active
    assert ws.cell(row=2, column=1).value == 3
    client.post(res.url + "ghi/", {"mode": "valid_only"})
    assert list(Child.objects.values_list("full_name", flat=True)) == ["Lê Văn Tám"]


def test_bad_upload_gets_a_vietnamese_message(world: World, client_for: Any) -> None:
    res = client_for(world.officer).post(
        "/tre-em/nhap-excel/",
        {"file": SimpleUploadedFile("ghi-chu.docx", b"x"), "mode": "all_or_nothing"},
    )
    assert res.status_code == 400
    assert "Chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv." in res.content.decode()


@pytest.fixture
def background(settings: Any, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every file goes to the background, whose threads are kept, not started: the test
    runs one (`thread.run()`) when it wants to. Returns the threads kept."""
    from treem.registry import views_io

    settings.TREEM_IMPORT_SYNC_BYTES = 0
    started: list[Any] = []

    class Deferred(views_io.threading.Thread):
        def start(self) -> None:
            started.append(self)

    monkeypatch.setattr(views_io.threading, "Thread", Deferred)
    return started


def test_large_files_run_in_the_background_with_a_progress_bar(
    world: World, client_for: Any, background: list[Any]
) -> None:
    from treem.registry import views_io

    client = client_for(world.officer)
    res = client.post("/tre-em/nhap-excel/", {"file": upload(GOOD), "mode": "all_or_nothing"})
    body = client.get(res.url, HTTP_HX_REQUEST="true").content.decode()
    assert "<progress" in body and 'hx-trigger="every 1s"' in body
    assert "Đang đọc tệp" in body
    # a streamed book that does not say how many rows it has: the rows checked so far
    job = views_io.Job(res.url.rstrip("/").rsplit("/", 1)[-1])
    job.save(done=5000, total=0, phase="validate")
    body = client.get(res.url, HTTP_HX_REQUEST="true").content.decode()
    assert "Đã kiểm tra 5.000 dòng" in body and 'max="' not in body
    job.save(done=5000, total=20000, phase="validate")
    body = client.get(res.url, HTTP_HX_REQUEST="true").content.decode()
    assert "5.000 / 20.000 dòng" in body and 'max="20000"' in body
    job.save(phase="errors", done=0, total=0)  # the book of rows to fix being written
    body = client.get(res.url, HTTP_HX_REQUEST="true").content.decode()
    assert "Đang lập tệp các dòng cần sửa" in body and 'max="' not in body
    assert len(background) == 1


def test_a_background_import_speaks_the_readers_language_as_a_small_one_does(
    world: World, client_for: Any, settings: Any, background: list[Any]
) -> None:
    """A large file is checked on a thread of its own: its messages are in the language of
    the reader who sent it (English here), as a small file's are, not in the thread's
    default; the workbook of rows to fix keeps the importer's Vietnamese headers."""
    from django.utils import translation

    from treem.registry import views_io

    client = client_for(world.officer)
    client.cookies["django_language"] = "en"
    res = client.post("/tre-em/nhap-excel/", {"file": upload(MIXED), "mode": "valid_only"})
    translation.activate(settings.LANGUAGE_CODE)  # what a new thread starts with
    background[0].run()
    job = views_io.Job(res.url.rstrip("/").rsplit("/", 1)[-1])
    messages = [e["message"] for e in job.load()["result"]["errors"]]
    assert messages == ["The date “31/13/2016” does not exist (check the day and month)."]
    book = openpyxl.load_workbook(job.errors_path)
    assert next(book.worksheets[0].iter_rows(values_only=True))[0] == "Dòng trong tệp gốc"


def test_personas(world: World, client_for: Any) -> None:
    owner = client_for(world.officer)
    res = owner.post("/tre-em/nhap-excel/", {"file": upload(GOOD), "mode": "all_or_nothing"})
    job_url = res.url
    colleague = client_for(world.other_officer)
    # the colleague works in another commune: the job and its files are not there for them
    assert colleague.get(job_url).status_code == 404
    assert colleague.post(job_url + "ghi/").status_code == 404
    assert colleague.get(job_url + "loi.xlsx").status_code == 404
    # collaborators and leaders do not import
    assert client_for(world.collaborator).get("/tre-em/nhap-excel/").status_code == 404
    assert client_for(world.leader).get("/tre-em/nhap-excel/").status_code == 404
    from django.test import Client

    anonymous = Client()
    for url in ("/tre-em/nhap-excel/", job_url, "/tre-em/mau-nhap.xlsx"):
        r = anonymous.get(url)
        assert r.status_code == 302 and r.url.startswith("/dang-nhap/"), url
    assert not Child.objects.exists()


def test_template_has_vietnamese_headers_and_imports_cleanly(world: World, client_for: Any) -> None:
    res = client_for(world.officer).get("/tre-em/mau-nhap.xlsx")
    assert res.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(res.content)).active
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["STT", "Họ và tên", "Ngày sinh", "Giới tính"]
    assert "Số định danh cá nhân" in headers and "Hoàn cảnh đặc biệt" in headers
    from treem.registry.importing.columns import find_header

    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = find_header(rows)
    assert header is not None and not header.ignored
    # the parents' ID numbers have their own columns, read back as theirs
    assert {"father_id_number", "mother_id_number"} <= set(header.fields.values())
    assert rows[1][headers.index("Số định danh của mẹ")] == "036190004321"


def test_uploads_older_than_a_day_are_removed(world: World, client_for: Any, settings: Any) -> None:
    import os
    import time

    client = client_for(world.officer)
    first = client.post("/tre-em/nhap-excel/", {"file": upload(GOOD), "mode": "all_or_nothing"})
    old_dir = settings.TREEM_IMPORT_DIR / first.url.rstrip("/").rsplit("/", 1)[-1]
    old = time.time() - 2 * 86400
    os.utime(old_dir, (old, old))
    client.post("/tre-em/nhap-excel/", {"file": upload(GOOD), "mode": "all_or_nothing"})
    assert not old_dir.exists()
    assert client.get(first.url).status_code == 404
