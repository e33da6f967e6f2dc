"""Core pages with the three personas: owner, colleague of another commune, anonymous."""

import re
from typing import Any

import pytest
from django.test import Client

from tests.conftest import World
from treem.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese() -> None:
    res = Client().get("/dang-nhap/")
    assert res.status_code == 200
    body = res.content.decode()
    assert "Đăng nhập TreEm" in body and 'lang="vi"' in body


def test_an_english_browser_still_gets_vietnamese_until_the_user_switches() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = client.get("/dang-nhap/").content.decode()
    assert "Đăng nhập TreEm" in body and 'lang="vi"' in body
    assert 'value="en"' in body  # the switcher is on the login page

    res = client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    assert res.status_code == 302
    body = client.get("/dang-nhap/").content.decode()
    assert 'lang="en"' in body and "Đăng nhập TreEm" not in body

    client.post("/i18n/setlang/", {"language": "vi", "next": "/dang-nhap/"})
    assert 'lang="vi"' in client.get("/dang-nhap/").content.decode()


def test_an_unknown_language_cookie_falls_back_to_vietnamese() -> None:
    client = Client()
    client.cookies["django_language"] = "fr"
    assert 'lang="vi"' in client.get("/dang-nhap/").content.decode()


def test_anonymous_is_redirected_to_login(world: World) -> None:
    for url in ["/", "/he-thong/dia-ban/13891/", "/he-thong/nhat-ky/", "/he-thong/nguoi-dung/"]:
        res = Client().get(url)
        assert res.status_code == 302 and res.url.startswith("/dang-nhap/"), url


def test_dashboard_shows_the_users_commune(world: World, client_for) -> None:
    res = client_for(world.officer).get("/")
    body = res.content.decode()
    assert res.status_code == 200
    assert "Tổng quan" in body and "Xã Nghĩa Hưng" in body
    assert "Thôn, tổ dân phố" in body


def test_area_page_owner_ok_other_commune_404(world: World, client_for) -> None:
    url = f"/he-thong/dia-ban/{world.commune.key}/"
    assert client_for(world.officer).get(url).status_code == 200
    assert client_for(world.other_officer).get(url).status_code == 404
    assert (
        client_for(world.other_officer)
        .post(f"/he-thong/dia-ban/{world.commune.key}/thon/", {"name": "Lạ", "kind": "village"})
        .status_code
        == 404
    )


def test_officer_bulk_adds_villages_from_pasted_text(world: World, client_for) -> None:
    client = client_for(world.officer)
    res = client.post(
        f"/he-thong/dia-ban/{world.commune.key}/thon-hang-loat/",
        {"names": "Đông Cường\nTây Sơn", "kind": "village"},
        follow=True,
    )
    assert "Đã thêm 2 thôn." in res.content.decode()
    assert "Thôn Tây Sơn" in res.content.decode()


def test_user_management_is_scoped(world: World, client_for) -> None:
    owner = client_for(world.officer)
    listing = owner.get("/he-thong/nguoi-dung/")
    assert listing.status_code == 200
    # a unit's focal point is listed with the unit they answer for
    row = listing.content.decode().split(">yte<", 1)[1].split("</tr>", 1)[0]
    assert f"Đầu mối đơn vị · {world.health_station.name} · " in row
    # in English the roles TreEm ships with read in English; a renamed one as written
    from treem.core.models import Role

    owner.cookies["django_language"] = "en"
    english = owner.get("/he-thong/nguoi-dung/").content.decode()
    assert f"Unit focal point · {world.health_station.name} · " in english
    assert "Village collaborator · " in english
    Role.objects.filter(slug="village_collaborator").update(name="Cộng tác viên ấp")
    assert "Cộng tác viên ấp · " in owner.get("/he-thong/nguoi-dung/").content.decode()
    assert owner.get(f"/he-thong/nguoi-dung/{world.collaborator.pk}/").status_code == 200
    colleague = client_for(world.other_officer)
    assert colleague.get(f"/he-thong/nguoi-dung/{world.collaborator.pk}/").status_code == 404
    assert client_for(world.collaborator).get("/he-thong/nguoi-dung/").status_code == 404


def test_the_new_user_form_offers_the_roles_the_officer_may_give(world: World, client_for) -> None:
    """A commune officer places accounts in the commune and its villages: the form does
    not offer the province officer's role (it was refused only after sending)."""

    def offered(user: Any) -> set[str]:
        form = client_for(user).get("/he-thong/nguoi-dung/them/").context["form"]
        return {str(role) for role in form.fields["role"].queryset}

    commune = offered(world.officer)
    assert "Cán bộ cấp tỉnh" not in commune and "Quản trị hệ thống" not in commune
    assert {"Cộng tác viên thôn", "Đầu mối đơn vị", "Lãnh đạo UBND xã"} <= commune
    assert "Cán bộ cấp tỉnh" in offered(world.province_officer)
    assert "Quản trị hệ thống" in offered(world.admin)


def test_audit_page_filters_and_scopes(world: World, client_for) -> None:
    from treem.core.services import village_create

    village_create(actor=world.officer, commune=world.commune, name="Trung Thành")
    village_create(actor=world.other_officer, commune=world.other_commune, name="Bình Hải")
    body = client_for(world.leader).get("/he-thong/nhat-ky/?action=area").content.decode()
    assert "Trung Thành" in body and "Bình Hải" not in body
    assert client_for(world.collaborator).get("/he-thong/nhat-ky/").status_code == 404
    assert AuditLog.objects.filter(action="area.create").count() == 2


def test_province_officer_switches_to_a_commune_in_scope_only(world: World, client_for) -> None:
    client = client_for(world.province_officer)
    home = client.get("/").content.decode()
    assert "Xem địa bàn" in home and "Xã Rạng Đông" in home
    res = client.post(
        "/chon-dia-ban/", {"area": world.other_commune.key, "next": "//example.com/tre-em/"}
    )
    assert res["Location"] == "/"  # back to this site only
    assert "Tổng quan · Xã Rạng Đông" in client.get("/").content.decode()
    officer = client_for(world.officer)
    assert officer.post("/chon-dia-ban/", {"area": world.other_commune.key}).status_code == 404


def test_english_is_a_second_locale(world: World, client_for) -> None:
    client = client_for(world.officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Dashboard" in body


def test_login_is_throttled_after_repeated_failures(world: World) -> None:
    client = Client()
    for _ in range(5):
        client.post("/dang-nhap/", {"username": "canbo", "password": "sai-mat-khau"})
    res = client.post("/dang-nhap/", {"username": "canbo", "password": "sai-mat-khau"})
    assert res.status_code == 429
    assert "Tạm khóa đăng nhập" in res.content.decode()


def test_account_created_by_an_officer_must_change_its_password_first(
    world: World, client_for
) -> None:
    from treem.core.models import Role
    from treem.core.services import user_create

    user = user_create(
        actor=world.officer,
        username="moi",
        password="Mat-khau-ban-dau-2026",
        full_name="Người Mới",
        role=Role.objects.get(slug="village_collaborator"),
        area=world.village2,
    )
    client = Client()
    client.post("/dang-nhap/", {"username": "moi", "password": "Mat-khau-ban-dau-2026"})
    res = client.get("/")
    assert res.status_code == 302 and res.url == "/doi-mat-khau/"
    page = client.get("/doi-mat-khau/").content.decode()
    assert "Vui lòng đặt mật khẩu mới" in page
    res = client.post(
        "/doi-mat-khau/",
        {
            "old_password": "Mat-khau-ban-dau-2026",
            "new_password1": "Mat-khau-cua-toi-2026",
            "new_password2": "Mat-khau-cua-toi-2026",
        },
    )
    assert res.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditLog.objects.filter(action="user.password_change", object_id=str(user.pk)).exists()


def test_dashboard_counts_are_grouped_the_vietnamese_way() -> None:
    from django.utils import translation

    from treem.core.dashboard import Card

    with translation.override("vi"):
        assert Card("Trẻ em", 3015).display == "3.015"
        assert Card("Nhiệm vụ", "3/14").display == "3/14"
    with translation.override("en"):  # the English locale keeps Vietnamese figures
        assert Card("Children", 3015).display == "3.015"


def test_province_dashboard_names_the_period_in_words(world: World, client_for) -> None:
    body = client_for(world.province_officer).get("/").content.decode()
    label = body.split("Xã đã gửi báo cáo: ", 1)[1].split("<", 1)[0]
    assert label.startswith(("6 tháng đầu năm ", "Năm ")), label
    assert "H1" not in label


def test_area_page_links_only_the_predecessors_the_user_may_open(world: World, client_for) -> None:
    client = client_for(world.officer)
    body = client.get(f"/he-thong/dia-ban/{world.commune.key}/").content.decode()
    formed_from = body.split("Hình thành từ:", 1)[1].split("</p>", 1)[0]
    # the pre-2025 commune's data is the officer's: linked, and the link opens
    legacy_url = f"/he-thong/dia-ban/{world.legacy_commune.key}/"
    assert f'href="{legacy_url}"' in formed_from
    assert client.get(legacy_url).status_code == 200
    # the dissolved district is named, not linked: its page is outside the scope (404)
    district = world.legacy_commune.parent
    assert district.full_name in formed_from
    district_url = f"/he-thong/dia-ban/{district.key}/"
    assert district_url not in formed_from
    assert client.get(district_url).status_code == 404


def test_pages_name_an_icon_that_exists(world: World) -> None:
    """Browsers ask for an icon: without one every page logs a 404 in the console."""
    from django.contrib.staticfiles import finders

    body = Client().get("/dang-nhap/").content.decode()
    assert '<link rel="icon" type="image/svg+xml" href="/static/treem/favicon.svg">' in body
    assert finders.find("treem/favicon.svg")


def test_english_dashboard_cards_are_all_translated(world: World, client_for) -> None:
    """A label the catalogue never got (a msgid makemessages cannot see) shows in Vietnamese."""
    import re

    for user in (world.officer, world.province_officer, world.focal_point, world.collaborator):
        client = client_for(user)
        client.cookies["django_language"] = "en"
        body = client.get("/").content.decode()
        labels = re.findall(r'<span class="label">([^<]*)</span>', body)
        labels += re.findall(r"<small>([^<]*)</small>", body)  # the hints (due dates ...)
        assert labels, user
        vietnamese = [
            t for t in labels if re.search(r"[ạảãàáâậầấẩẫăắằặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ]", t)
        ]
        assert not vietnamese, (user, vietnamese)


def test_a_unit_that_no_longer_works_with_the_commune_leaves_its_lists_not_its_history(
    world: World, client_for
) -> None:
    """A unit added by mistake, or dissolved, is set "not working with us": it leaves the
    dashboard's count and the units of the commune's report, is marked on the area page,
    and what it recorded stays (nothing deleted); ticking the box brings it back."""
    from tests.factories import make_agency
    from treem.core.models import AuditLog
    from treem.reports import services as reports

    client = client_for(world.officer)
    police = make_agency(world.commune, "Công an xã", kind="police")
    url = f"/he-thong/don-vi/{police.pk}/"
    assert re.search(
        r'<input type="checkbox" name="is_active"[^>]*checked', client.get(url).content.decode()
    )

    def count() -> str:  # the dashboard's card
        body = client.get("/").content.decode()
        return re.findall(r'<span class="value">(\d+)</span><span class="label">Đơn vị phối', body)[
            0
        ]

    before = count()
    res = client.post(url, {"name": police.name, "kind": "police", "phone": ""})
    assert res.status_code == 302
    police.refresh_from_db()
    assert police.is_active is False
    assert int(count()) == int(before) - 1
    area_page = client.get(f"/he-thong/dia-ban/{world.commune.key}/").content.decode()
    row = area_page.split("Công an xã", 1)[1].split("</tr>", 1)[0]
    assert "ngừng phối hợp" in row
    reports.computation_run_all(actor=world.officer, area=world.commune, period="2026H1")
    report_page = client.get(f"/bao-cao/ky/2026H1/{world.commune.key}/").content.decode()
    assert "Công an xã" not in report_page.split('id="units"', 1)[1].split("</table>", 1)[0]
    assert AuditLog.objects.filter(action="agency.update", object_id=str(police.pk)).exists()
    client.post(url, {"name": police.name, "kind": "police", "phone": "", "is_active": "on"})
    police.refresh_from_db()
    assert police.is_active is True and int(count()) == int(before)


def test_a_unit_is_added_and_renamed_only_to_a_name_the_commune_does_not_have(
    world: World, client_for
) -> None:
    """Renaming a unit to another unit's name was a server error (the database's unique
    name); now both forms say so in Vietnamese, in any case or accents, and keep the unit."""
    from treem.core.models import Agency

    client = client_for(world.officer)
    key = world.commune.key
    res = client.post(
        f"/he-thong/dia-ban/{key}/don-vi/",
        {"name": "TRẠM Y TẾ XÃ NGHĨA HƯNG", "kind": "other"},
        follow=True,
    )
    assert "Đơn vị “TRẠM Y TẾ XÃ NGHĨA HƯNG” đã có." in res.content.decode()
    client.post(
        f"/he-thong/dia-ban/{key}/don-vi/",
        {"name": "Trường Tiểu học Nghĩa Hưng", "kind": "school"},
    )
    school = Agency.objects.get(area=world.commune, name="Trường Tiểu học Nghĩa Hưng")

    url = f"/he-thong/don-vi/{school.pk}/"
    res = client.post(
        url, {"name": "Trạm y tế xã Nghĩa Hưng", "kind": "school", "phone": "", "is_active": "on"}
    )
    assert res.status_code == 200
    assert "Đơn vị “Trạm y tế xã Nghĩa Hưng” đã có." in res.content.decode()
    school.refresh_from_db()
    assert school.name == "Trường Tiểu học Nghĩa Hưng"
    # its own name in other letters is its own: saved
    res = client.post(
        url,
        {"name": "Trường tiểu học Nghĩa Hưng", "kind": "school", "phone": "", "is_active": "on"},
    )
    assert res.status_code == 302
    school.refresh_from_db()
    assert school.name == "Trường tiểu học Nghĩa Hưng"
