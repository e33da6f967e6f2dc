"""Forms for the plan pages (the review page's task rows are read by the view)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from treem.plans.models import ReportPeriod, TaskStatus

UPLOAD_SUFFIXES = (".txt", ".docx", ".pdf")
UPLOAD_MAX_BYTES = 20 * 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class PlanUploadForm(forms.Form):
    area = forms.ChoiceField(
        label=_("Cấp ban hành"),
        required=False,
        help_text=_("Kế hoạch trước tháng 7/2025 thuộc xã hoặc huyện cũ trước khi sắp xếp."),
    )
    file = forms.FileField(
        label=_("Tệp kế hoạch"),
        help_text=_("Tệp Word (.docx), PDF có lớp chữ hoặc văn bản (.txt), tối đa 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,.txt"}),
    )

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        name = (f.name or "").lower()
        if name.endswith(".doc"):
            raise forms.ValidationError(
                _(
                    "Tệp .doc (Word 97-2003) chưa được hỗ trợ: hãy mở bằng Word, lưu lại dưới "
                    "dạng .docx rồi tải lên lại."
                )
            )
        if not name.endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(
                _("Tệp “%(name)s”: chỉ nhận .docx, .pdf hoặc .txt.") % {"name": f.name}
            )
        if f.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 20 MB."))
        return f


class PlanHeaderForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Trích yếu"), max_length=500)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=60, required=False)
    issued_date = forms.DateField(
        label=_("Ngày ban hành"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Ngày ban hành không hợp lệ, hãy nhập dạng dd/mm/yyyy.")},
    )
    parent_plan = forms.TypedChoiceField(
        label=_("Thực hiện kế hoạch cấp trên"), coerce=int, required=False, empty_value=None
    )
    signer_name = forms.CharField(label=_("Người ký"), max_length=150, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=150, required=False)

    purposes = forms.CharField(
        label=_("Mục đích"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    requirements = forms.CharField(
        label=_("Yêu cầu"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    budget_text = forms.CharField(
        label=_("Kinh phí thực hiện"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    HEADER_FIELDS = (
        "title",
        "year",
        "number",
        "issued_date",
        "signer_name",
        "signer_title",
        "purposes",
        "requirements",
        "budget_text",
    )


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Tiến độ"), choices=TaskStatus.choices)
    date = forms.DateField(
        label=_("Ngày"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        initial=timezone.localdate,
        error_messages={"invalid": _("Ngày không hợp lệ, hãy nhập dạng dd/mm/yyyy.")},
    )
    narrative = forms.CharField(
        label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    evidence = MultipleFileField(
        label=_("Tệp minh chứng"),
        required=False,
        help_text=_("Ảnh, PDF, Word hoặc Excel, mỗi tệp tối đa 10 MB."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MeasureForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Kỳ báo cáo"),
        choices=[(ReportPeriod.SIX_MONTHS, _("6 tháng")), (ReportPeriod.ANNUAL, _("Năm"))],
    )
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    value = forms.CharField(label=_("Giá trị đạt được"), max_length=20)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)


class FromParentForm(forms.Form):
    parent = forms.TypedChoiceField(label=_("Kế hoạch cấp trên"), coerce=int)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
