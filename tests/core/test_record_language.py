"""Records are made in Vietnamese whatever language the user reads the pages in: an
officer reading in English exports a list the importer reads back, gets the Vietnamese
template and tracking book, and a report, plan and case form written as the
administration writes them; what a service stores (a report's recipients, a note) is
Vietnamese too. The pages themselves follow the reader."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx
import openpyxl
import pytest

from tests.conftest import World

pytestmark = pytest.mark.django_db


def english(client: Any) -> Any:
    client.cookies["django_language"] = "en"
    return client


def test_an_english_readers_export_and_template_are_the_importers_vietnamese(
    world: World, child_maker: Any, client_for: Any
) -> None:
    child_maker("Nguyễn Văn An", birth_date=dt.date(2016, 3, 5), id_number="036216000123")
    client = english(client_for(world.officer))
    assert "Children" in client.get("/tre-em/").content.decode()  # the page is English
    rows = list(
        openpyxl.load_workbook(io.BytesIO(client.get("/tre-em/xuat-excel/").content))
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    assert rows[3][:4] == ("STT", "Họ và tên", "Ngày sinh", "Giới tính")
    assert rows[4][3] == "Nam"
    from treem.registry.importing import children_import

    export = io.BytesIO(client.get("/tre-em/xuat-excel/").content)
    export.name = "danh-sach.xlsx"
    result = children_import(actor=world.officer, commune=world.commune, file=export, dry_run=True)
    assert not result.errors and result.rows == 1  # read back: the child is found again
    template = openpyxl.load_workbook(io.BytesIO(client.get("/tre-em/mau-nhap.xlsx").content))
    assert next(template.worksheets[0].iter_rows(values_only=True))[1] == "Họ và tên"
    book = openpyxl.load_workbook(io.BytesIO(client.get("/tre-em/so-theo-doi/").content))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert any("SỔ THEO DÕI" in str(c).upper() for c in cells), cells[:5]


def test_an_english_readers_report_is_the_administrations_document(
    world: World, client_for: Any
) -> None:
    from treem.reports import services

    services.computation_run_all(actor=world.officer, area=world.commune, period="2026H1")
    from django.utils import translation

    with translation.override("en"):  # created from an English page
        report = services.report_create(actor=world.officer, area=world.commune, period="2026H1")
    assert report.recipients.startswith("- UBND tỉnh")
    assert report.signer_title == "CHỦ TỊCH"
    client = english(client_for(world.officer))
    document = docx.Document(io.BytesIO(client.get(f"/bao-cao/{report.pk}/word/").content))
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts and "REPORTS" not in texts
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/bao-cao/ky/2026H1/{world.commune.key}/excel/").content)
    ).worksheets[0]
    cells = {c for row in sheet.iter_rows(values_only=True) for c in row if c}
    assert "Số trẻ em" in cells and "Number of children" not in cells


def test_an_english_readers_case_form_is_the_decrees_form(world: World, client_for: Any) -> None:
    from tests.cases.helpers import intake

    case = intake(world)
    step = case.steps.get(kind="intake")
    client = english(client_for(world.officer))
    assert f"Case {case.code}" in client.get(f"/vu-viec/{case.pk}/").content.decode()
    form = client.get(f"/vu-viec/{case.pk}/buoc/{step.pk}/docx/")
    document = docx.Document(io.BytesIO(form.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.startswith("Mẫu số 01\nPHIẾU GHI CHÉP THÔNG TIN")
    # the case's choices in the decree's words, as the rest of the form
    assert "Môi trường xảy ra: Gia đình" in text and "Family" not in text
    assert "Violence" not in text and "Hotline" not in text
