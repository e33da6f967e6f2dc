"""Read an annual plan ("Kế hoạch công tác trẻ em") into the plan-extraction JSON.

The layout of these plans follows Nghị định 30/2020/NĐ-CP loosely: a header
(issuing body, number, place and date), "KẾ HOẠCH" and the title, a preamble
citing the plans above, then Roman-numbered sections (purposes, targets,
tasks, budget, implementation, reporting), the recipients and the signature.
Everything here keys on that genre, not on one document's wording.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .normalize import MARKER_RE, Paragraph, is_upper_line, to_paragraphs
from .readers import SourceText

LEVELS = ["thị trấn", "thị xã", "thành phố", "đặc khu", "xã", "phường", "huyện", "quận", "tỉnh"]
LEVEL_RANK = {
    "xã": 0,
    "phường": 0,
    "thị trấn": 0,
    "đặc khu": 0,
    "huyện": 1,
    "quận": 1,
    "thị xã": 1,
    "thành phố": 1,
    "tỉnh": 2,
}
LEVEL_RE = r"(thị trấn|thị xã|thành phố|đặc khu|xã|phường|huyện|quận|tỉnh)"

KIND_WORDS = [
    "Thông tư liên tịch",
    "Kế hoạch",
    "Quyết định",
    "Công văn",
    "Nghị định",
    "Nghị quyết",
    "Thông tư",
    "Chỉ thị",
    "Hướng dẫn",
    "Thông báo",
    "Văn bản",
    "Luật",
    "Đề án",
    "Chương trình",
    "Báo cáo",
    "Kết luận",
    "Tờ trình",
]
KIND_BY_CODE = {
    "KH": "Kế hoạch",
    "QĐ": "Quyết định",
    "NĐ": "Nghị định",
    "NDD": "Nghị định",
    "NQ": "Nghị quyết",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "CT": "Chỉ thị",
    "HD": "Hướng dẫn",
    "TB": "Thông báo",
    "BC": "Báo cáo",
    "KL": "Kết luận",
    "TTr": "Tờ trình",
    "CV": "Công văn",
}

SYMBOL = r"[A-ZĐ][A-Za-zĐđ0-9&]*(?:\s?-\s?[A-ZĐ][A-Za-zĐđ0-9&]*){0,3}"
REF_RE = re.compile(
    rf"(?<![\w/.])(\d{{1,5}})\s?((?:/\d{{4}})?/{SYMBOL})"
    rf"|(?<![\w/.])(\d{{1,5}})(?:\s?-\s?|\s)([A-ZĐ]{{1,6}}/[A-ZĐ]{{1,6}})\b"
)
DATE_NUM = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})"
DATE_WORDS = r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
REF_DATE_RE = re.compile(rf"^\s*,?\s*(?:ban hành\s+)?ngày\s*(?:{DATE_NUM}|{DATE_WORDS})")
PERCENT_RE = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d{1,2})?)\s?%")

ROLE_RE = re.compile(
    r"PHÓ CHỦ TỊCH|CHỦ TỊCH|PHÓ TRƯỞNG BAN|TRƯỞNG BAN|PHÓ TRƯỞNG PHÒNG|TRƯỞNG PHÒNG|"
    r"PHÓ GIÁM ĐỐC|GIÁM ĐỐC|PHÓ BÍ THƯ|BÍ THƯ|CHÁNH VĂN PHÒNG|PHÓ CHÁNH VĂN PHÒNG"
)


@dataclass
class Item:
    """One paragraph with its list marker split off."""

    index: int
    kind: str  # roman, num, letter, bullet or text
    number: str
    text: str
    level: int = 0


@dataclass
class Section:
    kind: str
    heading: str
    number: str
    items: list[Item] = field(default_factory=list)


# ------------------------------------------------------------------ helpers


def fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    return " ".join(re.sub(r"[^a-z0-9%/.-]+", " ", text).split())


def iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def title_case(text: str) -> str:
    if is_upper_line(text):
        return " ".join(w[:1].upper() + w[1:].lower() for w in text.split())
    return text


def parse_item(index: int, text: str) -> Item:
    m = MARKER_RE.match(text)
    if not m:
        return Item(index, "text", "", text)
    rest = text[m.end() :].strip()
    if m.group("roman"):
        return Item(index, "roman", m.group("roman"), rest, 0)
    if m.group("num"):
        number = m.group("num").rstrip(".")
        return Item(index, "num", number, rest, number.count(".") + 1)
    if m.group("num1"):
        return Item(index, "num", m.group("num1"), rest, 1)
    if m.group("letter") or m.group("letterdot"):
        return Item(index, "letter", m.group("letter") or m.group("letterdot"), rest)
    return Item(index, "bullet", "-", rest)


def section_kind(heading: str) -> str:
    f = fold(heading)
    if "noi nhan" in f:
        return "recipients"
    if "to chuc thuc hien" in f or "phan cong" in f:
        return "implementation"
    if "bao cao" in f and "nhiem vu" not in f:
        return "reporting"
    if "kinh phi" in f or ("nguon luc" in f and "nhiem vu" not in f):
        return "budget"
    if any(k in f for k in ("nhiem vu", "giai phap", "noi dung", "hoat dong")):
        return "tasks"
    if "muc tieu" in f or "chi tieu" in f:
        return "targets"
    if "muc dich" in f or "yeu cau" in f:
        return "purpose"
    return "other"


def split_sentences(text: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?…]\s+", text):
        nxt = text[m.end() : m.end() + 1]
        before = text[max(0, m.start() - 3) : m.start()]
        if nxt and (nxt.isupper() or nxt.isdigit()) and not re.search(r"\b(?:TP|Tp|St|Đ)$", before):
            parts.append(text[start : m.end()].strip())
            start = m.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


# ------------------------------------------------------------------ units

UNIT_HEADS = (
    "Văn phòng",
    "Phòng",
    "Ban",
    "Hội",
    "Đoàn",
    "Trường",
    "Viện",
    "Sở",
    "Trạm",
    "Đài",
    "Trung tâm",
    "Bộ phận",
    "Công an",
    "Tòa án",
    "Toà án",
    "Chi cục",
    "Bảo hiểm",
    "Kho bạc",
    "Liên đoàn",
    "Cơ quan",
    "Đảng ủy",
    "Đảng uỷ",
    "Huyện đoàn",
    "Thị đoàn",
    "Thành đoàn",
    "Nhà trường",
    "Các nhà trường",
    "Ngân hàng",
    "Chi nhánh",
    "Ban Chỉ huy",
    "Quân sự",
    "Bệnh viện",
    "Đồn",
    "Cục",
)
UNIT_HEADS_ANY = ("Ủy ban", "Uỷ ban", "UBND", "Mặt trận", "MTTQ", "HĐND", "Hội đồng")


def starts_with_unit(text: str) -> bool:
    for head in UNIT_HEADS_ANY:
        if text.startswith(head):
            return True
    for head in UNIT_HEADS:
        for variant in (head, head[0].lower() + head[1:]):
            if text.startswith(variant + " "):
                after = text[len(variant) + 1 : len(variant) + 2]
                if variant == head or after.isupper():
                    return True
    return False


def split_units(value: str) -> list[str]:
    value = re.sub(r"^\s*[-–+:]\s*", "", value).strip(" .;,")
    out: list[str] = []
    for part in re.split(r"\s*;\s*", value):
        pieces: list[str] = []
        start = 0
        for m in re.finditer(r",\s+", part):
            if starts_with_unit(part[m.end() :]):
                pieces.append(part[start : m.start()])
                start = m.end()
        pieces.append(part[start:])
        out.extend(p.strip(" .,:") for p in pieces if p.strip(" .,:"))
    return [p[0].upper() + p[1:] for p in out]


UNIT_CUT_RE = re.compile(
    r"\s(?:chủ trì|phối hợp|có trách nhiệm|theo chức năng|căn cứ|tăng cường|tăng|đẩy mạnh|"
    r"tổ chức|thực hiện|triển khai|chỉ đạo|tham mưu|hướng dẫn|xây dựng|bố trí|quan tâm|"
    r"tiếp tục|chủ động|rà soát|thường xuyên|kịp thời|nghiên cứu|cập nhật|tuyên truyền|"
    r"lồng ghép|giám sát|kiểm tra|đôn đốc|vận động|huy động|nâng cao|đảm bảo|bảo đảm|ưu tiên|"
    r"cung cấp|phát huy|duy trì|tích cực|theo dõi|là cơ quan|làm đầu mối|trên cơ sở|"
    r"trong phạm vi|có nhiệm vụ|được giao|giúp|phát triển|quản lý|xử lý|hỗ trợ)\b"
)
NON_UNIT_RE = re.compile(
    r"^(?:Trường hợp|Trong quá trình|Trên đây|Căn cứ|Chế độ|Kế hoạch|Định kỳ|Thời gian|"
    r"Kinh phí|Sau khi|Khi |Nếu|Yêu cầu|Các nội dung|Quá trình)"
)


def unit_name(head: str) -> tuple[str, str]:
    """Split an implementation entry into the unit's name and the rest (its first duty)."""
    text = re.sub(r"^(?:Đề nghị|Giao|Đối với|Yêu cầu)\s+", "", head).strip()
    colon = text.find(":")
    if 0 < colon <= 200:
        return text[:colon].strip(), text[colon + 1 :].strip()
    if not text.endswith((".", ";")) and len(text) <= 160:
        return text.strip(" ."), ""
    for m in UNIT_CUT_RE.finditer(text):
        if m.start() < 4:
            continue
        prev = text[: m.start()].split()[-1].lower() if text[: m.start()].split() else ""
        if prev in ("các", "và", "những", "với", "của", "được"):
            continue
        return text[: m.start()].strip(" ,;"), text[m.start() :].strip()
    words = text.split()
    return " ".join(words[:15]).strip(" .,;"), " ".join(words[15:])


def cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


# ------------------------------------------------------------------ labels in tasks

LABEL_RE = re.compile(
    r"(?:(?P<lead>(?:Đơn vị|Cơ quan|Bộ phận|Ngành)\s+(?:chủ trì|thực hiện|chịu trách nhiệm|"
    r"đầu mối)(?:\s+(?:thực hiện|triển khai|chính))?|Chủ trì(?:\s+thực hiện)?|Thực hiện)"
    r"|(?P<coord>(?:Đơn vị|Cơ quan|Bộ phận)\s+phối hợp(?:\s+thực hiện)?|Phối hợp(?:\s+thực hiện)?)"
    r"|(?P<time>Thời gian(?:\s+(?:thực hiện|dự kiến|hoàn thành|tổ chức|triển khai))?|Thời hạn|"
    r"Tiến độ(?:\s+thực hiện)?))"
    r"\s*:\s*"
)
TIME_INLINE_RE = re.compile(
    r"Thời gian(?:\s+(?:thực hiện|tổ chức|dự kiến|triển khai))?\s*:?\s*"
    r"((?:từ|trong|vào|trước|dự kiến|Quý|quý|tháng|Tháng)\b[^.;]*)"
)
HEADING_PERIOD_RE = re.compile(
    r"\(?\s*(từ\s+ngày\s+\d{1,2}/\d{1,2}(?:/\d{4})?\s+đến\s+ngày\s+\d{1,2}/\d{1,2}(?:/\d{4})?)\s*\)?"
)
META_ITEM_RE = re.compile(r"^(?:Đơn vị|Cơ quan|Thời gian|Tiến độ|Phân công)\b.{0,60}$")


def read_labels(paragraph: str) -> dict[str, str]:
    """Labelled values in a paragraph: "Đơn vị chủ trì: X. Thời gian thực hiện: Y"."""
    found: dict[str, str] = {}
    matches = [
        m
        for m in LABEL_RE.finditer(paragraph)
        if m.start() == 0
        or paragraph[m.start() - 1 : m.start()] in "("
        or re.search(r"[.;]\s*$", paragraph[: m.start()])
    ]
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(paragraph)
        key = next(k for k in ("lead", "coord", "time") if m.group(k))
        value = paragraph[m.end() : end].strip(" ;")
        value = value[:-1] if value.endswith(".") and not value.endswith("..") else value
        if value and key not in found:
            found[key] = value.strip()
    return found


# ------------------------------------------------------------------ the extractor


class PlanExtractor:
    def __init__(self, source: SourceText) -> None:
        paragraphs, stamps = to_paragraphs(source.lines, source.wrapped)
        self.paragraphs: list[Paragraph] = paragraphs
        self.stamps = stamps
        self.texts = [p.text for p in paragraphs]
        self.items = [parse_item(i, t) for i, t in enumerate(self.texts)]
        self.title_index = self._find_title_index()
        self.end_index = self._find_end_index()
        self.sections = self._sections()

    # -------------------------------------------------------------- layout

    def _find_title_index(self) -> int:
        for i, text in enumerate(self.texts[:40]):
            if fold(text).startswith("ke hoach") and (is_upper_line(text[:8])):
                return i
        return -1

    def _find_end_index(self) -> int:
        """Index of the recipients list ("Nơi nhận") or signature: where the body ends."""
        for i in range(len(self.texts) - 1, self.title_index, -1):
            if fold(self.texts[i]).startswith("noi nhan"):
                return i
        for i in range(len(self.texts) - 1, self.title_index, -1):
            if re.match(r"^(?:TM\.|KT\.|K/T|T/M)", self.texts[i]):
                return i
        return len(self.texts)

    def _header_texts(self) -> list[str]:
        if self.title_index >= 0:
            return self.texts[: self.title_index + 1]
        return self.texts[:8]

    def _title_paragraph(self) -> tuple[int, str]:
        if self.title_index < 0:
            for i, text in enumerate(self.texts[:30]):
                if fold(text).startswith("ke hoach ") and len(text) < 300:
                    return i, text[len("Kế hoạch") :].strip()
            return -1, ""
        head = self.texts[self.title_index]
        rest = head[len("KẾ HOẠCH") :].strip(" :")
        if rest:
            return self.title_index, rest
        if self.title_index + 1 < len(self.texts):
            return self.title_index + 1, self.texts[self.title_index + 1]
        return -1, ""

    def _body_start(self) -> int:
        idx, _ = self._title_paragraph()
        return idx + 1 if idx >= 0 else 0

    def _sections(self) -> list[Section]:
        start = self._body_start()
        romans = [it for it in self.items[start : self.end_index] if it.kind == "roman"]
        sections: list[Section] = []
        current: Section | None = None
        for it in self.items[start : self.end_index]:
            top = False
            if romans:
                top = it.kind == "roman"
            elif it.kind == "num" and it.level == 1 and is_upper_line(it.text):
                top = True
            if not top and it.kind == "text" and is_upper_line(it.text) and len(it.text) < 90:
                top = section_kind(it.text) not in ("other",)
            if top:
                current = Section(section_kind(it.text), it.text, it.number)
                sections.append(current)
            elif current is not None:
                current.items.append(it)
        return sections

    def section_of(self, kind: str) -> Section | None:
        for s in self.sections:
            if s.kind == kind:
                return s
        return None

    # -------------------------------------------------------------- metadata

    def title(self) -> str:
        _, text = self._title_paragraph()
        m = re.search(
            r"\s(?=(?:Căn cứ|Thực hiện|Triển khai|Để|Nhằm)\s.{0,60}?"
            r"(?:số|Luật|Nghị định|Quyết định|Kế hoạch|Chỉ thị|Công văn|Thông tư)\b)",
            text,
        )
        if m and m.start() > 15:
            text = text[: m.start()]
        text = re.split(r"\s[-_=*]{3,}", text)[0]
        return text.strip(" .")

    def year(self, title: str) -> int | None:
        m = re.search(r"năm\s+(\d{4})", title, re.IGNORECASE)
        if m:
            return int(m.group(1))
        issued = self.issued_date()
        if issued:
            return int(issued[:4])
        years = re.findall(r"năm\s+(20\d{2})", " ".join(self.texts[: self.end_index]))
        if years:
            return int(max(set(years), key=years.count))
        return None

    def doc_number(self) -> str | None:
        for text in self._header_texts():
            m = re.search(r"\bSố\s*:?\s*(\S.*)$", text)
            if not m:
                continue
            value = m.group(1)
            num = re.match(rf"(\d{{1,5}})\s*((?:/\s*\d{{4}}\s*)?/\s*{SYMBOL})", value)
            if num:
                return (num.group(1) + num.group(2)).replace(" ", "")
            return None
        return None

    def issued_date(self) -> str | None:
        header = " ".join(self._header_texts())
        m = re.search(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", header)
        if m:
            return iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = re.search(
            r"[^\W\d_]+,\s*ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", header
        )
        if m:
            return iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return None

    def place(self) -> str | None:
        for text in self._header_texts():
            m = re.search(r"([A-ZĐÀ-Ỹ][^\d,:;]{1,40}),\s*ngày\b", text)
            if m:
                name = re.sub(r"^.*?\b(?:Số\s*:?\s*\S+\s+)", "", m.group(1)).strip()
                return title_case(name)
        return None

    def issuer(self, title: str) -> dict[str, str | None]:
        candidates: list[tuple[int, str, str]] = []  # (priority, level, name)

        def scan(text: str, priority: int, lowest: bool) -> None:
            text = re.sub(
                r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", " ", text
            )
            found: list[tuple[str, str]] = []
            for m in re.finditer(
                rf"(?:ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|Ủy ban nhân dân|Uỷ ban nhân dân|UBND)\s+"
                rf"{LEVEL_RE}(?=\s|$)",
                text,
                re.IGNORECASE,
            ):
                level = m.group(1).lower()
                name = _clean_name(text[m.end() : m.end() + 80])
                found.append((level, name))
            if lowest and found:
                found.sort(key=lambda x: LEVEL_RANK.get(x[0], 3))
            for level, name in found:
                candidates.append((priority, level, name))

        header = self._header_texts()
        if self.title_index >= 0:
            header = header[:-1]
        for text in header:
            scan(text.upper() if is_upper_line(text) else text, 0, True)
        signature = self.texts[self.end_index :]
        for text in signature:
            if re.match(r"^(?:TM\.|T/M|KT\.|K/T)", text):
                scan(text, 2, True)
        for text in self.stamps:
            scan(text, 3, True)
        m = re.search(rf"\b{LEVEL_RE}\s+((?:[A-ZĐÀ-Ỹ0-9][^\s,.;:()]*\s?){{1,5}})", title)
        if m:
            candidates.append((1, m.group(1).lower(), _clean_name(m.group(2))))
        body = " ".join(self.texts[self._body_start() : self._body_start() + 3])
        body += " " + " ".join(self.texts[max(0, self.end_index - 3) : self.end_index])
        scan(body, 4, False)

        level = next((c[1] for c in sorted(candidates, key=lambda c: c[0]) if c[1]), None)
        if level is None:
            return {"level": None, "name": None}
        name = next(
            (c[2] for c in sorted(candidates, key=lambda c: c[0]) if c[1] == level and c[2]),
            None,
        )
        if not name:
            name = self.place()
        return {"level": level, "name": name}

    def signer(self) -> dict[str, str | None]:
        tail = self.texts[self.end_index :] if self.end_index < len(self.texts) else []
        if not tail:
            tail = self.texts[-15:]
        role_idx = -1
        role: str | None = None
        role_rest = ""
        for i, text in enumerate(tail):
            matches = list(ROLE_RE.finditer(text.upper() if is_upper_line(text) else text))
            if matches:
                role_idx, role = i, matches[-1].group(0)
                role_rest = text[matches[-1].end() :].strip()
        name: str | None = None
        if role_idx >= 0:
            candidates = ([role_rest] if role_rest else []) + tail[role_idx + 1 :]
            for text in candidates:
                text = re.sub(
                    r"\((?:đã ký|ký|ký, đóng dấu|ký tên, đóng dấu)[^)]*\)", "", text, flags=re.I
                )
                text = text.strip(" .")
                if not text:
                    continue
                name = _person_name(text)
                if name:
                    break
        return {"name": name, "title": role}

    # -------------------------------------------------------------- references

    def references(self, own_number: str | None) -> list[dict[str, Any]]:
        own = (own_number or "").replace(" ", "")
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        # From the title paragraph on: a wrapped title can carry the preamble with it.
        start = max(self._title_paragraph()[0], 0)
        for text in self.texts[start : self.end_index]:
            for m in REF_RE.finditer(text):
                if m.group(1):
                    number = (m.group(1) + m.group(2)).replace(" ", "")
                    code = re.split(r"[/-]", m.group(2).replace(" ", "").lstrip("/"))
                else:
                    number = f"{m.group(3)}-{m.group(4)}"
                    code = m.group(4).split("/")
                if number == own or fold(number) in seen:
                    continue
                seen.add(fold(number))
                ref: dict[str, Any] = {"number": number}
                before = text[max(0, m.start() - 40) : m.start()]
                kind = None
                for word in KIND_WORDS:
                    if re.search(rf"{word}\s*(?:số)?\s*$", before, re.IGNORECASE):
                        kind = word
                        break
                if kind is None:
                    for part in code:
                        if re.fullmatch(r"\d{4}", part):
                            continue
                        kind = KIND_BY_CODE.get(part)
                        if kind is None and re.fullmatch(r"QH\d*", part):
                            kind = "Nghị quyết"
                        break
                if kind:
                    ref["kind"] = kind
                dm = REF_DATE_RE.match(text[m.end() :])
                if dm:
                    g = [x for x in dm.groups() if x is not None]
                    d = iso(int(g[2]), int(g[1]), int(g[0]))
                    if d:
                        ref["date"] = d
                out.append(ref)
        return out

    # -------------------------------------------------------------- targets

    def targets(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        roman = ""
        number = ""
        for it in self.items[self._body_start() : self.end_index]:
            if it.kind == "roman":
                roman, number = it.number, ""
                continue
            if it.kind == "num":
                number = it.number
            if "%" not in it.text:
                continue
            section = ".".join(x for x in (roman, number) if x)
            for sentence in split_sentences(it.text):
                segments: list[str] = []
                for segment in re.split(r";\s*", sentence):
                    # "100% trẻ em ... như: được A; được B": the list belongs to the clause.
                    if segments and not PERCENT_RE.search(segment) and ": " in segments[-1]:
                        segments[-1] += "; " + segment
                    else:
                        segments.append(segment)
                for segment in segments:
                    out.extend(_percent_clauses(segment, section))
        return out

    # -------------------------------------------------------------- tasks

    def _task_items(self) -> tuple[list[Item], str]:
        """The items of the tasks section, and the number prefix of a nested tasks heading."""
        section = self.section_of("tasks")
        if section is not None:
            items = section.items
            f = fold(section.heading)
            if "muc tieu" in f or "noi dung" in f:
                for i, it in enumerate(items):
                    if (
                        it.kind == "num"
                        and it.level == 1
                        and re.match(
                            r"^(?:Các\s+)?(?:nhiệm vụ|Nhiệm vụ|giải pháp)", it.text, re.IGNORECASE
                        )
                        and len(it.text) < 120
                    ):
                        sub = [it]
                        for nxt in items[i + 1 :]:
                            if nxt.kind == "num" and nxt.level == 1:
                                break
                            sub.append(nxt)
                        return sub[1:], it.number
            return items, ""
        # No tasks section among the top-level headings: look for a numbered heading.
        for i, it in enumerate(self.items[self._body_start() : self.end_index]):
            if (
                it.kind == "num"
                and re.match(r"^(?:Các\s+)?(?:nhiệm vụ|giải pháp)", it.text, re.I)
                and len(it.text) < 120
            ):
                base = self._body_start() + i
                sub = []
                for nxt in self.items[base + 1 : self.end_index]:
                    if nxt.kind == "roman" or (nxt.kind == "num" and nxt.level <= it.level):
                        break
                    sub.append(nxt)
                return sub, it.number
        return [], ""

    def tasks(self, year: int | None) -> list[dict[str, Any]]:
        items, _prefix = self._task_items()
        items = [it for it in items if it.kind != "roman"]
        structured = [it for it in items if it.kind in ("num", "letter")]
        if not structured:
            # Tasks written as a plain list of bullets.
            counter = 0
            for it in items:
                if it.kind == "bullet":
                    counter += 1
                    it.kind, it.number, it.level = "num", str(counter), 1
        tasks: list[_Task] = []
        stack: list[_Task] = []
        current: _Task | None = None
        base_level = min((it.level for it in items if it.kind == "num"), default=1)
        for it in items:
            if it.kind == "num":
                level = it.level - base_level + 1
                if META_ITEM_RE.match(it.text) or it.text.rstrip(":").lower().startswith(
                    ("đơn vị thực hiện", "đơn vị chủ trì", "thời gian thực hiện")
                ):
                    while stack and stack[-1].level >= level:
                        stack.pop()
                    current = stack[-1] if stack else current
                    if current is not None:
                        current.body.append(it.text)
                    continue
                while stack and stack[-1].level >= level:
                    stack.pop()
                task = _Task(it.number, level, it.text)
                tasks.append(task)
                stack.append(task)
                current = task
            elif it.kind == "letter":
                parent = next(
                    (t for t in reversed(stack) if not re.search(r"\.[a-zđ]$", t.number)), None
                )
                level = (parent.level + 1) if parent else 1
                if META_ITEM_RE.match(it.text):
                    if parent is not None:
                        parent.body.append(it.text)
                    continue
                while stack and stack[-1].level >= level:
                    stack.pop()
                number = f"{parent.number}.{it.number}" if parent else it.number
                task = _Task(number, level, it.text)
                tasks.append(task)
                stack.append(task)
                current = task
            elif current is not None:
                current.body.append(it.text)
        return [t.as_dict(year) for t in tasks]

    # -------------------------------------------------------------- units

    def units(self) -> list[dict[str, Any]]:
        section = self.section_of("implementation")
        if section is None:
            return []
        items = section.items
        kinds = [it.kind for it in items]
        if "num" in kinds:
            top = min(it.level for it in items if it.kind == "num")

            def is_entry(it: Item) -> bool:
                return it.kind == "num" and it.level == top

        elif "letter" in kinds:

            def is_entry(it: Item) -> bool:
                return it.kind == "letter"

        else:

            def is_entry(it: Item) -> bool:
                m = re.match(r"^([^:.;]{3,120}):", it.text)
                return (
                    it.kind in ("bullet", "text")
                    and m is not None
                    and len(m.group(1).split()) <= 14
                    and cap(m.group(1))[:1].isupper()
                    and not re.search(r"thời gian|báo cáo", m.group(1), re.IGNORECASE)
                )

        out: list[dict[str, Any]] = []
        current: dict[str, Any] | None = None
        for it in items:
            if is_entry(it):
                name, rest = unit_name(it.text)
                if NON_UNIT_RE.match(name) or not name:
                    current = None
                    continue
                current = {"name": cap(name), "duties": [rest] if rest else []}
                out.append(current)
            elif current is not None and it.text:
                current["duties"].append(it.text)
        return out

    # -------------------------------------------------------------- report deadlines

    def report_deadlines(self, year: int | None) -> list[dict[str, Any]]:
        section = self.section_of("reporting")
        if section is not None:
            texts = [it.text for it in section.items] + [section.heading]
            strict = False
        else:
            texts = self.texts[self._body_start() : self.end_index]
            strict = True
        out: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()
        for text in texts:
            for sentence in split_sentences(text):
                if "báo cáo" not in sentence.lower():
                    continue
                out.extend(_deadlines_in(sentence, year, strict, seen))
        return out


@dataclass
class _Task:
    number: str
    level: int
    head: str
    body: list[str] = field(default_factory=list)

    def as_dict(self, year: int | None) -> dict[str, Any]:
        lead: list[str] = []
        coord: list[str] = []
        timeframe: str | None = None
        text_parts = [self.head]
        for para in [self.head, *self.body]:
            labels = read_labels(para)
            if labels.get("lead") and not lead:
                lead = split_units(labels["lead"])
            if labels.get("coord") and not coord:
                coord = split_units(labels["coord"])
            if labels.get("time") and timeframe is None:
                timeframe = labels["time"]
            if para is not self.head and not labels:
                text_parts.append(para)
        if timeframe is None:
            for para in self.body:
                m = TIME_INLINE_RE.search(para)
                if m:
                    timeframe = m.group(1).strip(" .")
                    break
        if timeframe is None:
            m = HEADING_PERIOD_RE.search(self.head)
            if m:
                timeframe = m.group(1)
        title = self.head
        if len(title) > 160:
            m = re.search(r"[:.;]\s", title[20:])
            if m:
                title = title[: 20 + m.start()]
        return {
            "number": self.number,
            "title": title.strip(" :;."),
            "text": " ".join(text_parts),
            "lead_units": lead,
            "coordinating_units": coord,
            "timeframe": timeframe,
        }


NAME_STOP = {"SỐ", "SỐ:", "TM.", "KT.", "K/T", "T/M", "ỦY", "UỶ", "UBND", "CỘNG", "ĐỘC", "HĐND"}


def _clean_name(raw: str) -> str:
    raw = raw.strip()
    words: list[str] = []
    for w in raw.split():
        if w.upper() in NAME_STOP or w.startswith(("Số", "<")):
            break
        if ROLE_RE.match(" ".join(raw.split()[len(words) :]).upper()):
            break
        if not (w[0].isupper() or w[0].isdigit()):
            break
        words.append(w)
    return title_case(" ".join(words)).strip(" ,.;")


def _person_name(text: str) -> str | None:
    words = text.split()
    if not 2 <= len(words) <= 5:
        # "- Lưu: VT. Nguyễn Văn A": a name after a recipients entry (two-column PDF).
        m = re.search(r"[.;:]\s+((?:\S+\s+){1,4}\S+)$", text)
        if m and _person_name(m.group(1)):
            return _person_name(m.group(1))
        return None
    for w in words:
        if not w[0].isalpha() or not w[0].isupper() or any(c.isdigit() for c in w):
            return None
        if not (w[1:].islower() or w.isupper() or len(w) == 1):
            return None
    if ROLE_RE.search(text.upper()) or re.search(r"ỦY BAN|UBND|NHÂN DÂN", text.upper()):
        return None
    return title_case(text)


def _percent_clauses(segment: str, section: str) -> list[dict[str, Any]]:
    matches = list(PERCENT_RE.finditer(segment))
    if not matches:
        return []
    bounds = [0]
    for prev, cur in itertools.pairwise(matches):
        window = segment[prev.end() : cur.start()]
        cut = max(window.rfind(", "), window.rfind(" và "), window.rfind("; "))
        bounds.append(prev.end() + cut + 1 if cut >= 0 else cur.start())
    bounds.append(len(segment))
    out = []
    for i, m in enumerate(matches):
        clause = segment[bounds[i] : bounds[i + 1]].strip(" ,;.")
        clause = re.sub(r"^và\s+", "", clause)
        value = float(m.group(1).replace(",", "."))
        out.append(
            {
                "text": clause,
                "value": int(value) if value.is_integer() else value,
                "unit": "%",
                "section": section,
            }
        )
    return out


DEADLINE_RE = re.compile(
    r"(?:trước|chậm nhất(?:\s+là)?|hạn chót|không muộn hơn|hạn)\s*(?:vào\s+)?(?:ngày\s*)?"
    r"(\d{1,2})\s*(?:/|-|\.|\s+tháng\s+)\s*(\d{1,2})(?:\s*(?:/|-|\.|\s+năm\s+)\s*(\d{4}))?",
    re.IGNORECASE,
)
PERIOD_RES = [
    ("6_months", re.compile(r"(?:0?6|sáu)\s*tháng(?:\s*đầu\s*năm)?", re.IGNORECASE)),
    ("9_months", re.compile(r"(?:0?9|chín)\s*tháng", re.IGNORECASE)),
    ("quarterly", re.compile(r"\bquý\b|hằng quý|hàng quý", re.IGNORECASE)),
    ("monthly", re.compile(r"hằng tháng|hàng tháng", re.IGNORECASE)),
    (
        "annual",
        re.compile(
            r"(?:báo cáo|kết quả|tổng kết|hằng|hàng|cả|và|,)\s+(?:cả\s+)?năm\b"
            r"|\bnăm\s*(?:\d{4})?\s*(?=\(?\s*(?:trước|chậm nhất))",
            re.IGNORECASE,
        ),
    ),
]
RECIPIENT_RE = re.compile(
    r"(?:gửi\s+)?(?:về|cho|tới|đến)\s+((?:UBND|Ủy ban|Uỷ ban|Phòng|Văn phòng|Sở|Bộ phận|Ban|"
    r"Trung tâm|Bộ)\b[^();.,]*?)(?=\s*(?:\(|để|;|\.|,|$|trước))"
)


def _deadlines_in(
    sentence: str, year: int | None, strict: bool, seen: set[tuple[str, str]]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    matches = list(DEADLINE_RE.finditer(sentence))
    prev_end = 0
    for m in matches:
        window = sentence[prev_end : m.start()]
        period: str | None = None
        best = -1
        for name, rx in PERIOD_RES:
            for pm in rx.finditer(window):
                if pm.start() >= best:
                    best, period = pm.start(), name
        prev_end = m.end()
        if period is None:
            if strict:
                continue
            period = "other"
        y = int(m.group(3)) if m.group(3) else year
        if y is None:
            continue
        due = iso(y, int(m.group(2)), int(m.group(1)))
        if due is None or (period, due) in seen:
            continue
        seen.add((period, due))
        entry: dict[str, Any] = {"period": period, "due": due}
        rm = RECIPIENT_RE.search(sentence, m.end())
        if rm:
            entry["to"] = rm.group(1).strip()
        out.append(entry)
    return out


def extract_from_source(source: SourceText) -> dict[str, Any]:
    ex = PlanExtractor(source)
    title = ex.title()
    year = ex.year(title)
    number = ex.doc_number()
    return {
        "title": title,
        "year": year,
        "doc_number": number,
        "issued_date": ex.issued_date(),
        "issuer": ex.issuer(title),
        "signer": ex.signer(),
        "references": ex.references(number),
        "targets": ex.targets(),
        "tasks": ex.tasks(year),
        "units": ex.units(),
        "report_deadlines": ex.report_deadlines(year),
    }
