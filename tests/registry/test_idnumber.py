"""ID-number checks (Thông tư 07/2016/TT-BCA): each failure is its own Vietnamese message."""

import pytest

from treem.registry.idnumber import (
    PROVINCE_CODES,
    century_sex_digit,
    check_id_number,
    is_valid_id_number,
    normalize_id_number,
)


def test_the_63_old_province_codes_are_listed() -> None:
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["001"] == "Hà Nội"
    assert PROVINCE_CODES["036"] == "Nam Định"
    assert PROVINCE_CODES["096"] == "Cà Mau"
    assert "003" not in PROVINCE_CODES


def test_a_consistent_number_passes() -> None:
    # Nam Định, girl born 2015
    assert check_id_number("036315000123", "female", 2015) == []
    # Hà Nội, boy born 2012
    assert check_id_number("001212345678", "male", 2012) == []
    assert is_valid_id_number("001212345678", "male", 2012)
    # a grown-up caregiver born 1985, female
    assert check_id_number("037185001122", "female", 1985) == []


def test_blank_is_not_an_error_here() -> None:
    assert check_id_number("", "male", 2015) == []
    assert not is_valid_id_number("")


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("03631500012", "phải có đúng 12 chữ số (đang có 11 chữ số)"),
        ("0363150001234", "phải có đúng 12 chữ số (đang có 13 chữ số)"),
        ("03631500012A", "chỉ được gồm chữ số"),
    ],
)
def test_malformed_numbers(number: str, expected: str) -> None:
    errors = check_id_number(number, "female", 2015)
    assert len(errors) == 1
    assert expected in errors[0]


def test_unknown_province_code() -> None:
    errors = check_id_number("003315000123", "female", 2015)
    assert errors == ["Ba chữ số đầu “003” không phải mã tỉnh nơi đăng ký khai sinh hợp lệ."]


def test_sex_digit_inconsistent() -> None:
    errors = check_id_number("036215000123", "female", 2015)
    assert errors == ["Chữ số thứ 4 (“2”) ứng với giới tính nam, nhưng trẻ là nữ."]


def test_century_digit_inconsistent() -> None:
    errors = check_id_number("036115000123", "female", 2015)
    assert errors == [
        "Chữ số thứ 4 (“1”) ứng với người sinh từ năm 1900 đến 1999, nhưng năm sinh là 2015."
    ]


def test_year_digits_inconsistent() -> None:
    errors = check_id_number("036314000123", "female", 2015)
    assert errors == ["Chữ số thứ 5–6 (“14”) phải là hai số cuối của năm sinh (“15”)."]


def test_every_failure_reported_separately() -> None:
    errors = check_id_number("099014000123", "female", 2015)
    assert len(errors) == 4
    assert errors[0].startswith("Ba chữ số đầu “099”")
    assert "giới tính nam, nhưng trẻ là nữ" in errors[1]
    assert "từ năm 1900 đến 1999" in errors[2]
    assert "(“14”)" in errors[3]


def test_unknown_sex_or_year_skips_those_checks() -> None:
    assert check_id_number("036315000123", None, None) == []
    assert check_id_number("036215000123", "", 2015) == []
    assert len(check_id_number("036215000123", "female", None)) == 1


def test_normalize_restores_leading_zeros_and_strips_separators() -> None:
    assert normalize_id_number(36315000123) == "036315000123"
    assert normalize_id_number(36315000123.0) == "036315000123"
    assert normalize_id_number(" 036 315.000-123 ") == "036315000123"
    assert normalize_id_number(None) == ""


def test_century_sex_digit() -> None:
    assert century_sex_digit("male", 1999) == "0"
    assert century_sex_digit("female", 2000) == "3"
    assert century_sex_digit("male", 2100) == "4"
    assert century_sex_digit("male", 1850) is None
