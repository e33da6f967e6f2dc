"""Parsers for the values communes type into their books. Each returns the clean value
or raises `CellError` with a Vietnamese message (the caller adds row and column)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import gettext as _

from treem.core.text import clean, title_case
from treem.core.text import fold as _fold

# Cell values repeat a lot (sexes, villages, ethnicities, given names): fold each distinct
# short value once. Same results as treem.core.text.fold.
_fold_cached = lru_cache(maxsize=200_000)(_fold)


def fold(value: object) -> str:
    if isinstance(value, str) and len(value) <= 40:
        return _fold_cached(value)
    return _fold(value)


@lru_cache(maxsize=200_000)
def fold_name(name: str) -> str:
    """fold() of a person's name, word by word through the cache (names share words);
    whole names repeat too (import, duplicate checks, derived columns)."""
    return " ".join(w for w in (_fold_cached(part) for part in name.split(" ")) if w)


EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel serials for 1 Jan 1900 .. 31 Dec 2199
_SERIAL_MIN, _SERIAL_MAX = 1, 109_574


class CellError(ValueError):
    """A cell that cannot be read; `message` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text(value: object) -> str:
    """A cell as clean text: NFC, no non-breaking or repeated spaces; 12.0 -> "12"."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        if (
            value.isascii()
            and value == value.strip()
            and "  " not in value
            and "\t" not in value
            and "\n" not in value
        ) or (
            "\u00a0" not in value
            and "\u200b" not in value
            and value == value.strip()
            and "  " not in value
            and "\n" not in value
            and "\t" not in value
            and unicodedata.is_normalized("NFC", value)
        ):
            return value
        return clean(value)
    if isinstance(value, bool):
        return _("Có") if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return clean(value)


def is_blank(value: object) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, str):
        return not value.replace("\u200b", "").strip()
    return False


_DMY = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})(?:[ T].*)?$")
_MY = re.compile(r"^(?:t|thang)?\s*(\d{1,2})\s*[/\-.]\s*(\d{4})$", re.IGNORECASE)
_MY_FOLDED = re.compile(r"^(?:t|thang)?\s*(\d{1,2})\s+(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_WORDS = re.compile(r"^(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})$")
_WORDS_MY = re.compile(r"^thang\s*(\d{1,2})\s*nam\s*(\d{4})$")


def _year4(two: str, today: dt.date) -> int:
    year = 2000 + int(two)
    return year if year <= today.year else year - 100


def parse_date(value: object, *, today: dt.date | None = None) -> tuple[dt.date, str]:
    """A date and its precision ("day", "month", "year") from a date cell, an Excel serial
    number, or text as dd/mm/yyyy, d/m/yy, mm/yyyy, yyyy, yyyy-mm-dd, "ngày 5 tháng 3 năm
    2015". Raises CellError for anything else, and for impossible days (31/02)."""
    today = today or dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date(), "day"
    if isinstance(value, dt.date):
        return value, "day"
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer() and 1900 <= number <= today.year:
            return dt.date(int(number), 1, 1), "year"
        if _SERIAL_MIN <= number <= _SERIAL_MAX:
            return EXCEL_EPOCH + dt.timedelta(days=int(number)), "day"
        raise CellError(_("Không đọc được ngày “%(value)s”.") % {"value": text(value)})
    raw = text(value)
    folded = fold(raw)
    try:
        if m := _DMY.match(raw):
            d, mo, y = int(m[1]), int(m[2]), m[3]
            year = _year4(y, today) if len(y) == 2 else int(y)
            return dt.date(year, mo, d), "day"
        if m := _YMD.match(raw):
            return dt.date(int(m[1]), int(m[2]), int(m[3])), "day"
        if m := _MY.match(raw) or _MY_FOLDED.match(folded):
            return dt.date(int(m[2]), int(m[1]), 1), "month"
        if m := _YEAR.match(raw):
            return dt.date(int(m[1]), 1, 1), "year"
        if m := _WORDS.match(folded):
            return dt.date(int(m[3]), int(m[2]), int(m[1])), "day"
        if m := _WORDS_MY.match(folded):
            return dt.date(int(m[2]), int(m[1]), 1), "month"
        if raw.isdigit() and _SERIAL_MIN <= int(raw) <= _SERIAL_MAX:
            return EXCEL_EPOCH + dt.timedelta(days=int(raw)), "day"
    except ValueError as exc:
        raise CellError(
            _("Ngày “%(value)s” không có thật (kiểm tra ngày và tháng).") % {"value": raw}
        ) from exc
    raise CellError(
        _(
            "Không đọc được ngày “%(value)s”: ghi theo dạng ngày/tháng/năm (05/03/2015), "
            "tháng/năm (03/2015) hoặc năm (2015)."
        )
        % {"value": raw}
    )


_MALE = {"nam", "trai", "be trai", "male", "m", "con trai"}
_FEMALE = {"nu", "gai", "be gai", "female", "f", "con gai"}


def parse_sex(value: object) -> str:
    folded = fold(value)
    if folded in _MALE:
        return "male"
    if folded in _FEMALE:
        return "female"
    raise CellError(
        _("Giới tính “%(value)s” không hợp lệ: ghi “Nam” hoặc “Nữ”.") % {"value": text(value)}
    )


_MARKS = {"x", "v", "co", "1", "✓", "✔", "yes", "c"}


def is_mark(value: object) -> bool:
    """A tick in a yes/no column ("x", "có", "1", "✓")."""
    return fold(value) in _MARKS or clean(value) in _MARKS


_NAME_BAD = re.compile(r"[0-9@#$%^&*_=+<>{}\[\]|\\/]")


def parse_name(value: object) -> str:
    """A person's name: NFC, single spaces, and title case when typed all upper/lower."""
    name = text(value)
    if not name:
        return ""
    return _parse_name(name)


@lru_cache(maxsize=100_000)
def _parse_name(name: str) -> str:
    if _NAME_BAD.search(name):
        raise CellError(
            _("Họ tên “%(value)s” có ký tự không hợp lệ (chữ số hoặc ký hiệu).") % {"value": name}
        )
    if len(name) > 150:
        raise CellError(_("Họ tên dài quá 150 ký tự."))
    if name.isupper() or name.islower():
        name = title_case(name)
    return name


def parse_year(value: object, *, today: dt.date | None = None) -> int | None:
    today = today or dt.date.today()
    if is_blank(value):
        return None
    if isinstance(value, dt.date):
        return value.year
    raw = text(value)
    m = re.match(r"^(\d{4})$", raw)
    if m is None:
        try:
            return parse_date(value, today=today)[0].year
        except CellError:
            raise CellError(
                _("Năm sinh “%(value)s” không hợp lệ: ghi 4 chữ số, ví dụ 1985.") % {"value": raw}
            ) from None
    year = int(m[1])
    if not 1900 <= year <= today.year:
        raise CellError(_("Năm sinh %(year)d nằm ngoài khoảng hợp lý.") % {"year": year})
    return year


def parse_phone(value: object) -> str:
    raw = text(value)
    if not raw:
        return ""
    digits = re.sub(r"[\s.\-()]", "", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if isinstance(value, float | int) and not digits.startswith("0"):
        digits = "0" + digits  # a number cell lost the leading zero
    if not digits.isdigit() or not 10 <= len(digits) <= 11:
        raise CellError(_("Số điện thoại “%(value)s” không hợp lệ.") % {"value": raw})
    return digits


def caregiver_values(
    who: str, name: str, year: int | None, phone: str, number: str
) -> dict[str, object]:
    """A caregiver of a checked row, as both parsers give it (`number` checked already:
    a row with a failing one is refused)."""
    return {
        "relation": who,
        "full_name": name,
        "birth_year": year,
        "phone": phone,
        "id_number": number,
        "id_number_valid": True if number else None,
    }


# Who gets the book's one phone column: the guardian, else the mother, else the father.
_PHONE_ORDER = {"guardian": 0, "mother": 1, "father": 2}


def add_phone(caregivers: list[dict[str, object]], values: dict[str, object], phone: str) -> None:
    """The book's phone column: to the first caregiver (`_PHONE_ORDER`) without a phone
    of their own, else to the notes."""
    free = [c for c in caregivers if not c["phone"]]
    if free:
        min(free, key=lambda c: _PHONE_ORDER[str(c["relation"])])["phone"] = phone
    else:
        values["notes"] = (str(values.get("notes", "")) + f" ĐT: {phone}").strip()


def parse_poverty(value: object) -> str:
    folded = fold(value)
    if folded in ("", "khong", "binh thuong", "khong ngheo", "0", "trung binh", "kha"):
        return "none"
    if "can ngheo" in folded or folded in ("hcn", "cn"):
        return "near_poor"
    if "ngheo" in folded or folded in ("hn", "x", "co", "1"):
        return "poor"
    raise CellError(
        _("“%(value)s” không hợp lệ: ghi “Hộ nghèo”, “Cận nghèo” hoặc để trống.")
        % {"value": text(value)}
    )


_SCHOOLING: list[tuple[tuple[str, ...], str]] = [
    (("chua di hoc", "chua den tuoi di hoc", "chua"), "not_yet"),
    (("bo hoc", "da bo hoc"), "dropped_out"),
    (("khong di hoc", "ngoai nha truong", "khong"), "out_of_school"),
    (("nha tre", "tre", "nhom tre"), "nursery"),
    (("mau giao", "mam non", "mg", "mn"), "kindergarten"),
    (("tieu hoc", "th", "cap 1", "cap i"), "primary"),
    (("trung hoc co so", "thcs", "cap 2", "cap ii"), "lower_secondary"),
    (("trung hoc pho thong", "thpt", "cap 3", "cap iii"), "upper_secondary"),
]


def parse_schooling(value: object) -> str:
    folded = fold(value)
    if not folded:
        return ""
    m = re.match(r"^lop\s*(\d{1,2})", folded)
    if m:
        grade = int(m[1])
        if 1 <= grade <= 5:
            return "primary"
        if 6 <= grade <= 9:
            return "lower_secondary"
        if 10 <= grade <= 12:
            return "upper_secondary"
    for needles, slug in _SCHOOLING:
        if folded in needles:
            return slug
    for needles, slug in _SCHOOLING:
        if any(len(n) > 4 and n in folded for n in needles):
            return slug
    raise CellError(
        _(
            "Tình trạng học tập “%(value)s” không hợp lệ: ghi Chưa đi học, Nhà trẻ, Mẫu giáo, "
            "Tiểu học, THCS, THPT, Không đi học hoặc Bỏ học (hoặc “Lớp 3”)."
        )
        % {"value": text(value)}
    )


def parse_disability_level(value: object) -> str:
    folded = fold(value)
    if not folded or folded == "khong":
        return ""
    if "dac biet nang" in folded:
        return "especially_severe"
    if "nang" in folded:
        return "severe"
    if "nhe" in folded:
        return "mild"
    raise CellError(
        _("Mức độ khuyết tật “%(value)s” không hợp lệ: ghi Đặc biệt nặng, Nặng hoặc Nhẹ.")
        % {"value": text(value)}
    )


# Luật Trẻ em 2016, Điều 10.1: letter slugs and the words communes use for each group.
_GROUP_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("a", ("mo coi ca cha va me", "mo coi ca cha me", "mo coi")),
    ("b", ("bi bo roi", "bo roi")),
    ("c", ("khong noi nuong tua",)),
    ("d", ("khuyet tat",)),
    ("dd", ("hiv", "aids", "nhiem hiv")),
    ("e", ("vi pham phap luat",)),
    ("g", ("nghien ma tuy", "ma tuy")),
    ("h", ("bo hoc kiem song", "bo hoc")),
    ("i", ("bao luc",)),
    ("k", ("boc lot",)),
    ("l", ("xam hai tinh duc",)),
    ("m", ("mua ban",)),
    ("n", ("benh hiem ngheo", "dieu tri dai ngay")),
    ("o", ("di cu", "lanh nan", "ti nan", "ty nan")),
]
_LETTERS = {"a", "b", "c", "d", "dd", "e", "g", "h", "i", "k", "l", "m", "n", "o"}
_SPLIT = re.compile(r"[,;/+\n]|\s+va\s+")


def parse_groups(value: object) -> list[str]:
    """Special-circumstance groups from "a, d", "đ", "Mồ côi; khuyết tật", "điểm d"."""
    raw = clean(value).replace("Đ", "đ")
    if not raw:
        return []
    found: list[str] = []
    # "đ" must not fold into "d" before we read it as a letter
    for token in _SPLIT.split(raw.replace("đ)", "dd)").replace(" và ", ",")):
        token = token.strip()
        if not token:
            continue
        letter = token.lower().strip("() .")
        letter = re.sub(r"^(diem|điểm|nhom|nhóm|khoan|khoản)\s+", "", letter).strip("() .")
        if letter == "đ":
            letter = "dd"
        if letter in _LETTERS:
            slug: str | None = letter
        else:
            folded = fold(token)
            slug = None
            m = re.match(r"^([a-o]|dd)\s", folded + " ")
            if m and token[:2].lower().rstrip(" )") in _LETTERS | {"đ"}:
                slug = "dd" if token[:1].lower() == "đ" else m[1]
            for candidate, words in _GROUP_WORDS:
                if slug is None and any(w in folded for w in words):
                    slug = candidate
        if slug is None:
            raise CellError(
                _(
                    "Không nhận ra nhóm hoàn cảnh đặc biệt “%(value)s”: ghi chữ cái theo Điều 10 "
                    "Luật Trẻ em (a, b, c, d, đ, e, g, h, i, k, l, m, n, o) hoặc tên nhóm."
                )
                % {"value": token}
            )
        if slug not in found:
            found.append(slug)
    return found


def parse_amount(value: object) -> Decimal | None:
    raw = text(value).replace(".", "").replace(",", "").replace(" ", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise CellError(_("Số tiền “%(value)s” không hợp lệ.") % {"value": text(value)})
    return Decimal(raw)
