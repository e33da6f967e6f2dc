"""Forms of the registry pages (validation of meaning lives in the services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from treem.core.forms import saved_differences
from treem.core.models import Area
from treem.registry.importing.parsing import CellError, parse_date
from treem.registry.models import (
    AgeGroup,
    AtRiskGroup,
    CaregiverRelation,
    CaregiverStatus,
    Child,
    DatePrecision,
    DisabilityLevel,
    Ethnicity,
    Poverty,
    Schooling,
    Sex,
    SpecialGroup,
    SupportKind,
    SupportSource,
)

BLANK: list[tuple[str, Any]] = [("", "—")]
DATE_HELP = _("dd/mm/yyyy")


def _date_field(label: Any, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y"),
        input_formats=["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"],
        error_messages={"invalid": _("Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy.")},
    )


class _Shared:
    """A filter field no form instance changes: every instance shares it instead of
    deep-copying it with its choices (the list page builds one form per request, and the
    copies were two thirds of building and validating it)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return self


class _SharedChoiceField(_Shared, forms.ChoiceField):
    pass


class _SharedCharField(_Shared, forms.CharField):
    pass


class ChildFilterForm(forms.Form):
    # Only the village filter changes per instance (its choices, its label above a
    # commune): it alone is copied for each form.
    q = _SharedCharField(
        label=_("Tìm kiếm"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Họ tên trẻ, cha mẹ hoặc số định danh"), "type": "search"}
        ),
    )
    village = forms.ChoiceField(label=_("Thôn"), required=False)
    sex = _SharedChoiceField(label=_("Giới tính"), required=False, choices=BLANK + Sex.choices)
    age_group = _SharedChoiceField(
        label=_("Nhóm tuổi"), required=False, choices=BLANK + AgeGroup.choices
    )
    group = _SharedChoiceField(
        label=_("Hoàn cảnh"),
        required=False,
        choices=[
            *BLANK,
            ("special", _("Hoàn cảnh đặc biệt (mọi nhóm)")),
            ("at_risk", _("Có nguy cơ")),
            *SpecialGroup.choices,
        ],
    )
    schooling = _SharedChoiceField(
        label=_("Học tập"), required=False, choices=BLANK + Schooling.choices
    )
    poverty = _SharedChoiceField(
        label=_("Hộ nghèo, cận nghèo"),
        required=False,
        choices=BLANK + [c for c in Poverty.choices if c[0] != "none"],
    )
    status = _SharedChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[
            ("active", _("Đang theo dõi (dưới 16 tuổi)")),
            ("archived", _("Đã lưu trữ")),
            ("moved", _("Đã chuyển đi")),
            ("died", _("Đã chết")),
            ("all", _("Tất cả")),
        ],
    )

    def __init__(self, *args: Any, villages: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.villages = list(villages)  # read once: the list page names its rows' villages
        self.fields["village"].choices = BLANK + [(v.key, v.name) for v in self.villages]  # type: ignore[attr-defined]


class BirthDateInput(forms.TextInput):
    """Shows a date of birth as much as is known: 05/03/2016, 03/2016 or 2016 (the form
    gives it with its precision, see `ChildForm.__init__`)."""

    precision = DatePrecision.DAY

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            if self.precision == DatePrecision.YEAR:
                return f"{value:%Y}"
            if self.precision == DatePrecision.MONTH:
                return f"{value:%m/%Y}"
            return f"{value:%d/%m/%Y}"
        return super().format_value(value)


class BirthDateField(forms.Field):
    """A date of birth typed as the registers write it, read as the import reads a cell
    (`parsing.parse_date`): 05/03/2016, 5/3/16, 03/2016 or 2016. Cleans to (date,
    precision); a coarser precision typed wins over the one selected."""

    widget = BirthDateInput

    def to_python(self, value: Any) -> tuple[dt.date, str] | None:
        if value in self.empty_values:
            return None
        try:
            return parse_date(str(value))
        except CellError as exc:
            raise ValidationError(exc.message, code="invalid") from exc


class ChildForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    # as the import asks: a name, a date of birth (its year at least) and the sex
    birth_date = BirthDateField(
        label=_("Ngày sinh"),
        help_text=_("Ngày/tháng/năm; nếu chỉ biết tháng và năm: 03/2016; chỉ biết năm: 2016."),
        widget=BirthDateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
    birth_date_precision = forms.ChoiceField(
        label=_("Ngày sinh đã biết"), choices=DatePrecision.choices, initial=DatePrecision.DAY
    )
    sex = forms.ChoiceField(label=_("Giới tính"), choices=BLANK + Sex.choices)
    ethnicity = forms.ModelChoiceField(
        label=_("Dân tộc"), queryset=Ethnicity.objects.all(), required=False, empty_label="—"
    )
    id_number = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=20,
        required=False,
        help_text=_("12 chữ số, nếu đã có."),
    )
    area = forms.ModelChoiceField(
        label=_("Thôn nơi ở"), queryset=Area.objects.none(), empty_label=None
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    household_head = forms.CharField(label=_("Chủ hộ"), max_length=150, required=False)
    birth_registration_place = forms.CharField(
        label=_("Nơi đăng ký khai sinh"), max_length=200, required=False
    )
    poverty = forms.ChoiceField(label=_("Hộ nghèo, cận nghèo"), choices=Poverty.choices)
    health_insurance_number = forms.CharField(label=_("Số thẻ BHYT"), max_length=20, required=False)
    schooling = forms.ChoiceField(
        label=_("Tình trạng học tập"), choices=BLANK + Schooling.choices, required=False
    )
    disability_type = forms.CharField(label=_("Dạng khuyết tật"), max_length=100, required=False)
    disability_level = forms.ChoiceField(
        label=_("Mức độ khuyết tật"), choices=DisabilityLevel.choices, required=False
    )
    notes = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas.order_by("-level", "code")  # type: ignore[attr-defined]
        self.fields["area"].label_from_instance = (  # type: ignore[attr-defined]
            lambda a: (
                a.full_name if a.level == 4 else _("Chưa rõ thôn (%(name)s)") % {"name": a.name}
            )
        )
        # a record's date of birth shows as much as is known (2016, not 01/01/2016)
        widget = self.fields["birth_date"].widget
        widget.precision = self.initial.get("birth_date_precision") or DatePrecision.DAY

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        typed = data.get("birth_date")
        if isinstance(typed, tuple):  # (date, precision read from the text)
            day, read = typed
            data["birth_date"] = day
            order = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR]
            chosen = data.get("birth_date_precision") or DatePrecision.DAY
            data["birth_date_precision"] = max(chosen, read, key=order.index)
        return data

    def service_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in CHILD_FIELDS}

    def differences_from(self, child: Child) -> list[tuple[Any, str]]:
        """(label, the record's value as shown) of the fields this form's (typed) values
        differ from on `child`: what someone else saved while the form was filled in."""
        return saved_differences(
            self, self.service_fields(), child, {"birth_date": child.birth_date_display()}
        )


CHILD_FIELDS = list(ChildForm.base_fields)


class ChildCreateForm(ChildForm):
    father_name = forms.CharField(label=_("Họ tên cha"), max_length=150, required=False)
    father_birth_year = forms.IntegerField(label=_("Năm sinh của cha"), required=False)
    mother_name = forms.CharField(label=_("Họ tên mẹ"), max_length=150, required=False)
    mother_birth_year = forms.IntegerField(label=_("Năm sinh của mẹ"), required=False)
    phone = forms.CharField(label=_("Điện thoại liên hệ"), max_length=30, required=False)
    confirm_not_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra, đây không phải trẻ đã có trong danh sách"), required=False
    )

    def caregivers(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        result = []
        for relation, prefix in (("father", "father"), ("mother", "mother")):
            if d.get(f"{prefix}_name"):
                result.append(
                    {
                        "relation": relation,
                        "full_name": d[f"{prefix}_name"],
                        "birth_year": d.get(f"{prefix}_birth_year"),
                        "phone": d.get("phone") or "",
                    }
                )
        return result


class ChildEditForm(ChildForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CaregiverForm(forms.Form):
    relation = forms.ChoiceField(label=_("Quan hệ"), choices=CaregiverRelation.choices)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    birth_year = forms.IntegerField(label=_("Năm sinh"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    id_number = forms.CharField(label=_("Số định danh"), max_length=20, required=False)
    status = forms.ChoiceField(label=_("Tình trạng"), choices=CaregiverStatus.choices)


class CircumstanceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=[
            ("special", _("Hoàn cảnh đặc biệt")),
            ("at_risk", _("Nguy cơ rơi vào hoàn cảnh đặc biệt")),
            ("other", _("Hoàn cảnh khác")),
        ],
    )
    group = forms.ChoiceField(
        label=_("Nhóm"),
        choices=[
            (_("Hoàn cảnh đặc biệt (Điều 10)"), SpecialGroup.choices),
            (_("Nguy cơ"), AtRiskGroup.choices),
        ],
    )
    subtype = forms.CharField(label=_("Phân loại (nếu có)"), max_length=40, required=False)
    start_date = _date_field(_("Từ ngày"))
    note = forms.CharField(label=_("Ghi chú"), required=False)
    verified = forms.BooleanField(label=_("Tôi đã xác minh"), required=False)


class CircumstanceEndForm(forms.Form):
    end_date = _date_field(_("Ngày kết thúc"), required=True)


class SupportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Hình thức trợ giúp"), choices=SupportKind.choices)
    date = _date_field(_("Ngày"), required=True)
    end_date = _date_field(_("Đến ngày"))
    amount = forms.CharField(label=_("Số tiền (đồng)"), max_length=20, required=False)
    source = forms.ChoiceField(
        label=_("Nguồn"), choices=BLANK + SupportSource.choices, required=False
    )
    provider = forms.CharField(label=_("Đơn vị, người hỗ trợ"), max_length=200, required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False)


class DiedForm(forms.Form):
    date = _date_field(_("Ngày mất"), required=True)
    cause = forms.CharField(label=_("Nguyên nhân"), max_length=255, required=False)


class MoveForm(forms.Form):
    to_commune = forms.ModelChoiceField(
        label=_("Chuyển đến xã, phường"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Ngoài địa bàn quản lý (chỉ ghi nhận đã chuyển đi)"),
    )
    date = _date_field(_("Ngày chuyển"), required=True)
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args: Any, communes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_commune"].queryset = communes  # type: ignore[attr-defined]
        self.fields["to_commune"].label_from_instance = lambda a: a.full_name  # type: ignore[attr-defined]
