"""Load the official administrative units, current and pre-2025, with the 2025 mapping.

Sources (both MIT-licensed PyPI packages, read from their installed data files,
nothing fetched at run time):

- ``vietnam-provinces``: the official post-reform list (34 provinces, 3,321
  commune-level units) with codes, names and types.
- ``vietnamadminunits``: the pre-2025 units (63 provinces, districts, communes)
  in its ``dataset.db`` and the 2025 old→new ward mapping in
  ``converter_2025.json`` (whole-ward merges and split wards).

Identity: current units are keyed by their official code, pre-2025 units by
``legacy-<code>``, because the reform reused codes (10903 was Xã Ngọc Liên,
Hải Dương, and is now Xã Cẩm Giàng, Hải Phòng).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import vietnam_provinces
import vietnamadminunits
from django.db import transaction

from treem.core.models import LEGACY_PREFIX, REFORM_DATE, Area, AreaKind, AreaLevel
from treem.core.text import fold

CURRENT_PROVINCE_KIND = {
    "thành phố trung ương": AreaKind.MUNICIPALITY,
    "tỉnh": AreaKind.PROVINCE,
}
CURRENT_WARD_KIND = {
    "xã": AreaKind.COMMUNE,
    "phường": AreaKind.WARD,
    "đặc khu": AreaKind.SPECIAL_ZONE,
}
LEGACY_DISTRICT_KIND = {
    "huyện": AreaKind.DISTRICT,
    "quận": AreaKind.URBAN_DISTRICT,
    "thị xã": AreaKind.DISTRICT_TOWN,
    "thành phố": AreaKind.PROVINCIAL_CITY,
}
LEGACY_WARD_KIND = {"xã": AreaKind.COMMUNE, "phường": AreaKind.WARD, "thị trấn": AreaKind.TOWNSHIP}
LEGACY_START = dt.date(1900, 1, 1)


@dataclass
class Row:
    key: str
    code: str
    name: str
    full_name: str
    kind: str
    level: int
    parent_key: str | None
    province_code: str
    valid_from: dt.date
    valid_to: dt.date | None
    successor_keys: set[str] = field(default_factory=set)


def _short(full_name: str, prefixes: list[str]) -> str:
    low = full_name.lower()
    for p in sorted(prefixes, key=len, reverse=True):
        if low.startswith(p + " "):
            return full_name[len(p) + 1 :]
    return full_name


def current_rows() -> list[Row]:
    data = json.loads(Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH).read_text("utf-8"))
    rows: list[Row] = []
    for p in data:
        pcode = f"{int(p['code']):02d}"
        pkind = CURRENT_PROVINCE_KIND[p["division_type"]]
        rows.append(
            Row(
                key=pcode,
                code=pcode,
                name=_short(p["name"], ["thành phố", "tỉnh"]),
                full_name=p["name"]
                if p["name"].lower().startswith(("tỉnh", "thành phố"))
                else f"Tỉnh {p['name']}",
                kind=pkind,
                level=AreaLevel.PROVINCE,
                parent_key=None,
                province_code=pcode,
                valid_from=REFORM_DATE,
                valid_to=None,
            )
        )
        for w in p["wards"]:
            wcode = f"{int(w['code']):05d}"
            rows.append(
                Row(
                    key=wcode,
                    code=wcode,
                    name=_short(w["name"], ["xã", "phường", "đặc khu"]),
                    full_name=w["name"],
                    kind=CURRENT_WARD_KIND[w["division_type"]],
                    level=AreaLevel.COMMUNE,
                    parent_key=pcode,
                    province_code=pcode,
                    valid_from=REFORM_DATE,
                    valid_to=None,
                )
            )
    return rows


def _legacy_db() -> sqlite3.Connection:
    path = Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def legacy_rows() -> list[Row]:
    """Pre-2025 provinces, districts and communes, with successors from the 2025 converter."""
    base = Path(vietnamadminunits.__file__).parent / "data"
    conn = _legacy_db()
    new_by_key = {
        (pk, wk): code
        for pk, wk, code in conn.execute("SELECT provinceKey, wardKey, wardCode FROM admin_units")
    }
    new_province_by_key = dict(conn.execute("SELECT provinceKey, provinceCode FROM admin_units"))
    legacy = list(
        conn.execute(
            "SELECT province, provinceShort, provinceCode, provinceKey, district, districtShort,"
            " districtType, districtCode, districtKey, ward, wardShort, wardType, wardCode, wardKey"
            " FROM admin_units_legacy"
        )
    )
    conn.close()
    converter = json.loads((base / "converter_2025.json").read_text("utf-8"))

    # legacy full key ("province_district_ward") -> current ward codes
    succ: dict[str, set[str]] = defaultdict(set)
    for pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, olds in wards.items():
            code = new_by_key.get((pkey, wkey))
            if code:
                for old in olds:
                    succ[old].add(f"{int(code):05d}")
    for pkey, mapping in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in mapping.items():
            for n in news:
                code = new_by_key.get((pkey, n["newWardKey"]))
                if code:
                    succ[old].add(f"{int(code):05d}")
    province_succ: dict[str, set[str]] = defaultdict(set)
    for new_pkey, old_pkeys in converter["DICT_PROVINCE"].items():
        code = new_province_by_key.get(new_pkey)
        if code:
            for old in old_pkeys:
                province_succ[old].add(f"{int(code):02d}")

    rows: dict[str, Row] = {}
    district_succ: dict[str, set[str]] = defaultdict(set)
    for (
        prov,
        prov_short,
        pcode,
        pkey,
        dist,
        dist_short,
        dtype,
        dcode,
        dkey,
        ward,
        ward_short,
        wtype,
        wcode,
        wkey,
    ) in legacy:
        p_key = f"{LEGACY_PREFIX}{int(pcode):02d}"
        if p_key not in rows:
            rows[p_key] = Row(
                key=p_key,
                code=f"{int(pcode):02d}",
                name=prov_short,
                full_name=prov,
                kind=AreaKind.MUNICIPALITY
                if prov.lower().startswith("thành phố")
                else AreaKind.PROVINCE,
                level=AreaLevel.PROVINCE,
                parent_key=None,
                province_code=p_key,
                valid_from=LEGACY_START,
                valid_to=REFORM_DATE,
                successor_keys=set(province_succ.get(pkey, set())),
            )
        d_key = f"{LEGACY_PREFIX}{int(dcode):03d}"
        if d_key not in rows:
            rows[d_key] = Row(
                key=d_key,
                code=f"{int(dcode):03d}",
                name=dist_short,
                full_name=dist,
                kind=LEGACY_DISTRICT_KIND.get((dtype or "").lower(), AreaKind.DISTRICT),
                level=AreaLevel.DISTRICT,
                parent_key=p_key,
                province_code=p_key,
                valid_from=LEGACY_START,
                valid_to=REFORM_DATE,
            )
        full_key = f"{pkey}_{dkey}_{wkey or ''}"
        if not wcode:
            # A district without communes (island districts): it became a special zone.
            district_succ[d_key] |= succ.get(full_key, set())
            continue
        w_key = f"{LEGACY_PREFIX}{int(wcode):05d}"
        successors = succ.get(full_key, set())
        district_succ[d_key] |= successors
        rows[w_key] = Row(
            key=w_key,
            code=f"{int(wcode):05d}",
            name=ward_short,
            full_name=ward,
            kind=LEGACY_WARD_KIND.get((wtype or "").lower(), AreaKind.COMMUNE),
            level=AreaLevel.COMMUNE,
            parent_key=d_key,
            province_code=p_key,
            valid_from=LEGACY_START,
            valid_to=REFORM_DATE,
            successor_keys=set(successors),
        )
    # A dissolved district's data rolls up into the current communes its communes became.
    for d_key, codes in district_succ.items():
        rows[d_key].successor_keys = set(codes)
    return list(rows.values())


@dataclass
class LoadResult:
    created: int
    updated: int
    successor_links: int


@transaction.atomic
def load_areas() -> LoadResult:
    """Create or update every official unit (idempotent); villages are left untouched."""
    rows = current_rows() + legacy_rows()
    existing = {a.key: a for a in Area.objects.filter(level__lt=AreaLevel.VILLAGE)}
    created = updated = 0
    ids: dict[str, int] = {k: a.pk for k, a in existing.items()}
    paths: dict[str, str] = {k: a.path for k, a in existing.items()}
    for level in (AreaLevel.PROVINCE, AreaLevel.DISTRICT, AreaLevel.COMMUNE):
        batch_new: list[Area] = []
        batch_upd: list[Area] = []
        for r in (r for r in rows if r.level == level):
            parent_path = paths[r.parent_key] if r.parent_key else "/"
            values = {
                "code": r.code,
                "name": r.name,
                "full_name": r.full_name,
                "kind": r.kind,
                "level": r.level,
                "parent_id": ids[r.parent_key] if r.parent_key else None,
                "path": f"{parent_path}{r.key}/",
                "province_code": r.province_code,
                "valid_from": r.valid_from,
                "valid_to": r.valid_to,
                "name_folded": fold(r.name),
            }
            paths[r.key] = values["path"]  # type: ignore[assignment]
            current = existing.get(r.key)
            if current is None:
                batch_new.append(Area(key=r.key, **values))
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                batch_upd.append(current)
        Area.objects.bulk_create(batch_new, batch_size=2000)
        if batch_upd:
            Area.objects.bulk_update(batch_upd, list(values.keys()), batch_size=2000)
        created += len(batch_new)
        updated += len(batch_upd)
        for key, pk in Area.objects.filter(level=level).values_list("key", "pk"):
            ids[key] = pk

    through = Area.successors.through
    wanted = {
        (ids[r.key], ids[s]) for r in rows for s in r.successor_keys if s in ids and r.key in ids
    }
    have = set(through.objects.values_list("from_area_id", "to_area_id"))
    through.objects.bulk_create(
        [through(from_area_id=a, to_area_id=b) for a, b in wanted - have], batch_size=5000
    )
    stale = have - wanted
    if stale:
        for a, b in stale:
            through.objects.filter(from_area_id=a, to_area_id=b).delete()
    return LoadResult(created=created, updated=updated, successor_links=len(wanted))
