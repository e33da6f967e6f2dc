"""Indicators, data values, computation runs, and the periodic reports of communes and units.

Aggregates are data: one narrow `DataValue` table keyed by indicator, period, area and
disaggregation key; zero is a row, missing is no row. Values are stored per commune and per
village (never per province): the province figure is a GROUP BY over area paths at read time.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from treem.core.models import Agency, Area, AreaOwned


class IndicatorGroup(models.TextChoices):
    GENERAL = "01", _("01. Thông tin chung")
    HEALTH = "02", _("02. Y tế, dinh dưỡng")
    PROTECTION = "03", _("03. Bảo vệ trẻ em")
    EDUCATION = "04", _("04. Giáo dục")
    CULTURE = "05", _("05. Văn hóa, vui chơi, giải trí")
    PARTICIPATION = "06", _("06. Tham gia của trẻ em")
    ABUSE = "abuse", _("Phụ lục IV. Xâm hại trẻ em")


class IndicatorUnit(models.TextChoices):
    NUMBER = "number", _("Số lượng")
    PERCENT = "percent", _("Tỷ lệ (%)")


class FormulaKind(models.TextChoices):
    COMPUTED = "computed", _("Tính tự động từ dữ liệu")
    RATIO = "ratio", _("Tỷ lệ giữa hai chỉ tiêu")
    MANUAL = "manual", _("Nhập tay")


class PeriodType(models.TextChoices):
    BOTH = "both", _("6 tháng và năm")
    SEMIANNUAL = "semiannual", _("6 tháng")
    ANNUAL = "annual", _("Năm")


class Dimension(models.TextChoices):
    """Disaggregations (phân tổ). Slugs are stable keys inside `DataValue.disaggregation`."""

    SEX = "sex", _("Giới tính")
    AGE_GROUP = "age_group", _("Nhóm tuổi")
    ETHNICITY = "ethnicity", _("Dân tộc")
    CIRCUMSTANCE_GROUP = "circumstance_group", _("Nhóm hoàn cảnh đặc biệt")
    ABUSE_FORM = "abuse_form", _("Hình thức xâm hại")
    SETTING = "setting", _("Môi trường xâm hại")
    INJURY_CAUSE = "injury_cause", _("Nguyên nhân tai nạn, thương tích")
    ID_PROBLEM = "id_problem", _("Loại vấn đề số định danh")


class Indicator(models.Model):
    """One statistical indicator (chỉ tiêu), as data an administrator can extend."""

    slug = models.SlugField(_("mã chỉ tiêu"), max_length=60, unique=True)
    code = models.CharField(_("mã TT13"), max_length=20, blank=True)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    group = models.CharField(_("nhóm"), max_length=10, choices=IndicatorGroup.choices)
    unit = models.CharField(_("đơn vị tính"), max_length=10, choices=IndicatorUnit.choices)
    formula = models.CharField(_("cách tính"), max_length=10, choices=FormulaKind.choices)
    # For formula=computed: the name of a computation in treem.reports.computations.
    computation = models.CharField(_("phép tính"), max_length=60, blank=True)
    numerator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    denominator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    factor = models.DecimalField(_("hệ số"), max_digits=10, decimal_places=2, default=Decimal(100))
    disaggregations = models.JSONField(_("phân tổ"), default=list, blank=True)
    period_type = models.CharField(
        _("kỳ báo cáo"), max_length=12, choices=PeriodType.choices, default=PeriodType.BOTH
    )
    definition = models.TextField(_("khái niệm, cách tính"), blank=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped by every edit: an edit made on an older version is refused (no lost update).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["sort_order", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(formula="ratio")
                | Q(numerator__isnull=False, denominator__isnull=False),
                name="indicator_ratio_has_terms",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def display_name(self) -> str:
        """The name in the interface language: the seeded names are msgids (see
        `catalogue`); a name an administrator wrote shows as written."""
        return gettext(self.name) if self.name else ""

    def disaggregation_names(self) -> list[str]:
        """The disaggregations by their names ("Giới tính"), not their keys ("sex")."""
        names = dict(Dimension.choices)
        return [str(names.get(d, d)) for d in self.disaggregations]

    @property
    def is_ratio(self) -> bool:
        return self.formula == FormulaKind.RATIO

    @property
    def is_manual(self) -> bool:
        return self.formula == FormulaKind.MANUAL

    def applies_to(self, period: str) -> bool:
        semi = "H" in period
        if self.period_type == PeriodType.SEMIANNUAL:
            return semi
        if self.period_type == PeriodType.ANNUAL:
            return not semi
        return True


class ValueSource(models.TextChoices):
    COMPUTED = "computed", _("Tính tự động")
    MANUAL = "manual", _("Nhập tay")


class DataValue(models.Model):
    """One number: indicator × period × area × disaggregation key.

    `disaggregation` is canonical: dimension=value pairs sorted by dimension, joined with
    ";" ("age_group=6_11;sex=female"), "" for the total. `area_path` and `area_level`
    are copied from the area (keys and paths never change) so roll-up is one prefix scan.
    """

    # One index, the unique key: (indicator, period, area level, area path,
    # disaggregation). A path names one area (paths never change), so it is the key the
    # values are unique on, and it serves the roll-up's prefix scan (indicator, period,
    # level, path LIKE 'prefix%') as a separate roll-up index did; a look-up for one area
    # gives its level and path. Every index costs the computation a write per value: the
    # separate roll-up index (with the unique key on the area id beside it) cost the
    # 3,138 values of injury deaths in a province 19 ms to write where one index takes 14
    # ms. No index on the foreign keys, for the same reason, and no database check: the
    # computation takes both ids from their tables in the statement that writes the
    # values (it joins core_area), manual entry from the services, and indicators and
    # areas are never deleted (Django's PROTECT still refuses): the checks cost a first
    # computation of a province 0.25 s of its 2 s, two lookups per value.
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="values",
        db_index=False,
        db_constraint=False,
    )
    period = models.CharField(max_length=6)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    area_path = models.CharField(max_length=255)
    area_level = models.PositiveSmallIntegerField()
    province_code = models.CharField(max_length=20)
    disaggregation = models.CharField(max_length=200, blank=True, default="")
    value = models.DecimalField(max_digits=18, decimal_places=4)
    source = models.CharField(max_length=10, choices=ValueSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # users are deactivated, not deleted
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("giá trị chỉ tiêu")
        verbose_name_plural = _("giá trị chỉ tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "area_level", "area_path", "disaggregation"],
                name="datavalue_key",
            )
        ]

    def __str__(self) -> str:
        """As the audit log names it: "Tỷ lệ trẻ em … · Năm 2026 · Xã Nghĩa Hưng · Nữ"."""
        from treem.reports.labels import key_label
        from treem.reports.periods import parse_period

        parts = [self.indicator.display_name(), parse_period(self.period).label]
        parts.append(self.area.full_name)
        if self.disaggregation:
            parts.append(key_label(self.disaggregation))
        return " · ".join(parts)


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    RUNNING = "running", _("Đang tính")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class ComputationRun(AreaOwned):
    """A computation of every computed indicator for an area subtree and a period.

    Steps (one per indicator) are executed one request at a time by the progress bar's
    htmx polling, so the run needs no worker process; `computation_run_all` does them all.
    """

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=6)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING)
    steps = models.JSONField(default=list)  # indicator slugs, in order
    done_steps = models.PositiveSmallIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    skipped_locked = models.JSONField(default=list)  # area paths whose report locks values
    # counted as of this day (before the period's end); null: as of the period's end
    as_of = models.DateField(_("số liệu tính đến ngày"), null=True, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lượt tính chỉ tiêu")
        verbose_name_plural = _("lượt tính chỉ tiêu")
        indexes = [models.Index(fields=["area", "period"], name="comprun_area_period_idx")]

    @property
    def total_steps(self) -> int:
        return len(self.steps)

    @property
    def percent(self) -> int:
        return int(100 * self.done_steps / self.total_steps) if self.steps else 100


class ReportStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa lập")
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã duyệt")


# The statuses whose report fixes the period's values: what was sent is what the province
# reads (a return unlocks them; an approval keeps them locked).
LOCKING = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


class Report(AreaOwned):
    """A commune's 6-month or annual report for one period (báo cáo định kỳ)."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("kỳ báo cáo"), max_length=6)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    due_date = models.DateField(_("hạn gửi"))
    number = models.CharField(_("số hiệu"), max_length=60, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=150, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    narrative_results = models.TextField(_("kết quả đạt được"), blank=True)
    narrative_limits = models.TextField(_("hạn chế, nguyên nhân"), blank=True)
    narrative_proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_comment = models.TextField(_("ý kiến trả lại"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        ordering = ["-period", "area__name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "period"], name="report_unique_area_period")
        ]
        indexes = [
            models.Index(
                fields=["province_code", "period", "status"], name="report_prov_period_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area.full_name} · {self.period}"

    @property
    def is_locked(self) -> bool:
        """The period's values stay as sent: from the sending until the province returns
        the report (approved: for good)."""
        return self.status in LOCKING

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)

    @property
    def on_time(self) -> bool | None:
        if self.submitted_at is None:
            return None
        from django.utils import timezone

        return timezone.localdate(self.submitted_at) <= self.due_date


class ReportEvent(models.Model):
    """The report's history as the officers see it (submitted, returned with a comment ...)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    comment = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["report", "at"], name="reportevent_report_idx")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class UnitReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi xã")


class UnitReport(AreaOwned):
    """A unit's part of the commune's report (health station, school, police ...)."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=6)
    status = models.CharField(
        max_length=10, choices=UnitReportStatus.choices, default=UnitReportStatus.DRAFT
    )
    due_date = models.DateField(_("hạn gửi"))
    narrative = models.TextField(_("kết quả thực hiện"), blank=True)
    difficulties = models.TextField(_("khó khăn, đề xuất"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["agency", "period"], name="unitreport_unique")
        ]
        indexes = [models.Index(fields=["area", "period"], name="unitreport_area_period_idx")]

    @property
    def on_time(self) -> bool | None:
        if self.submitted_at is None:
            return None
        from django.utils import timezone

        return timezone.localdate(self.submitted_at) <= self.due_date
