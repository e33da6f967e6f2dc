"""report_deadlines_for: the reports app's 6-month and annual due dates per level."""

from __future__ import annotations

import datetime as dt

from tests.conftest import World
from treem.plans import services
from treem.plans.extraction import extract_text
from treem.plans.models import Plan, PlanStatus
from treem.plans.selectors import report_deadlines_for


def test_defaults_when_no_plan_exists(world: World) -> None:
    result = report_deadlines_for(world.commune, 2027)
    assert result["6_months"].units_due == dt.date(2027, 5, 10)
    assert result["6_months"].area_due == dt.date(2027, 5, 15)
    assert result["annual"].area_due == dt.date(2027, 11, 15)
    assert result["annual"].source == "default"


def test_the_communes_plan_gives_the_units_deadlines(world: World, plan: Plan) -> None:
    result = report_deadlines_for(world.commune, 2025)
    assert result["6_months"].units_due == dt.date(2025, 6, 5)
    assert result["annual"].units_due == dt.date(2025, 11, 5)
    assert result["annual"].source == "plan" and result["annual"].plan_id == plan.pk


def test_the_province_plan_sets_when_the_commune_reports(world: World) -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH NINH BÌNH\nSố: 5/KH-UBND\nNinh Bình, ngày 08 tháng 01 năm 2026\n"
        "KẾ HOẠCH\nThực hiện công tác trẻ em năm 2026\nI. MỤC ĐÍCH, YÊU CẦU\nBảo đảm quyền trẻ em.\n"
        "II. CHẾ ĐỘ BÁO CÁO\nỦy ban nhân dân các xã, phường báo cáo kết quả 6 tháng trước ngày "
        "20/5/2026 và báo cáo năm trước ngày 20/11/2026 về Ủy ban nhân dân tỉnh (qua Sở Y tế).\n"
    )
    data = extract_text(text)
    province_plan = services.plan_create_from_extraction(
        actor=world.admin, area=world.province, data=data, status=PlanStatus.ISSUED
    )
    result = report_deadlines_for(world.commune, 2026)
    assert result["6_months"].area_due == dt.date(2026, 5, 20)
    assert result["6_months"].units_due == dt.date(2026, 5, 15)
    assert result["annual"].source == "parent_plan"
    assert result["annual"].plan_id == province_plan.pk
