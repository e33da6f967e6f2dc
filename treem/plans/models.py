"""Annual plans: the plan, its targets, tasks (a numbered tree), units, deadlines, progress.

Other apps read these models (the reports app reads report deadlines, targets,
target measurements and task progress): keep names stable.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from treem.core.models import Agency, AreaOwned


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")


class Recurrence(models.TextChoices):
    NONE = "", _("Theo thời hạn")
    CONTINUOUS = "continuous", _("Thường xuyên trong năm")
    ON_DEMAND = "on_demand", _("Khi phát sinh")


class ReportPeriod(models.TextChoices):
    SIX_MONTHS = "6_months", _("6 tháng")
    ANNUAL = "annual", _("Năm")
    QUARTERLY = "quarterly", _("Quý")
    MONTHLY = "monthly", _("Tháng")
    OTHER = "other", _("Khác")


class ReportLevel(models.TextChoices):
    # Who sends the report: the plan's units to the issuing area, or the issuing
    # area to the level above.
    UNITS = "units", _("Các đơn vị báo cáo lên địa phương")
    AREA = "area", _("Địa phương báo cáo lên cấp trên")


class Plan(AreaOwned):
    """An annual plan issued by an area (a commune, or a legacy district before 2025)."""

    area = models.ForeignKey(
        "core.Area", on_delete=models.PROTECT, related_name="plans", verbose_name=_("địa bàn")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("trích yếu"), max_length=500)
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    issued_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer_level = models.CharField(_("cấp ban hành"), max_length=20, blank=True)
    issuer_name = models.CharField(_("tên địa phương ban hành"), max_length=150, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=150, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    parent_plan = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_plans",
        verbose_name=_("kế hoạch cấp trên"),
    )
    purposes = models.TextField(_("mục đích"), blank=True)
    requirements = models.TextField(_("yêu cầu"), blank=True)
    budget_text = models.TextField(_("kinh phí thực hiện"), blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    source_file = models.FileField(
        _("tệp gốc"), upload_to="plans/sources/%Y/", blank=True, max_length=255
    )
    source_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    source_text = models.TextField(_("văn bản gốc"), blank=True)
    extraction = models.JSONField(_("kết quả đọc tự động"), null=True, blank=True)
    is_archived = models.BooleanField(_("đã lưu trữ"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-year", "-id"]
        indexes = [
            models.Index(fields=["area", "year"], name="plan_area_year_idx"),
            models.Index(fields=["province_code", "year"], name="plan_province_year_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="plan_year_range"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT


class PlanReference(models.Model):
    """A legal or administrative document the plan cites (by its number)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveIntegerField(default=0)
    number = models.CharField(_("số hiệu"), max_length=80)
    kind = models.CharField(_("loại văn bản"), max_length=60, blank=True)
    date = models.DateField(_("ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản căn cứ")
        verbose_name_plural = _("văn bản căn cứ")
        ordering = ["plan", "position"]
        indexes = [models.Index(fields=["number"], name="planref_number_idx")]

    def __str__(self) -> str:
        return self.number


class PlanTarget(models.Model):
    """A quantitative commitment ("100% trẻ em có hoàn cảnh đặc biệt được ...")."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveIntegerField(default=0)
    section = models.CharField(_("mục"), max_length=30, blank=True)
    text = models.TextField(_("chỉ tiêu"))
    value = models.DecimalField(
        _("giá trị"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("đơn vị tính"), max_length=30, blank=True, default="%")
    # The reports app defines indicators; this is the indicator's slug, not a FK.
    indicator_slug = models.CharField(_("mã chỉ số"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["plan", "position"]
        indexes = [models.Index(fields=["indicator_slug"], name="plantarget_indicator_idx")]

    def __str__(self) -> str:
        return self.text[:80]


class PlanUnit(models.Model):
    """An entry of the implementation section: a unit and its duties."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="units")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("tên đơn vị trong kế hoạch"), max_length=300)
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_units",
        verbose_name=_("đơn vị"),
    )
    duties = models.JSONField(_("nhiệm vụ"), default=list, blank=True)

    class Meta:
        verbose_name = _("đơn vị thực hiện")
        verbose_name_plural = _("đơn vị thực hiện")
        ordering = ["plan", "position"]

    def __str__(self) -> str:
        return self.name


class PlanTask(models.Model):
    """A numbered task; `parent` builds the tree (1 > 1.1 > a)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    depth = models.PositiveSmallIntegerField(default=0)
    number = models.CharField(_("số thứ tự"), max_length=30, blank=True)
    title = models.TextField(_("tên nhiệm vụ"))
    text = models.TextField(_("nội dung"), blank=True)
    lead_units: models.ManyToManyField[Agency, PlanTaskLeadUnit] = models.ManyToManyField(
        Agency,
        through="PlanTaskLeadUnit",
        related_name="led_plan_tasks",
        blank=True,
        verbose_name=_("đơn vị chủ trì"),
    )
    coordinating_units: models.ManyToManyField[Agency, PlanTaskCoordinatingUnit] = (
        models.ManyToManyField(
            Agency,
            through="PlanTaskCoordinatingUnit",
            related_name="coordinated_plan_tasks",
            blank=True,
            verbose_name=_("đơn vị phối hợp"),
        )
    )
    timeframe_text = models.CharField(_("thời gian thực hiện"), max_length=300, blank=True)
    start_date = models.DateField(_("bắt đầu"), null=True, blank=True)
    end_date = models.DateField(_("kết thúc"), null=True, blank=True)
    recurrence = models.CharField(
        _("tính chất"), max_length=12, choices=Recurrence.choices, blank=True, default=""
    )
    peaks = models.JSONField(_("cao điểm"), default=list, blank=True)
    # Latest recorded progress, denormalised for the dashboard's GROUP BY.
    status = models.CharField(
        _("tiến độ"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    status_date = models.DateField(_("ngày cập nhật tiến độ"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["plan", "position"]
        indexes = [
            models.Index(fields=["plan", "position"], name="plantask_plan_pos_idx"),
            models.Index(fields=["plan", "status", "end_date"], name="plantask_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"[:120]

    @property
    def body(self) -> str:
        """The task's text without its title repeated at the start."""
        text = self.text.strip()
        if text.startswith(self.title):
            text = text[len(self.title) :].strip(" .:;")
        return text

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or dt.date.today()
        return (
            self.status != TaskStatus.DONE and self.end_date is not None and self.end_date < today
        )


class PlanTaskLeadUnit(models.Model):
    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="lead_links")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "agency"], name="plantask_lead_unique")
        ]
        indexes = [models.Index(fields=["agency"], name="plantask_lead_agency_idx")]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.agency_id}"


class PlanTaskCoordinatingUnit(models.Model):
    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="coord_links")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "agency"], name="plantask_coord_unique")
        ]
        indexes = [models.Index(fields=["agency"], name="plantask_coord_agency_idx")]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.agency_id}"


class PlanReportDeadline(models.Model):
    """A dated deadline of the plan's reporting regime."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="report_deadlines")
    period = models.CharField(_("kỳ báo cáo"), max_length=12, choices=ReportPeriod.choices)
    due_date = models.DateField(_("hạn nộp"))
    recipient = models.CharField(_("nơi nhận báo cáo"), max_length=200, blank=True)
    level = models.CharField(
        _("cấp báo cáo"), max_length=10, choices=ReportLevel.choices, default=ReportLevel.UNITS
    )

    class Meta:
        verbose_name = _("hạn báo cáo")
        verbose_name_plural = _("hạn báo cáo")
        ordering = ["plan", "due_date"]
        indexes = [models.Index(fields=["plan", "period"], name="plandeadline_period_idx")]

    def __str__(self) -> str:
        return f"{self.get_period_display()} {self.due_date:%d/%m/%Y}"


class PlanBudgetSource(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budget_sources")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("nguồn kinh phí"), max_length=300)
    amount = models.DecimalField(
        _("số tiền (đồng)"), max_digits=16, decimal_places=0, null=True, blank=True
    )

    class Meta:
        verbose_name = _("nguồn kinh phí")
        verbose_name_plural = _("nguồn kinh phí")
        ordering = ["plan", "position"]

    def __str__(self) -> str:
        return self.name


class TaskProgress(AreaOwned):
    """One progress report on a task, by a unit focal point or an officer."""

    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="progress_entries")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("tiến độ"), max_length=12, choices=TaskStatus.choices)
    narrative = models.TextField(_("kết quả thực hiện"), blank=True)
    date = models.DateField(_("ngày"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("tiến độ nhiệm vụ")
        verbose_name_plural = _("tiến độ nhiệm vụ")
        ordering = ["task", "-date", "-id"]
        indexes = [models.Index(fields=["task", "date"], name="taskprogress_task_date_idx")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.status} {self.date:%d/%m/%Y}"

    def reported_by(self) -> str:
        """The unit that reported, or the commune's People's Committee when an officer
        recorded it for no unit ("UBND Xã Nghĩa Hưng")."""
        if self.agency is not None:
            return self.agency.name
        return gettext("UBND %(area)s") % {"area": self.area.full_name}


class TaskEvidence(models.Model):
    progress = models.ForeignKey(TaskProgress, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("tệp minh chứng"), upload_to="plans/evidence/%Y/%m/", max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")

    def __str__(self) -> str:
        return self.original_name


class TargetMeasurement(AreaOwned):
    """The measured value of a target for one reporting period (one row per period)."""

    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(PlanTarget, on_delete=models.CASCADE, related_name="measurements")
    period = models.CharField(_("kỳ báo cáo"), max_length=12, choices=ReportPeriod.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("giá trị đạt được"), max_digits=12, decimal_places=2)
    note = models.TextField(_("ghi chú"), blank=True)
    measured_on = models.DateField(_("ngày ghi nhận"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("kết quả chỉ tiêu")
        verbose_name_plural = _("kết quả chỉ tiêu")
        ordering = ["target", "year", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "year", "period"], name="targetmeasurement_unique_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.period} {self.year}: {self.value}"
