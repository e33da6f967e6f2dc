"""A commune enters its manual indicators: the total and each category, all or none,
without overwriting what someone else saved meanwhile."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.reports.conftest import Kids, swimming_indicator
from treem.reports import services
from treem.reports.models import DataValue, Indicator, ReportStatus

pytestmark = pytest.mark.django_db


def _boxes(page: str) -> dict[str, tuple[str, str]]:
    """name -> (value shown, value the page was loaded with)."""
    shown = dict(re.findall(r'name="v:([^"]*)" value="([^"]*)"', page))
    was = dict(re.findall(r'name="was:([^"]*)" value="([^"]*)"', page))
    return {k: (v, was[k]) for k, v in shown.items()}


def _save(w, swim: Indicator, key: str, label: str, was, value) -> int:
    """The officer's save of one box of the 2026H1 page, as the page sends it."""
    return services.manual_values_save(
        actor=w.officer,
        area=w.commune,
        period="2026H1",
        entries=[services.ManualEntry(swim, key, label, was, value)],
    )


def _stored(swim: Indicator, w) -> dict[str, Decimal]:
    return dict(
        DataValue.objects.filter(indicator=swim, area=w.commune, period="2026H1").values_list(
            "disaggregation", "value"
        )
    )


def test_the_officer_enters_the_total_and_each_category(kids: Kids, client_for) -> None:
    w = kids.world
    swim = swimming_indicator(w)
    officer = client_for(w.officer)
    report = f"/bao-cao/ky/2026H1/{w.commune.key}/"
    url = report + "nhap-so-lieu/"
    assert f'href="{url}"' in officer.get(report).content.decode()
    boxes = _boxes(officer.get(url).content.decode())
    assert boxes == {
        "swimming_taught_pct:": ("", ""),
        "swimming_taught_pct:sex=male": ("", ""),
        "swimming_taught_pct:sex=female": ("", ""),
    }
    posted = {"v:" + k: "" for k in boxes} | {"was:" + k: "" for k in boxes}
    posted |= {"v:swimming_taught_pct:": "62,5", "v:swimming_taught_pct:sex=female": "0"}
    res = officer.post(url, posted, follow=True)
    assert "Đã lưu 2 số liệu nhập tay." in res.content.decode()
    assert _stored(swim, w) == {"": Decimal("62.5"), "sex=female": Decimal(0)}
    # the report shows the total and the breakdown: 0 for girls, missing for boys
    page = officer.get(report).content.decode()
    row = page.split('data-slug="swimming_taught_pct"', 1)[1].split("</details>", 1)[0]
    assert "62,5%" in row and "0,0%" in row
    # the page shows what is stored, as typed back: a decimal comma, no trailing zeros
    boxes = _boxes(officer.get(url).content.decode())
    assert boxes["swimming_taught_pct:"] == ("62,5", "62,5")
    assert boxes["swimming_taught_pct:sex=male"] == ("", "")
    # a box left as it was writes nothing (no audit row, no new value)
    res = officer.post(
        url,
        {"v:" + k: v for k, (v, _was) in boxes.items()}
        | {"was:" + k: was for k, (_v, was) in boxes.items()},
        follow=True,
    )
    assert "Không có số liệu nào thay đổi." in res.content.decode()
    # a unit's focal point or a collaborator does not enter the commune's figures
    for user in (w.focal_point, w.collaborator, w.province_officer):
        assert client_for(user).get(url).status_code == 404


def test_a_refused_box_saves_nothing_and_keeps_what_was_typed(kids: Kids, client_for) -> None:
    w = kids.world
    swim = swimming_indicator(w)
    url = f"/bao-cao/ky/2026H1/{w.commune.key}/nhap-so-lieu/"
    res = client_for(w.officer).post(
        url,
        {
            "v:swimming_taught_pct:": "62,5",
            "v:swimming_taught_pct:sex=male": "120",
            "v:swimming_taught_pct:sex=female": "năm mươi",
        },
    )
    assert res.status_code == 422
    page = res.content.decode()
    assert "Tỷ lệ trẻ em được dạy bơi · Nam: tỷ lệ không được lớn hơn 100%." in page
    assert "Tỷ lệ trẻ em được dạy bơi · Nữ: “năm mươi” không phải là số." in page
    assert _boxes(page)["swimming_taught_pct:sex=female"] == ("năm mươi", "")
    assert _stored(swim, w) == {}  # not even the good total


def test_a_value_saved_meanwhile_is_not_overwritten_unknowingly(kids: Kids, client_for) -> None:
    """The leader and the officer open the page; the leader saves 50; the officer's save
    of 60 from the page she loaded before is refused, lists the leader's 50 and keeps her
    60 in the box; her next save, made knowingly, goes over it."""
    w = kids.world
    swim = swimming_indicator(w)
    url = f"/bao-cao/ky/2026H1/{w.commune.key}/nhap-so-lieu/"
    officer = client_for(w.officer)
    loaded = _boxes(officer.get(url).content.decode())
    _save(w, swim, "", "Tổng số", None, Decimal(50))
    mine = {"v:" + k: v for k, (v, _was) in loaded.items()}
    mine |= {"was:" + k: was for k, (_v, was) in loaded.items()}
    mine |= {"v:swimming_taught_pct:": "60", "v:swimming_taught_pct:sex=male": "58"}
    res = officer.post(url, mine)
    assert res.status_code == 409
    page = res.content.decode()
    assert "Tỷ lệ trẻ em được dạy bơi · Tổng số: người khác vừa lưu 50,0%." in page
    assert _boxes(page)["swimming_taught_pct:"] == ("60", "50")
    assert _stored(swim, w) == {"": Decimal(50)}  # nor the boy's 58: all or none
    again = {k: v for k, v in mine.items() if not k.startswith("was:")}
    again |= {"was:" + k: was for k, (_v, was) in _boxes(page).items()}
    assert officer.post(url, again).status_code == 302
    assert _stored(swim, w) == {"": Decimal(60), "sex=male": Decimal(58)}


def test_no_value_is_entered_once_the_report_has_gone_up(kids: Kids, client_for) -> None:
    w = kids.world
    swim = swimming_indicator(w)
    services.computation_run_all(actor=w.officer, area=w.commune, period="2026H1")
    report = services.report_create(actor=w.officer, area=w.commune, period="2026H1")
    report.status = ReportStatus.SUBMITTED
    report.save()
    url = f"/bao-cao/ky/2026H1/{w.commune.key}/nhap-so-lieu/"
    officer = client_for(w.officer)
    page = officer.post(url, {"v:swimming_taught_pct:": "60"}).content.decode()
    assert "đã gửi lên tỉnh" in page and 'id="manual-values"' in page
    assert "Lưu số liệu</button>" not in page
    assert _stored(swim, w) == {}
    detail = officer.get(f"/bao-cao/ky/2026H1/{w.commune.key}/").content.decode()
    assert 'id="enter-values"' not in detail


def test_a_communes_percentage_is_not_read_as_its_provinces(kids: Kids, client_for) -> None:
    """Only Nghĩa Hưng entered its share of children taught to swim: the province's table
    showed that 62,5% as the province's. A percentage typed by a commune has no sum (no
    numerator, no denominator): the province reads "–" and each commune's share below."""
    w = kids.world
    swim = swimming_indicator(w)
    _save(w, swim, "", "Tổng số", None, Decimal("62.5"))
    province = client_for(w.province_officer)
    table = province.get(f"/bao-cao/ky/2026H1/{w.province.key}/").content.decode()
    row = table.split('data-slug="swimming_taught_pct"', 1)[1].split("</tr>", 1)[0]
    assert "62,5%" not in row and "–" in row
    detail = f"/bao-cao/ky/2026H1/{w.province.key}/chi-tieu/swimming_taught_pct/"
    page = province.get(detail).content.decode()
    assert 'id="no-sum"' in page
    drill = page.split('id="drilldown"', 1)[1].split("</table>", 1)[0]
    assert "62,5%" in drill  # the commune's own share, under its name
    commune = client_for(w.officer).get(f"/bao-cao/ky/2026H1/{w.commune.key}/").content.decode()
    assert "62,5%" in commune.split('data-slug="swimming_taught_pct"', 1)[1].split("</tr>")[0]


def test_the_page_reads_in_as_many_queries_for_one_indicator_as_for_four(
    kids: Kids, client_for
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = kids.world
    swimming_indicator(w)
    officer = client_for(w.officer)
    url = f"/bao-cao/ky/2026H1/{w.commune.key}/nhap-so-lieu/"
    officer.get(url)  # the session, the caches
    with CaptureQueriesContext(connection) as one:
        assert officer.get(url).status_code == 200
    for n, dims in enumerate((["age_group"], ["ethnicity", "sex"], [])):
        services.indicator_create(
            actor=w.admin,
            slug=f"manual_{n}",
            name=f"Chỉ tiêu nhập tay {n}",
            group="05",
            unit="number",
            disaggregations=dims,
        )
    with CaptureQueriesContext(connection) as four:
        page = officer.get(url).content.decode()
    assert page.count('name="v:manual_') == 1 + 4 + 1 + 54 + 2 + 1
    assert len(four.captured_queries) <= len(one.captured_queries) + 1  # ethnicities, once


def test_each_box_shows_last_years_value_beside_it(kids: Kids, client_for) -> None:
    w = kids.world
    swim = swimming_indicator(w)
    for key, value in (("", "42.8"), ("sex=female", "40")):
        services.manual_value_set(
            actor=w.officer,
            indicator=swim,
            period="2025H1",
            area=w.commune,
            value=Decimal(value),
            disaggregation=key,
        )
    page = client_for(w.officer).get(f"/bao-cao/ky/2026H1/{w.commune.key}/nhap-so-lieu/")
    rows = page.content.decode().split("<tr>")
    total = next(r for r in rows if 'name="v:swimming_taught_pct:"' in r)
    girls = next(r for r in rows if 'name="v:swimming_taught_pct:sex=female"' in r)
    boys = next(r for r in rows if 'name="v:swimming_taught_pct:sex=male"' in r)
    assert "năm trước: 42,8%" in total and "năm trước: 40,0%" in girls
    assert "năm trước" not in boys  # nothing entered for boys last year


def test_the_log_names_a_value_as_an_officer_reads_it(kids: Kids) -> None:
    """The audit log named an entered value "swimming_taught_pct 2026H1 13891 [sex=female]"."""
    from treem.core.models import AuditLog

    w = kids.world
    swim = swimming_indicator(w)
    _save(w, swim, "sex=female", "Nữ", None, Decimal("45.5"))
    name = f"Tỷ lệ trẻ em được dạy bơi · 6 tháng đầu năm 2026 · {w.commune.full_name} · Nữ"
    assert AuditLog.objects.get(action="datavalue.set").object_repr == name
    # cleared: missing again, and logged by the same name
    _save(w, swim, "sex=female", "Nữ", Decimal("45.5"), None)
    assert AuditLog.objects.get(action="datavalue.clear").object_repr == name
