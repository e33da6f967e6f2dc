"""Registry pages: three personas each, collaborators village-only, query bound on the list."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from treem.core.models import AuditLog
from treem.registry import services
from treem.registry.models import Child

pytestmark = pytest.mark.django_db


@pytest.fixture
def kid(child_maker: Any) -> Child:
    return child_maker(
        "Đặng Minh Khôi",
        birth_date=dt.date(2018, 4, 2),
        caregivers=[{"relation": "mother", "full_name": "Trần Thị Bình"}],
    )


def test_list_three_personas(world: Any, client_for: Any, kid: Child) -> None:
    url = reverse("registry:child_list")
    response = client_for(world.officer).get(url)
    assert response.status_code == 200
    assert "Đặng Minh Khôi" in response.content.decode()
    other = client_for(world.other_officer).get(url)
    assert other.status_code == 200
    assert "Đặng Minh Khôi" not in other.content.decode()
    anon = Client().get(url)
    assert anon.status_code == 302 and "/dang-nhap/" in anon["Location"]


def test_list_htmx_search_without_diacritics(world: Any, client_for: Any, child_maker: Any) -> None:
    child_maker("Đặng Minh Khôi", birth_date=dt.date(2018, 4, 2))
    child_maker("Lê Thị Lan", sex="female")
    response = client_for(world.officer).get(
        reverse("registry:child_list"),
        {"q": "khoi dang"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="child-results",
    )
    body = response.content.decode()
    assert "Đặng Minh Khôi" in body and "Lê Thị Lan" not in body
    assert "<html" not in body  # the partial only


def test_a_search_row_found_by_a_caregivers_name_says_whose(
    world: Any, client_for: Any, child_maker: Any, django_assert_max_num_queries: Any
) -> None:
    child_maker("Nguyễn Văn Bình", caregivers=[{"relation": "father", "full_name": "Lê Văn Tư"}])
    child_maker(
        "Lê Khánh Anh",
        sex="female",
        caregivers=[
            {"relation": "mother", "full_name": "Trần Thị Hoa"},
            {"relation": "father", "full_name": "Nguyễn Văn Bình"},
        ],
    )
    child_maker("Trần Minh Đức", caregivers=[{"relation": "father", "full_name": "Trần Văn Nam"}])
    client = client_for(world.officer)
    client.get(reverse("registry:child_list"))  # warm the session
    with django_assert_max_num_queries(8):  # the list's queries and one for the caregivers
        body = client.get(reverse("registry:child_list"), {"q": "nguyen van binh"}).content
    rows = {
        row.split("</a>")[0].rsplit(">", 1)[-1]: row
        for row in body.decode().split("<tr>")[1:]
        if "/tre-em/" in row
    }
    assert set(rows) == {"Nguyễn Văn Bình", "Lê Khánh Anh"}
    assert "Tìm thấy qua người chăm sóc: Nguyễn Văn Bình (cha)" in rows["Lê Khánh Anh"]
    assert "Tìm thấy qua người chăm sóc" not in rows["Nguyễn Văn Bình"]
    # not for a search that is not a name, nor for the rows of a plain list
    plain = client.get(reverse("registry:child_list")).content.decode()
    assert "Lê Khánh Anh" in plain and "Tìm thấy qua người chăm sóc" not in plain


def test_list_query_count_is_bounded(
    world: Any, client_for: Any, child_maker: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        child = child_maker(f"Nguyễn Văn Tên{i}")
        services.circumstance_add(actor=world.officer, child=child, kind="special", group="d")
    client = client_for(world.officer)
    client.get(reverse("registry:child_list"))  # warm the session
    # session, user, grants (+ their predecessors on SQLite), villages, the page with its
    # count, the page's groups on SQLite: 30 rows or 3,000, the same few queries
    with django_assert_max_num_queries(7):
        response = client.get(reverse("registry:child_list"), {"group": "special"})
    assert response.content.decode().count("/tre-em/") >= 30


def test_collaborator_sees_only_their_village(
    world: Any, client_for: Any, child_maker: Any
) -> None:
    mine = child_maker("Phạm Văn Tú")
    elsewhere = child_maker("Đỗ Thị Hà", area=world.village2, sex="female")
    client = client_for(world.collaborator)
    body = client.get(reverse("registry:child_list")).content.decode()
    assert "Phạm Văn Tú" in body and "Đỗ Thị Hà" not in body
    assert client.get(reverse("registry:child_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("registry:child_detail", args=[elsewhere.pk])).status_code == 404
    # registered by the officer: the collaborator may read but not edit
    assert client.get(reverse("registry:child_edit", args=[mine.pk])).status_code == 404


def test_the_child_page_shows_a_caregivers_wrong_id_number_and_why(
    world: Any, client_for: Any, kid: Child
) -> None:
    from treem.registry.models import Caregiver

    # stored before the check (the services refuse such a number now)
    mother = kid.caregivers.get(relation="mother")
    Caregiver.objects.filter(pk=mother.pk).update(
        id_number="036090123456", birth_year=1990, id_number_valid=False
    )
    body = client_for(world.officer).get(reverse("registry:child_detail", args=[kid.pk]))
    row = body.content.decode().split("Trần Thị Bình", 1)[1].split("</tr>", 1)[0]
    assert "Số định danh: 036090123456" in row
    assert 'class="badge danger"' in row and "nhưng người này là nữ" in row


def test_detail_three_personas(world: Any, client_for: Any, kid: Child) -> None:
    url = reverse("registry:child_detail", args=[kid.pk])
    body = client_for(world.officer).get(url).content.decode()
    assert "Trần Thị Bình" in body and "Đăng ký hồ sơ" in body and 'id="case-slot"' in body
    assert client_for(world.other_officer).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_create_with_search_before_create(world: Any, client_for: Any, kid: Child) -> None:
    client = client_for(world.officer)
    url = reverse("registry:child_create")
    data = {
        "full_name": "DANG MINH KHOI",
        "birth_date": "02/04/2018",
        "birth_date_precision": "day",
        "sex": "male",
        "area": world.village.pk,
        "poverty": "none",
        "mother_name": "Hoàng Thị Cúc",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Đã có 1 trẻ trùng" in response.content.decode()
    assert Child.objects.count() == 1
    response = client.post(url, {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    new = Child.objects.exclude(pk=kid.pk).get()
    assert new.full_name == "Dang Minh Khoi"
    assert new.caregivers.get().full_name == "Hoàng Thị Cúc"
    similar = client.get(reverse("registry:child_similar"), {"full_name": "đặng minh khôi"})
    assert "Đặng Minh Khôi" in similar.content.decode()
    assert client_for(world.other_officer).get(url).status_code == 200  # own commune form
    assert Client().get(url).status_code == 302


def test_create_form_reports_bad_fields(world: Any, client_for: Any) -> None:
    response = client_for(world.officer).post(
        reverse("registry:child_create"),
        {
            "full_name": "Lê Văn Sai",
            "birth_date": "31/02/2018",
            "birth_date_precision": "day",
            "area": world.village.pk,
            "poverty": "none",
            "id_number": "12345",
        },
    )
    body = response.content.decode()
    assert "Ngày “31/02/2018” không có thật" in body
    assert Child.objects.count() == 0


def test_the_form_takes_a_birth_date_as_far_as_it_is_known_and_asks_for_the_sex(
    world: Any, client_for: Any
) -> None:
    """As the import: "2016" or "03/2016" when that is all that is known (the precision
    follows), a date and the sex required; the record's page and its edit form then show
    2016, not 01/01/2016."""
    client = client_for(world.officer)
    url = reverse("registry:child_create")
    data = {"full_name": "Lò Văn Páo", "area": world.village.pk, "poverty": "none"}
    refused = client.post(url, {**data, "birth_date_precision": "day"})
    errors = refused.context["form"].errors
    assert set(errors) >= {"birth_date", "sex"}
    assert Child.objects.count() == 0
    typed = {**data, "sex": "male", "birth_date_precision": "day", "confirm_not_duplicate": "on"}
    assert client.post(url, {**typed, "birth_date": "2016"}).status_code == 302
    pao = Child.objects.get()
    assert (pao.birth_date, pao.birth_date_precision) == (dt.date(2016, 1, 1), "year")
    edit = client.get(reverse("registry:child_edit", args=[pao.pk])).content.decode()
    assert 'value="2016"' in edit and "01/01/2016" not in edit
    later = {**typed, "full_name": "Lò Thị Mỷ", "sex": "female", "birth_date": "03/2019"}
    assert client.post(url, later).status_code == 302
    my = Child.objects.get(full_name="Lò Thị Mỷ")
    assert (my.birth_date, my.birth_date_precision) == (dt.date(2019, 3, 1), "month")
    # a full date with "year only" selected keeps the coarser choice
    guess = {**typed, "full_name": "Lò Văn Chứ", "birth_date": "15/06/2014"}
    client.post(url, {**guess, "birth_date_precision": "year"})
    assert Child.objects.get(full_name="Lò Văn Chứ").birth_date_precision == "year"


def test_edit_with_stale_version_is_refused(world: Any, client_for: Any, kid: Child) -> None:
    client = client_for(world.officer)
    url = reverse("registry:child_edit", args=[kid.pk])
    assert client.get(url).status_code == 200
    data = {
        "full_name": kid.full_name,
        "birth_date": "02/04/2018",
        "birth_date_precision": "day",
        "sex": "male",
        "area": world.village.pk,
        "poverty": "poor",
        "version": kid.version,
    }
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "poverty": "near_poor"})
    body = response.content.decode()
    assert response.status_code == 409 and "vừa được người khác sửa" in body
    kid.refresh_from_db()
    assert kid.poverty == "poor"  # nothing overwritten
    # the typed value stays in the form, the other person's is shown, and the next save
    # (the form now carries their version) goes over it knowingly
    saved = body.split('id="saved-meanwhile"', 1)[1].split("</div>", 1)[0]
    assert "Hộ nghèo, cận nghèo: <b>Hộ nghèo</b>" in saved
    assert "Họ và tên" not in saved  # a field both agree on is not listed
    form = response.context["form"]
    assert form["poverty"].value() == "near_poor"
    assert int(form["version"].value()) == kid.version
    again = client.post(url, {**data, "poverty": "near_poor", "version": kid.version})
    assert again.status_code == 302
    kid.refresh_from_db()
    assert kid.poverty == "near_poor"
    assert client_for(world.other_officer).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_sub_forms_on_child_page(world: Any, client_for: Any, kid: Child) -> None:
    client = client_for(world.officer)
    r = client.post(
        reverse("registry:circumstance_add", args=[kid.pk]),
        {"kind": "special", "group": "d", "subtype": "mild", "start_date": "01/01/2024"},
    )
    assert r.status_code == 302
    r = client.post(
        reverse("registry:support_add", args=[kid.pk]),
        {"kind": "gift", "date": "01/06/2025", "amount": "500000", "source": "business"},
    )
    assert r.status_code == 302
    body = client.get(reverse("registry:child_detail", args=[kid.pk])).content.decode()
    assert ("Trẻ em khuyết tật" in body and "500.000" in body) or "500,000" in body
    assert (
        client_for(world.other_officer)
        .post(
            reverse("registry:support_add", args=[kid.pk]), {"kind": "gift", "date": "01/06/2025"}
        )
        .status_code
        == 404
    )
    assert Client().post(reverse("registry:support_add", args=[kid.pk])).status_code == 302


def test_move_died_archive(world: Any, client_for: Any, kid: Child, child_maker: Any) -> None:
    client = client_for(world.officer)
    r = client.post(
        reverse("registry:child_move", args=[kid.pk]),
        {"to_commune": world.other_commune.pk, "date": dt.date.today().strftime("%d/%m/%Y")},
    )
    assert r.status_code == 302 and r["Location"] == reverse("registry:child_list")
    kid.refresh_from_db()
    assert kid.commune == world.other_commune
    assert (
        client_for(world.other_officer)
        .get(reverse("registry:child_detail", args=[kid.pk]))
        .status_code
        == 200
    )
    other = child_maker("Vũ Văn Khoa")
    client.post(
        reverse("registry:child_died", args=[other.pk]),
        {"date": dt.date.today().strftime("%d/%m/%Y"), "cause": "Tai nạn"},
    )
    other.refresh_from_db()
    assert other.status == "died"


def test_duplicates_merge_and_undo(world: Any, client_for: Any, child_maker: Any) -> None:
    a = child_maker("Đặng Minh Khôi", birth_date=dt.date(2018, 4, 2))
    b = child_maker("ĐẶNG MINH KHÔI", birth_date=dt.date(2018, 4, 2), area=world.village2)
    client = client_for(world.officer)
    body = client.get(reverse("registry:duplicates")).content.decode()
    assert f'value="{b.pk}"' in body
    r = client.post(reverse("registry:merge"), {"survivor": a.pk, "duplicate": b.pk})
    assert r.status_code == 302
    b.refresh_from_db()
    assert b.merged_into == a
    log = AuditLog.objects.get(action="child.merge")
    assert (
        client_for(world.other_officer).post(reverse("registry:unmerge", args=[log.pk])).status_code
        == 404
    )
    client.post(reverse("registry:unmerge", args=[log.pk]))
    b.refresh_from_db()
    assert b.merged_into is None
    assert client_for(world.other_officer).get(reverse("registry:duplicates")).status_code == 200
    assert (
        "Đặng Minh Khôi"
        not in client_for(world.other_officer).get(reverse("registry:duplicates")).content.decode()
    )
    assert Client().get(reverse("registry:duplicates")).status_code == 302


def test_records_found_to_be_different_children_leave_the_review_and_can_come_back(
    world: Any, client_for: Any, child_maker: Any
) -> None:
    """Two Nguyễn Văn An born the same day in two villages are two children: the officer
    says so, the group leaves the page (audited, the pair recorded once), a colleague of
    another commune cannot touch it, and undoing brings the group back."""
    from treem.registry.models import DistinctChildren

    a = child_maker("Nguyễn Văn An", birth_date=dt.date(2017, 9, 2))
    b = child_maker("Nguyễn Văn An", birth_date=dt.date(2017, 9, 2), area=world.village2)
    c = child_maker("Trần Thị Bé", birth_date=dt.date(2019, 1, 5))
    d = child_maker("TRẦN THỊ BÉ", birth_date=dt.date(2019, 1, 5), area=world.village2)
    client = client_for(world.officer)
    page = reverse("registry:duplicates")
    mark = reverse("registry:mark_distinct")
    assert client_for(world.other_officer).post(mark, {"child": [a.pk, b.pk]}).status_code == 404
    assert not DistinctChildren.objects.exists()
    response = client.post(mark, {"child": [a.pk, b.pk]}, follow=True)
    body = response.content.decode()
    assert "là các trẻ khác nhau" in body  # the message
    groups = [g.children for g in response.context["groups"]]
    assert [[x.pk for x in g] for g in groups] == [[c.pk, d.pk]]  # only the other group
    client.post(mark, {"child": [b.pk, a.pk]})  # again: recorded once
    pair = DistinctChildren.objects.get()
    assert (pair.first_id, pair.second_id, pair.decided_by) == (a.pk, b.pk, world.officer)
    assert AuditLog.objects.filter(action="child.distinct").count() == 1
    html = client.get(page).content.decode()
    assert html.index('id="distinct-decisions"') > html.index("<main")  # in the page's body
    section = html.split('id="distinct-decisions">', 1)[1].split("</section>", 1)[0]
    assert f'href="/tre-em/{a.pk}/"' in section and f'href="/tre-em/{b.pk}/"' in section
    assert "Hoàn tác" in section
    # each child's history says so, naming the other record
    history = client.get(reverse("registry:child_detail", args=[a.pk])).content.decode()
    timeline = history.split('class="timeline"', 1)[1].split("</ul>", 1)[0]
    assert "Xác nhận hai hồ sơ là hai trẻ khác nhau" in timeline
    assert f"Hồ sơ #{b.pk} là một trẻ khác" in timeline
    undo = reverse("registry:unmark_distinct", args=[pair.pk])
    assert client_for(world.other_officer).post(undo).status_code == 404
    client.post(undo)
    pair.refresh_from_db()
    assert pair.undone_at is not None  # kept, marked undone
    back = client.get(page)
    assert len(back.context["groups"]) == 2
    assert AuditLog.objects.filter(action="child.distinct_undo").count() == 1
    # a merged record cannot be called a different child
    client.post(reverse("registry:merge"), {"survivor": c.pk, "duplicate": d.pk})
    refused = client.post(mark, {"child": [c.pk, d.pk]}, follow=True).content.decode()
    assert "đã được gộp trước đó" in refused


def test_data_quality_page(world: Any, client_for: Any, child_maker: Any) -> None:
    child_maker("Lê Văn Thiếu")  # no ID, no ethnicity, no caregiver
    client = client_for(world.officer)
    url = reverse("registry:data_quality")
    body = client.get(url).content.decode()
    assert "Chưa có số định danh" in body and "Liễu Đề" in body
    listing = client.get(url, {"problem": "no_ethnicity"}).content.decode()
    assert "Lê Văn Thiếu" in listing
    assert (
        "Lê Văn Thiếu"
        not in client_for(world.other_officer)
        .get(url, {"problem": "no_ethnicity"})
        .content.decode()
    )
    assert Client().get(url).status_code == 302


def test_dashboard_cards(world: Any, client_for: Any, kid: Child) -> None:
    body = client_for(world.officer).get("/").content.decode()
    assert "Trẻ em đang theo dõi" in body
    assert "Thôn, tổ dân phố" in body and "Đơn vị phối hợp" in body
    # a collaborator's home is about the children of the village, not the commune's structure
    mine = client_for(world.collaborator).get("/").content.decode()
    assert "Trẻ em đang theo dõi" in mine
    assert "Thôn, tổ dân phố" not in mine and "Đơn vị phối hợp" not in mine


def test_import_button_only_for_those_who_may_import(world: Any, client_for: Any) -> None:
    officer_page = client_for(world.officer).get(reverse("registry:child_list")).content.decode()
    assert "Nhập từ Excel" in officer_page
    collaborator = client_for(world.collaborator)
    assert "Nhập từ Excel" not in collaborator.get(reverse("registry:child_list")).content.decode()
    assert collaborator.get(reverse("registry:import")).status_code == 404


def test_change_history_says_what_changed_in_words(world: Any, client_for: Any) -> None:
    import datetime as dt

    from treem.registry import services

    child = services.child_create(
        actor=world.officer,
        area=world.village,
        full_name="Lò Văn Páo",
        birth_date=dt.date(2016, 3, 5),
        sex="male",
    )
    child = services.child_update(
        actor=world.officer,
        child=child,
        version=child.version,
        sex="female",
        birth_date=dt.date(2016, 5, 3),
        schooling="primary",
    )
    services.caregiver_add(
        actor=world.officer, child=child, relation="mother", full_name="Lò Thị Mai"
    )
    services.support_add(
        actor=world.officer,
        child=child,
        kind="gift",
        date=dt.date(2026, 1, 20),
        amount="500000",
        source="business",
    )
    body = client_for(world.officer).get(f"/tre-em/{child.pk}/").content.decode()
    history = body.split("Lịch sử thay đổi", 1)[1].split("</section>", 1)[0]
    name = world.officer.get_full_name()
    assert name and f'<span title="{world.officer.username}">{name}</span>' in history
    assert "Giới tính: Nam → Nữ" in history
    assert "Ngày sinh: 05/03/2016 → 03/05/2016" in history
    assert "Tình trạng học tập: — → Tiểu học" in history
    assert "Họ và tên: Lò Thị Mai" in history and "Quan hệ với trẻ: Mẹ" in history
    assert "Ngày: 20/01/2026" in history and "Số tiền (đồng): 500.000" in history
    # no raw snapshot: no column names, ids or derived search columns
    for raw in ("name_sort", "created_at", "area_path", "birth_date", "{", "search_words"):
        assert raw not in history, raw


def test_village_filter_follows_area_changes(world: Any, client_for: Any) -> None:
    """The village filter's options are kept between requests: a village added or
    renamed shows at the next page, and a collaborator still sees only their own."""
    from tests.factories import make_area
    from treem.core.models import AreaLevel

    url = reverse("registry:child_list")
    body = client_for(world.officer).get(url).content.decode()
    assert "Liễu Đề" in body and "Nghĩa Thái" in body and "Thôn Mới" not in body
    make_area("13891-03", "Thôn Mới", level=AreaLevel.VILLAGE, parent=world.commune)
    world.village2.name = "Nghĩa Thái Đông"
    world.village2.save()
    body = client_for(world.officer).get(url).content.decode()
    assert "Thôn Mới" in body and "Nghĩa Thái Đông" in body
    collaborator = client_for(world.collaborator).get(url).content.decode()
    assert 'value="13891-02"' not in collaborator and 'value="13891-03"' not in collaborator
    # and the selector itself, asked for the commune, keeps to the collaborator's village
    from treem.registry import selectors

    seen = selectors.villages_for(user=world.collaborator, commune=world.commune)
    assert [v.key for v in seen] == ["13891-01"]


def test_list_filters_and_row_labels_follow_the_language(
    world: Any, client_for: Any, child_maker: Any
) -> None:
    """The filters' options and the rows' labels are translated once per language and
    kept: switching to English and back shows each language's own, the choice kept."""
    child_maker("Lò Thị Mai", sex="female")
    client = client_for(world.officer)
    url = reverse("registry:child_list") + "?sex=female&status=active"

    def page() -> str:
        res = client.get(url)
        assert res.status_code == 200
        return res.content.decode()

    vi = page()
    assert '<option value="female" selected>Nữ</option>' in vi
    assert "<td>Nữ</td>" in vi and "Đang theo dõi (dưới 16 tuổi)" in vi
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = page()
    assert '<option value="female" selected>Female</option>' in en
    assert "<td>Female</td>" in en and "Monitored (under 16)" in en
    assert "Đang theo dõi (dưới 16 tuổi)" not in en
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    again = page()
    assert '<option value="female" selected>Nữ</option>' in again
    assert "<td>Nữ</td>" in again and "Female" not in again


def test_data_quality_above_a_commune_counts_per_commune(
    world: Any, client_for: Any, child_maker: Any
) -> None:
    """A province officer's data-quality table has a row per commune (a province's
    villages, many named alike, would say little), each with the counts its commune's
    officer sees, and each count leads to that commune's children."""
    child_maker("Lê Văn Thiếu")  # no ID number, no caregiver
    child_maker("Lê Văn Đủ", id_number=None, area=world.village2)
    child_maker("Trần Thị Xa", actor=world.other_officer, area=world.other_village)
    url = reverse("registry:data_quality")
    page = client_for(world.province_officer).get(url).content.decode()
    table = page[page.index('id="quality"') : page.index("</table>")]
    assert "<th>Xã, phường</th>" in table
    rows = {
        name: row
        for row in table.split("<tr>")[2:]
        for name in (world.commune.full_name, world.other_commune.full_name)
        if f"<td>{name}</td>" in row
    }
    assert set(rows) == {world.commune.full_name, world.other_commune.full_name}
    # the commune's own page counts the same: 2 children, both without an ID number
    own = client_for(world.officer).get(url).content.decode()
    own_total = own[own.index("<tfoot>") : own.index("</tfoot>")]
    mine = rows[world.commune.full_name]
    assert '<td class="num">2</td>' in mine and '<th class="num">2</th>' in own_total
    link = f'?problem=no_id&amp;commune={world.commune.pk}"'
    assert link in mine
    listing = client_for(world.province_officer).get(
        url, {"problem": "no_id", "commune": world.commune.pk}
    )
    body = listing.content.decode()
    assert "Lê Văn Thiếu" in body and "Lê Văn Đủ" in body and "Trần Thị Xa" not in body
    assert f"<h2>Chưa có số định danh · {world.commune.full_name}</h2>" in body
    # its export writes that listing only
    export = f"/tre-em/chat-luong-du-lieu/xuat/?problem=no_id&amp;commune={world.commune.pk}"
    assert f'href="{export}"' in body
    book = openpyxl.load_workbook(
        io.BytesIO(client_for(world.province_officer).get(export.replace("&amp;", "&")).content)
    )
    names = {row[3] for row in book.active.iter_rows(min_row=4, values_only=True)}
    assert names == {"Lê Văn Thiếu", "Lê Văn Đủ"}


def test_move_form_is_loaded_when_asked_for(
    world: Any, client_for: Any, kid: Child, django_assert_max_num_queries: Any
) -> None:
    """The child page no longer lists the province's communes: the move section loads
    its form when opened (a fragment for the page, a page of its own without
    JavaScript), for those who may move the child."""
    detail = reverse("registry:child_detail", args=[kid.pk])
    move = reverse("registry:child_move", args=[kid.pk])
    client = client_for(world.officer)
    body = client.get(detail).content.decode()
    assert f'hx-get="{move}"' in body and world.other_commune.full_name not in body
    fragment = client.get(move, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith("<form") and f'action="{move}"' in fragment
    assert (
        f'<option value="{world.other_commune.pk}">{world.other_commune.full_name}</option>'
        in fragment
    )
    assert f'<option value="{world.commune.pk}"' not in fragment  # not to its own commune
    page = client.get(move).content.decode()
    assert "<h1>Chuyển đi xã khác · " in page and f'action="{move}"' in page
    assert client_for(world.collaborator).get(move).status_code == 404
    assert client_for(world.other_officer).get(move).status_code == 404


def test_a_caregiver_form_with_a_wrong_number_or_year_says_which_field_and_adds_nobody(
    world: Any, child_maker: Any, client_for: Any
) -> None:
    from treem.registry.models import Caregiver

    child = child_maker("Nguyễn Văn An")
    client = client_for(world.officer)
    url = f"/tre-em/{child.pk}/nguoi-cham-soc/"
    base = {"relation": "mother", "full_name": "Trần Thị Cúc", "status": "living"}
    # the mother's number codes a man born in 1990
    res = client.post(url, {**base, "birth_year": "1990", "id_number": "036090004321"}, follow=True)
    body = res.content.decode()
    assert "Số định danh: " in body and "người này là nữ" in body
    # a year that is not a number: the form says so
    res = client.post(url, {**base, "birth_year": "năm ngoái"}, follow=True)
    assert "Năm sinh: " in res.content.decode()
    assert not Caregiver.objects.filter(child=child).exists()
    # the same caregiver, right: added
    res = client.post(url, {**base, "birth_year": "1990", "id_number": "036190004321"}, follow=True)
    assert "Đã thêm người chăm sóc." in res.content.decode()
    assert Caregiver.objects.get(child=child).id_number_valid is True
