"""Matching the unit names a plan uses ("Trạm Y tế xã") to an area's agencies."""

from __future__ import annotations

import re
from collections.abc import Iterable

from treem.core.models import Agency, AgencyKind, Area
from treem.core.text import clean, fold

# Folded keywords that reveal an agency's kind, most specific first.
KIND_KEYWORDS: list[tuple[str, str]] = [
    ("tram y te", AgencyKind.HEALTH_STATION),
    ("cong an", AgencyKind.POLICE),
    ("mat tran to quoc", AgencyKind.FATHERLAND_FRONT),
    ("doan thanh nien", AgencyKind.YOUTH_UNION),
    ("lien hiep phu nu", AgencyKind.WOMENS_UNION),
    ("hoi phu nu", AgencyKind.WOMENS_UNION),
    ("truyen thanh", AgencyKind.RADIO),
    ("van hoa xa hoi", AgencyKind.CULTURE_SOCIAL),
    ("tu phap", AgencyKind.JUSTICE),
    ("tai chinh", AgencyKind.FINANCE),
    ("van hoa thong tin", AgencyKind.CULTURE_OFFICE),
    ("truong", AgencyKind.SCHOOL),
    ("uy ban nhan dan", AgencyKind.PEOPLES_COMMITTEE),
    ("ubnd", AgencyKind.PEOPLES_COMMITTEE),
]
# Kinds an area usually has once; a kind match is only trusted for these.
SINGLE_KINDS = {
    AgencyKind.HEALTH_STATION,
    AgencyKind.POLICE,
    AgencyKind.FATHERLAND_FRONT,
    AgencyKind.YOUTH_UNION,
    AgencyKind.WOMENS_UNION,
    AgencyKind.RADIO,
    AgencyKind.CULTURE_SOCIAL,
    AgencyKind.JUSTICE,
    AgencyKind.FINANCE,
    AgencyKind.PEOPLES_COMMITTEE,
}
_GENERIC_TAIL = re.compile(r"\s+(xa|phuong|thi tran|huyen|thi xa|quan|thanh pho|tinh)$")


def guess_kind(name: str) -> str:
    key = fold(name).replace(" ", " ")
    for keyword, kind in KIND_KEYWORDS:
        if keyword in key:
            return kind
    return AgencyKind.OTHER


def unit_key(name: str, area: Area | None = None) -> str:
    """A comparison key: folded, without the area's own name or a trailing "xã"."""
    key = fold(name)
    if area is not None and area.name_folded:
        key = re.sub(rf"\s*\b{re.escape(area.name_folded)}\b", "", key).strip()
    key = _GENERIC_TAIL.sub("", key).strip()
    return key


class AgencyMatcher:
    """Resolve names against one area's agencies (loaded once)."""

    def __init__(self, area: Area, agencies: Iterable[Agency] | None = None) -> None:
        self.area = area
        self.agencies = list(
            agencies if agencies is not None else Agency.objects.filter(area=area, is_active=True)
        )
        self._refresh()

    def _refresh(self) -> None:
        self.by_key: dict[str, Agency] = {}
        self.by_kind: dict[str, list[Agency]] = {}
        for a in self.agencies:
            self.by_key.setdefault(unit_key(a.name, self.area), a)
            self.by_key.setdefault(fold(a.name), a)
            self.by_kind.setdefault(a.kind, []).append(a)

    def add(self, agency: Agency) -> None:
        self.agencies.append(agency)
        self._refresh()

    def match(self, name: str) -> Agency | None:
        name = clean(name)
        if not name:
            return None
        exact = self.by_key.get(fold(name)) or self.by_key.get(unit_key(name, self.area))
        if exact is not None:
            return exact
        kind = guess_kind(name)
        candidates = self.by_kind.get(kind, [])
        if kind in SINGLE_KINDS and len(candidates) == 1:
            return candidates[0]
        return None


def split_names(value: str) -> list[str]:
    """Names typed in one box, separated by ";" or new lines (commas belong to names)."""
    parts = re.split(r"[;\n]+", value or "")
    return [clean(p).strip(" .") for p in parts if clean(p).strip(" .")]
