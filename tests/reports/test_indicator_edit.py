"""An administrator corrects an indicator of the catalogue, or stops using it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.reports.conftest import Kids, swimming_indicator
from treem.core.models import AuditLog
from treem.reports import services
from treem.reports.models import DataValue, Indicator

pytestmark = pytest.mark.django_db


def _swim(w) -> Indicator:
    # with the typo the administrator comes back to fix
    return swimming_indicator(w, name="Tỷ lệ trẻ em đươc dạy bơi", dims=("sex", "age_group"))


def _update(w, ind: Indicator, **changes) -> Indicator:
    """`services.indicator_update` as the administrator, changing only `changes`."""
    kwargs = {
        "actor": w.admin,
        "indicator": ind,
        "version": ind.version,
        "name": ind.name,
        "code": ind.code,
        "group": ind.group,
        "definition": ind.definition,
        "period_type": ind.period_type,
        "is_active": ind.is_active,
    }
    return services.indicator_update(**{**kwargs, **changes})


def _form(ind: Indicator, **changes) -> dict:
    data = {
        "version": str(ind.version),
        "name": ind.name,
        "code": ind.code,
        "group": ind.group,
        "unit": ind.unit,
        "disaggregations": list(ind.disaggregations),
        "period_type": ind.period_type,
        "definition": ind.definition,
        "is_active": "on" if ind.is_active else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_the_administrator_corrects_an_indicator_and_the_edit_is_audited(
    kids: Kids, client_for
) -> None:
    w = kids.world
    swim = _swim(w)
    admin = client_for(w.admin)
    listed = admin.get("/bao-cao/chi-tieu/").content.decode()
    url = f"/bao-cao/chi-tieu/{swim.slug}/sua/"
    assert f'href="{url}"' in listed
    res = admin.post(url, _form(swim, name="Tỷ lệ trẻ em được dạy bơi", code="0210"))
    assert res.status_code == 302
    swim.refresh_from_db()
    assert (swim.name, swim.code, swim.version) == ("Tỷ lệ trẻ em được dạy bơi", "0210", 2)
    log = AuditLog.objects.get(action="indicator.update")
    assert log.before == {"name": "Tỷ lệ trẻ em đươc dạy bơi", "code": "", "version": 1}
    assert log.after["name"] == "Tỷ lệ trẻ em được dạy bơi"
    # an empty name is refused under its field, and nothing changes
    res = admin.post(url, _form(swim, name="  "))
    assert res.status_code == 422
    field = res.content.decode().split('for="id_name"', 1)[1].split("</div>", 1)[0]
    assert "Trường này là bắt buộc." in field
    with pytest.raises(ValidationError) as refused:  # the service says so too
        _update(w, swim, name=" ")
    assert refused.value.message_dict["name"] == ["Tên chỉ tiêu không được để trống."]
    swim.refresh_from_db()
    assert swim.name == "Tỷ lệ trẻ em được dạy bơi"
    # an officer may read the catalogue, not edit it
    officer = client_for(w.officer)
    assert officer.get(url).status_code == 404
    assert officer.post(url, _form(swim, name="X")).status_code == 404
    assert 'href="/bao-cao/chi-tieu/' not in officer.get("/bao-cao/chi-tieu/").content.decode()


def test_an_edit_over_someone_elses_keeps_the_typed_text_and_shows_theirs(
    kids: Kids, client_for
) -> None:
    w = kids.world
    swim = _swim(w)
    url = f"/bao-cao/chi-tieu/{swim.slug}/sua/"
    mine = _form(swim, definition="Số trẻ biết bơi / số trẻ 6-16 tuổi × 100")
    _update(w, swim, name="Tỷ lệ trẻ em được học bơi", period_type="annual")
    res = client_for(w.admin).post(url, mine)
    assert res.status_code == 409
    page = res.content.decode()
    assert "đã được người khác sửa" in page
    meanwhile = page.split('id="saved-meanwhile"', 1)[1].split("</div>", 1)[0]
    assert "Tỷ lệ trẻ em được học bơi" in meanwhile and "Kỳ báo cáo: <b>Năm</b>" in meanwhile
    assert "Số trẻ biết bơi / số trẻ 6-16 tuổi × 100</textarea>" in page  # what was typed
    swim.refresh_from_db()
    assert swim.definition == ""  # nothing of the refused save was written
    again = page.split('name="version" value="', 1)[1].split('"', 1)[0]
    assert again == str(swim.version)  # the next save goes over theirs, knowingly
    res = client_for(w.admin).post(url, {**mine, "version": again})
    assert res.status_code == 302
    swim.refresh_from_db()
    assert swim.definition.startswith("Số trẻ biết bơi") and swim.period_type == "both"


def test_what_values_are_stored_in_cannot_change_under_them(kids: Kids) -> None:
    w = kids.world
    swim = _swim(w)
    services.manual_value_set(
        actor=w.officer,
        indicator=swim,
        period="2026H1",
        area=w.commune,
        value=Decimal("62.5"),
        disaggregation="sex=female",
    )
    with pytest.raises(ValidationError) as refused:
        _update(w, swim, unit="number")
    assert "không đổi được đơn vị tính" in refused.value.message_dict["unit"][0]
    with pytest.raises(ValidationError) as refused:
        _update(w, swim, disaggregations=["age_group"])
    assert refused.value.message_dict["disaggregations"] == [
        "Không bỏ được phân tổ đã có số liệu: Giới tính."
    ]
    # a disaggregation without values may go, another may come
    _update(w, swim, disaggregations=["sex", "ethnicity"])
    swim.refresh_from_db()
    assert swim.disaggregations == ["ethnicity", "sex"]
    # a computed indicator's unit and disaggregations are its computation's
    population = Indicator.objects.get(slug="child_population")
    with pytest.raises(ValidationError) as refused:
        _update(w, population, disaggregations=["sex"])
    assert "do phép tính quy định" in refused.value.message_dict["disaggregations"][0]


def test_an_indicator_no_longer_used_stays_in_the_reports_that_have_its_values(
    kids: Kids, client_for
) -> None:
    w = kids.world
    swim = _swim(w)
    services.manual_value_set(
        actor=w.officer, indicator=swim, period="2026H1", area=w.commune, value=Decimal("62.5")
    )
    officer = client_for(w.officer)
    # reported yearly from now on: the half-year that has its value still shows it
    swim = _update(w, swim, period_type="annual")
    assert "62,5%" in officer.get(f"/bao-cao/ky/2026H1/{w.commune.key}/").content.decode()
    assert "dạy bơi" not in officer.get(f"/bao-cao/ky/2025H1/{w.commune.key}/").content.decode()
    swim = _update(w, swim, period_type="both", is_active=False)
    sent = officer.get(f"/bao-cao/ky/2026H1/{w.commune.key}/").content.decode()
    assert "Tỷ lệ trẻ em đươc dạy bơi" in sent and "62,5%" in sent
    detail = f"/bao-cao/ky/2026H1/{w.commune.key}/chi-tieu/{swim.slug}/"
    assert officer.get(detail).status_code == 200
    later = officer.get(f"/bao-cao/ky/2026/{w.commune.key}/").content.decode()
    assert "dạy bơi" not in later  # no value there: the indicator has left the table
    swim.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.manual_value_set(
            actor=w.officer, indicator=swim, period="2026", area=w.commune, value=Decimal(70)
        )
    assert "đã ngừng dùng" in refused.value.messages[0]
    assert DataValue.objects.filter(indicator=swim).count() == 1  # the value is kept
    listed = client_for(w.admin).get("/bao-cao/chi-tieu/").content.decode()
    row = listed.split("swimming_taught_pct", 1)[1].split("</tr>", 1)[0]
    assert "ngừng dùng" in row
