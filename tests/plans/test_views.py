"""Plan pages: three personas each, upload and review, progress, measurements, export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import World
from tests.plans.conftest import SAMPLE
from treem.plans.models import Plan, PlanStatus, TaskStatus

pytestmark = pytest.mark.django_db


def _routes(plan: Plan) -> list[str]:
    task = plan.tasks.get(number="1.a")
    return [
        reverse("plans:plan_detail", args=[plan.pk]),
        reverse("plans:plan_review", args=[plan.pk]),
        reverse("plans:plan_export", args=[plan.pk]),
        reverse("plans:task_detail", args=[task.pk]),
    ]


def test_owner_sees_every_page(world: World, plan: Plan, client_for: Any) -> None:
    client = client_for(world.officer)
    for url in [reverse("plans:plan_list"), reverse("plans:upload"), reverse("plans:my_tasks")]:
        assert client.get(url).status_code == 200, url
    for url in _routes(plan):
        assert client.get(url).status_code == 200, url


def test_officer_of_another_commune_gets_404(world: World, plan: Plan, client_for: Any) -> None:
    client = client_for(world.other_officer)
    for url in _routes(plan):
        assert client.get(url).status_code == 404, url
    assert plan.title not in client.get(reverse("plans:plan_list")).content.decode()


def test_anonymous_is_sent_to_login(world: World, plan: Plan, client: Any) -> None:
    for url in [reverse("plans:plan_list"), reverse("plans:upload"), *_routes(plan)]:
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"], url


def test_plan_list_query_count_is_bounded(
    world: World, plan: Plan, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.officer)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("plans:plan_list"))
    assert plan.title in response.content.decode()


def test_plan_detail_query_count_is_bounded(
    world: World, plan: Plan, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.officer)
    with django_assert_max_num_queries(25):
        client.get(reverse("plans:plan_detail", args=[plan.pk]))


def test_upload_reads_the_plan_and_opens_the_review_page(
    world: World, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.officer)
    upload = SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes(), "text/plain")
    response = client.post(reverse("plans:upload"), {"file": upload, "area": world.commune.key})
    plan = Plan.objects.get(area=world.commune)
    assert response["Location"] == reverse("plans:plan_review", args=[plan.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Kiện toàn Ban bảo vệ trẻ em xã" in page  # the source text beside the form
    assert plan.tasks.count() == 7 and plan.status == PlanStatus.DRAFT


def test_a_scanned_pdf_gets_the_needs_ocr_message(world: World, client_for: Any) -> None:
    # A PDF page with no text layer: only an empty content stream.
    pdf = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF"
    )
    response = client_for(world.officer).post(
        reverse("plans:upload"), {"file": SimpleUploadedFile("scan.pdf", pdf)}
    )
    assert response.status_code == 200
    assert "OCR" in response.content.decode()
    assert not Plan.objects.exists()


def test_a_doc_file_is_refused_with_a_vietnamese_message(world: World, client_for: Any) -> None:
    response = client_for(world.officer).post(
        reverse("plans:upload"), {"file": SimpleUploadedFile("kh.doc", b"\xd0\xcf")}
    )
    assert "lưu lại dưới dạng .docx" in response.content.decode()


def _review_post(plan: Plan, **overrides: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": plan.version,
        "title": plan.title,
        "year": plan.year,
        "number": plan.number,
        "issued_date": plan.issued_date.strftime("%d/%m/%Y") if plan.issued_date else "",
        "signer_name": plan.signer_name,
        "signer_title": plan.signer_title,
    }
    for task in plan.tasks.all():
        data[f"task-{task.pk}-version"] = task.version
        data[f"task-{task.pk}-number"] = task.number
        data[f"task-{task.pk}-title"] = task.title
        data[f"task-{task.pk}-timeframe"] = task.timeframe_text
        data[f"task-{task.pk}-lead"] = "; ".join(a.name for a in task.lead_units.all())
        data[f"task-{task.pk}-coord"] = "; ".join(a.name for a in task.coordinating_units.all())
    data.update(overrides)
    return data


def test_review_corrects_a_lead_unit_and_only_that_task_changes(
    world: World, plan: Plan, client_for: Any
) -> None:
    task = plan.tasks.get(number="1.b")
    other = plan.tasks.get(number="2.a")
    client = client_for(world.officer)
    response = client.post(
        reverse("plans:plan_review", args=[plan.pk]),
        _review_post(plan, **{f"task-{task.pk}-lead": world.health_station.name}),
    )
    assert response.status_code == 302
    assert list(task.lead_units.all()) == [world.health_station]
    other_before = other.version
    other.refresh_from_db()
    assert other.version == other_before


def test_review_with_a_stale_version_shows_the_conflict(
    world: World, plan: Plan, client_for: Any
) -> None:
    client = client_for(world.officer)
    data = _review_post(plan, title="Tiêu đề mới")
    data["version"] = plan.version - 1 if plan.version > 1 else plan.version + 5
    response = client.post(reverse("plans:plan_review", args=[plan.pk]), data)
    assert "đã được người khác sửa" in response.content.decode()


def test_review_bad_date_names_the_field(world: World, plan: Plan, client_for: Any) -> None:
    response = client_for(world.officer).post(
        reverse("plans:plan_review", args=[plan.pk]), _review_post(plan, issued_date="32/13/2025")
    )
    assert "Ngày ban hành không hợp lệ" in response.content.decode()


def test_focal_point_sees_their_tasks_and_marks_one_done(
    world: World, plan: Plan, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.focal_point)
    page = client.get(reverse("plans:my_tasks")).content.decode()
    assert "loa truyền thanh" in page  # 1.a, led by the health station
    assert "Rà soát, cảnh báo" not in page  # 2.a belongs to the police and the school
    task = plan.tasks.get(number="1.a")
    response = client.post(
        reverse("plans:task_detail", args=[task.pk]),
        {
            "status": "done",
            "date": "01/09/2025",
            "narrative": "Đã phát 12 buổi.",
            "version": task.version,
            "evidence": [SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff")],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    detail = client_for(world.officer).get(reverse("plans:plan_detail", args=[plan.pk]))
    assert detail.context["dash"].totals["done"] == 1
    evidence = task.progress_entries.get().evidence.get()
    url = reverse("plans:evidence_download", args=[evidence.pk])
    assert client_for(world.officer).get(url).status_code == 200
    assert client_for(world.other_officer).get(url).status_code == 404


def test_focal_point_cannot_post_progress_on_another_units_task(
    world: World, plan: Plan, client_for: Any
) -> None:
    task = plan.tasks.get(number="2.a")
    response = client_for(world.focal_point).post(
        reverse("plans:task_detail", args=[task.pk]), {"status": "done", "date": "01/09/2025"}
    )
    assert response.status_code == 404


def test_officer_records_a_target_value(world: World, plan: Plan, client_for: Any) -> None:
    target = plan.targets.get(value=Decimal("98"))
    client = client_for(world.officer)
    client.post(
        reverse("plans:target_measure", args=[plan.pk, target.pk]),
        {"period": "6_months", "year": 2025, "value": "95,5"},
    )
    assert target.measurements.get().value == Decimal("95.50")
    response = client_for(world.other_officer).post(
        reverse("plans:target_measure", args=[plan.pk, target.pk]),
        {"period": "annual", "year": 2025, "value": "90"},
    )
    assert response.status_code == 404


def test_leader_issues_the_plan(world: World, plan: Plan, client_for: Any) -> None:
    client_for(world.leader).post(
        reverse("plans:plan_issue", args=[plan.pk]), {"version": plan.version}
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED


def test_export_is_a_word_document_in_the_administrative_layout(
    world: World, plan: Plan, client_for: Any
) -> None:
    import docx

    response = client_for(world.officer).get(reverse("plans:plan_export", args=[plan.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(response.content))
    header = document.tables[0].rows[0].cells
    assert header[0].paragraphs[0].text == "ỦY BAN NHÂN DÂN"
    assert header[0].paragraphs[1].text == "XÃ NGHĨA HƯNG"
    assert header[0].paragraphs[2].text == "Số: 45/KH-UBND"
    assert header[1].paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert header[1].paragraphs[1].text == "Độc lập - Tự do - Hạnh phúc"
    date_run = header[1].paragraphs[2].runs[0]
    assert header[1].paragraphs[2].text == "Nghĩa Hưng, ngày 12 tháng 8 năm 2025"
    assert date_run.italic
    assert document.styles["Normal"].font.name == "Times New Roman"
    texts = [p.text for p in document.paragraphs]
    assert "KẾ HOẠCH" in texts
    closing = document.tables[-1].rows[0].cells
    assert closing[0].paragraphs[0].text == "Nơi nhận:"
    assert "Trần Văn Nam" in [p.text for p in closing[1].paragraphs]


def test_dashboard_cards_show_the_current_plan(world: World, plan: Plan, client_for: Any) -> None:
    from treem.plans.dashboard import cards

    Plan.objects.filter(pk=plan.pk).update(year=2026)
    labels = [str(c.label) for c in cards(user=world.officer, area=world.commune)]
    assert "Nhiệm vụ hoàn thành" in labels
    assert cards(user=world.other_officer, area=world.commune) == []


def test_a_units_dashboard_counts_its_own_tasks_not_the_communes(
    world: World, plan: Plan, client_for: Any
) -> None:
    """The health station's focal point sees how the tasks their unit reports on stand
    (those it leads or joins), linked to "Nhiệm vụ của tôi"; the officer sees the plan's."""
    from treem.plans.dashboard import cards
    from treem.plans.selectors import my_tasks

    Plan.objects.filter(pk=plan.pk).update(year=dt.date.today().year)
    mine = list(my_tasks(user=world.focal_point, area=world.commune).filter(plan=plan))
    leaves = [t for t in mine if not t.children.exists()]
    assert 0 < len(leaves) < plan.tasks.filter(children__isnull=True).count()
    done = leaves[0]
    done.status = TaskStatus.DONE
    done.save()
    plan.tasks.filter(pk__in=[t.pk for t in leaves[1:]]).update(end_date=dt.date(2000, 1, 31))
    plan.tasks.exclude(pk__in=[t.pk for t in leaves]).update(end_date=dt.date(2000, 1, 31))
    unit = {str(c.label): c for c in cards(user=world.focal_point, area=world.commune)}
    assert unit["Nhiệm vụ của đơn vị hoàn thành"].value == f"1/{len(leaves)}"
    assert unit["Nhiệm vụ của đơn vị quá hạn"].value == len(leaves) - 1
    assert unit["Nhiệm vụ của đơn vị quá hạn"].url == reverse("plans:my_tasks")
    assert "Nhiệm vụ quá hạn" not in unit
    commune = {str(c.label): c for c in cards(user=world.officer, area=world.commune)}
    all_leaves = plan.tasks.filter(children__isnull=True).count()
    assert commune["Nhiệm vụ hoàn thành"].value == f"1/{all_leaves}"
    assert commune["Nhiệm vụ quá hạn"].value == all_leaves - 1
    page = client_for(world.focal_point).get("/").content.decode()
    assert "Nhiệm vụ của đơn vị quá hạn" in page


def test_review_adds_a_missing_task_in_number_order_and_a_deadline(
    world: World, plan: Plan, client_for: Any
) -> None:
    data = _review_post(
        plan,
        **{
            "task-new-number": "1.c",
            "task-new-title": "Tổ chức diễn đàn trẻ em xã",
            "task-new-lead": "Đoàn Thanh niên xã",
            "task-new-timeframe": "Tháng 9/2025",
            "deadline-new-period": "quarterly",
            "deadline-new-due": "05/10/2025",
            "deadline-new-recipient": "Ủy ban nhân dân xã",
            "deadline-new-level": "units",
        },
    )
    response = client_for(world.officer).post(reverse("plans:plan_review", args=[plan.pk]), data)
    assert response.status_code == 302
    numbers = list(plan.tasks.order_by("position").values_list("number", flat=True))
    assert numbers.index("1.c") == numbers.index("1.b") + 1
    new = plan.tasks.get(number="1.c")
    assert new.parent == plan.tasks.get(number="1")
    assert [a.name for a in new.lead_units.all()] == ["Đoàn Thanh niên xã"]
    assert plan.report_deadlines.filter(period="quarterly").exists()


def test_review_bad_deadline_date_names_the_row(world: World, plan: Plan, client_for: Any) -> None:
    deadline = plan.report_deadlines.order_by("due_date").first()
    data = _review_post(plan, **{f"deadline-{deadline.pk}-due": "31/02/2025"})
    response = client_for(world.officer).post(reverse("plans:plan_review", args=[plan.pk]), data)
    assert "Hạn báo cáo 1" in response.content.decode()
    assert "31/02/2025" in response.content.decode()


def test_a_pre_2025_plan_is_filed_under_the_legacy_commune(
    world: World, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.officer)
    page = client.get(reverse("plans:upload")).content.decode()
    assert "Xã Nghĩa Thái (trước 2025)" in page
    upload = SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes(), "text/plain")
    response = client.post(
        reverse("plans:upload"), {"file": upload, "area": world.legacy_commune.key}, follow=True
    )
    plan = Plan.objects.get()
    assert plan.area == world.legacy_commune
    # The text says Nghĩa Hưng issued it: the officer is warned to check.
    assert "khác với Xã Nghĩa Thái" in response.content.decode()


def test_review_links_the_plan_above(world: World, plan: Plan, client_for: Any) -> None:
    from treem.plans import services
    from treem.plans.extraction import extract_text

    above = services.plan_create_from_extraction(
        actor=world.admin,
        area=world.province,
        data=extract_text("KẾ HOẠCH\nThực hiện công tác trẻ em năm 2025\n"),
    )
    data = _review_post(plan, parent_plan=str(above.pk))
    client_for(world.officer).post(reverse("plans:plan_review", args=[plan.pk]), data)
    plan.refresh_from_db()
    assert plan.parent_plan == above


def test_a_commune_reads_the_province_plan_but_cannot_edit_it(
    world: World, client_for: Any
) -> None:
    from tests.factories import make_area, make_user
    from treem.plans import services
    from treem.plans.extraction import extract_text

    above = services.plan_create_from_extraction(
        actor=world.admin,
        area=world.province,
        data=extract_text("KẾ HOẠCH\nThực hiện công tác trẻ em năm 2026\n"),
    )
    officer = client_for(world.officer)
    assert officer.get(reverse("plans:plan_detail", args=[above.pk])).status_code == 200
    assert officer.get(reverse("plans:plan_review", args=[above.pk])).status_code == 404
    elsewhere = make_area("01", "Hà Nội", level=1)
    far = make_user(
        "hanoi", "commune_officer", make_area("00004", "Ba Đình", level=3, parent=elsewhere)
    )
    assert client_for(far).get(reverse("plans:plan_detail", args=[above.pk])).status_code == 404


def test_my_tasks_and_task_page_query_counts_are_bounded(
    world: World, plan: Plan, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.focal_point)
    with django_assert_max_num_queries(15):
        client.get(reverse("plans:my_tasks"))
    task = plan.tasks.get(number="1.a")
    with django_assert_max_num_queries(20):
        client.get(reverse("plans:task_detail", args=[task.pk]))


def test_my_tasks_is_offered_to_those_who_record_progress(world: World, client_for) -> None:
    url = reverse("plans:my_tasks")
    for user, offered in ((world.focal_point, True), (world.officer, True), (world.leader, False)):
        client = client_for(user)
        assert (url in client.get(reverse("plans:plan_list")).content.decode()) is offered
        assert client.get(url).status_code == (200 if offered else 404)


def test_a_heading_task_shows_its_sub_items_progress_and_is_not_counted(
    world: World, plan: Plan, client_for
) -> None:
    from treem.plans import services

    plan = services.plan_update(actor=world.officer, plan=plan, version=plan.version, number="45")
    plan = services.plan_issue(actor=world.leader, plan=plan, version=plan.version)
    tasks = {t.number: t for t in plan.tasks.all()}
    services.task_progress_record(actor=world.officer, task=tasks["1.a"], status=TaskStatus.DONE)
    client = client_for(world.officer)

    def heading_cell(number: str) -> str:
        body = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
        row = body.split(f'data-task="{number}"', 1)[1].split("</tr>", 1)[0]
        return row.rsplit("<td>", 1)[1]

    cell = heading_cell("1")  # 1.a done, 1.b not started and past its end (a 2025 plan)
    assert "Quá hạn" in cell and "1/2" in cell
    from treem.plans.selectors import plan_tasks, task_states

    early = task_states(list(plan_tasks(plan)), dt.date(2025, 1, 1))[tasks["1"].pk]
    assert (early.status, early.overdue, early.done, early.leaves) == ("in_progress", False, 1, 2)
    detail = client.get(reverse("plans:plan_detail", args=[plan.pk]))
    totals = detail.context["dash"].totals
    # the headings 1, 2 are not tasks of their own; 3 (no sub-items) is
    assert totals["total"] == 5 and totals["done"] == 1
    listed = client.get(reverse("plans:plan_list")).content.decode()
    assert "<td>1/5</td>" in listed
    services.task_progress_record(actor=world.officer, task=tasks["1.b"], status=TaskStatus.DONE)
    cell = heading_cell("1")
    assert "Hoàn thành" in cell and "2/2" in cell
    assert "0/2" in heading_cell("2")
