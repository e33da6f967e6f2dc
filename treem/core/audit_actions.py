"""The Vietnamese names of the actions this app audits (see `treem.core.audit.action_label`)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "area.create": _("Thêm thôn, tổ dân phố"),
    "agency.create": _("Thêm đơn vị phối hợp"),
    "agency.update": _("Sửa đơn vị phối hợp"),
    "user.create": _("Tạo tài khoản"),
    "user.activate": _("Mở lại tài khoản"),
    "user.deactivate": _("Khóa tài khoản"),
    "user.password_change": _("Đổi mật khẩu"),
    "membership.create": _("Giao quyền trên địa bàn"),
    "membership.deactivate": _("Thu hồi quyền trên địa bàn"),
    "token.issue": _("Cấp mã truy cập API"),
    "token.revoke": _("Thu hồi mã truy cập API"),
}
