"""The import's cached fast paths give the same values as the model and text helpers."""

import pytest

from treem.core.text import clean, fold
from treem.registry.importing.parsing import fold_name, text
from treem.registry.importing.service import derived_name_columns
from treem.registry.models import Child

NAMES = [
    "Nguyễn Văn An",
    "Đặng Thị Ánh Ngọc",
    "Lò Văn Páo",
    "Hoàng",
    "Y Ksor-Niê",
    "Nguyễn Thị Ân",
    "Bùi Quang Đức Anh",
]


@pytest.mark.parametrize("name", NAMES)
def test_derived_columns_match_set_derived(name: str) -> None:
    child = Child(full_name=name)
    child.set_derived()
    assert derived_name_columns(name) == {
        "name_folded": child.name_folded,
        "name_tokens": child.name_tokens,
        "name_sort": child.name_sort,
    }
    assert fold_name(name) == fold(name)


@pytest.mark.parametrize(
    "value", ["Nam", "  Nữ ", "Trần\u00a0Thị  Bích", "Tha\u0300nh", "a\tb", "Liễu Đề", "x"]
)
def test_text_fast_path_matches_clean(value: str) -> None:
    assert text(value) == clean(value)
