"""Vietnamese labels for disaggregation keys ("sex=female" -> "Nữ")."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from treem.cases.models import AbuseForm, IncidentKind, Setting
from treem.registry.models import Ethnicity, SpecialGroup
from treem.reports.models import Dimension

# The dimensions whose values are a model's choices (the label is the choice's).
CHOICES: dict[str, Any] = {
    "abuse_form": AbuseForm,
    "setting": Setting,
    "injury_cause": IncidentKind,
    "circumstance_group": SpecialGroup,
}


@lru_cache(maxsize=1)
def _ethnicities() -> dict[str, str]:
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
    if dim == "id_problem":
        return {"missing": _("Chưa có số định danh"), "invalid": _("Số định danh sai")}.get(
            value, value
        )
    if dim in CHOICES:
        return str(dict(CHOICES[dim].choices).get(value, value))
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


def dimension_values(dim: str) -> list[tuple[str, str]]:
    """(value, label) of each category of a disaggregation, in the order a form lists
    them: the boxes of a manual indicator's values."""
    from treem.reports.computations import AGE_GROUPS

    if dim == "sex":
        values = ["male", "female"]
    elif dim == "age_group":
        values = [g for g, _low, _high in AGE_GROUPS]
    elif dim == "ethnicity":
        values = list(_ethnicities())
    elif dim == "id_problem":
        values = ["missing", "invalid"]
    elif dim in CHOICES:
        values = list(CHOICES[dim].values)
    else:
        values = []
    return [(v, value_label(dim, v)) for v in values]
