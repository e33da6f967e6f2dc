"""The breakdown rows of a report are named in Vietnamese: every value of every dimension
the engine stores (a case's setting, an injury's cause...), never the stored code."""

from __future__ import annotations

import pytest

from treem.reports.labels import CHOICES, key_label
from treem.reports.models import Dimension

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("dimension", sorted(CHOICES))
def test_every_value_of_a_choice_dimension_has_its_vietnamese_name(dimension: str) -> None:
    for value, label in CHOICES[dimension].choices:
        assert key_label(f"{dimension}={value}") == str(label)


def test_the_report_names_settings_causes_and_combined_keys() -> None:
    assert key_label("setting=family") == "Gia đình"
    assert key_label("injury_cause=drowning") == "Đuối nước"
    assert key_label("abuse_form=sexual_abuse;setting=online") == (
        "Xâm hại tình dục · Môi trường mạng"
    )
    assert key_label("sex=female;age_group=0_3") == "Nữ · Dưới 3 tuổi"
    assert key_label("ethnicity=01") == "Kinh"
    assert key_label("") == "Tổng số"


def test_every_dimension_of_the_catalogue_is_named() -> None:
    """A dimension the catalogue offers has its values named (sex, age group, ethnic group and
    ID problem by their own tables; the others by `CHOICES`)."""
    own = {"sex", "age_group", "ethnicity", "id_problem"}
    assert {d for d, _label in Dimension.choices} <= own | set(CHOICES)
