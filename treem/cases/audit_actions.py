"""The Vietnamese names of the actions this app audits (see `treem.core.audit.action_label`)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from treem.cases.models import StepKind

ACTIONS = {
    "case.intake": _("Tiếp nhận thông tin vụ việc"),
    "case.assign": _("Giao cán bộ phụ trách vụ việc"),
    "case.read": _("Xem hồ sơ vụ việc"),
    "case.clocks_refresh": _("Tính lại thời hạn vụ việc"),
    "incident.create": _("Ghi nhận tai nạn, thương tích"),
    "incident.reported_up": _("Báo cáo cấp trên trẻ tử vong do tai nạn"),
    # each step of the procedure ("case.step.emergency")
    **{
        f"case.step.{kind.value}": format_lazy(
            "{}: {}", pgettext_lazy("one case", "Vụ việc"), kind.label
        )
        for kind in StepKind
    },
}
