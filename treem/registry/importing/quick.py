"""The import's fast path for the common row.

Real books hold few distinct values per column (sexes, villages, ethnic groups, dates,
names repeat down a file), so each column's distinct values are read once, before the
rows, into a table of results. A row is then a handful of dictionary look-ups.

The fast path only vouches for rows with nothing to report: as soon as one cell fails,
or a rule across cells fails (an ID number that does not match the sex and year of
birth, a caregiver's year of birth without a name, a child already 16...), the row is
handed back (None) to the full parser (`service._RowParser.parse`), which names every
problem in the row exactly as before. So this module changes speed, never results:
`tests/registry/test_import_quick.py` compares both parsers on every row of messy and
generated books.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from treem.registry.idnumber import PROVINCE_CODES, century_sex_digit, normalize_id_number
from treem.registry.importing.parsing import (
    CellError,
    add_phone,
    caregiver_values,
    fold,
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
from treem.registry.models import caregiver_id_problems

# A cell the fast path leaves to the full parser (it fails, or it needs a message).
NO: Any = object()

_WHO = ("father", "mother", "guardian")
# The optional text columns of a child, read as clean text.
TEXT_KEYS = ("birth_registration_place", "address", "health_insurance_number", "notes")
# The columns the fast path reads; a book with any other mapped column (the old "Nam" /
# "Nữ" columns holding the date of birth) is read by the full parser alone.
KNOWN = frozenset(
    {
        "seq",
        "full_name",
        "birth_date",
        "sex",
        "ethnicity",
        "id_number",
        "village",
        *TEXT_KEYS,
        "household_head",
        "poverty",
        "near_poor",
        "schooling",
        "disability_type",
        "disability_level",
        "groups",
        "phone",
        "father_name",
        "father_birth_year",
        "mother_name",
        "mother_birth_year",
        "guardian_name",
        "guardian_birth_year",
        *(f"{who}_{part}" for who in _WHO for part in ("id_number", "phone")),
    }
)


def _failing(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """fn, with a CellError (or an empty result) turned into NO or None."""

    def read(value: Any) -> Any:
        try:
            result = fn(value)
        except CellError:
            return NO
        return result or None

    return read


def _sixteenth_birthday(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 16)
    except ValueError:
        return day.replace(year=day.year + 16, day=28)


class QuickRows:
    """Per-column tables of results, filled a chunk of rows at a time (`extend`), and
    `parse(cells)` for a row of a chunk already added."""

    def __init__(
        self,
        fields: dict[int, str],
        *,
        village: Callable[[Any], Any],
        ethnicity: Callable[[Any], Any],
        today: dt.date,
        latest_day: Callable[[dt.date, str], dt.date],
    ) -> None:
        self.today = today
        self._latest_day = latest_day
        self.width = max(fields) + 1 if fields else 0
        self.expected: dict[tuple[str, int], str | None] = {}
        self.off = False  # see `extend`: every further row goes to the full parser

        readers: dict[str, Callable[[Any], Any]] = {
            "full_name": _failing(parse_name),
            "sex": _failing(parse_sex),
            "birth_date": self._birth,
            "ethnicity": lambda v: ethnicity(v) or NO,
            "id_number": normalize_id_number,
            "village": lambda v: village(v) or NO,
            "household_head": _failing(parse_name),
            "poverty": _failing(parse_poverty),
            "near_poor": _near_poor,
            "schooling": _failing(parse_schooling),
            "disability_type": _disability_type,
            "disability_level": _failing(parse_disability_level),
            "groups": _failing(parse_groups),
            "phone": _failing(parse_phone),
            "health_insurance_number": _insurance_number,
        }
        for key in TEXT_KEYS:
            readers.setdefault(key, text)
        year = _failing(lambda v: parse_year(v, today=today))
        for who in _WHO:
            readers[f"{who}_name"] = _failing(parse_name)
            readers[f"{who}_birth_year"] = year
            readers[f"{who}_id_number"] = normalize_id_number
            readers[f"{who}_phone"] = _failing(parse_phone)
        # key -> (column index, results by cell value, the reader)
        self.tables: dict[str, tuple[int, dict[Any, Any], Callable[[Any], Any]]] = {
            key: (index, {}, readers[key]) for index, key in fields.items() if key != "seq"
        }
        # per column, the types of its cells equal to 0 or 1 (see `extend`)
        self.ticks: dict[str, set[type]] = {key: set() for key in self.tables}
        self.name, self.sex, self.birth = (self.tables[k][:2] for k in _DONE)
        self.rest = [(key, i, t) for key, (i, t, _r) in self.tables.items() if key not in _DONE]

    @classmethod
    def build(cls, fields: dict[int, str], **kwargs: Any) -> QuickRows | None:
        """The fast path for a book with these columns, or None when the full parser
        must read every row (columns the fast path does not read)."""
        keys = set(fields.values())
        if not {"full_name", "sex", "birth_date"} <= keys or keys - KNOWN:
            return None
        return cls(fields, **kwargs)

    def extend(self, rows: Sequence[Sequence[Any]]) -> None:
        """Read the distinct cells of these rows not read yet.

        The fast path goes off for the rest of the book when a cell cannot be a key, or
        when a column holds both a tick box (True / False) and the number 1 or 0: one
        dictionary key, read differently ("Có" against "1")."""
        if self.off:
            return
        full = min(map(len, rows), default=0) >= self.width
        try:
            for key, (index, table, read) in self.tables.items():
                if full:  # a sheet: every row as wide as the header
                    distinct = set(map(itemgetter(index), rows))
                else:
                    distinct = {r[index] for r in rows if len(r) > index}
                if True in distinct or False in distinct:
                    kinds = self.ticks[key]
                    kinds.update(
                        v.__class__
                        for v in (r[index] for r in rows if len(r) > index)
                        if v.__class__ in (bool, int, float) and v in (0, 1)
                    )
                    if bool in kinds and kinds & {int, float}:
                        self.off = True
                        return
                for value in distinct - table.keys():
                    table[value] = None if is_blank(value) else read(value)
        except TypeError:  # an unhashable cell value
            self.off = True

    def _birth(self, value: Any) -> Any:
        try:
            day, precision = parse_date(value, today=self.today)
        except CellError:
            return NO
        if day > self.today or _sixteenth_birthday(self._latest_day(day, precision)) <= self.today:
            return NO
        return day, precision

    def _id_digits(self, sex: str, year: int) -> str | None:
        """Digits 4-6 of a valid ID number for this sex and year of birth."""
        key = (sex, year)
        try:
            return self.expected[key]
        except KeyError:
            digit = century_sex_digit(sex, year)
            found = None if digit is None else f"{digit}{year % 100:02d}"
            self.expected[key] = found
            return found

    def parse(
        self, cells: Sequence[Any]
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]] | None:
        """(values, caregivers, groups) as the full parser gives them for a row with no
        problem; None when the full parser must read the row."""
        if self.off or len(cells) < self.width:
            return None
        try:
            return self._parse(cells)
        except KeyError:  # a value not equal to itself (NaN): the full parser reads it
            return None

    def _parse(
        self, cells: Sequence[Any]
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]] | None:
        index, table = self.name
        name = table[cells[index]]
        if name is None or name is NO:
            return None
        values: dict[str, Any] = {"full_name": name}
        index, table = self.sex
        sex = table[cells[index]]
        index, table = self.birth
        birth = table[cells[index]]
        if sex is None or sex is NO or birth is None or birth is NO:
            return None
        values["sex"] = sex
        values["birth_date"], values["birth_date_precision"] = birth

        for key, index, table in self.rest:
            got = table[cells[index]]
            if got is None:
                continue
            if got is NO:
                return None
            values[key] = got

        number = values.get("id_number")
        if number is not None:
            digits = self._id_digits(sex, birth[0].year)
            if (
                digits is None
                or len(number) != 12
                or not number.isdigit()
                or not number.isascii()
                or number[:3] not in PROVINCE_CODES
                or number[3:6] != digits
            ):
                return None
        if values.pop("near_poor", None) is not None:
            values["poverty"] = "near_poor"

        caregivers: list[dict[str, Any]] = []
        for who in _WHO:
            carer = values.pop(f"{who}_name", None)
            year = values.pop(f"{who}_birth_year", None)
            number = values.pop(f"{who}_id_number", None) or ""
            phone = values.pop(f"{who}_phone", None) or ""
            if carer is None:
                if year is not None or number or phone:
                    return None  # a year, number or phone without a name: said by the parser
                continue
            if number and caregiver_id_problems(number, who, year):
                return None
            caregivers.append(caregiver_values(who, carer, year, phone, number))
        groups = values.pop("groups", None) or []
        phone = values.pop("phone", None)
        if phone:
            add_phone(caregivers, values, phone)
        return values, caregivers, groups


# Read before the loop over the other columns (see `QuickRows.parse`), in this order.
_DONE = ("full_name", "sex", "birth_date")


def _near_poor(value: Any) -> Any:
    """A tick (or "cận nghèo") in the near-poor column: "near_poor"; "không" / "0":
    nothing; anything else needs a message."""
    if is_mark(value) or fold(value) in ("can ngheo", "ho can ngheo"):
        return "near_poor"
    if fold(value) in ("khong", "0"):
        return None
    return NO


def _disability_type(value: Any) -> str | None:
    if fold(value) in ("khong", "0"):
        return None
    return text(value)[:100]


def _insurance_number(value: Any) -> Any:
    number = text(value)
    return NO if len(number) > 20 else number
