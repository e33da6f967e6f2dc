"""What a list row and the filter bar show (rows and selects are written in Python)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from treem.registry import services

pytestmark = pytest.mark.django_db


def test_list_rows_show_what_the_officer_needs(
    world: Any, client_for: Any, child_maker: Any
) -> None:
    khoi = child_maker("Đặng Minh Khôi", birth_date=dt.date(2018, 4, 2))
    services.circumstance_add(actor=world.officer, child=khoi, kind="special", group="d")
    lan = child_maker("Lê <Thị> Lan", sex="female", birth_date=dt.date(2019, 1, 5))
    body = client_for(world.officer).get(reverse("registry:child_list")).content.decode()
    row = body[body.index(f"/tre-em/{khoi.pk}/") :].split("</tr>")[0]
    assert "Đặng Minh Khôi" in row and "02/04/2018" in row and "Nam" in row
    assert world.village.name in row
    # the group in a few words; its full wording (Điều 10) as the tooltip
    assert '<span class="badge warn" title="d) Trẻ em khuyết tật">Khuyết tật</span>' in row
    other = body[body.index(f"/tre-em/{lan.pk}/") :].split("</tr>")[0]
    assert "Lê &lt;Thị&gt; Lan" in other and "Nữ" in other  # escaped
    assert "<Thị>" not in body


def test_filter_select_keeps_the_chosen_value(world: Any, client_for: Any) -> None:
    body = (
        client_for(world.officer)
        .get(reverse("registry:child_list"), {"sex": "female", "status": "all"})
        .content.decode()
    )
    assert '<option value="female" selected>' in body
    assert '<option value="all" selected>' in body
    assert '<option value="male">' in body


def test_search_box_keeps_what_was_typed_escaped(world: Any, client_for: Any) -> None:
    from treem.registry.forms import ChildFilterForm

    typed = 'Lan "<b>'
    body = (
        client_for(world.officer).get(reverse("registry:child_list"), {"q": typed}).content.decode()
    )
    box = body[body.index('<input type="search"') :].split(">", 1)[0] + ">"
    assert 'value="Lan &quot;&lt;b&gt;"' in box and "<b>" not in box
    # the markup Django's own widget writes for the same value
    form = ChildFilterForm({"q": typed}, villages=[])
    form.is_valid()
    assert box == str(form["q"])


def test_list_empty_message(world: Any, client_for: Any) -> None:
    body = (
        client_for(world.officer)
        .get(reverse("registry:child_list"), {"q": "zzzz"})
        .content.decode()
    )
    assert "Không có trẻ nào phù hợp." in body


def test_every_special_group_has_a_short_label() -> None:
    from treem.registry.models import SPECIAL_GROUP_SHORT, SpecialGroup

    assert set(SPECIAL_GROUP_SHORT) == set(SpecialGroup.values)
    assert all(len(str(label)) <= 20 for label in SPECIAL_GROUP_SHORT.values())


def test_list_offers_registering_only_where_it_can_be_done(world: Any, client_for: Any) -> None:
    officer = client_for(world.officer).get(reverse("registry:child_list")).content.decode()
    assert reverse("registry:child_create") in officer and reverse("registry:import") in officer
    assert client_for(world.officer).get(reverse("registry:child_create")).status_code == 200
    # the administrator looking at the whole province: registering needs a commune
    admin = client_for(world.admin)
    body = admin.get(reverse("registry:child_list")).content.decode()
    assert reverse("registry:child_create") not in body
    assert reverse("registry:import") not in body
    assert admin.get(reverse("registry:child_create")).status_code == 404


def test_province_list_names_the_commune_beside_the_village(
    world: Any, client_for: Any, child_maker: Any
) -> None:
    khoi = child_maker("Đặng Minh Khôi", birth_date=dt.date(2018, 4, 2))
    body = client_for(world.province_officer).get(reverse("registry:child_list")).content.decode()
    assert "<th>Thôn, xã</th>" in body
    row = body[body.index(f"/tre-em/{khoi.pk}/") :].split("</tr>")[0]
    assert f'{world.village.name} <small class="muted">· {world.commune.full_name}</small>' in row
    commune = client_for(world.officer).get(reverse("registry:child_list")).content.decode()
    assert "<th>Thôn</th>" in commune and "Thôn, xã" not in commune


def test_list_shows_the_area_in_focus_within_the_scope(
    world: Any, client_for: Any, child_maker: Any
) -> None:
    """A province officer's list covers the province until she chooses a commune; a
    commune officer's covers her commune (and only it, whatever the focus says)."""
    here = child_maker("Đặng Minh Khôi")
    there = child_maker("Lê Thị Lan", actor=world.other_officer, area=world.other_village)
    url = reverse("registry:child_list")

    def listed(client: Any) -> set[int]:
        body = client.get(url, {"status": "all"}).content.decode()
        return {pk for pk in (here.pk, there.pk) if f"/tre-em/{pk}/" in body}

    province = client_for(world.province_officer)
    assert listed(province) == {here.pk, there.pk}
    province.post("/chon-dia-ban/", {"area": world.other_commune.key})
    assert listed(province) == {there.pk}
    assert listed(client_for(world.officer)) == {here.pk}
    assert listed(client_for(world.other_officer)) == {there.pk}


def test_list_rows_in_english(world: Any, client_for: Any, child_maker: Any) -> None:
    """The words a row writes in Python are translated like the template's."""
    from treem.registry.models import Child

    child = child_maker("Lê Văn Xã", area=world.commune)
    # a number imported before the checks caught it, kept and flagged
    Child.objects.filter(pk=child.pk).update(id_number="001234567890", id_number_valid=False)
    client = client_for(world.officer)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("registry:child_list")).content.decode()
    assert '<span class="muted">village unknown</span>' in body
    assert '<span class="badge danger">wrong</span>' in body  # the number fails its checks
