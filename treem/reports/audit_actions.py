"""The Vietnamese names of the actions this app audits (see `treem.core.audit.action_label`)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "indicator.create": _("Thêm chỉ tiêu thống kê"),
    "indicator.update": _("Sửa chỉ tiêu thống kê"),
    "reports.compute": _("Tính số liệu"),
    "datavalue.set": _("Nhập số liệu"),
    "datavalue.clear": _("Xóa số liệu nhập tay"),
    "report.create": _("Lập báo cáo"),
    "report.update": _("Sửa báo cáo"),
    "report.submit": _("Gửi báo cáo"),
    "report.return": _("Trả lại báo cáo"),
    "report.approve": _("Phê duyệt báo cáo"),
    "unitreport.save": _("Đơn vị lưu báo cáo"),
    "unitreport.submit": _("Đơn vị gửi báo cáo"),
}
