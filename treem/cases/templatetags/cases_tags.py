"""Small display helpers for the case pages (durations, labels)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext as _

from treem.cases.models import AbuseForm, StepKind

register = template.Library()


@register.filter
def duration_vi(value: dt.timedelta | None) -> str:
    """ "2 ngày 3 giờ", "5 giờ 10 phút", "12 phút"."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)d ngày %(h)d giờ") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d giờ %(m)d phút") % {"h": hours, "m": mins}
    return _("%(m)d phút") % {"m": mins}


@register.filter
def step_label(value: str) -> str:
    return str(StepKind(value).label) if value in StepKind.values else value


@register.filter
def form_label(value: str) -> str:
    return str(AbuseForm(value).label) if value in AbuseForm.values else value


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def money(value: Any) -> str:
    """1234567 -> "1.234.567" (Vietnamese thousands separator)."""
    if value in (None, ""):
        return ""
    return f"{int(value):,}".replace(",", ".")
