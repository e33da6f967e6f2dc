"""Forms for the report narrative, the province's return comment, units' parts, indicators."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from treem.reports.models import (
    Dimension,
    FormulaKind,
    Indicator,
    IndicatorGroup,
    IndicatorUnit,
    PeriodType,
    Report,
)

TEXTAREA = {"rows": 6, "cols": 80}


class NarrativeForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Report
        fields = [
            "number",
            "place",
            "narrative_results",
            "narrative_limits",
            "narrative_proposals",
            "recipients",
            "signer_title",
            "signer_name",
        ]
        labels = {
            "number": _("Số hiệu (ví dụ: 25/BC-UBND)"),
            "narrative_results": _("I. Kết quả đạt được"),
            "narrative_limits": _("II. Hạn chế, nguyên nhân"),
            "narrative_proposals": _("III. Đề xuất, kiến nghị"),
            "recipients": _("Nơi nhận (mỗi dòng một nơi)"),
        }
        widgets = {
            "narrative_results": forms.Textarea(attrs=TEXTAREA),
            "narrative_limits": forms.Textarea(attrs=TEXTAREA),
            "narrative_proposals": forms.Textarea(attrs=TEXTAREA),
            "recipients": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk and "version" not in self.data:
            self.fields["version"].initial = self.instance.version


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến trả lại"), widget=forms.Textarea(attrs={"rows": 3}), required=True
    )


class UnitReportForm(forms.Form):
    narrative = forms.CharField(
        label=_("Kết quả thực hiện nhiệm vụ trong kỳ"),
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
    )
    difficulties = forms.CharField(
        label=_("Khó khăn, vướng mắc, đề xuất"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class _IndicatorFields(forms.Form):
    """What describes an indicator, whether added or corrected."""

    code = forms.CharField(label=_("Mã TT13 (nếu có)"), max_length=20, required=False)
    name = forms.CharField(label=_("Tên chỉ tiêu"), max_length=300)
    group = forms.ChoiceField(label=_("Nhóm"), choices=IndicatorGroup.choices)
    unit = forms.ChoiceField(label=_("Đơn vị tính"), choices=IndicatorUnit.choices)
    disaggregations = forms.MultipleChoiceField(
        label=_("Phân tổ"),
        choices=Dimension.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    period_type = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=PeriodType.choices)
    definition = forms.CharField(
        label=_("Khái niệm, cách tính"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class IndicatorForm(_IndicatorFields):
    field_order = [
        "slug",
        "code",
        "name",
        "group",
        "unit",
        "formula",
        "numerator",
        "denominator",
        "disaggregations",
    ]
    slug = forms.SlugField(
        label=_("Mã chỉ tiêu (chữ thường, không dấu)"),
        max_length=60,
        help_text=_("Ví dụ: swimming_taught_pct"),
    )
    formula = forms.ChoiceField(
        label=_("Cách tính"),
        choices=[
            (FormulaKind.MANUAL, FormulaKind.MANUAL.label),
            (FormulaKind.RATIO, FormulaKind.RATIO.label),
        ],
    )
    numerator = forms.ModelChoiceField(
        label=_("Tử số (chỉ tiêu tỷ lệ)"), queryset=Indicator.objects.all(), required=False
    )
    denominator = forms.ModelChoiceField(
        label=_("Mẫu số (chỉ tiêu tỷ lệ)"), queryset=Indicator.objects.all(), required=False
    )

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class IndicatorEditForm(_IndicatorFields):
    """An indicator's correction (`services.indicator_update`). Its code (slug) and the
    way it is computed stay; the unit and disaggregations of a computed indicator are its
    computation's and are not offered."""

    field_order = ["name", "code"]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    is_active = forms.BooleanField(
        label=_("Đang dùng"),
        required=False,
        help_text=_(
            "Bỏ chọn khi không theo dõi chỉ tiêu này nữa: chỉ tiêu không còn trong bảng "
            "của các kỳ chưa có số liệu của nó, không được tính, nhập nữa; số liệu đã có "
            "vẫn giữ và vẫn hiện trong các báo cáo đã lập."
        ),
    )

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(indicator, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        if indicator.formula == FormulaKind.COMPUTED:
            del self.fields["unit"]
            del self.fields["disaggregations"]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.setdefault("unit", None)
        data.setdefault("disaggregations", None)
        return data


class ComputeForm(forms.Form):
    """A computation's options: the day the figures are counted as of (blank: the
    period's end)."""

    as_of = forms.DateField(
        label=_("Số liệu tính đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=_("Để trống: tính đến hết kỳ báo cáo."),
    )

    def __init__(self, *args: Any, period: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if period is not None:  # the browser's date picker offers the period's days
            self.fields["as_of"].widget.attrs.update(
                min=period.start.isoformat(), max=period.natural_end.isoformat()
            )
