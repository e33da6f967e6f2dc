from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from treem.core.models import VILLAGE_KINDS, Agency, AgencyKind, Area, AreaKind, Role

VILLAGE_KIND_CHOICES = [(k.value, k.label) for k in VILLAGE_KINDS]


def typed_over(posted: Any, version: int | None) -> Any:
    """What the user posted, as a form's data that replaces `version` (what someone else
    saved meanwhile): the refused text stays on the page, and its next save goes through
    knowingly, over the other person's."""
    data = posted.copy()
    data["version"] = "" if version is None else str(version)
    return data


def errors_to_form(form: Any, exc: Any, rename: dict[str, str] | None = None) -> None:
    """A service's ValidationError onto `form`: each message under its field (`rename`
    maps a service's argument to the form's field), the rest above the form."""
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            name = (rename or {}).get(field, field)
            for err in errs:
                for msg in err.messages:
                    form.add_error(name if name in form.fields else None, msg)
    else:
        for msg in exc.messages:
            form.add_error(None, msg)


def saved_differences(
    form: forms.Form, typed: dict[str, Any], record: Any, shown: dict[str, str] | None = None
) -> list[tuple[Any, str]]:
    """(label, the record's value as shown) of the fields whose typed value (`typed`,
    from `form`) differs from `record`'s: what someone else saved while the form was
    being filled in. `shown` gives a field's display where its value does not say it."""
    out = []
    for name, value in typed.items():
        saved = getattr(record, name)
        field = form.fields[name]
        if isinstance(field, forms.MultipleChoiceField):
            if sorted(value or []) == sorted(saved or []):
                continue
            labels = dict(field.choices)  # type: ignore[arg-type]
            text = ", ".join(str(labels.get(v, v)) for v in saved or [])
        elif (value or None) == (saved or None):
            continue
        elif shown and name in shown:
            text = shown[name]
        elif isinstance(field, forms.BooleanField):
            text = str(_("Có") if saved else _("Không"))
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            labels = dict(field.choices)  # type: ignore[arg-type]
            text = str(labels.get(saved, saved or ""))
        else:
            text = str(saved or "")
        out.append((field.label, text or "—"))
    return out


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }


class VillageForm(forms.Form):
    name = forms.CharField(label=_("Tên thôn, tổ dân phố"), max_length=150)
    kind = forms.ChoiceField(
        label=_("Loại"), choices=VILLAGE_KIND_CHOICES, initial=AreaKind.VILLAGE
    )


class VillageBulkForm(forms.Form):
    names = forms.CharField(
        label=_("Dán danh sách tên (mỗi dòng một thôn)"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    kind = forms.ChoiceField(
        label=_("Loại"), choices=VILLAGE_KIND_CHOICES, initial=AreaKind.VILLAGE
    )


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("Tên đơn vị"), max_length=200)
    kind = forms.ChoiceField(label=_("Loại đơn vị"), choices=AgencyKind.choices)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)


class AgencyEditForm(AgencyForm):
    is_active = forms.BooleanField(
        label=_("Đang phối hợp"),
        required=False,
        help_text=_(
            "Bỏ chọn khi đơn vị không còn phối hợp (giải thể, sáp nhập, thêm nhầm): đơn vị "
            "không còn trong danh sách báo cáo, không được chọn cho nhiệm vụ mới; những gì "
            "đã ghi vẫn giữ."
        ),
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    password = forms.CharField(label=_("Mật khẩu ban đầu"), widget=forms.PasswordInput)
    role = forms.ModelChoiceField(label=_("Vai trò"), queryset=Role.objects.none())
    area = forms.ModelChoiceField(label=_("Địa bàn"), queryset=Area.objects.none())
    agency = forms.ModelChoiceField(
        label=_("Đơn vị (với đầu mối đơn vị)"), queryset=Agency.objects.none(), required=False
    )

    def __init__(self, *args: Any, roles: Any, areas: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Người thực hiện"), required=False)
    action = forms.CharField(
        label=_("Thao tác"),
        required=False,
        # the names of the actions offered as the officer types (the page's datalist)
        widget=forms.TextInput(attrs={"list": "audit-actions"}),
    )
    date_from = forms.DateField(label=_("Từ ngày"), required=False)
    date_to = forms.DateField(label=_("Đến ngày"), required=False)
