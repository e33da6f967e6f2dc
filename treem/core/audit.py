"""Audit rows, written by services inside their own transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import importlib
import uuid
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.apps import apps as django_apps
from django.db import models

from treem.core.i18n import record_language
from treem.core.middleware import current_ip
from treem.core.models import Area, AuditLog

_PLAIN = frozenset({int, str, bool, float, type(None)})


def _json_safe(value: Any) -> Any:
    if value.__class__ in _PLAIN:  # most values (an import's 100,000 created ids)
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or None
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """A JSON-safe dict of a model instance's concrete fields (FKs as ids)."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if not getattr(field, "audited", True):  # derived search data, not the record
            continue
        data[field.attname] = _json_safe(getattr(obj, field.attname))
    return data


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[dict, dict]:
    """Keep only keys whose values changed (for compact update rows)."""
    if not before or not after:
        return before or {}, after or {}
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def logged_name(obj: Any) -> str:
    """How the log names an object: `str(obj)` in the system's language, whatever
    language the actor reads in (the log is one record, read by everyone)."""
    with record_language():
        return str(obj)


def audit(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    area: Area | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    repr_: str | None = None,
) -> AuditLog:
    """Write one audit row. Call it inside the service's transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id if object_id is not None else obj.pk
        if area is None:
            candidate = getattr(obj, "area", None)
            area = candidate if isinstance(candidate, Area) else None
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    if repr_ is None and obj is not None:
        repr_ = logged_name(obj)
    return AuditLog.objects.create(
        actor=actor if is_user else None,
        actor_name=(actor.get_username() if is_user else "hệ thống"),
        action=action,
        object_type=object_type or "",
        object_id=str(object_id) if object_id is not None else "",
        object_repr=(repr_ or "")[:255],
        area=area,
        area_path=area.path if area else "",
        province_code=area.province_code if area else "",
        before=_json_safe(before) if before is not None else None,
        after=_json_safe(after) if after is not None else None,
        ip=current_ip.get(),
    )


@lru_cache(maxsize=1)
def action_labels() -> dict[str, Any]:
    """{action: its Vietnamese name} of every audited action: each app names its own in
    its `audit_actions.ACTIONS`."""
    labels: dict[str, Any] = {}
    for config in django_apps.get_app_configs():
        if not config.name.startswith("treem."):
            continue
        module = f"{config.name}.audit_actions"
        try:
            found = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:  # the module exists but an import inside it failed
                raise
            continue
        labels.update(found.ACTIONS)
    return labels


def action_label(action: str) -> str:
    """The Vietnamese name of an audited action (the code itself if it has none)."""
    return str(action_labels().get(action, action))


def object_label(object_type: str) -> str:
    """The name of an audited object's kind ("registry.child" -> "trẻ em")."""
    try:
        return str(django_apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type
