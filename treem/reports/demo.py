"""Demo data for the reports: 2026H1 computed for both communes, Nghĩa Hưng's report submitted
(and, from November 2026, when the reports pages open on the year, the same for 2026).

The two earlier years (2024H1, 2024, 2025H1, 2025) are computed too, from the same
registry and cases as they stood then, so both trend charts (6-month and annual) have
points to join. A manual indicator an administrator added (the share of children taught
to swim, for the plan's target) has Nghĩa Hưng's value for each period.

Runs after the registry, cases and plans seeders. Idempotent: a second run keeps the report.
The submissions are dated before the default due dates (12/05/2026 for 15/05, 10/11/2026
for 15/11; never later than the seeding) because the demo tells the story of reports sent
on time.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from treem.core.demo import DemoContext, audit_at, set_up_on
from treem.core.models import AgencyKind
from treem.reports import selectors, services
from treem.reports.models import (
    LOCKING,
    ComputationRun,
    DataValue,
    Dimension,
    Indicator,
    IndicatorGroup,
    IndicatorUnit,
    Report,
    ReportEvent,
    ReportStatus,
    UnitReport,
)
from treem.reports.periods import due_date, parse_period

PERIOD = "2026H1"
ANNUAL = "2026"
HISTORY = ("2024H1", "2024", "2025H1", "2025")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


# period: (the health station's part sent, the commune's report sent, its number); both
# before the default due dates (15/05 and 15/11)
SENT_ON = {
    PERIOD: (_at(dt.date(2026, 5, 8), 9), _at(dt.date(2026, 5, 12), 15), "45/BC-UBND"),
    ANNUAL: (_at(dt.date(2026, 11, 6), 9), _at(dt.date(2026, 11, 10), 15), "128/BC-UBND"),
}

RESULTS = (
    "Ủy ban nhân dân xã đã ban hành Kế hoạch thực hiện công tác trẻ em năm 2026, "
    "giao nhiệm vụ cụ thể cho các đơn vị; tổ chức Tháng hành động vì trẻ em với chủ đề "
    "“Xây dựng môi trường sống an toàn, lành mạnh cho trẻ em”.\n"
    "Rà soát, cập nhật thông tin trẻ em trên địa bàn vào sổ theo dõi; 100% trẻ em có hoàn "
    "cảnh đặc biệt được lập hồ sơ và theo dõi.\n"
    "Phối hợp với Trạm Y tế xã tiêm chủng đầy đủ cho trẻ dưới 1 tuổi; phối hợp nhà trường "
    "tổ chức dạy bơi an toàn cho học sinh tiểu học trong dịp hè."
)
# sent in May, the half-year's report tells the summer's swimming classes as planned
RESULTS_BY_PERIOD = {
    PERIOD: RESULTS.replace(
        "phối hợp nhà trường tổ chức dạy bơi an toàn",
        "phối hợp nhà trường lên kế hoạch dạy bơi an toàn",
    ),
    ANNUAL: RESULTS,
}
LIMITS = (
    "Một số thôn cập nhật biến động trẻ em chưa kịp thời; còn trẻ em chưa có số định danh "
    "cá nhân do đăng ký khai sinh muộn.\n"
    "Nguyên nhân: đội ngũ cộng tác viên kiêm nhiệm nhiều việc; kinh phí hoạt động còn hạn chế."
)
PROPOSALS = (
    "Đề nghị Sở Y tế tổ chức tập huấn nghiệp vụ quản lý trường hợp cho cán bộ cấp xã "
    "và cộng tác viên thôn; hỗ trợ kinh phí cho các hoạt động phòng, chống đuối nước trẻ em."
)


# The manual indicator the administrator added when TreEm was set up, for the plan's
# swimming target, and what Nghĩa Hưng measured each period (% of children aged 6-16
# taught to swim; by sex from 2026), entered the day its figures were computed.
SWIMMING = "swimming_taught_pct"
SWIM_TAUGHT = {
    "2024H1": ("24", {}),
    "2024": ("31.5", {}),
    "2025H1": ("35", {}),
    "2025": ("42.8", {}),
    PERIOD: ("47.3", {"female": "45.1", "male": "49.4"}),
    ANNUAL: ("58.6", {"female": "57.2", "male": "59.9"}),
}


def seed(ctx: DemoContext, stdout: Any = None) -> None:
    province_officer = ctx.users["tinh"]
    periods = [PERIOD, *_open_annual()]
    swimming = _swimming_indicator(ctx)
    for commune in (ctx.commune, ctx.other_commune):
        for period in (*HISTORY, *periods):
            if not Report.objects.filter(area=commune, period=period, status__in=LOCKING).exists():
                _compute(province_officer, commune, period)
                if commune == ctx.commune:
                    _swimming_values(ctx, swimming, period)
    for period in periods:
        _submit(ctx, period)
    if stdout is not None:
        stdout.write(
            f"reports: {', '.join((*HISTORY, *periods))} computed for 2 communes, "
            f"Nghĩa Hưng's {' and '.join(periods)} reports submitted\n"
        )


def _swimming_indicator(ctx: DemoContext) -> Indicator:
    found = Indicator.objects.filter(slug=SWIMMING).first()
    if found is not None:
        return found
    with audit_at(set_up_on(timezone.localdate())):
        return services.indicator_create(
            actor=ctx.users["admin"],
            slug=SWIMMING,
            name="Tỷ lệ trẻ em từ 6 đến 16 tuổi được học bơi",
            group=IndicatorGroup.CULTURE,
            unit=IndicatorUnit.PERCENT,
            disaggregations=[Dimension.SEX],
            definition=(
                "Số trẻ em từ 6 đến 16 tuổi được học bơi, kỹ năng an toàn trong môi trường "
                "nước trong kỳ / số trẻ em từ 6 đến 16 tuổi × 100 (theo danh sách các lớp "
                "dạy bơi của trường học, Đoàn Thanh niên)."
            ),
        )


def _swimming_values(ctx: DemoContext, swimming: Indicator, period: str) -> None:
    """Nghĩa Hưng's measured share for `period`, entered as the figures were computed
    (once: a second run finds it entered)."""
    if DataValue.objects.filter(indicator=swimming, period=period).exists():
        return
    total, by_sex = SWIM_TAUGHT[period]
    with audit_at(_computed_on(ctx.commune, period) + dt.timedelta(minutes=30)):
        for key, value in [("", total), *((f"sex={k}", v) for k, v in by_sex.items())]:
            services.manual_value_set(
                actor=ctx.users["nghiahung"],
                indicator=swimming,
                period=period,
                area=ctx.commune,
                value=Decimal(value),
                disaggregation=key,
            )


def _computed_on(area: Any, period: str) -> dt.datetime:
    """When the demo's computation of `period` took place: the morning the commune drafted
    its report (the periods it sent), else five days before the period's due date; never
    later than now. The report page's "last computed" then comes before its sending."""
    if period in SENT_ON:
        drafted = SENT_ON[period][0]
        return min(drafted.replace(hour=8), timezone.localtime())
    due = due_date(area, parse_period(period), level="commune") - dt.timedelta(days=5)
    return min(_at(due, 10), timezone.localtime())


def _compute(actor: Any, area: Any, period: str) -> None:
    """A computation run of `period` for `area`, dated (with its audit rows) as
    `_computed_on` says."""
    at = _computed_on(area, period)
    with audit_at(at):  # counted as of that day: a report sent in May counts to May
        run = services.computation_run_all(
            actor=actor, area=area, period=period, as_of=timezone.localdate(at)
        )
    ComputationRun.objects.filter(pk=run.pk).update(
        created_at=at, finished_at=at + dt.timedelta(seconds=20)
    )


def _open_annual() -> list[str]:
    """The 2026 annual report too, once it is the period the reports pages open on (from
    November): the province dashboard then shows one commune submitted and one not, as
    it does for the half-year, instead of two reports not yet opened."""
    return [ANNUAL] if selectors.default_period().code == ANNUAL else []


def _submit(ctx: DemoContext, period: str) -> None:
    """Nghĩa Hưng's report for `period`, written and sent on time, with the health
    station's part sent before it (kept as it is on a second run)."""
    officer = ctx.users["nghiahung"]
    unit_day, sent_day, number = SENT_ON[period]
    now = timezone.localtime()
    existing = Report.objects.filter(area=ctx.commune, period=period).first()
    if existing is not None and existing.status != ReportStatus.DRAFT:
        return
    health = next((a for a in ctx.agencies.values() if a.kind == AgencyKind.HEALTH_STATION), None)
    if health is not None and not UnitReport.objects.filter(agency=health, period=period).exists():
        with audit_at(unit_day):
            ur = services.unit_report_save(
                actor=ctx.users.get("yte") or officer,
                agency=health,
                period=period,
                narrative=(
                    "Tiêm chủng đầy đủ cho 98% trẻ dưới 1 tuổi; khám sức khỏe định kỳ cho trẻ "
                    "mầm non; tư vấn dinh dưỡng cho 45 bà mẹ có con dưới 5 tuổi."
                ),
                difficulties="Thiếu tài liệu truyền thông về phòng, chống tai nạn thương tích.",
                submit=True,
            )
        UnitReport.objects.filter(pk=ur.pk).update(submitted_at=min(unit_day, now))
    with audit_at(unit_day):  # drafted the day the unit's part came in
        report = existing or services.report_create(actor=officer, area=ctx.commune, period=period)
        report = services.report_update(
            actor=officer,
            report=report,
            version=report.version,
            number=number,
            signer_name="Phạm Văn Quang",
            narrative_results=RESULTS_BY_PERIOD[period],
            narrative_limits=LIMITS,
            narrative_proposals=PROPOSALS,
        )
    with audit_at(sent_day):
        report = services.report_submit(actor=officer, report=report)
    Report.objects.filter(pk=report.pk).update(submitted_at=min(sent_day, now))
    # its history as the dates above tell it: drafted the day the unit's part came in
    events = ReportEvent.objects.filter(report=report)
    events.filter(action="create").update(at=min(unit_day, now))
    events.filter(action="submit").update(at=min(sent_day, now))
