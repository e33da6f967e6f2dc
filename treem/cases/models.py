"""The Decree 56 case procedure (intake to archive) and incidents (injuries, drowning).

A `Case` belongs to a commune (`area`); its steps are `CaseStep` rows (who, when, what);
plans are versioned `Plan` rows with `PlanItem` services. The reporter's identity lives
in `CaseReporter`, loaded only for the intake officer and the commune leader.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from treem.core.models import Area, AreaOwned


class Source(models.TextChoices):
    HOTLINE_111 = "hotline_111", _("Tổng đài 111")
    POLICE = "police", _("Công an")
    SCHOOL = "school", _("Nhà trường")
    HEALTH_STATION = "health_station", _("Trạm Y tế")
    COMMUNITY = "community", _("Hàng xóm, người thân")
    CHILD = "child", _("Trẻ em tự báo")
    COLLABORATOR = "collaborator", _("Cộng tác viên")
    OTHER = "other", _("Khác")


class AbuseForm(models.TextChoices):
    """Luật Trẻ em 2016, Điều 4: forms of abuse, and risk."""

    VIOLENCE = "violence", _("Bạo lực")
    EXPLOITATION = "exploitation", _("Bóc lột (kể cả lao động trái quy định)")
    SEXUAL_ABUSE = "sexual_abuse", _("Xâm hại tình dục")
    TRAFFICKING = "trafficking", _("Mua bán")
    ABANDONMENT = "abandonment", _("Bỏ rơi")
    NEGLECT = "neglect", _("Bỏ mặc")
    OTHER = "other", _("Hình thức gây tổn hại khác")


class Setting(models.TextChoices):
    FAMILY = "family", _("Gia đình")
    SCHOOL = "school", _("Trường học")
    COMMUNITY = "community", _("Cộng đồng")
    ONLINE = "online", _("Môi trường mạng")
    OTHER = "other", _("Khác")


class PerpetratorRelation(models.TextChoices):
    PARENT = "parent", _("Cha, mẹ")
    STEP_PARENT = "step_parent", _("Cha dượng, mẹ kế")
    RELATIVE = "relative", _("Người thân trong gia đình")
    CAREGIVER = "caregiver", _("Người chăm sóc")
    TEACHER = "teacher", _("Giáo viên, nhân viên nhà trường")
    ACQUAINTANCE = "acquaintance", _("Người quen, hàng xóm")
    STRANGER = "stranger", _("Người lạ")
    CHILD = "child", _("Trẻ em khác")
    UNKNOWN = "unknown", _("Chưa xác định")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận, chờ đánh giá ban đầu")
    ASSESSED = "assessed", _("Đã đánh giá ban đầu, chờ đánh giá cụ thể")
    DETAILED = "detailed", _("Đã đánh giá cụ thể, chờ họp xác định nhu cầu")
    PLANNING = "planning", _("Đang xây dựng kế hoạch")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ phê duyệt kế hoạch")
    IN_PROGRESS = "in_progress", _("Đang thực hiện kế hoạch")
    CLOSED = "closed", _("Đã kết thúc")
    ARCHIVED = "archived", _("Đã lưu hồ sơ")


OPEN_STATUSES = [
    CaseStatus.RECEIVED,
    CaseStatus.ASSESSED,
    CaseStatus.DETAILED,
    CaseStatus.PLANNING,
    CaseStatus.AWAITING_APPROVAL,
    CaseStatus.IN_PROGRESS,
]


class StepKind(models.TextChoices):
    """The steps of Điều 24–30 (the form each one prints is in `STEP_FORMS`)."""

    INTAKE = "intake", _("Tiếp nhận thông tin")
    INITIAL_ASSESSMENT = "initial_assessment", _("Đánh giá nguy cơ ban đầu")
    EMERGENCY = "emergency", _("Can thiệp khẩn cấp, tạm thời cách ly")
    SEPARATION_END = "separation_end", _("Kết thúc tạm thời cách ly")
    DETAILED_ASSESSMENT = "detailed_assessment", _("Thu thập thông tin, đánh giá cụ thể")
    CASE_MEETING = "case_meeting", _("Họp xác định nhu cầu hỗ trợ, can thiệp")
    PLAN_SUBMITTED = "plan_submitted", _("Trình kế hoạch hỗ trợ, can thiệp")
    PLAN_APPROVED = "plan_approved", _("Phê duyệt kế hoạch")
    PLAN_RETURNED = "plan_returned", _("Trả lại kế hoạch để sửa")
    IMPLEMENTATION = "implementation", _("Thực hiện kế hoạch")
    REVIEW = "review", _("Đánh giá, rà soát kết quả")
    ARCHIVE = "archive", _("Lưu hồ sơ")


STEP_FORMS: dict[str, str] = {
    StepKind.INTAKE: "Mẫu số 01",
    StepKind.INITIAL_ASSESSMENT: "Mẫu số 02",
    StepKind.EMERGENCY: "Mẫu số 07",
    StepKind.DETAILED_ASSESSMENT: "Mẫu số 03",
    StepKind.CASE_MEETING: "Biên bản họp",
    StepKind.PLAN_SUBMITTED: "Mẫu số 04",
    StepKind.PLAN_APPROVED: "Mẫu số 05",
    StepKind.REVIEW: "Mẫu số 06",
}


class RiskLevel(models.TextChoices):
    SERIOUS = "serious", _("Nguy cơ cao, tổn hại nghiêm trọng")
    MODERATE = "moderate", _("Có nguy cơ, cần hỗ trợ")
    NONE = "none", _("Không có nguy cơ, không cần can thiệp")


class ReviewOutcome(models.TextChoices):
    CLOSE = "close", _("Kết thúc kế hoạch, đóng hồ sơ")
    REPLAN = "replan", _("Còn nguy cơ, xây dựng kế hoạch mới")


class Case(AreaOwned):
    """A report of a child abused or at risk, and the procedure that follows it."""

    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="cases", verbose_name=_("xã, phường")
    )
    code = models.CharField(_("số hồ sơ"), max_length=20)
    child = models.ForeignKey(
        "registry.Child",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("trẻ em"),
    )
    # What the reporter said about the child (kept even once the registry record exists)
    child_name = models.CharField(_("họ tên trẻ"), max_length=150, blank=True)
    child_sex = models.CharField(_("giới tính"), max_length=6, blank=True)
    child_birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    child_age_group = models.CharField(_("nhóm tuổi"), max_length=5, blank=True)
    village = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("thôn"),
    )
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"))
    source = models.CharField(_("nguồn thông tin"), max_length=20, choices=Source.choices)
    setting = models.CharField(
        _("môi trường xảy ra"), max_length=10, choices=Setting.choices, blank=True
    )
    perpetrator_relation = models.CharField(
        _("quan hệ của người gây hại với trẻ"),
        max_length=15,
        choices=PerpetratorRelation.choices,
        blank=True,
    )
    happened_when = models.CharField(_("thời gian xảy ra"), max_length=100, blank=True)
    happened_where = models.CharField(_("địa điểm xảy ra"), max_length=255, blank=True)
    description = models.TextField(_("nội dung vụ việc"))
    serious_risk = models.BooleanField(
        _("tính mạng, sức khỏe, nhân phẩm bị đe dọa nghiêm trọng"), default=False
    )
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    intake_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tiếp nhận"),
    )
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cán bộ phụ trách"),
    )
    emergency_at = models.DateTimeField(null=True, blank=True)
    separation_started_at = models.DateTimeField(null=True, blank=True)
    separation_ended_at = models.DateTimeField(null=True, blank=True)
    plan_clock_from = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # The clocks, recomputed by the services at every step (see treem.cases.clock)
    emergency_due_at = models.DateTimeField(null=True, blank=True)
    plan_due_on = models.DateField(null=True, blank=True)
    approval_due_on = models.DateField(null=True, blank=True)
    separation_due_on = models.DateField(null=True, blank=True)
    next_step = models.CharField(max_length=20, choices=StepKind.choices, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("vụ việc")
        verbose_name_plural = _("vụ việc")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["area", "code"], name="case_unique_code_per_commune"),
        ]
        indexes = [
            models.Index(fields=["area", "status", "next_due_at"], name="case_board_idx"),
            models.Index(fields=["status", "next_due_at"], name="case_due_idx"),
            models.Index(fields=["received_at"], name="case_received_idx"),
            models.Index(fields=["assigned_officer", "status"], name="case_officer_idx"),
        ]

    def __str__(self) -> str:
        return _("Vụ việc %(code)s") % {"code": self.code}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def separation_active(self) -> bool:
        return self.separation_started_at is not None and self.separation_ended_at is None


class CaseForm(models.Model):
    """One suspected form of abuse or risk of a case (a row each, so counts are GROUP BY)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="forms")
    form = models.CharField(_("hình thức"), max_length=15, choices=AbuseForm.choices)

    class Meta:
        verbose_name = _("hình thức xâm hại")
        verbose_name_plural = _("hình thức xâm hại")
        constraints = [
            models.UniqueConstraint(fields=["case", "form"], name="caseform_unique_case_form"),
        ]
        indexes = [models.Index(fields=["form", "case"], name="caseform_form_idx")]

    def __str__(self) -> str:
        return self.form


class CaseReporter(models.Model):
    """Who reported (confidential: intake officer and commune leader only)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="reporter")
    full_name = models.CharField(_("họ tên người báo tin"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    relation = models.CharField(_("quan hệ với trẻ"), max_length=100, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("người báo tin")
        verbose_name_plural = _("người báo tin")

    def __str__(self) -> str:
        return self.full_name or "—"


class CaseStep(models.Model):
    """One step of the procedure: who recorded it, when it happened, and its content."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("bước"), max_length=20, choices=StepKind.choices)
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    actor_name = models.CharField(max_length=150, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    plan = models.ForeignKey(
        "Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="steps"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="casestep_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    @property
    def form_name(self) -> str:
        return STEP_FORMS.get(self.kind, "")


class PlanStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ phê duyệt")
    APPROVED = "approved", _("Đã phê duyệt")
    RETURNED = "returned", _("Trả lại để sửa")
    SUPERSEDED = "superseded", _("Đã thay bằng kế hoạch mới")


class Plan(models.Model):
    """A support/intervention plan (Mẫu 04), approved by the commune chair (Mẫu 05)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    number = models.PositiveSmallIntegerField(_("lần"))
    goal = models.TextField(_("mục tiêu"), blank=True)
    status = models.CharField(max_length=12, choices=PlanStatus.choices)
    submitted_at = models.DateTimeField(_("ngày trình"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("kế hoạch hỗ trợ, can thiệp")
        verbose_name_plural = _("kế hoạch hỗ trợ, can thiệp")
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="plan_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.number}"


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Chưa thực hiện")
    DONE = "done", _("Đã thực hiện")
    NOT_DONE = "not_done", _("Không thực hiện được")


class PlanItem(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    service = models.CharField(_("dịch vụ, biện pháp"), max_length=255)
    start_date = models.DateField(_("từ ngày"), null=True, blank=True)
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    responsible = models.CharField(_("người chịu trách nhiệm"), max_length=150, blank=True)
    provider = models.CharField(_("cơ quan, tổ chức cung cấp"), max_length=200, blank=True)
    cost = models.DecimalField(
        _("kinh phí (đồng)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default="pending")
    result_note = models.TextField(_("kết quả"), blank=True)

    class Meta:
        verbose_name = _("nội dung kế hoạch")
        verbose_name_plural = _("nội dung kế hoạch")
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        return self.service


class IncidentKind(models.TextChoices):
    DROWNING = "drowning", _("Đuối nước")
    TRAFFIC = "traffic", _("Tai nạn giao thông")
    FALL = "fall", _("Ngã")
    BURN = "burn", _("Bỏng")
    ELECTRIC_SHOCK = "electric_shock", _("Điện giật")
    POISONING = "poisoning", _("Ngộ độc")
    ANIMAL_BITE = "animal_bite", _("Động vật cắn")
    OTHER = "other", _("Khác")


class IncidentOutcome(models.TextChoices):
    INJURED = "injured", _("Bị thương")
    DIED = "died", _("Tử vong")


class Incident(AreaOwned):
    """An injury or accident (tai nạn thương tích) of a child. `area` is the commune."""

    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("xã, phường")
    )
    village = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    child = models.ForeignKey("registry.Child", on_delete=models.PROTECT, related_name="incidents")
    child_sex = models.CharField(max_length=6, blank=True)
    child_age_group = models.CharField(max_length=5, blank=True)
    kind = models.CharField(_("loại tai nạn"), max_length=15, choices=IncidentKind.choices)
    occurred_on = models.DateField(_("ngày xảy ra"))
    place = models.CharField(_("nơi xảy ra"), max_length=255, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    outcome = models.CharField(_("hậu quả"), max_length=8, choices=IncidentOutcome.choices)
    treatment = models.TextField(_("xử trí, điều trị"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    # A death is reported to the level above at once; cleared when reported.
    immediate_report = models.BooleanField(default=False)
    reported_up_at = models.DateTimeField(null=True, blank=True)
    reported_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("tai nạn, thương tích")
        verbose_name_plural = _("tai nạn, thương tích")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["area", "occurred_on"], name="incident_area_date_idx"),
            models.Index(fields=["kind", "outcome"], name="incident_kind_outcome_idx"),
            models.Index(
                fields=["area"],
                condition=Q(immediate_report=True, reported_up_at__isnull=True),
                name="incident_unreported_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%d/%m/%Y}"

    @property
    def awaiting_report(self) -> bool:
        return self.immediate_report and self.reported_up_at is None
