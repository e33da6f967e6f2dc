"""The Vietnamese names of the actions this app audits (see `treem.core.audit.action_label`)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "plan.create": _("Tải lên kế hoạch"),
    "plan.create_from_parent": _("Lập kế hoạch từ kế hoạch cấp trên"),
    "plan.update": _("Sửa kế hoạch"),
    "plan.issue": _("Ban hành kế hoạch"),
    "plan.archive": _("Lưu trữ kế hoạch"),
    "plan.task.create": _("Thêm nhiệm vụ"),
    "plan.task.update": _("Sửa nhiệm vụ"),
    "plan.task.progress": _("Báo cáo tiến độ nhiệm vụ"),
    "plan.target.create": _("Thêm chỉ tiêu"),
    "plan.target.update": _("Sửa chỉ tiêu"),
    "plan.target.delete": _("Xóa chỉ tiêu"),
    "plan.target.measure": _("Ghi kết quả chỉ tiêu"),
    "plan.deadline.create": _("Thêm hạn báo cáo"),
    "plan.deadline.update": _("Sửa hạn báo cáo"),
    "plan.deadline.delete": _("Xóa hạn báo cáo"),
}
