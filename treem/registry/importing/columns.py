"""The columns an import understands, the headers real files use for them, and the
header-row detection (a commune's book rarely starts on row 1)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from treem.core.text import clean, fold


@dataclass(frozen=True)
class Column:
    key: str
    header: object  # the Vietnamese header of the template (a lazy msgid)
    synonyms: tuple[str, ...]  # folded header texts (see `header_key`)
    in_template: bool = True
    width: int = 14


# Order = the template's order. Synonyms are folded (no diacritics, lower case, punctuation
# as spaces) and matched whole; `_PREFIX_OK` columns also match a header that starts with one.
COLUMNS: list[Column] = [
    Column("seq", _("STT"), ("stt", "tt", "so tt", "so thu tu", "thu tu"), width=6),
    Column(
        "full_name",
        _("Họ và tên"),
        (
            "ho va ten",
            "ho ten",
            "ho ten tre",
            "ho va ten tre",
            "ho ten tre em",
            "ho va ten tre em",
            "ho ten cua tre",
            "ho va ten cua tre",
            "ten tre",
            "ten tre em",
            "hoten",
            "ho va ten tre em co hoan canh dac biet",
        ),
        width=26,
    ),
    Column(
        "birth_date",
        _("Ngày sinh"),
        (
            "ngay sinh",
            "ngay thang nam sinh",
            "ngay thang nam sinh cua tre",
            "ngay sinh cua tre",
            "sinh ngay",
            "ns",
            "nam sinh",
            "nam sinh cua tre",
            "ngay sinh dd mm yyyy",
            "dob",
        ),
        width=12,
    ),
    Column("sex", _("Giới tính"), ("gioi tinh", "gioi", "nam nu", "nam hay nu", "phai"), width=9),
    # Old-style books put the date of birth (or an "x") under a "Nam" or a "Nữ" column.
    Column("sex_male", _("Nam"), ("nam", "trai", "be trai"), in_template=False),
    Column("sex_female", _("Nữ"), ("nu", "gai", "be gai"), in_template=False),
    Column("ethnicity", _("Dân tộc"), ("dan toc", "dt", "dan toc cua tre", "ma dan toc"), width=10),
    Column(
        "id_number",
        _("Số định danh cá nhân"),
        (
            "so dinh danh",
            "so dinh danh ca nhan",
            "ma dinh danh",
            "ma dinh danh ca nhan",
            "ma so dinh danh",
            "ma so dinh danh ca nhan",
            "so ddcn",
            "ddcn",
            "cccd",
            "so cccd",
            "can cuoc",
            "so can cuoc",
            "can cuoc cong dan",
            "so can cuoc cong dan",
            "cmnd cccd",
            "so cmnd cccd",
            "so dinh danh cccd",
            "ma dinh danh cccd",
        ),
        width=16,
    ),
    Column(
        "birth_registration_place",
        _("Nơi đăng ký khai sinh"),
        (
            "noi dang ky khai sinh",
            "noi dang ki khai sinh",
            "noi dk khai sinh",
            "noi dkks",
            "noi khai sinh",
            "noi sinh",
        ),
        width=20,
    ),
    Column(
        "village",
        _("Thôn"),
        (
            "thon",
            "ap",
            "ban",
            "xom",
            "to dan pho",
            "tdp",
            "khu pho",
            "thon xom",
            "thon ap",
            "thon ban",
            "thon to",
            "thon to dan pho",
            "thon xom to dan pho",
            "ten thon",
            "thon noi o",
            "to",
        ),
        width=14,
    ),
    Column(
        "address",
        _("Địa chỉ"),
        (
            "dia chi",
            "noi o",
            "noi o hien nay",
            "cho o hien nay",
            "dia chi thuong tru",
            "noi thuong tru",
            "thuong tru",
            "noi cu tru",
            "dia chi noi o",
        ),
        width=22,
    ),
    Column("household_head", _("Chủ hộ"), ("chu ho", "ho ten chu ho", "ten chu ho"), width=20),
    Column(
        "father_name",
        _("Họ tên cha"),
        (
            "ho ten cha",
            "ho va ten cha",
            "ten cha",
            "cha",
            "bo",
            "ho ten bo",
            "ho va ten bo",
            "ten bo",
            "ho ten cha bo",
        ),
        width=22,
    ),
    Column(
        "father_birth_year",
        _("Năm sinh cha"),
        ("nam sinh cha", "nam sinh cua cha", "nam sinh bo", "ns cha"),
        width=8,
    ),
    Column(
        "mother_name",
        _("Họ tên mẹ"),
        ("ho ten me", "ho va ten me", "ten me", "me", "ho ten me ma"),
        width=22,
    ),
    Column(
        "mother_birth_year",
        _("Năm sinh mẹ"),
        ("nam sinh me", "nam sinh cua me", "ns me"),
        width=8,
    ),
    Column("father_id_number", _("Số định danh của cha"), ("cccd cha",), width=15),
    Column("mother_id_number", _("Số định danh của mẹ"), ("cccd me",), width=15),
    # Also read, when a book has them (see `_PERSON_SUFFIXES`): "Năm sinh người giám hộ",
    # "Số định danh người giám hộ", "Số điện thoại của mẹ"...
    Column("guardian_birth_year", _("Năm sinh người giám hộ"), (), in_template=False),
    Column("guardian_id_number", _("Số định danh người giám hộ"), (), in_template=False),
    Column("father_phone", _("Số điện thoại của cha"), (), in_template=False),
    Column("mother_phone", _("Số điện thoại của mẹ"), (), in_template=False),
    Column("guardian_phone", _("Số điện thoại người giám hộ"), (), in_template=False),
    Column(
        "guardian_name",
        _("Người giám hộ, chăm sóc"),
        (
            "nguoi giam ho",
            "ho ten nguoi giam ho",
            "nguoi cham soc",
            "ho ten nguoi cham soc",
            "nguoi nuoi duong",
            "ho ten nguoi nuoi duong",
            "nguoi cham soc nuoi duong",
            "nguoi giam ho cham soc",
            "nguoi giam ho nguoi cham soc",
        ),
        width=22,
    ),
    Column(
        "phone",
        _("Số điện thoại"),
        (
            "so dien thoai",
            "dien thoai",
            "sdt",
            "so dt",
            "dt lien he",
            "dien thoai lien he",
            "sdt lien he",
            "so dien thoai lien he",
            "sdt gia dinh",
        ),
        width=13,
    ),
    Column(
        "poverty",
        _("Hộ nghèo, cận nghèo"),
        (
            "ho ngheo can ngheo",
            "ho ngheo",
            "thuoc ho ngheo",
            "hoan canh kinh te",
            "dien ho",
            "kinh te ho",
            "phan loai ho",
            "ho ngheo hay can ngheo",
            "hn hcn",
        ),
        width=12,
    ),
    Column(
        "near_poor",
        _("Hộ cận nghèo"),
        ("ho can ngheo", "can ngheo", "thuoc ho can ngheo", "hcn"),
        in_template=False,
    ),
    Column(
        "health_insurance_number",
        _("Số thẻ BHYT"),
        (
            "so the bhyt",
            "the bhyt",
            "bhyt",
            "ma the bhyt",
            "ma so bhyt",
            "so the bao hiem y te",
            "the bao hiem y te",
            "bao hiem y te",
        ),
        width=17,
    ),
    Column(
        "schooling",
        _("Tình trạng học tập"),
        (
            "tinh trang hoc tap",
            "hoc tap",
            "tinh trang di hoc",
            "cap hoc",
            "dang hoc",
            "trinh do hoc van",
            "trinh do van hoa",
            "hoc van",
        ),
        width=16,
    ),
    Column(
        "disability_type",
        _("Dạng khuyết tật"),
        ("dang khuyet tat", "loai khuyet tat", "khuyet tat", "dang tat"),
        width=16,
    ),
    Column(
        "disability_level",
        _("Mức độ khuyết tật"),
        ("muc do khuyet tat", "muc do kt", "muc do"),
        width=14,
    ),
    Column(
        "groups",
        _("Hoàn cảnh đặc biệt"),
        (
            "hoan canh dac biet",
            "tre em co hoan canh dac biet",
            "nhom hoan canh dac biet",
            "thuoc nhom hoan canh dac biet",
            "nhom hcdb",
            "hcdb",
            "tecbhcdb",
            "te co hcdb",
            "doi tuong",
            "nhom doi tuong",
            "dien hoan canh dac biet",
            "nhom tre em co hoan canh dac biet",
        ),
        width=18,
    ),
    Column("notes", _("Ghi chú"), ("ghi chu", "ghi chu khac", "ghi chu them"), width=24),
]

COLUMNS_BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
TEMPLATE_COLUMNS: list[Column] = [c for c in COLUMNS if c.in_template]

_SYNONYMS: dict[str, str] = {}
for _col in COLUMNS:
    for _syn in _col.synonyms:
        _SYNONYMS.setdefault(_syn, _col.key)
    _SYNONYMS.setdefault(fold(str(_col.header)), _col.key)

# Sub-headers under a group header such as "Thông tin về cha" / "Họ tên | Năm sinh".
_GROUP_PARENTS: dict[str, tuple[str, ...]] = {
    "father": ("cha", "bo"),
    "mother": ("me",),
    "guardian": ("giam ho", "cham soc", "nuoi duong"),
}
_GROUP_CHILD: dict[str, str] = {
    "ho ten": "name",
    "ho va ten": "name",
    "ten": "name",
    "nam sinh": "birth_year",
    "ns": "birth_year",
    "so dinh danh": "id_number",
    "ma dinh danh": "id_number",
    "so dinh danh ca nhan": "id_number",
    "cccd": "id_number",
    "so cccd": "id_number",
    "cmnd": "id_number",
    "so cmnd": "id_number",
    "so dien thoai": "phone",
    "dien thoai": "phone",
    "sdt": "phone",
}

# A header naming a caregiver at its end ("Số điện thoại của mẹ", "CCCD cha", "Năm sinh
# người giám hộ"): the child's column it starts with, for that person.
_PERSON_SUFFIXES: tuple[tuple[str, str], ...] = tuple(
    (f"{of}{words}", who)
    for who, names in (
        ("father", ("cha", "bo")),
        ("mother", ("me",)),
        ("guardian", ("nguoi giam ho", "giam ho", "nguoi cham soc", "nguoi nuoi duong")),
    )
    for words in names
    for of in (" cua ", " ")
)
# the child's column -> the caregiver's part
_PERSON_PARTS = {
    "full_name": "name",
    "birth_date": "birth_year",
    "id_number": "id_number",
    "phone": "phone",
}
_PERSON_WORDS = (" cha", " bo", " me")

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def header_key(text: object) -> str:
    """The folded form of a header cell: brackets, stars and punctuation dropped."""
    cleaned = _BRACKETS.sub(" ", clean(text)).replace("*", " ")
    return fold(cleaned)


def match_header(text: object) -> str | None:
    """The column key a header cell stands for, or None."""
    key = header_key(text)
    if not key:
        return None
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    for suffix, who in _PERSON_SUFFIXES:
        base = key[: -len(suffix)]
        # ("Họ tên cha mẹ": both parents, not a column of one)
        if key.endswith(suffix) and base and not base.endswith(_PERSON_WORDS):
            of_child = _match_plain(base)
            if of_child is None:
                continue
            part = _PERSON_PARTS.get(of_child)
            if part is not None and f"{who}_{part}" in COLUMNS_BY_KEY:
                return f"{who}_{part}"
            # "Dân tộc của mẹ": about the caregiver, not the child; TreEm keeps no such
            # column (the import lists it among the columns it did not read)
            return None
    return _match_plain(key)


def _match_plain(key: str) -> str | None:
    """`match_header` of a folded header, without the caregiver suffixes."""
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    # "Ngày sinh của trẻ em (ghi rõ)" ... : the longest synonym of two words or more that
    # starts the header. One-word synonyms ("nam", "me") never match as prefixes.
    best: tuple[int, str] | None = None
    for syn, col in _SYNONYMS.items():
        if " " in syn and (key.startswith(syn + " ")) and (best is None or len(syn) > best[0]):
            best = (len(syn), col)
    return best[1] if best else None


def match_grouped(upper: object, lower: object) -> str | None:
    """A sub-header under a group header: "Thông tin về mẹ" + "Họ tên" -> mother_name."""
    up, low = header_key(upper), header_key(lower)
    part = _GROUP_CHILD.get(low)
    if not up or part is None:
        return None
    words = f" {up} "
    for who, needles in _GROUP_PARENTS.items():
        if any(f" {n} " in words for n in needles):
            key = f"{who}_{part}"
            return key if key in COLUMNS_BY_KEY else None
    if part in ("name", "id_number") and " tre " in words:
        return "full_name" if part == "name" else "id_number"
    return None


@dataclass
class HeaderMap:
    header_row: int  # 0-based index into the rows of the sheet
    data_start: int  # 0-based index of the first data row
    fields: dict[int, str]  # column index -> column key
    headers: dict[int, str]  # column index -> the header text as in the user's file
    ignored: list[str]  # header texts we did not understand

    def column_of(self, key: str) -> int | None:
        for index, k in self.fields.items():
            if k == key:
                return index
        return None

    def header_of(self, key: str) -> str:
        index = self.column_of(key)
        if index is None:
            return str(COLUMNS_BY_KEY[key].header) if key in COLUMNS_BY_KEY else key
        return self.headers[index]


def _row_fields(row: list[object]) -> dict[int, str]:
    found: dict[int, str] = {}
    for index, cell in enumerate(row):
        if isinstance(cell, str) and cell.strip():
            key = match_header(cell)
            if key and key not in found.values():
                found[index] = key
    return found


_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")


def _is_numbering_row(row: list[object]) -> bool:
    """The "(1) (2) (3) ..." row many official forms put under the headers."""
    cells = [clean(c) for c in row if clean(c)]
    if len(cells) < 3:
        return False
    return all(_NUMBERING.match(c) or c.replace(".0", "").isdigit() for c in cells)


def find_header(rows: list[list[object]], scan: int = 30) -> HeaderMap | None:
    """The header row: among the first rows, the one naming the most known columns
    (it must name the child's full name). A second header row underneath (group
    headers like "Thông tin về cha" over "Họ tên | Năm sinh", or "Ngày sinh" over
    "Nam | Nữ") is folded in."""
    best: tuple[int, int, dict[int, str]] | None = None
    for index, row in enumerate(rows[:scan]):
        found = _row_fields(row)
        if "full_name" not in found.values() and not _has_grouped_name(rows, index):
            continue
        if len(found) >= 2 and (best is None or len(found) > best[1]):
            best = (index, len(found), found)
    if best is None:
        return None
    index, _count, fields = best
    header = rows[index]
    headers = {i: clean(header[i]) for i in range(len(header)) if clean(header[i])}
    data_start = index + 1
    if data_start < len(rows):
        sub = rows[data_start]
        sub_fields: dict[int, str] = {}
        upper_text = ""
        for i in range(max(len(header), len(sub))):
            up = header[i] if i < len(header) else ""
            if clean(up):
                upper_text = clean(up)  # merged group headers: carry to the right
            low = sub[i] if i < len(sub) else ""
            if not clean(low):
                continue
            key = match_grouped(upper_text, low)
            if key is None and i not in fields:
                key = match_header(low)
            elif key is None and i in fields and fields[i] == "birth_date":
                # "Ngày sinh" over "Nam | Nữ"
                key = match_header(low) if match_header(low) in ("sex_male", "sex_female") else None
            if key:
                sub_fields[i] = key
        if sub_fields and not _looks_like_data(sub):
            for i, key in sub_fields.items():
                if key in fields.values() and fields.get(i) != key:
                    continue
                fields[i] = key
                headers[i] = f"{upper_text_for(header, i)} – {clean(sub[i])}".strip(" –")
            data_start += 1
    if data_start < len(rows) and _is_numbering_row(rows[data_start]):
        data_start += 1
    ignored = [text for i, text in headers.items() if i not in fields]
    return HeaderMap(
        header_row=index,
        data_start=data_start,
        fields=dict(sorted(fields.items())),
        headers=headers,
        ignored=ignored,
    )


def upper_text_for(header: list[object], index: int) -> str:
    for i in range(min(index, len(header) - 1), -1, -1):
        if clean(header[i]):
            return clean(header[i])
    return ""


def _has_grouped_name(rows: list[list[object]], index: int) -> bool:
    """A header row whose child-name column is split over two rows ("Trẻ em" / "Họ tên")."""
    if index + 1 >= len(rows):
        return False
    for i, cell in enumerate(rows[index + 1]):
        if header_key(cell) in ("ho ten", "ho va ten") and i < len(rows[index]):
            up = upper_text_for(rows[index], i)
            if "tre" in header_key(up).split():
                return True
    return False


def _looks_like_data(row: list[object]) -> bool:
    """A row with dates or long numbers is data, not a sub-header."""
    import datetime as dt

    return any(isinstance(c, dt.date | float | int) and not isinstance(c, bool) for c in row if c)
