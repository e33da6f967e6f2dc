"""The Vietnamese names of the actions this app audits (see `treem.core.audit.action_label`;
a child's page words a few from the child's side: `selectors.ACTION_LABELS`)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "child.create": _("Đăng ký hồ sơ"),
    "child.update": _("Sửa thông tin"),
    "child.died": _("Ghi nhận trẻ đã chết"),
    "child.archive": _("Lưu trữ hồ sơ"),
    "child.age_out": _("Lưu trữ do đủ 16 tuổi"),
    "child.reactivate": _("Theo dõi trở lại"),
    "child.move_out": _("Chuyển đi xã khác"),
    "child.move_in": _("Nhận hồ sơ chuyển đến"),
    "child.move_away": _("Chuyển ra ngoài địa bàn"),
    "child.merge": _("Gộp hồ sơ trùng"),
    "child.merged_into": _("Được gộp vào hồ sơ khác"),
    "child.unmerge": _("Hoàn tác gộp hồ sơ"),
    "child.distinct": _("Xác nhận hai hồ sơ là hai trẻ khác nhau"),
    "child.distinct_undo": _("Hoàn tác xác nhận hai trẻ khác nhau"),
    "child.import": _("Nhập danh sách trẻ em từ tệp"),
    "caregiver.add": _("Thêm người chăm sóc"),
    "caregiver.update": _("Sửa người chăm sóc"),
    "caregiver.remove": _("Bỏ người chăm sóc"),
    "circumstance.add": _("Ghi nhận hoàn cảnh"),
    "circumstance.end": _("Kết thúc hoàn cảnh"),
    "circumstance.remove": _("Bỏ hoàn cảnh"),
    "support.add": _("Ghi nhận trợ giúp"),
    "support.remove": _("Bỏ trợ giúp"),
}
