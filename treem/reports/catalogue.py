"""The seeded indicator catalogue: what TreEm computes from the registry and cases.

TT13 codes are given where the national list names the indicator (Thông tư 13/2021/
TT-BLĐTBXH; Appendix IV 0101 for abused children); others are left blank for the
administrator to fill in. Names are the Vietnamese official wording, stored as data; they
are also msgids (`gettext_noop`), so `Indicator.display_name()` shows them in the
interface language, while a name an administrator wrote or changed shows as written.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

# slug, code, name, group, unit, formula, computation, disaggregations, period_type, order
SEED: list[dict[str, Any]] = [
    {
        "slug": "child_population",
        "code": "0101",
        "name": gettext_noop("Số trẻ em"),
        "group": "01",
        "unit": "number",
        "formula": "computed",
        "computation": "child_population",
        "disaggregations": ["age_group", "ethnicity", "sex"],
        "definition": "Số người dưới 16 tuổi đang cư trú trên địa bàn tại thời điểm cuối kỳ.",
        "sort_order": 10,
    },
    {
        "slug": "special_circumstances",
        "code": "0301",
        "name": gettext_noop("Số trẻ em có hoàn cảnh đặc biệt"),
        "group": "03",
        "unit": "number",
        "formula": "computed",
        "computation": "special_circumstances",
        "disaggregations": ["age_group", "circumstance_group", "sex"],
        "definition": "Trẻ em thuộc một trong 14 nhóm của Điều 10 Luật Trẻ em trong kỳ; "
        "một trẻ thuộc nhiều nhóm được tính một lần ở dòng tổng.",
        "sort_order": 20,
    },
    {
        "slug": "special_circumstances_supported",
        "code": "0302",
        "name": gettext_noop("Số trẻ em có hoàn cảnh đặc biệt được trợ giúp"),
        "group": "03",
        "unit": "number",
        "formula": "computed",
        "computation": "special_circumstances_supported",
        "disaggregations": ["age_group", "circumstance_group", "sex"],
        "definition": "Trẻ em có hoàn cảnh đặc biệt nhận ít nhất một hình thức trợ giúp trong kỳ.",
        "sort_order": 30,
    },
    {
        "slug": "special_circumstances_supported_pct",
        "code": "0302",
        "name": gettext_noop("Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp"),
        "group": "03",
        "unit": "percent",
        "formula": "ratio",
        "numerator": "special_circumstances_supported",
        "denominator": "special_circumstances",
        "disaggregations": ["age_group", "circumstance_group", "sex"],
        "definition": "Số trẻ em có HCĐB được trợ giúp / số trẻ em có HCĐB × 100.",
        "sort_order": 31,
    },
    {
        "slug": "at_risk",
        "code": "",
        "name": gettext_noop("Số trẻ em có nguy cơ rơi vào hoàn cảnh đặc biệt"),
        "group": "03",
        "unit": "number",
        "formula": "computed",
        "computation": "at_risk",
        "disaggregations": ["age_group", "sex"],
        "sort_order": 40,
    },
    {
        "slug": "abused_children",
        "code": "IV.0101",
        "name": gettext_noop("Số trẻ em bị xâm hại"),
        "group": "abuse",
        "unit": "number",
        "formula": "computed",
        "computation": "abused_children",
        "disaggregations": ["abuse_form", "age_group", "setting", "sex"],
        "definition": "Trẻ em là nạn nhân của ít nhất một vụ việc xâm hại được tiếp nhận trong kỳ; "
        "một trẻ bị nhiều hình thức được tính một lần ở dòng tổng.",
        "sort_order": 50,
    },
    {
        "slug": "abuse_cases",
        "code": "",
        "name": gettext_noop("Số vụ việc xâm hại trẻ em"),
        "group": "abuse",
        "unit": "number",
        "formula": "computed",
        "computation": "abuse_cases",
        "disaggregations": ["abuse_form", "setting"],
        "sort_order": 55,
    },
    {
        "slug": "injured_children",
        "code": "0206",
        "name": gettext_noop("Số trẻ em bị tai nạn, thương tích"),
        "group": "02",
        "unit": "number",
        "formula": "computed",
        "computation": "injured_children",
        "disaggregations": ["age_group", "injury_cause", "sex"],
        "sort_order": 60,
    },
    {
        "slug": "injury_deaths",
        "code": "0207",
        "name": gettext_noop("Số trẻ em tử vong do tai nạn, thương tích"),
        "group": "02",
        "unit": "number",
        "formula": "computed",
        "computation": "injury_deaths",
        "disaggregations": ["age_group", "injury_cause", "sex"],
        "sort_order": 65,
    },
    {
        "slug": "id_number_problems",
        "code": "",
        "name": gettext_noop("Số trẻ em chưa có hoặc sai số định danh cá nhân"),
        "group": "01",
        "unit": "number",
        "formula": "computed",
        "computation": "id_number_problems",
        "disaggregations": ["age_group", "id_problem", "sex"],
        "definition": "Trẻ em chưa có số định danh, hoặc số không đúng cấu trúc, không khớp "
        "giới tính, năm sinh (Thông tư 07/2016/TT-BCA).",
        "sort_order": 90,
    },
]


def seed_indicators(Indicator: Any) -> None:
    """Upsert the catalogue (a data migration calls this with the historical model)."""
    by_slug: dict[str, Any] = {}
    for row in SEED:
        data = {k: v for k, v in row.items() if k not in ("slug", "numerator", "denominator")}
        data.setdefault("period_type", "both")
        if row.get("numerator"):  # the terms come earlier in SEED
            data["numerator"] = by_slug[row["numerator"]]
            data["denominator"] = by_slug[row["denominator"]]
        obj, _created = Indicator.objects.update_or_create(slug=row["slug"], defaults=data)
        by_slug[row["slug"]] = obj
