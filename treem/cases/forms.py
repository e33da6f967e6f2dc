"""Web forms: the intake (Mẫu 01), the step form built from `STEP_FIELDS`, incidents."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from treem.cases.models import (
    AbuseForm,
    IncidentKind,
    IncidentOutcome,
    ItemStatus,
    PerpetratorRelation,
    Setting,
    Source,
)
from treem.cases.steps import STEP_FIELDS

PLAN_ROWS = 6


class IntakeForm(forms.Form):
    received_at = forms.DateTimeField(
        label=_("Thời điểm tiếp nhận"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    source = forms.ChoiceField(label=_("Nguồn thông tin"), choices=Source.choices)
    child_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    child_name = forms.CharField(
        label=_("Họ tên trẻ (nếu chưa có trong danh sách)"), required=False
    )
    child_sex = forms.ChoiceField(
        label=_("Giới tính"),
        required=False,
        choices=[("", "—"), ("male", _("Nam")), ("female", _("Nữ"))],
    )
    child_birth_year = forms.IntegerField(label=_("Năm sinh"), required=False)
    area = forms.ChoiceField(label=_("Thôn, tổ dân phố nơi trẻ sống"), required=False)
    forms_ = forms.MultipleChoiceField(
        label=_("Hình thức xâm hại hoặc nguy cơ"),
        choices=AbuseForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    happened_when = forms.CharField(label=_("Thời gian xảy ra"), required=False)
    happened_where = forms.CharField(label=_("Địa điểm xảy ra"), required=False)
    setting = forms.ChoiceField(
        label=_("Môi trường xảy ra"), choices=[("", "—"), *Setting.choices], required=False
    )
    perpetrator_relation = forms.ChoiceField(
        label=_("Quan hệ của người gây hại với trẻ"),
        choices=[("", "—"), *PerpetratorRelation.choices],
        required=False,
    )
    description = forms.CharField(
        label=_("Nội dung sự việc"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    serious_risk = forms.BooleanField(
        label=_("Tính mạng, sức khỏe, nhân phẩm của trẻ đang bị đe dọa nghiêm trọng"),
        required=False,
    )
    reporter_name = forms.CharField(label=_("Họ tên người báo tin (bảo mật)"), required=False)
    reporter_phone = forms.CharField(label=_("Điện thoại người báo tin"), required=False)
    reporter_relation = forms.CharField(label=_("Quan hệ với trẻ"), required=False)

    def __init__(self, *args: Any, areas: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["forms_"].widget.attrs["class"] = "checks"
        area_field: Any = self.fields["area"]
        area_field.choices = [(a.key, a.full_name) for a in areas or []]
        if not self.is_bound:
            self.initial.setdefault(
                "received_at", timezone.localtime().replace(second=0, microsecond=0)
            )


def step_form_class(kind: str) -> type[forms.Form]:
    """A Django form for the step's simple fields (plan items are handled in the view)."""
    attrs: dict[str, Any] = {
        "at": forms.DateTimeField(
            label=_("Thời điểm thực hiện"),
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        ),
        "note": forms.CharField(
            label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        ),
        "version": forms.IntegerField(widget=forms.HiddenInput),
        "step": forms.CharField(widget=forms.HiddenInput),
    }
    for f in STEP_FIELDS[kind]:
        if f.kind == "bool":
            attrs[f.name] = forms.BooleanField(label=f.label, required=False)
        elif f.kind == "choice":
            attrs[f.name] = forms.ChoiceField(
                label=f.label, choices=[("", "—"), *f.choices], required=False
            )
        elif f.kind == "textarea":
            attrs[f.name] = forms.CharField(
                label=f.label, required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
        elif f.kind == "text":
            attrs[f.name] = forms.CharField(label=f.label, required=False)
    return type(f"StepForm_{kind}", (forms.Form,), attrs)


def plan_rows_from_post(data: Any) -> list[dict[str, str]]:
    rows = []
    for i in range(PLAN_ROWS):
        row = {
            key: data.get(f"items-{i}-{key}", "")
            for key in ("service", "start_date", "end_date", "responsible", "provider", "cost")
        }
        if any(v.strip() for v in row.values()):
            rows.append(row)
    return rows


def item_updates_from_post(data: Any, item_ids: list[int]) -> list[dict[str, Any]]:
    rows = []
    for pk in item_ids:
        status = data.get(f"item-{pk}-status", "")
        note = data.get(f"item-{pk}-note", "")
        if (status and status != ItemStatus.PENDING) or note.strip():
            rows.append({"id": pk, "status": status or ItemStatus.PENDING, "note": note})
    return rows


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại tai nạn, thương tích"), choices=IncidentKind.choices)
    occurred_on = forms.DateField(
        label=_("Ngày xảy ra"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    outcome = forms.ChoiceField(label=_("Hậu quả"), choices=IncidentOutcome.choices)
    place = forms.CharField(label=_("Nơi xảy ra"), required=False)
    latitude = forms.CharField(label=_("Vĩ độ (nếu có)"), required=False)
    longitude = forms.CharField(label=_("Kinh độ (nếu có)"), required=False)
    treatment = forms.CharField(
        label=_("Xử trí, điều trị"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
