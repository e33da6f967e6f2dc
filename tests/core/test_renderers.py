"""The form renderer writes select and input widgets in Python: the markup must be the
one Django's templates write, character for character, for every form of TreEm and for
the awkward cases (option groups, several selected values, attributes set to True or
False, values and labels to escape, numbers, dates)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from treem.cases import forms as case_forms
from treem.core import forms as core_forms
from treem.core.renderers import WRITERS, FormRenderer
from treem.plans import forms as plan_forms
from treem.registry import forms as registry_forms
from treem.reports import forms as report_forms

pytestmark = pytest.mark.django_db

DJANGO, OURS = DjangoTemplates(), FormRenderer()


class Awkward(forms.Form):
    grouped = forms.ChoiceField(
        choices=[
            ("", "—"),
            ("Nhóm <1>", [("a", "Trẻ “mồ côi” & bị bỏ rơi"), ("b", mark_safe("<b>đậm</b>"))]),
            (3, 4),
            ("Nhóm 2", [(5, "năm")]),
        ],
        initial="b",
    )
    several = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y"), ("z", "Z")], initial=["x", "z"], required=False
    )
    flags = forms.ChoiceField(
        choices=[("1", "một")],
        widget=forms.Select(
            attrs={"disabled": True, "data-off": False, "data-none": None, "class": 'a"b'}
        ),
    )
    text = forms.CharField(initial='Lê "Thị" <Lan> & cộng sự', max_length=20)
    number = forms.IntegerField(initial=12345)
    amount = forms.DecimalField(initial=1234.5, max_digits=10, decimal_places=2)
    day = forms.DateField(initial=dt.date(2026, 12, 6), widget=forms.DateInput(format="%d/%m/%Y"))
    hidden = forms.CharField(widget=forms.HiddenInput, initial="bí mật")
    email = forms.EmailField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), initial="x<y")
    blank = forms.CharField(required=False, widget=forms.TextInput(attrs={"autofocus": True}))


def _forms(world: Any) -> list[forms.BaseForm]:
    def make(cls: Any, **kwargs: Any) -> forms.BaseForm | None:
        try:
            return cls(**kwargs)
        except TypeError:  # a form that needs arguments of its own
            return None

    found = [Awkward(), Awkward({"grouped": "a", "several": ["y"], "text": "<x>", "number": "7"})]
    for module in (registry_forms, case_forms, core_forms, plan_forms, report_forms):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm):
                if value.__module__ != module.__name__:
                    continue
                form = make(value)
                if form is not None:
                    found.append(form)
    found.append(registry_forms.ChildFilterForm({"sex": "female"}, villages=[world.village]))
    return found


def test_widgets_are_written_as_djangos_templates_write_them(world: Any) -> None:
    compared = 0
    for form in _forms(world):
        if form.is_bound:
            form.is_valid()
        for bound in form:
            widget = bound.field.widget
            attrs = bound.build_widget_attrs({"id": bound.auto_id})
            ours = widget.render(bound.html_name, bound.value(), attrs=attrs, renderer=OURS)
            theirs = widget.render(bound.html_name, bound.value(), attrs=attrs, renderer=DJANGO)
            assert ours == theirs, (type(form).__name__, bound.name)
            compared += widget.template_name in WRITERS
    assert compared > 40  # the selects and inputs of TreEm's forms, written in Python


def test_pages_use_the_renderer(world: Any, client_for: Any) -> None:
    from django.conf import settings

    assert settings.FORM_RENDERER == "treem.core.renderers.FormRenderer"
    body = client_for(world.officer).get("/tre-em/moi/").content.decode()
    assert '<select name="ethnicity" id="id_ethnicity">' in body
