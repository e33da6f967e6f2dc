"""What a child's change history says, in words: the audit rows' before/after snapshots
turned into "Giới tính: Nam → Nữ" lines with the fields' Vietnamese names and labels.

The audit keeps raw snapshots (ids, slugs, ISO dates, derived search columns); a user
reads the fields they can see on the child page. Derived and internal columns are left
out, choices show their labels, areas and ethnicities their names, dates dd/mm/yyyy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from treem.core.models import Area, AuditLog
from treem.registry.models import Caregiver, Child, ChildCircumstance, Ethnicity, Support

# the columns a user never edits nor sees as such on the child page
HIDDEN = frozenset(
    {
        "id",
        "created_at",
        "updated_at",
        "version",
        "source",
        "area_path",
        "province_code",
        "commune_id",
        "name_folded",
        "name_tokens",
        "name_sort",
        "search_words",
        "merged_into_id",
        "created_by_id",
        "verified_by_id",
        "child_id",
        "removed_at",
        "id_number_valid",
        "birth_date_precision",
    }
)
# action prefix -> (model, key of the nested snapshot or None for the child's own)
MODELS: dict[str, tuple[type[models.Model], str | None]] = {
    "child": (Child, None),
    "caregiver": (Caregiver, "caregiver"),
    "circumstance": (ChildCircumstance, "circumstance"),
    "support": (Support, "support"),
}
# the whole record (the page itself shows it) or bookkeeping between two records
SILENT = frozenset({"child.create", "child.merge", "child.merged_into", "child.unmerge"})


@cache
def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    return {f.attname: f for f in model._meta.concrete_fields}


class _Names:
    """Names of the areas and ethnicities the rows mention, read in two queries."""

    def __init__(self, snapshots: Iterable[dict[str, Any]]) -> None:
        areas: set[int] = set()
        ethnicities: set[int] = set()
        for snap in snapshots:
            if isinstance(snap.get("area_id"), int):
                areas.add(snap["area_id"])
            if isinstance(snap.get("ethnicity_id"), int):
                ethnicities.add(snap["ethnicity_id"])
        self.areas = dict(Area.objects.filter(pk__in=areas).values_list("pk", "full_name"))
        self.ethnicities = dict(
            Ethnicity.objects.filter(pk__in=ethnicities).values_list("pk", "name")
        )


def _value(
    model: type[models.Model],
    field: models.Field,
    key: str,
    value: Any,
    snap: dict[str, Any],
    names: _Names,
) -> str:
    if value is None or value == "":
        return "—"
    if key == "area_id":
        return str(names.areas.get(value, value))
    if key == "ethnicity_id":
        return str(names.ethnicities.get(value, value))
    if model is ChildCircumstance and key in ("group", "subtype"):
        circ = ChildCircumstance(kind=snap.get("kind", ""), group=snap.get("group", ""))
        circ.subtype = snap.get("subtype", "")
        return circ.group_label() if key == "group" else circ.subtype_label()
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(field, models.DecimalField):
        try:
            return f"{Decimal(str(value)):,.0f}".replace(",", ".")
        except InvalidOperation:
            return str(value)
    return str(value)


def _label(field: models.Field) -> str:
    text = str(field.verbose_name)
    return text[:1].upper() + text[1:]


def _lines(row: AuditLog, names: _Names) -> list[str]:
    if row.action in SILENT:
        return []
    model, nested = MODELS.get(row.action.split(".", 1)[0], (Child, None))
    before = (row.before or {}).get(nested) if nested else row.before
    after = (row.after or {}).get(nested) if nested else row.after
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    fields = _fields(model)
    lines: list[str] = []
    keys = [k for k in (after or before) if k in fields and k not in HIDDEN]
    for key in keys:
        field = fields[key]
        if before and after:  # a change: the fields that changed, old → new
            if before.get(key) == after.get(key):
                continue
            old = _value(model, field, key, before.get(key), before, names)
            new = _value(model, field, key, after.get(key), after, names)
            lines.append(f"{_label(field)}: {old} → {new}")
        else:  # an addition (after) or a removal (before): what it was
            snap = after or before
            if snap.get(key) in (None, ""):
                continue
            lines.append(f"{_label(field)}: {_value(model, field, key, snap[key], snap, names)}")
    return lines


def describe(rows: list[AuditLog]) -> None:
    """Set `row.changes` (lines of text) on each audit row of a child's history."""
    snapshots: list[dict[str, Any]] = []
    for row in rows:
        for side in (row.before, row.after):
            if isinstance(side, dict):
                snapshots.append(side)
                snapshots.extend(v for v in side.values() if isinstance(v, dict))
    names = _Names(snapshots)
    for row in rows:
        row.changes = _lines(row, names)  # type: ignore[attr-defined]
