from treem.core.text import (
    clean,
    collation_key,
    fold,
    fold_tokens_sorted,
    name_sort_key,
    title_case,
)


def test_fold_ignores_diacritics_case_and_spacing() -> None:
    assert fold("  NGUYỄN\u00a0Văn   Ấn ") == "nguyen van an"
    assert fold("Đặng Thị Đào") == "dang thi dao"


def test_fold_tokens_sorted_ignores_word_order() -> None:
    assert fold_tokens_sorted("An Nguyễn") == fold_tokens_sorted("Nguyễn An")


def test_clean_normalises_to_nfc_and_title_case_handles_upper_case_names() -> None:
    decomposed = "Nguye\u0302\u0303n"
    assert clean(decomposed) == "Nguyễn"
    assert title_case("NGUYỄN VĂN ĐẠT") == "Nguyễn Văn Đạt"


def test_vietnamese_collation_orders_letters_as_the_alphabet() -> None:
    names = ["Đức", "Dũng", "Ân", "Anh", "Bình", "Ấn"]
    assert sorted(names, key=collation_key) == ["Anh", "Ân", "Ấn", "Bình", "Dũng", "Đức"]


def test_people_sort_by_given_name_first() -> None:
    people = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Anh"]
    assert sorted(people, key=name_sort_key) == ["Nguyễn Thị An", "Lê Anh", "Trần Văn Bình"]
