"""Vietnamese labels for disaggregation keys ("sex=female" -> "Nữ")."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _

from treem.reports.models import Dimension

# The cases app's choice classes for its dimensions (looked up when present).
CASES_CHOICES = {
    "abuse_form": "AbuseForm",
    "setting": "AbuseSetting",
    "injury_cause": "InjuryCause",
}


def _choices(label: str, attr: str) -> dict[str, Any]:
    try:
        module = __import__(label, fromlist=[attr])
        return dict(getattr(module, attr).choices)
    except (ImportError, AttributeError):
        return {}


@lru_cache(maxsize=1)
def _ethnicities() -> dict[str, str]:
    try:
        Ethnicity = apps.get_model("registry", "Ethnicity")
    except LookupError:  # pragma: no cover
        return {}
    return dict(Ethnicity.objects.values_list("code", "name"))


def value_label(dim: str, value: str) -> str:
    if value == "unknown":
        return _("Không rõ")
    if dim == "sex":
        return {"male": _("Nam"), "female": _("Nữ")}.get(value, value)
    if dim == "age_group":
        return {
            "0_3": _("Dưới 3 tuổi"),
            "3_6": _("3 đến dưới 6 tuổi"),
            "6_11": _("6 đến dưới 11 tuổi"),
            "11_16": _("11 đến dưới 16 tuổi"),
        }.get(value, value)
    if dim == "ethnicity":
        return _ethnicities().get(value, value)
    if dim == "circumstance_group":
        return str(_choices("treem.registry.models", "SpecialGroup").get(value, value))
    if dim == "id_problem":
        return {"missing": _("Chưa có số định danh"), "invalid": _("Số định danh sai")}.get(
            value, value
        )
    if dim in CASES_CHOICES:
        found = _choices("treem.cases.models", CASES_CHOICES[dim]).get(value)
        if found:
            return str(found)
    return value


def key_label(key: str) -> str:
    if not key:
        return _("Tổng số")
    parts = []
    for part in key.split(";"):
        dim, _sep, value = part.partition("=")
        parts.append(value_label(dim, value))
    return " · ".join(parts)


def dimension_name(dim: str) -> str:
    return str(dict(Dimension.choices).get(dim, dim))
