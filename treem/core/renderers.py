"""The form renderer: Django's, with the markup of its select and input widgets written in
Python.

Django renders each widget through templates, and a select renders one template per
option (with a second one for its attributes): the child page, with its forms for
caregivers, groups, support, moving and archiving (ethnic groups, communes, the 14
groups and their sub-types), spent three quarters of its time there. The strings below
are the ones Django's templates `django/forms/widgets/select.html`, `select_option.html`,
`input.html` and `attrs.html` write, character for character (tests compare them with
Django's own rendering of the same widgets); anything else, or an option with another
template, is rendered by the templates as before. A project template overriding one of
those four would not be seen: TreEm has none.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

OPTION = "django/forms/widgets/select_option.html"


def _text(value: Any) -> str:
    """`{{ value }}` with autoescaping."""
    if value.__class__ is str:  # most labels and names: what the general path gives
        return html.escape(value)
    return str(conditional_escape(str(localize(value))))


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` with autoescaping (the filter keeps safe input safe)."""
    if value.__class__ is str:
        return html.escape(value)
    text = str(value) if isinstance(value, tuple) else "%s" % (value,)  # noqa: UP031
    return text if isinstance(value, SafeData) else str(escape(text))


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html"""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(" " + _text(name))
        if value is not True:
            out.append(f'="{_formatted(value)}"')
    return "".join(out)


def _input(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input.html (text, number, date, hidden, ... inputs)"""
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>\n"
    )


def _select(widget: dict[str, Any]) -> str | None:
    """django/forms/widgets/select.html with its options (None: an option of another
    template, left to the templates)."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


WRITERS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/input.html": _input,
}
# the input types with a template of their own: an include of input.html, and its newline
for _kind in ("text", "number", "email", "url", "password", "hidden", "date", "search"):
    WRITERS[f"django/forms/widgets/{_kind}.html"] = lambda widget: _input(widget) + "\n"


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = WRITERS.get(template_name)
        if write is not None:
            html = write(context["widget"])
            if html is not None:
                return html.strip()  # as Django's renderer strips a template's output
        return super().render(template_name, context, request)
