"""`children_import`: validate a commune's Excel/CSV book and write it to the registry.

Every row is parsed and validated first (nothing written); then, in one transaction,
the valid rows are written in batches. In "all_or_nothing" mode (the default) a file
with any error writes nothing. In "valid_only" mode the valid rows are written and the
rest go to an error workbook for the user to fix and re-import.

Audit: one `child.import` row per import (file name, mode, counts, the created child ids
and the updated ones), plus one `child.update` row per child an ID number matched (with
the before/after of the fields the file changed), all in the import's transaction.
Per-created-child rows are not written: the import row lists their ids.

Duplicates (reported in `duplicates`, never silently created twice):
- kind "id": the ID number is already in the registry. Same commune and same folded
  name: the child is updated (matches = [child id]). A different name, or a child of
  another commune: an error (a conflict for the user to resolve).
- kind "name_dob": same folded name, date of birth and village as a child in the
  registry: not created (matches = [child ids]).
- kind "in_file": the same child twice in the file: the later row is not created
  (matches = [the earlier row number]); when the two rows differ in other columns it
  is also an error, since we cannot tell which is right.
"""

from __future__ import annotations

import calendar
import datetime as dt
import gc
import itertools
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.core.access import Cap, has_capability
from treem.core.audit import audit
from treem.core.i18n import record_language
from treem.core.models import Area, AreaLevel, AuditLog
from treem.registry.idnumber import check_id_number, normalize_id_number
from treem.registry.importing.columns import HeaderMap, find_header
from treem.registry.importing.parsing import (
    CellError,
    add_phone,
    caregiver_values,
    fold,
    fold_name,
    is_blank,
    is_mark,
    parse_date,
    parse_disability_level,
    parse_groups,
    parse_name,
    parse_phone,
    parse_poverty,
    parse_schooling,
    parse_sex,
    parse_year,
    text,
)
from treem.registry.importing.quick import QuickRows
from treem.registry.importing.reading import ReadError, Table, read_table
from treem.registry.importing.writing import (
    Column,
    CopyRows,
    CopyWriter,
    column_defaults,
    copy_field,
    insert_rows,
    reserve_ids,
)
from treem.registry.models import (
    ADULT_AGE,
    Caregiver,
    Child,
    ChildCircumstance,
    Ethnicity,
    caregiver_id_problems,
    name_sort_string,
)
from treem.registry.search import (
    SearchWordsText,
    search_words_for,
    search_words_refresh,
    sort_bucket,
    vocabulary_add,
)

MODES = ("all_or_nothing", "valid_only")
Progress = Callable[[int, int, str], None]


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class Duplicate:
    row: int
    kind: str  # "id" | "name_dob" | "in_file"
    matches: list[int]

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "kind": self.kind, "matches": self.matches}


class Known(NamedTuple):
    """A registry child an ID number of the file names: what the checks need of it."""

    pk: int
    id_number: str
    commune_id: int
    merged_into_id: int | None
    name_folded: str
    full_name: str


_KNOWN_SQL = (
    "SELECT id, id_number, commune_id, merged_into_id, name_folded, full_name "
    "FROM registry_child WHERE id_number = ANY(%s)"
)


def known_by_number(numbers: Iterable[str], cursor: Any = None) -> dict[str, Known]:
    """{ID number: the registry child holding it} for these numbers. On PostgreSQL one
    statement with an array parameter (the unique index answers it; a fresh registry
    matches nothing), run with `cursor` when given (a `CopyWriter.call`'s)."""
    wanted = sorted({n for n in numbers if n})
    if not wanted:
        return {}
    if connection.vendor == "postgresql":
        if cursor is None:
            with connection.cursor() as own:
                return known_by_number(wanted, own)
        cursor.execute(_KNOWN_SQL, [wanted])
        return {row[1]: Known(*row) for row in cursor.fetchall()}
    found: dict[str, Known] = {}
    for chunk in _chunks(wanted, 500):
        for row in Child.objects.filter(id_number__in=chunk).values_list(*Known._fields):
            found[row[1]] = Known(*row)
    return found


class Lookup:
    """What the registry holds for one chunk of the file: the children its ID numbers
    name and, when its rows are written by a `CopyWriter`, the ids its new children
    will take (one per row at most). Asked for ahead of the chunk's checks (`ask`):
    answered on the writer's thread in turn with its COPY statements, or at once."""

    def __init__(self, future: Future[Any] | None = None, answer: Any = None) -> None:
        self._future = future
        self._answer = answer

    @classmethod
    def ask(cls, writer: CopyWriter | None, numbers: set[str], rows: int) -> Lookup:
        if writer is None:
            return cls(answer=(known_by_number(numbers), []))

        def read(cursor: Any) -> tuple[dict[str, Known], list[int]]:
            return known_by_number(numbers, cursor), reserve_ids(Child, rows, cursor)

        return cls(future=writer.call(read))

    def get(self) -> tuple[dict[str, Known], list[int]]:
        if self._future is not None:
            with connection.wrap_database_errors:  # as Django's own cursors raise them
                self._answer = self._future.result()
            self._future = None
        answer: tuple[dict[str, Known], list[int]] = self._answer
        return answer


@dataclass(slots=True)
class ParsedRow:
    row: int
    cells: list[Any]
    values: dict[str, Any] = field(default_factory=dict)
    caregivers: list[dict[str, Any]] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    has_error: bool = False
    skip: bool = False  # a duplicate that is not written
    match: Known | None = None  # the registry child an ID number matched (update)

    def signature(self) -> tuple[Any, ...]:
        v = self.values
        return (
            tuple(sorted((k, str(val)) for k, val in v.items())),
            tuple(sorted(str(sorted(c.items())) for c in self.caregivers)),
            tuple(self.groups),
        )


@dataclass
class ImportResult:
    file_name: str = ""
    mode: str = "all_or_nothing"
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    writable: int = 0  # rows a "valid rows only" import would write
    committed: bool = False
    blocked: bool = False  # an error keeps the file from being written
    errors: list[Problem] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    header_row: int = 0  # the spreadsheet row number of the header
    header_cells: list[Any] = field(default_factory=list)
    failed: list[tuple[int, list[Any], list[str]]] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    audit_id: int | None = None
    # seconds spent per stage ("read", "duplicates", "validate", "wait", "write", "commit"), for
    # the benchmark and for whoever wonders where an import's time goes
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def error_rows(self) -> int:
        return len({p.row for p in self.errors if p.row})

    @property
    def valid_rows(self) -> int:
        return self.created + self.updated

    def as_json(self) -> dict[str, Any]:
        """Exactly the shape the issue specifies for `import_children --json`."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "committed": self.committed,
            "errors": [p.as_dict() for p in self.errors],
            "duplicates": [d.as_dict() for d in self.duplicates],
        }


# ---------------------------------------------------------------- lookups


_VILLAGE_PREFIX = re.compile(r"^(thon|ap|ban|xom|to dan pho|tdp|khu pho|khu|to|doi|lang)\s+")


def village_key(value: object) -> str:
    key = fold(value)
    key = _VILLAGE_PREFIX.sub("", key)
    return " ".join(w.lstrip("0") or "0" if w.isdigit() else w for w in key.split())


def _compact(value: object) -> str:
    return fold(value).replace(" ", "")


# Other spellings of the official names (compact folded form -> compact official name)
_ETHNICITY_ALIASES = {
    "khome": "khmer",
    "khomer": "khmer",
    "hmong": "mong",
    "meo": "mong",
    "jrai": "giarai",
    "rade": "ede",
    "bahnar": "bana",
    "sedang": "xodang",
    "raglai": "raglay",
    "stieng": "xtieng",
    "vankieu": "bruvankieu",
    "bru": "bruvankieu",
    "khmu": "khomu",
    "kohor": "coho",
    "katu": "cotu",
    "coho": "coho",
    "colao": "colao",
    "ha": "hoa",
}


@dataclass
class Lookups:
    villages: dict[str, Area]
    ethnicities: dict[str, Ethnicity]

    @classmethod
    def for_commune(cls, commune: Area) -> Lookups:
        villages: dict[str, Area] = {}
        for v in Area.objects.current().filter(parent=commune, level=AreaLevel.VILLAGE):
            villages.setdefault(village_key(v.name), v)
            villages.setdefault(village_key(v.full_name), v)
        ethnicities: dict[str, Ethnicity] = {}
        for e in Ethnicity.objects.all():
            ethnicities[_compact(e.name)] = e
            ethnicities[e.code] = e
            ethnicities[str(int(e.code))] = e
        return cls(villages=villages, ethnicities=ethnicities)

    def village(self, value: object) -> Area | None:
        cache = self.__dict__.setdefault("_village_cache", {})
        try:
            return cache[value]
        except KeyError:
            found = cache[value] = self.villages.get(village_key(value))
            return found
        except TypeError:
            return self.villages.get(village_key(value))

    def ethnicity(self, value: object) -> Ethnicity | None:
        cache = self.__dict__.setdefault("_eth_cache", {})
        if isinstance(value, str | int | float) and value in cache:
            return cache[value]
        found = self._ethnicity(value)
        if isinstance(value, str | int | float):
            cache[value] = found
        return found

    def _ethnicity(self, value: object) -> Ethnicity | None:
        key = text(value)
        if key in self.ethnicities:
            return self.ethnicities[key]
        compact = _compact(re.sub(r"^(dan toc|dt)\s+", "", fold(value)))
        compact = _ETHNICITY_ALIASES.get(compact, compact)
        return self.ethnicities.get(compact)


# ---------------------------------------------------------------- row parsing

_FOOTER = re.compile(
    r"^(tong cong|tong so|cong|nguoi lap|xac nhan|ky ten|chu tich|tm ubnd|t m ubnd|"
    r"can bo|ghi chu|luu y)\b|ngay \d+ thang \d+ nam \d+|ngay thang nam"
)


def _is_footer(cells: list[Any], name_col: int | None, birth_cols: list[int]) -> bool:
    n = len(cells)
    if any(i < n and not is_blank(cells[i]) for i in birth_cols):
        return False  # a row with a date of birth is a child, whatever its name says
    if name_col is not None and name_col < len(cells) and not is_blank(cells[name_col]):
        folded_name = fold(cells[name_col])
        if not _FOOTER.search(folded_name):
            return False
    joined = " ".join(fold(c) for c in cells if not is_blank(c))
    return bool(_FOOTER.search(joined))


def _latest_day(day: dt.date, precision: str) -> dt.date:
    """The last day a partial date can stand for (for the under-16 check)."""
    if precision == "year":
        return dt.date(day.year, 12, 31)
    if precision == "month":
        return dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return day


def _sixteenth_birthday(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + ADULT_AGE)
    except ValueError:
        return day.replace(year=day.year + ADULT_AGE, day=28)


_CAREGIVER_KEYS = tuple(
    (who, f"{who}_name", f"{who}_birth_year", f"{who}_id_number", f"{who}_phone")
    for who in ("father", "mother", "guardian")
)


class _RowParser:
    def __init__(self, header: HeaderMap, lookups: Lookups, today: dt.date) -> None:
        self.header = header
        self.lookups = lookups
        self.today = today
        self.fields = header.fields
        self.col = {key: index for index, key in header.fields.items()}
        # Values repeat down a column (sexes, villages, dates, years): parse each distinct
        # (column, value) once, one dict per column. A blank cell caches None; a cached
        # failure is re-raised with the same message.
        self.caches: dict[str, dict[Any, Any]] = {}
        # (key, column index) of the cells a row needs, worked out once from the header
        self.raw_columns = [(key, i) for i, key in header.fields.items() if key != "seq"]
        self.headers: dict[str, str] = {}
        present = set(header.fields.values())
        # only the optional columns the file has are looked at on each row
        self.mark_keys = [
            (k, sex) for k, sex in (("sex_male", "male"), ("sex_female", "female")) if k in present
        ]
        self.text_keys = [
            k
            for k in ("birth_registration_place", "address", "health_insurance_number", "notes")
            if k in present
        ]
        self._year = lambda v: parse_year(v, today=today)

    def header_of(self, key: str) -> str:
        try:
            return self.headers[key]
        except KeyError:
            self.headers[key] = self.header.header_of(key)
            return self.headers[key]

    def lookup(self, key: str, value: Any, fn: Callable[[Any], Any]) -> Any:
        """fn(value) through the column's cache: None for a blank cell, the CellError
        (returned, not raised) for a value that fails."""
        cache = self.caches.get(key)
        if cache is None:
            cache = self.caches[key] = {}
        try:
            return cache[value]
        except KeyError:
            if is_blank(value):
                hit = None
            else:
                try:
                    hit = fn(value)
                except CellError as exc:
                    hit = exc
            cache[value] = hit
            return hit
        except TypeError:  # an unhashable cell value
            if is_blank(value):
                return None
            try:
                return fn(value)
            except CellError as exc:
                return exc

    def cached(self, key: str, value: Any, fn: Callable[[Any], Any]) -> Any:
        hit = self.lookup(key, value, fn)
        if hit.__class__ is CellError:
            raise CellError(hit.message)
        return hit

    def _date(self, value: Any) -> tuple[dt.date, str]:
        return parse_date(value, today=self.today)

    def parse(self, row_number: int, cells: list[Any], problems: list[Problem]) -> ParsedRow:
        parsed = ParsedRow(row=row_number, cells=cells)
        values = parsed.values
        n = len(cells)
        raw: dict[str, Any] = {key: (cells[i] if i < n else "") for key, i in self.raw_columns}

        error_keys: set[str] = set()
        lookup = self.lookup

        def err(key: str, value: Any, message: str) -> None:
            error_keys.add(key)
            problems.append(
                Problem(
                    row=row_number,
                    column=self.header_of(key),
                    value=text(value),
                    message=message,
                )
            )
            parsed.has_error = True

        def parse_or_err(key: str, fn: Callable[[Any], Any]) -> Any:
            value = raw.get(key)
            if value is None or value == "":
                return None
            hit = lookup(key, value, fn)
            if hit.__class__ is CellError:
                err(key, value, hit.message)
                return None
            return hit

        # Name
        name = parse_or_err("full_name", parse_name)
        if not name:
            if not parsed.has_error:
                err("full_name", "", _("Thiếu họ và tên trẻ."))
        else:
            values["full_name"] = name

        # Sex and date of birth (old books: the date sits under "Nam" or under "Nữ")
        sex = parse_or_err("sex", parse_sex)
        birth: tuple[dt.date, str] | None = None
        birth_key = "birth_date"
        has_birth_column = not is_blank(raw.get("birth_date", ""))
        for mark_key, mark_sex in self.mark_keys:
            value = raw.get(mark_key, "")
            if is_blank(value):
                continue
            if sex and sex != mark_sex:
                err(mark_key, value, _("Giới tính ghi ở hai cột không khớp nhau."))
            sex = mark_sex
            if is_mark(value) or has_birth_column:
                continue
            try:
                birth = self.cached("date", value, self._date)
                birth_key = mark_key
            except CellError as exc:
                err(mark_key, value, exc.message)
        if has_birth_column:
            try:
                birth = self.cached("date", raw["birth_date"], self._date)
            except CellError as exc:
                err("birth_date", raw["birth_date"], exc.message)
        if sex is None and "sex" not in error_keys:
            err("sex", raw.get("sex", ""), _("Thiếu giới tính (ghi “Nam” hoặc “Nữ”)."))
        if sex:
            values["sex"] = sex
        if birth is None:
            if not error_keys & {"birth_date", "sex_male", "sex_female"}:
                err("birth_date", "", _("Thiếu ngày sinh."))
        else:
            day, precision = birth
            latest = _latest_day(day, precision)
            if day > self.today:
                err(birth_key, raw.get(birth_key), _("Ngày sinh ở tương lai."))
            elif _sixteenth_birthday(latest) <= self.today:
                err(
                    birth_key,
                    raw.get(birth_key),
                    _("Đã đủ 16 tuổi: không còn là trẻ em (Luật Trẻ em, Điều 1)."),
                )
            values["birth_date"] = day
            values["birth_date_precision"] = precision

        # Ethnicity
        value = raw.get("ethnicity", "")
        if not is_blank(value):
            ethnicity = self.lookups.ethnicity(value)
            if ethnicity is None:
                err(
                    "ethnicity",
                    value,
                    _("Không có dân tộc “%(value)s” trong danh mục 54 dân tộc.")
                    % {"value": text(value)},
                )
            else:
                values["ethnicity"] = ethnicity

        # ID number
        value = raw.get("id_number", "")
        if not is_blank(value):
            number = normalize_id_number(value)
            year = values["birth_date"].year if "birth_date" in values else None
            problems_id = check_id_number(number, values.get("sex"), year)
            for message in problems_id:
                err("id_number", value, message)
            if not problems_id:
                values["id_number"] = number

        # Village
        value = raw.get("village", "")
        if not is_blank(value):
            village = self.lookups.village(value)
            if village is None:
                err(
                    "village",
                    value,
                    _(
                        "Không có thôn “%(value)s” trong xã: kiểm tra tên thôn hoặc thêm thôn "
                        "trong trang địa bàn trước khi nhập."
                    )
                    % {"value": text(value)},
                )
            else:
                values["village"] = village

        for key in self.text_keys:
            value = raw.get(key, "")
            if not is_blank(value):
                values[key] = text(value)
        if (hi := values.get("health_insurance_number")) and len(hi) > 20:
            err("health_insurance_number", hi, _("Số thẻ BHYT dài quá 20 ký tự."))
        head = parse_or_err("household_head", parse_name)
        if head:
            values["household_head"] = head

        poverty = parse_or_err("poverty", parse_poverty)
        if poverty:
            values["poverty"] = poverty
        near = raw.get("near_poor", "")
        if is_blank(near):
            pass
        elif is_mark(near) or fold(near) in ("can ngheo", "ho can ngheo"):
            values["poverty"] = "near_poor"
        elif fold(near) not in ("khong", "0"):
            err("near_poor", near, _("Ghi “x” nếu là hộ cận nghèo, để trống nếu không."))
        schooling = parse_or_err("schooling", parse_schooling)
        if schooling:
            values["schooling"] = schooling
        value = raw.get("disability_type", "")
        if not is_blank(value) and fold(value) not in ("khong", "0"):
            values["disability_type"] = text(value)[:100]
        level = parse_or_err("disability_level", parse_disability_level)
        if level:
            values["disability_level"] = level
        groups = parse_or_err("groups", parse_groups)
        if groups:
            parsed.groups = groups

        # Caregivers
        phone = parse_or_err("phone", parse_phone) or ""
        for who, name_key, year_key, id_key, phone_key in _CAREGIVER_KEYS:
            cg_name = parse_or_err(name_key, parse_name)
            year = parse_or_err(year_key, self._year)
            own_phone = parse_or_err(phone_key, parse_phone) or ""
            number_cell = raw.get(id_key, "")
            number = "" if is_blank(number_cell) else normalize_id_number(number_cell)
            if number:
                # a father's number codes a man, a mother's a woman; any, the birth year
                for message in caregiver_id_problems(number, who, year):
                    err(id_key, number_cell, message)
            if cg_name:
                parsed.caregivers.append(caregiver_values(who, cg_name, year, own_phone, number))
                continue
            if year:
                err(year_key, year, _("Có năm sinh nhưng thiếu họ tên."))
            if number:
                err(id_key, number_cell, _("Có số định danh nhưng thiếu họ tên."))
            if own_phone:
                err(phone_key, own_phone, _("Có số điện thoại nhưng thiếu họ tên."))
        if phone:
            add_phone(parsed.caregivers, values, phone)
        return parsed


# ---------------------------------------------------------------- the service


def _file_problem(result: ImportResult, message: str) -> ImportResult:
    result.errors.append(Problem(row=0, column="", value=result.file_name, message=message))
    return result


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class _Duplicates:
    """The duplicate checks, one row at a time in file order (so rows can be written as
    soon as they are checked): the same child twice in the file, an ID number already in
    the registry, the same folded name + date of birth + residence as a registry child.
    The commune's children are read once, before the first row; the children the ID
    numbers of a chunk of rows name, before that chunk (`existing`, from `Lookup`)."""

    def __init__(self, *, commune: Area, result: ImportResult, header: HeaderMap) -> None:
        self.commune = commune
        self.result = result
        self.id_column = header.header_of("id_number")
        self.name_column = header.header_of("full_name")
        self.id_index = header.column_of("id_number")  # (`id_column` is its header)
        self.first_by_id: dict[str, ParsedRow] = {}
        self.first_by_person: dict[tuple[Any, ...], ParsedRow] = {}
        self.existing: dict[str, Known] = {}
        self.registry: dict[tuple[Any, ...], list[int]] = {}

    def preload(self) -> None:
        """Read the name + date of birth + residence of the commune's children (the
        children the file's ID numbers name come with each chunk: `Lookup`)."""
        qs = Child.objects.filter(commune=self.commune, merged_into__isnull=True).values_list(
            "pk", "name_folded", "birth_date", "area_id"
        )
        for pk, name_folded, birth_date, area_id in qs.iterator(chunk_size=5000):
            self.registry.setdefault((name_folded, birth_date, area_id), []).append(pk)

    def numbers(self, chunk: list[list[Any]]) -> set[str]:
        """The ID numbers written in a chunk of the sheet's rows (normalised)."""
        column = self.id_index
        if column is None:
            return set()
        return {
            normalize_id_number(cells[column])
            for cells in chunk
            if column < len(cells) and not is_blank(cells[column])
        }

    def _problem(self, row: ParsedRow, column: str, value: str, message: str) -> None:
        self.result.errors.append(Problem(row=row.row, column=column, value=value, message=message))
        row.has_error = True

    def check(self, row: ParsedRow) -> None:
        duplicates = self.result.duplicates
        values = row.values
        number = values.get("id_number")
        # Inside the file: the same ID number twice
        if number:
            other = self.first_by_id.get(number)
            if other is not None:
                if row.signature() != other.signature():
                    self._problem(
                        row,
                        self.id_column,
                        number,
                        _("Số định danh trùng với dòng %(row)d trong tệp.") % {"row": other.row},
                    )
                duplicates.append(Duplicate(row=row.row, kind="in_file", matches=[other.row]))
                row.skip = True
                return
            self.first_by_id[number] = row
        # Inside the file: same folded name + date of birth + village
        person = "full_name" in values and "birth_date" in values
        if person:
            folded = fold_name(values["full_name"])
            village = values.get("village")
            key = (folded, values["birth_date"], village.pk if village else 0)
            other = self.first_by_person.get(key)
            if other is not None:
                duplicates.append(Duplicate(row=row.row, kind="in_file", matches=[other.row]))
                row.skip = True
                if row.signature() != other.signature():
                    self._problem(
                        row,
                        self.name_column,
                        values["full_name"],
                        _(
                            "Trùng họ tên, ngày sinh và thôn với dòng %(row)d nhưng khác thông "
                            "tin khác: kiểm tra và giữ lại một dòng."
                        )
                        % {"row": other.row},
                    )
                return
            self.first_by_person[key] = row
        # Against the registry: ID numbers (unique everywhere, whatever the scope)
        child = self.existing.get(number) if number else None
        if child is not None:
            assert number is not None
            if child.commune_id != self.commune.pk:
                self._problem(
                    row,
                    self.id_column,
                    number,
                    _(
                        "Số định danh này đã có trong sổ của một xã, phường khác: liên hệ nơi đó "
                        "để chuyển hồ sơ của trẻ sang xã mình."
                    ),
                )
                duplicates.append(Duplicate(row=row.row, kind="id", matches=[]))
            elif child.merged_into_id:
                self._problem(
                    row, self.id_column, number, _("Số định danh thuộc một hồ sơ đã được gộp.")
                )
                duplicates.append(Duplicate(row=row.row, kind="id", matches=[child.pk]))
            elif child.name_folded != fold_name(values.get("full_name", "")):
                self._problem(
                    row,
                    self.id_column,
                    number,
                    _(
                        "Số định danh đã thuộc trẻ “%(name)s” trong sổ (họ tên khác): kiểm tra "
                        "lại số định danh hoặc họ tên."
                    )
                    % {"name": child.full_name},
                )
                duplicates.append(Duplicate(row=row.row, kind="id", matches=[child.pk]))
            else:
                row.match = child
                duplicates.append(Duplicate(row=row.row, kind="id", matches=[child.pk]))
            return
        # Against the registry: same folded name + date of birth + residence
        if person and self.registry:
            village = values.get("village")
            key = (folded, values["birth_date"], village.pk if village else self.commune.pk)
            if key in self.registry:
                duplicates.append(
                    Duplicate(row=row.row, kind="name_dob", matches=self.registry[key])
                )
                row.skip = True


def quick_rows(header: HeaderMap, lookups: Lookups, today: dt.date) -> QuickRows | None:
    """The fast path for a book with this header (None: the full parser reads it)."""
    return QuickRows.build(
        header.fields,
        village=lookups.village,
        ethnicity=lookups.ethnicity,
        today=today,
        latest_day=_latest_day,
    )


# Rows checked, then handed on to be written, at a time; the first chunk is small, so
# PostgreSQL starts writing sooner.
CHUNK = 5000
FIRST_CHUNK = 1000


def validate_table(
    table: Table,
    *,
    commune: Area,
    result: ImportResult,
    lookups: Lookups | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    on_rows: Callable[[list[ParsedRow], list[int]], None] | None = None,
    writer: CopyWriter | None = None,
) -> list[ParsedRow]:
    """Parse and check every row; fill `result.errors` / `duplicates`; write nothing.

    The rows are read (a streamed sheet: from the file), checked and handed on a chunk
    at a time (FIRST_CHUNK, then CHUNK rows of the sheet), in file order: `on_rows`
    receives each chunk's checked rows (maybe none) with the ids its new children take.
    What the registry holds for a chunk (`Lookup`) is asked for two chunks ahead; with
    a `writer`, on its thread between its COPY statements, which it then does not wait
    for, and the new children's ids come with it."""
    today = today or timezone.localdate()
    header = find_header(table.rows)
    if header is None:
        _file_problem(
            result,
            _(
                "Không tìm thấy dòng tiêu đề: tệp cần có cột “Họ và tên” và các cột như “Ngày "
                "sinh”, “Giới tính” (tải tệp mẫu để xem)."
            ),
        )
        return []
    keys = set(header.fields.values())
    if "birth_date" not in keys and not keys & {"sex_male", "sex_female"}:
        _file_problem(result, _("Thiếu cột “Ngày sinh”."))
    if "sex" not in keys and not keys & {"sex_male", "sex_female"}:
        _file_problem(result, _("Thiếu cột “Giới tính” (hoặc hai cột “Nam”, “Nữ”)."))
    if result.errors:
        return []
    result.header_row = table.row_offset + header.header_row + 1
    result.header_cells = list(table.rows[header.header_row])
    result.ignored_columns = header.ignored
    started = time.perf_counter()
    duplicates = _Duplicates(commune=commune, result=result, header=header)
    duplicates.preload()
    validated_from = time.perf_counter()
    waited = [validated_from - started, 0.0]  # [duplicates: the registry's answers, read]
    lookups = lookups or Lookups.for_commune(commune)
    parser = _RowParser(header, lookups, today)
    name_col = header.column_of("full_name")
    birth_cols = [
        i for i, k in header.fields.items() if k in ("birth_date", "sex_male", "sex_female")
    ]
    seq_col = header.column_of("seq")
    parsed_rows: list[ParsedRow] = []
    if table.more is None:
        total = len(table.rows) - header.data_start
    else:  # what the workbook declares, when it does (else the bar waits without a total)
        total = max((table.declared_rows or 0) - table.row_offset - header.data_start, 0)
    quick = quick_rows(header, lookups, today)
    first_row = table.row_offset + header.data_start + 1
    chunks = _data_chunks(table, header.data_start, waited)
    ahead: deque[tuple[int, list[list[Any]], Lookup]] = deque()
    start = 0

    def ask() -> None:  # two chunks ahead: the writer answers between its COPYs
        nonlocal start
        while len(ahead) < 2 and (chunk := next(chunks, None)) is not None:
            asking = time.perf_counter()  # (without a writer: answered now)
            ahead.append((start, chunk, Lookup.ask(writer, duplicates.numbers(chunk), len(chunk))))
            waited[0] += time.perf_counter() - asking
            start += len(chunk)

    ask()
    footer = False
    while ahead and not footer:
        begun, chunk, lookup = ahead.popleft()
        if progress is not None:  # (a total of 0: not known)
            progress(begun, total if total > begun else 0, "validate")
        waiting = time.perf_counter()
        known, ids = lookup.get()
        waited[0] += time.perf_counter() - waiting
        duplicates.existing.update(known)
        ask()
        if quick is not None:
            quick.extend(chunk)
        handed = len(parsed_rows)
        for offset, cells in enumerate(chunk, begun):
            row_number = first_row + offset
            # a row the fast path reads has a name and a date of birth: not blank, no footer
            got = quick.parse(cells) if quick is not None else None
            if got is not None:
                parsed = ParsedRow(row_number, cells, *got)
            else:
                if all(is_blank(c) for i, c in enumerate(cells) if i != seq_col):
                    continue
                if _is_footer(cells, name_col, birth_cols):
                    footer = True
                    break
                parsed = parser.parse(row_number, cells, result.errors)
            duplicates.check(parsed)
            parsed_rows.append(parsed)
        if on_rows is not None:
            on_rows(parsed_rows[handed:], ids)
    result.rows = len(parsed_rows)
    result.timings["read"] = result.timings.get("read", 0.0) + waited[1]
    result.timings["duplicates"] = waited[0]
    result.timings["validate"] = time.perf_counter() - validated_from - waited[0] - waited[1]
    return parsed_rows


def _data_chunks(table: Table, start: int, waited: list[float]) -> Iterator[list[list[Any]]]:
    """The sheet's rows from `start`, FIRST_CHUNK then CHUNK at a time: the rows read
    already, then those still in the file (a streamed sheet), the time spent reading
    them added to `waited[1]`."""
    size, more = FIRST_CHUNK, table.more
    if more is None:
        for begin in itertools.chain([start], itertools.count(start + size, CHUNK)):
            if begin >= len(table.rows):
                return
            yield table.rows[begin : begin + (size if begin == start else CHUNK)]
    rows = table.rows[start:]
    while True:
        if len(rows) < size:
            assert more is not None
            reading = time.perf_counter()
            rows.extend(itertools.islice(more, size - len(rows)))
            waited[1] += time.perf_counter() - reading
        if not rows:
            return
        yield rows[:size]
        rows = rows[size:]
        size = CHUNK


def children_import(
    *,
    actor: Any,
    commune: Area,
    file: Any,
    mode: str = "all_or_nothing",
    dry_run: bool = False,
    file_name: str | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a commune's children from an xlsx/xls/ods/csv file (see the module doc).

    Returns the result; raises PermissionDenied when the actor may not edit the
    commune's registry. Writes happen only when not `dry_run`, in one transaction.

    On PostgreSQL the new children are written while the file is validated: each
    checked chunk is sent with COPY by a writer thread (`writing.CopyWriter`), so the
    database inserts and indexes on one core while Python validates on the other. A
    file that turns out to have an error (all-or-nothing mode) stops the writing and
    the transaction rolls back: nothing of it stays.
    """
    if mode not in MODES:
        raise ValidationError(_("Chế độ nhập không hợp lệ."))
    if commune.level != AreaLevel.COMMUNE or commune.is_legacy:
        raise ValidationError(_("Chỉ nhập được vào sổ của một xã, phường đang có hiệu lực."))
    if not has_capability(actor, Cap.REGISTRY_EDIT, commune):
        raise PermissionDenied(_("Bạn không có quyền nhập dữ liệu trẻ em cho địa bàn này."))
    name = file_name or (str(file) if isinstance(file, str) else getattr(file, "name", "")) or ""
    result = ImportResult(file_name=name.rsplit("/", 1)[-1], mode=mode, dry_run=dry_run)
    with bulk_work():
        return _import(
            actor=actor,
            commune=commune,
            file=file,
            name=name,
            result=result,
            today=today,
            progress=progress,
        )


# How long a thread may hold the GIL while another waits for it, during an import.
SWITCH_INTERVAL = 0.0002


@contextmanager
def bulk_work() -> Iterator[None]:
    """The interpreter set for an import, as it was once the last import running in the
    process has ended (imports may run in several threads at once).

    - Python's cyclic garbage collector is off: an import keeps a dozen containers per
      row alive until it ends (cells, checked values, caregivers), and every collection
      of the oldest generation walks all of them again (measured: 0.7-1.1 s of a
      100,000-row import). Reference counting still frees whatever is dropped.
    - The GIL changes hands sooner (`sys.setswitchinterval`): the COPY writer thread
      needs it for a moment each time PostgreSQL has taken the data sent, and waited up
      to 5 ms (the default) behind the thread checking rows while PostgreSQL ran out of
      data (measured on 100,000 rows: 5.35 s at 5 ms, 4.92 s at 0.2 ms)."""
    with _BULK_LOCK:
        if not _BULK_SAVED:
            _BULK_SAVED.append((gc.isenabled(), sys.getswitchinterval()))
            gc.disable()
            sys.setswitchinterval(min(_BULK_SAVED[0][1], SWITCH_INTERVAL))
        _BULK_RUNNING[0] += 1
    try:
        yield
    finally:
        with _BULK_LOCK:
            _BULK_RUNNING[0] -= 1
            if not _BULK_RUNNING[0]:
                enabled, interval = _BULK_SAVED.pop()
                sys.setswitchinterval(interval)
                if enabled:
                    gc.enable()


_BULK_LOCK = threading.Lock()
_BULK_SAVED: list[tuple[bool, float]] = []  # the state before the first running import
_BULK_RUNNING = [0]  # imports running in this process


def _import(
    *,
    actor: Any,
    commune: Area,
    file: Any,
    name: str,
    result: ImportResult,
    today: dt.date | None,
    progress: Progress | None,
) -> ImportResult:
    dry_run = result.dry_run
    started = time.perf_counter()
    try:
        table = read_table(file, name)
    except ReadError as exc:
        return _file_problem(result, exc.message)
    result.timings["read"] = time.perf_counter() - started
    if dry_run:
        try:
            rows = validate_table(
                table, commune=commune, result=result, today=today, progress=progress
            )
        except ReadError as exc:  # a part of the file read while the rows were checked
            return _file_problem(result, exc.message)
        _summarise(result, rows)
        return result
    with transaction.atomic():
        creates = _Creates(
            actor=actor, commune=commune, result=result, stream=connection.vendor == "postgresql"
        )
        try:
            rows = validate_table(
                table,
                commune=commune,
                result=result,
                today=today,
                progress=progress,
                on_rows=creates.add,
                writer=creates.writer,
            )
        except ReadError as exc:  # a part of the file read while the rows were checked
            creates.abandon()
            transaction.set_rollback(True)
            return _file_problem(result, exc.message)
        except BaseException:
            creates.abandon()
            raise
        creates.close()
        to_update = _summarise(result, rows)
        writing = time.perf_counter()
        if result.blocked or not result.writable:
            transaction.set_rollback(True)  # rows written before an error came up
            return result
        creates.finish(update=to_update, progress=progress)
        committing = time.perf_counter()
    # leaving the block commits, and PostgreSQL then runs the deferred foreign-key checks
    # (Django creates them DEFERRABLE INITIALLY DEFERRED): one per referencing row
    result.timings["write"] = committing - writing
    if not connection.in_atomic_block:
        result.timings["commit"] = time.perf_counter() - committing
    return result


def _summarise(result: ImportResult, rows: list[ParsedRow]) -> list[ParsedRow]:
    """Sort the problems, list the rows not written (for the error workbook), count what
    the import creates and updates; returns the rows that update a registry child."""
    result.errors.sort(key=lambda p: p.row)
    messages: dict[int, list[str]] = {}
    for p in result.errors:
        messages.setdefault(p.row, []).append(p.message)
    bad = False
    for r in rows:
        if r.has_error or r.skip:
            bad = bad or r.has_error
            result.failed.append(
                (
                    r.row,
                    r.cells,
                    messages.get(r.row) or [_("Có thể trùng với trẻ đã có (không nhập).")],
                )
            )
    result.skipped = sum(1 for r in rows if r.skip and not r.has_error)
    writable = [r for r in rows if not r.has_error and not r.skip]
    file_errors = any(p.row == 0 for p in result.errors)
    result.writable = len(writable)
    result.blocked = file_errors or (result.mode == "all_or_nothing" and bad)
    to_update = [r for r in writable if r.match is not None]
    if not result.blocked:
        result.created, result.updated = len(writable) - len(to_update), len(to_update)
    return to_update


# ---------------------------------------------------------------- writing

_CHILD_FIELDS = (
    "full_name",
    "birth_date",
    "birth_date_precision",
    "sex",
    "ethnicity",
    "id_number",
    "birth_registration_place",
    "address",
    "household_head",
    "poverty",
    "health_insurance_number",
    "schooling",
    "disability_type",
    "disability_level",
    "notes",
)
# the columns of Child a file gives (besides the name, date of birth and residence)
_CHILD_OPTIONAL = tuple(
    k for k in _CHILD_FIELDS if k not in ("full_name", "birth_date", "ethnicity", "id_number")
)
_CAREGIVER_VARIABLE = (
    "child_id",
    "relation",
    "full_name",
    "name_folded",
    "birth_year",
    "phone",
    "id_number",
    "id_number_valid",
)
_NAME_COLUMNS = ("full_name", "name_folded", "name_tokens", "name_sort")
_NULL = "\\N"  # NULL in COPY text
_CIRCUMSTANCE_VARIABLE = ("child_id", "group")


_name_sort = lru_cache(maxsize=200_000)(name_sort_string)


def derived_name_columns(full_name: str) -> dict[str, str]:
    """The search/sort columns `Child.set_derived()` fills, computed with caches (an
    import writes many names sharing words). tests/registry/test_import_fast.py keeps
    the two in step."""
    folded = fold_name(full_name)
    words = full_name.split(" ") if full_name else []
    given = words[-1] if words else ""
    return {
        "name_folded": folded,
        "name_tokens": " ".join(sorted(folded.split())),
        "name_sort": _name_sort(given, " ".join(words[:-1])),
    }


_derived = lru_cache(maxsize=200_000)(derived_name_columns)


def child_row(r: ParsedRow, carers: list[str], commune: Area) -> dict[str, Any]:
    """The Child columns ({attname: value}) of a checked row; `carers`: the folded names
    of its caregivers."""
    v = r.values
    village = v.get("village")
    ethnicity = v.get("ethnicity")
    derived = _derived(v["full_name"])
    number = v.get("id_number")
    row = {
        "full_name": v["full_name"],
        **derived,
        # a tuple: hashable, so the formatter can cache it
        "search_words": tuple(
            search_words_for(derived["name_folded"], carers, name_sort=derived["name_sort"])
        ),
        "birth_date": v["birth_date"],
        "ethnicity_id": ethnicity.pk if ethnicity else None,
        "id_number": number,
        # rows with a failing number never get here
        "id_number_valid": True if number else None,
        "area_id": village.pk if village else commune.pk,
        "area_path": village.path if village else commune.path,
    }
    defaults = column_defaults(Child)
    for key in _CHILD_OPTIONAL:
        row[key] = v.get(key, defaults[key])
    return row


class WrittenRowsError(RuntimeError):
    """Rows an import wrote point at rows that do not exist (a bug: rolled back)."""


_CHECK_RANGE = """
SELECT count(*),
  count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM core_area a WHERE a.id = c.area_id)),
  (SELECT count(*) FROM registry_caregiver g WHERE g.child_id BETWEEN %(low)s AND %(high)s)
FROM registry_child c WHERE c.id BETWEEN %(low)s AND %(high)s"""
_CHECK_IDS = """
WITH w AS (SELECT unnest(%(ids)s::bigint[]) AS id),
  c AS (SELECT c.area_id FROM w JOIN registry_child c ON c.id = w.id)
SELECT (SELECT count(*) FROM c),
  (SELECT count(*) FROM c WHERE NOT EXISTS (SELECT 1 FROM core_area a WHERE a.id = c.area_id)),
  (SELECT count(*) FROM registry_caregiver g JOIN w ON w.id = g.child_id)"""


def check_written(child_ids: list[int], caregivers: int) -> None:
    """The foreign keys the database does not check (Child.area, Caregiver.child), for
    the rows an import streamed, in one statement: every child written is there with
    its area, and the caregivers of the written children are as many as were written.
    The children's ids are new (reserved from the sequence), so no other row refers to
    them. When they are one range (the usual case) and every id of it is a child, every
    caregiver pointing into the range has its child: counting is enough. Raises
    WrittenRowsError (a bug: the import's transaction is rolled back)."""
    if not child_ids:
        return
    low, high = min(child_ids), max(child_ids)
    one_range = len(child_ids) == high - low + 1
    with connection.cursor() as cursor:
        cursor.execute(
            _CHECK_RANGE if one_range else _CHECK_IDS,
            {"low": low, "high": high, "ids": child_ids},
        )
        row = cursor.fetchone()
    children, without_area, found = row if row else (0, 0, 0)
    if (children, without_area, found) != (len(child_ids), 0, caregivers):
        raise WrittenRowsError(
            f"import wrote {len(child_ids)} children and {caregivers} caregivers; the "
            f"database has {children} children ({without_area} without their area) and "
            f"{found} caregivers of them"
        )


class _CopyLines:
    """The COPY text of the children a file creates, their caregivers and groups.

    The same text `CopyRows.line` gives for `child_row(...)` (tests pin it), built from
    the parts of a row that repeat down a file (a name and its derived columns, a date,
    a village and its path, the optional columns together), each formatted once, so a
    row costs a few look-ups and one string join."""

    def __init__(self, *, commune: Area, constants: dict[str, Any], note: str) -> None:
        self.commune = commune
        groups: list[Column] = [_NAME_COLUMNS, "search_words", "birth_date", "ethnicity_id"]
        groups += [("id_number", "id_number_valid"), ("area_id", "area_path"), _CHILD_OPTIONAL]
        # the timestamps are left to the database (the transaction's time: see Child)
        fixed = {k: v for k, v in constants.items() if k not in ("created_at", "updated_at")}
        child = CopyRows(Child, groups, fixed)
        self.child_sql, self.child_suffix = child.sql, child.suffix
        carer = CopyRows(Caregiver, _CAREGIVER_VARIABLE, with_id=False)
        self.caregiver_sql, self.caregiver_suffix = carer.sql, carer.suffix
        circumstance = CopyRows(
            ChildCircumstance,
            _CIRCUMSTANCE_VARIABLE,
            {"kind": "special", "note": note},
            with_id=False,
        )
        self.circumstance_sql, self.circumstance_suffix = circumstance.sql, circumstance.suffix
        self.defaults = column_defaults(Child)
        self.words = SearchWordsText()
        # full name -> (its columns, folded, sort bucket)
        self.names: dict[str, tuple[str, str, str]] = {}
        self.carers: dict[str, tuple[str, str]] = {}  # full name -> (its columns, folded)
        self.texts: dict[Any, str] = {}  # dates, villages, the optional columns together
        self.optional = [(k, self.defaults[k]) for k in _CHILD_OPTIONAL]

    def _name(self, name: str) -> tuple[str, str, str]:
        derived = _derived(name)
        values = (name, *(derived[k] for k in _NAME_COLUMNS[1:]))
        found = self.names[name] = (
            "\t".join(map(copy_field, values)),
            derived["name_folded"],
            sort_bucket(derived["name_sort"]),
        )
        return found

    def _carer(self, name: str) -> tuple[str, str]:
        folded = fold_name(name)
        found = self.carers[name] = (copy_field(name) + "\t" + copy_field(folded), folded)
        return found

    def _text(self, key: Any, value: Any) -> str:
        text = "\t".join(map(copy_field, value)) if value.__class__ is tuple else copy_field(value)
        self.texts[key] = text
        return text

    def add(
        self,
        r: ParsedRow,
        pk: int,
        children: list[str],
        caregivers: list[str],
        circumstances: list[str],
    ) -> None:
        """Append the row's COPY lines (child `pk`) to the three lists."""
        v = r.values
        texts = self.texts
        name = v["full_name"]
        name_text, folded, bucket = self.names.get(name) or self._name(name)
        carers = []
        for cg in r.caregivers:
            full = cg["full_name"]
            carer_text, carer_folded = self.carers.get(full) or self._carer(full)
            carers.append(carer_folded)
            year = cg["birth_year"]
            caregivers.append(
                "\t".join(
                    (
                        str(pk),
                        cg["relation"],
                        carer_text,
                        _NULL if year is None else str(year),
                        copy_field(cg["phone"]),
                        copy_field(cg["id_number"]),
                        "t" if cg["id_number"] else _NULL,
                    )
                )
                + self.caregiver_suffix
            )
        for group in r.groups:
            circumstances.append(f"{pk}\t{copy_field(group)}{self.circumstance_suffix}")
        birth = v["birth_date"]
        ethnicity = v.get("ethnicity")
        village = v.get("village") or self.commune
        number = v.get("id_number")
        if number is None:
            number_text = _NULL + "\t" + _NULL
        else:  # rows with a failing number never get here
            number_text = copy_field(number) + ("\tt" if number else "\t" + _NULL)
        optional = tuple([v.get(k, d) for k, d in self.optional])
        children.append(
            "\t".join(
                (
                    str(pk),
                    name_text,
                    self.words.text(folded, carers, bucket),
                    texts.get(birth) or self._text(birth, birth),
                    _NULL if ethnicity is None else str(ethnicity.pk),
                    number_text,
                    texts.get(village) or self._text(village, (village.pk, village.path)),
                    texts.get(optional) or self._text(optional, optional),
                )
            )
            + self.child_suffix
        )


class _Creates:
    """The children a file creates, with their caregivers and groups. Rows arrive
    checked, a chunk at a time (`add`); on PostgreSQL (`stream`) each chunk is formatted
    as COPY text and handed to a `CopyWriter`; elsewhere the rows are kept and inserted
    by `close()`. `finish()` then applies the updates and writes the audit row."""

    def __init__(self, *, actor: Any, commune: Area, result: ImportResult, stream: bool) -> None:
        self.actor = actor
        self.commune = commune
        self.result = result
        self.stream = stream
        self.now = timezone.now()
        with record_language():  # stored on each group: the records' language
            self.note = _("Nhập từ tệp %(name)s") % {"name": result.file_name}
        self.user_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        self.names: set[str] = set()  # folded names whose words go into the vocabulary
        self.constants = {
            "commune_id": commune.pk,
            "province_code": commune.province_code,
            "created_by_id": self.user_id,
            "created_at": self.now,
            "updated_at": self.now,
        }
        self.rows: list[tuple[dict[str, Any], list[dict[str, Any]], list[str]]] = []
        self.stopped = False
        self.caregivers_written = 0
        self.writer: CopyWriter | None = None
        if stream:
            self.lines = _CopyLines(commune=commune, constants=self.constants, note=self.note)
            # Foreign keys checked as each chunk is written, not at commit (Django's
            # default): PostgreSQL checks them on its core while Python checks the next
            # rows, instead of for seconds after the last one. Deferred again in close().
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self.writer = CopyWriter()

    def add(self, rows: list[ParsedRow], ids: list[int]) -> None:
        """Write a chunk's checked rows (PostgreSQL: its new children take `ids`, drawn
        for the chunk, one per row at most) or keep them for `finish`."""
        result = self.result
        if self.stopped:
            return
        if result.mode == "all_or_nothing" and result.errors:
            self.stopped = True  # nothing of this file will be committed
            return
        children: list[str] = []
        caregivers: list[str] = []
        circumstances: list[str] = []
        if self.writer is not None:
            fresh = iter(ids)
            lines = self.lines
            created = result.created_ids
            for r in rows:
                if r.has_error or r.skip or r.match is not None:
                    continue
                pk = next(fresh)
                created.append(pk)
                lines.add(r, pk, children, caregivers, circumstances)
            self.writer.put(lines.child_sql, "".join(children))
            self.writer.put(lines.caregiver_sql, "".join(caregivers))
            self.caregivers_written += len(caregivers)
            self.writer.put(lines.circumstance_sql, "".join(circumstances))
            return
        for r in rows:
            if r.has_error or r.skip or r.match is not None:
                continue
            carers = [{**cg, "name_folded": fold_name(cg["full_name"])} for cg in r.caregivers]
            folded_carers = [cg["name_folded"] for cg in carers]
            child = child_row(r, folded_carers, self.commune)
            self.names.add(child["name_folded"])
            self.names.update(folded_carers)
            self.rows.append((child, carers, r.groups))

    def abandon(self) -> None:
        """After an error: wait for the writer's thread to end (what it wrote is rolled
        back with the transaction; an error of its own is not the one to report)."""
        if self.writer is not None:
            with suppress(Exception):
                self.writer.close()

    def close(self) -> None:
        """Wait until every chunk handed on is in the database (PostgreSQL)."""
        if self.writer is not None:
            waiting = time.perf_counter()
            try:
                self.writer.close()
            finally:
                self.result.timings["copy"] = self.writer.busy
                # the writer finishing what was queued once every row was checked
                self.result.timings["wait"] = time.perf_counter() - waiting
            checking = time.perf_counter()
            check_written(self.result.created_ids, self.caregivers_written)
            self.result.timings["check"] = time.perf_counter() - checking
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def finish(self, *, update: list[ParsedRow], progress: Progress | None) -> None:
        """After every row is checked and nothing blocks the file: write what was kept
        (not streamed), apply the updates, feed the vocabulary, write the audit row."""
        result = self.result
        if not self.stream and self.rows:
            ids = insert_rows(Child, [{**self.constants, **child} for child, _c, _g in self.rows])
            caregivers: list[dict[str, Any]] = []
            circumstances: list[dict[str, Any]] = []
            for (_child, carers, groups), pk in zip(self.rows, ids, strict=True):
                caregivers.extend(
                    {**{k: cg[k] for k in _CAREGIVER_VARIABLE if k != "child_id"}, "child_id": pk}
                    for cg in carers
                )
                circumstances.extend({"child_id": pk, "group": g} for g in groups)
            insert_rows(Caregiver, [{**cg, "created_at": self.now} for cg in caregivers])
            insert_rows(
                ChildCircumstance,
                [
                    {**c, "kind": "special", "note": self.note, "created_at": self.now}
                    for c in circumstances
                ],
            )
            result.created_ids = ids
        if progress is not None:
            progress(len(result.created_ids), len(result.created_ids), "write")
        assert len(result.created_ids) == result.created, (len(result.created_ids), result.created)
        names = self.names
        if self.stream:  # the names the COPY lines were built from
            names = {f for _t, f, _b in self.lines.names.values()}
            names |= {f for _t, f in self.lines.carers.values()}
        vocabulary_add(word for name in names for word in name.split())
        _apply_updates(actor=self.actor, rows=update, now=self.now, note=self.note, result=result)
        log = audit(
            actor=self.actor,
            action="child.import",
            object_type="registry.import",
            object_id=None,
            area=self.commune,
            repr_=result.file_name,
            after={
                "file": result.file_name,
                "mode": result.mode,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "skipped": result.skipped,
                "error_rows": result.error_rows,
                "created_ids": result.created_ids,
                "updated_ids": result.updated_ids,
            },
        )
        result.audit_id = log.pk
        result.committed = True


def _caregivers_for(child: Child, row: ParsedRow, now: dt.datetime) -> list[Caregiver]:
    out = []
    for data in row.caregivers:
        cg = Caregiver(
            child=child,
            relation=data["relation"],
            full_name=data["full_name"],
            birth_year=data["birth_year"],
            phone=data["phone"],
            id_number=data["id_number"],
            created_at=now,
        )
        cg.set_derived()
        out.append(cg)
    return out


def _circumstances_for(
    child: Child, row: ParsedRow, now: dt.datetime, note: str, skip: set[str] | None = None
) -> list[ChildCircumstance]:
    return [
        ChildCircumstance(child=child, kind="special", group=g, note=note, created_at=now)
        for g in row.groups
        if not skip or g not in skip
    ]


def _apply_updates(
    *, actor: Any, rows: list[ParsedRow], now: dt.datetime, note: str, result: ImportResult
) -> None:
    """Fill in what the file says about children an ID number matched: non-blank values
    replace the stored ones, caregivers and groups not yet recorded are added."""
    if not rows:
        return
    ids = [r.match.pk for r in rows if r.match is not None]
    fresh = {
        c.pk: c
        for c in Child.objects.select_for_update()
        .filter(pk__in=ids)
        .prefetch_related("caregivers", "circumstances")
    }
    audit_rows: list[AuditLog] = []
    new_caregivers: list[Caregiver] = []
    new_circumstances: list[ChildCircumstance] = []
    from treem.core.audit import _json_safe, snapshot

    for r in rows:
        assert r.match is not None
        child = fresh[r.match.pk]
        before = snapshot(child)
        v = dict(r.values)
        village = v.pop("village", None)
        for key in _CHILD_FIELDS:
            if key in v and v[key] not in ("", None):
                setattr(child, key, v[key])
        if village is not None:
            child.area = village
        child.set_derived()
        after = snapshot(child)
        changed = [k for k in after if before.get(k) != after.get(k) and k != "updated_at"]
        known = {(c.relation, c.name_folded) for c in child.caregivers.all() if not c.removed_at}
        for cg in _caregivers_for(child, r, now):
            if (cg.relation, cg.name_folded) not in known:
                new_caregivers.append(cg)
                changed.append(f"caregiver:{cg.relation}")
        ongoing = {
            c.group
            for c in child.circumstances.all()
            if c.kind == "special" and c.end_date is None and not c.removed_at
        }
        added = _circumstances_for(child, r, now, note, skip=ongoing)
        new_circumstances.extend(added)
        changed.extend(f"group:{c.group}" for c in added)
        if not changed:
            continue
        child.version += 1
        child.updated_at = now
        child.save()
        result.updated_ids.append(child.pk)
        b = {k: before[k] for k in changed if k in before}
        a = {k: after[k] for k in changed if k in after}
        a["import"] = result.file_name
        audit_rows.append(
            AuditLog(
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                actor_name=actor.get_username()
                if getattr(actor, "is_authenticated", False)
                else "",
                action="child.update",
                object_type="registry.child",
                object_id=str(child.pk),
                object_repr=str(child)[:255],
                area=child.area,
                area_path=child.area.path,
                province_code=child.province_code,
                before=_json_safe(b),
                after=_json_safe(a),
            )
        )
    result.updated = len(result.updated_ids)
    bulk_insert(Caregiver, new_caregivers)
    bulk_insert(ChildCircumstance, new_circumstances)
    # names and caregivers of updated children feed their search words
    search_words_refresh(ids)
    AuditLog.objects.bulk_create(audit_rows, batch_size=500)


def bulk_insert(model: Any, objs: list[Any]) -> None:
    """Insert model instances (the few rows of updates) and set their primary keys."""
    if objs:
        model.objects.bulk_create(objs, batch_size=500)
