"""Checks on the 12-digit personal identification number (số định danh cá nhân / CCCD).

Structure (Thông tư 07/2016/TT-BCA, Điều 7; Luật Căn cước 2023):

- digits 1–3: the code of the province where the birth was registered, from the list
  of the 63 provinces before the 2025 reform (001 Hà Nội ... 096 Cà Mau);
- digit 4: century of birth and sex (1900s: 0 male / 1 female; 2000s: 2 / 3;
  2100s: 4 / 5; 2200s: 6 / 7; 2300s: 8 / 9);
- digits 5–6: the last two digits of the year of birth;
- digits 7–12: a random number. There is no check digit.

The number need not match the current residence, so only its own consistency with
sex and year of birth is checked. Each failure is its own Vietnamese message.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

ID_NUMBER_LENGTH = 12

# Province codes of the birth-registration place (Thông tư 07/2016/TT-BCA, Phụ lục;
# the 63 provinces and centrally-run cities before 1 July 2025).
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Thành phố Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

# First year of each century the fourth digit can encode; male digit = 2 * index.
_CENTURIES = (1900, 2000, 2100, 2200, 2300)

_SEPARATORS = re.compile(r"[\s.\-\u00a0']")


def normalize_id_number(value: Any) -> str:
    """The number as typed, without spaces, dots or dashes; numbers from Excel get
    their lost leading zeros back (a numeric cell turns 001... into 1...)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value).zfill(ID_NUMBER_LENGTH) if value >= 0 else str(value)
    if isinstance(value, float):
        if value.is_integer() and value >= 0:
            return str(int(value)).zfill(ID_NUMBER_LENGTH)
        return str(value)
    return _SEPARATORS.sub("", str(value))


def century_sex_digit(sex: str, birth_year: int) -> str | None:
    """The fourth digit a person of this sex and year of birth must have."""
    for index, start in enumerate(_CENTURIES):
        if start <= birth_year < start + 100:
            return str(2 * index + (1 if sex == "female" else 0))
    return None


def _sex_label(sex: str) -> str:
    return _("nữ") if sex == "female" else _("nam")


def check_id_number(
    number: str, sex: str | None, birth_year: int | None, *, of_child: bool = True
) -> list[str]:
    """Vietnamese messages for every way `number` fails the rules; empty when it passes.

    `sex` is "male" / "female" (None or "" when unknown: the sex part is then not
    checked); `birth_year` likewise. A blank number is not an error here (the number
    is optional); callers that require it check that themselves. `of_child=False`: the
    number of a caregiver (the messages say "this person", not "the child").
    """
    number = normalize_id_number(number)
    if not number:
        return []
    if not number.isdigit() or not number.isascii():
        return [_("Số định danh chỉ được gồm chữ số (đang có “%(value)s”).") % {"value": number}]
    if len(number) != ID_NUMBER_LENGTH:
        return [
            _("Số định danh phải có đúng 12 chữ số (đang có %(count)d chữ số).")
            % {"count": len(number)}
        ]
    errors: list[str] = []
    province = number[:3]
    if province not in PROVINCE_CODES:
        errors.append(
            _("Ba chữ số đầu “%(code)s” không phải mã tỉnh nơi đăng ký khai sinh hợp lệ.")
            % {"code": province}
        )
    digit = int(number[3])
    digit_century = _CENTURIES[digit // 2]
    digit_sex = "female" if digit % 2 else "male"
    if sex in ("male", "female") and digit_sex != sex:
        if of_child:
            message = _(
                "Chữ số thứ 4 (“%(digit)s”) ứng với giới tính %(coded)s, nhưng trẻ là %(sex)s."
            )
        else:
            message = _(
                "Chữ số thứ 4 (“%(digit)s”) ứng với giới tính %(coded)s, nhưng người này là %(sex)s."
            )
        errors.append(
            message % {"digit": digit, "coded": _sex_label(digit_sex), "sex": _sex_label(sex)}
        )
    if birth_year is not None:
        if not digit_century <= birth_year < digit_century + 100:
            errors.append(
                _(
                    "Chữ số thứ 4 (“%(digit)s”) ứng với người sinh từ năm %(start)d đến "
                    "%(end)d, nhưng năm sinh là %(year)d."
                )
                % {
                    "digit": digit,
                    "start": digit_century,
                    "end": digit_century + 99,
                    "year": birth_year,
                }
            )
        expected = f"{birth_year % 100:02d}"
        if number[4:6] != expected:
            errors.append(
                _("Chữ số thứ 5–6 (“%(found)s”) phải là hai số cuối của năm sinh (“%(expected)s”).")
                % {"found": number[4:6], "expected": expected}
            )
    return errors


def is_valid_id_number(number: str, sex: str | None = None, birth_year: int | None = None) -> bool:
    number = normalize_id_number(number)
    return bool(number) and not check_id_number(number, sex, birth_year)
