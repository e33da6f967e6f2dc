"""A computation counted as of a day before its period's end ("số liệu tính đến ngày"):
a report sent in May counts what had happened by then, not the cases of June."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.reports.conftest import Kids
from tests.reports.test_computation import cases  # noqa: F401  (the cases fixture)
from treem.core.models import AuditLog
from treem.reports import services
from treem.reports.models import ComputationRun, DataValue

pytestmark = pytest.mark.django_db


def _total(slug: str, area) -> int:
    return int(
        DataValue.objects.get(
            indicator__slug=slug, period="2026H1", area=area, disaggregation=""
        ).value
    )


def test_a_computation_counts_as_of_the_day_asked(kids: Kids, cases, client_for) -> None:  # noqa: F811
    w = kids.world
    services.computation_run_all(actor=w.officer, area=w.commune, period="2026H1")
    assert _total("abuse_cases", w.commune) == 4  # received 1/3 (three) and 31/3
    assert (_total("injured_children", w.commune), _total("injury_deaths", w.commune)) == (2, 1)
    run = services.computation_run_all(
        actor=w.officer, area=w.commune, period="2026H1", as_of=dt.date(2026, 3, 15)
    )
    assert run.as_of == dt.date(2026, 3, 15)
    logged = AuditLog.objects.filter(action="reports.compute").latest("id")
    assert logged.object_repr == f"{w.commune.full_name} · 6 tháng đầu năm 2026"
    assert logged.after["as_of"] == "2026-03-15"
    assert _total("abuse_cases", w.commune) == 3  # the case of 31/3 came after
    # injured on 1/2 counts; on 1/5 and 1/6 not yet; the death of 30/6 not yet
    assert (_total("injured_children", w.commune), _total("injury_deaths", w.commune)) == (1, 0)
    # as of the period's end (or later) is simply the period
    run = services.computation_run_all(
        actor=w.officer, area=w.commune, period="2026H1", as_of=dt.date(2026, 7, 10)
    )
    assert run.as_of is None and _total("abuse_cases", w.commune) == 4
    with pytest.raises(ValidationError) as refused:
        services.computation_start(
            actor=w.officer, area=w.commune, period="2026H1", as_of=dt.date(2025, 12, 31)
        )
    assert refused.value.message_dict["as_of"] == [
        "Ngày tính đến (31/12/2025) ở trước kỳ báo cáo, bắt đầu từ 01/01/2026."
    ]


def test_the_officer_asks_for_the_day_on_the_report_page(
    kids: Kids,
    cases,  # noqa: F811
    client_for,
) -> None:
    w = kids.world
    officer = client_for(w.officer)
    page = f"/bao-cao/ky/2026H1/{w.commune.key}/"
    form = officer.get(page).content.decode()
    assert 'name="as_of"' in form and 'min="2026-01-01"' in form and 'max="2026-06-30"' in form
    res = officer.post(page + "tinh-so-lieu/", {"as_of": "2026-03-15"}, follow=True)
    assert "Đã tính xong số liệu." in res.content.decode()
    assert "số liệu tính đến ngày 15/03/2026" in res.content.decode()
    assert _total("abuse_cases", w.commune) == 3
    runs = ComputationRun.objects.count()
    res = officer.post(page + "tinh-so-lieu/", {"as_of": "31/12/2025"}, follow=True)
    assert "ở trước kỳ báo cáo, bắt đầu từ 01/01/2026" in res.content.decode()
    res = officer.post(page + "tinh-so-lieu/", {"as_of": "ngày mai"}, follow=True)
    assert "Số liệu tính đến ngày:" in res.content.decode()
    assert ComputationRun.objects.count() == runs  # neither started a computation
    # from the button's htmx request: the whole page again, with the message
    res = officer.post(page + "tinh-so-lieu/", {"as_of": "ngày mai"}, HTTP_HX_REQUEST="true")
    assert res.headers["HX-Redirect"] == page and ComputationRun.objects.count() == runs


def test_the_word_report_says_the_day_its_figures_are_counted_to(
    kids: Kids,
    cases,  # noqa: F811
    client_for,
) -> None:
    import io

    from docx import Document

    w = kids.world
    report = services.report_create(actor=w.officer, area=w.commune, period="2026H1")

    def text() -> str:
        res = client_for(w.officer).get(f"/bao-cao/{report.pk}/word/")
        return "\n".join(p.text for p in Document(io.BytesIO(res.content)).paragraphs)

    services.computation_run_all(
        actor=w.officer, area=w.commune, period="2026H1", as_of=dt.date(2026, 5, 8)
    )
    assert "(Số liệu tính đến ngày 08/05/2026)" in text()
    services.computation_run_all(actor=w.officer, area=w.commune, period="2026H1")
    assert "Số liệu tính đến ngày" not in text()  # to the period's end: nothing to say


def test_the_excel_table_says_the_day_its_figures_are_counted_to(
    kids: Kids,
    cases,  # noqa: F811
    client_for,
) -> None:
    import io

    from openpyxl import load_workbook

    w = kids.world
    services.computation_run_all(
        actor=w.officer, area=w.commune, period="2026H1", as_of=dt.date(2026, 5, 8)
    )
    res = client_for(w.officer).get(f"/bao-cao/ky/2026H1/{w.commune.key}/excel/")
    sheet = load_workbook(io.BytesIO(res.content)).active
    assert sheet["A2"].value == "(Số liệu tính đến ngày 08/05/2026)"
    assert sheet["C3"].value == "Chỉ tiêu"  # the header row where it was
