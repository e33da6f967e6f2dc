"""Demo data for the reports: 2026H1 computed for both communes, Nghĩa Hưng's report submitted
(and, from November 2026, when the reports pages open on the year, the same for 2026).

The two earlier years (2024H1, 2024, 2025H1, 2025) are computed too, from the same
registry and cases as they stood then, so both trend charts (6-month and annual) have
points to join.

Runs after the registry, cases and plans seeders. Idempotent: a second run keeps the report.
The submissions are dated before the default due dates (12/05/2026 for 15/05, 10/11/2026
for 15/11; never later than the seeding) because the demo tells the story of reports sent
on time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from treem.core.demo import DemoContext, audit_at
from treem.core.models import AgencyKind
from treem.reports import selectors, services
from treem.reports.models import (
    LOCKING,
    ComputationRun,
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
LIMITS = (
    "Một số thôn cập nhật biến động trẻ em chưa kịp thời; còn trẻ em chưa có số định danh "
    "cá nhân do đăng ký khai sinh muộn.\n"
    "Nguyên nhân: đội ngũ cộng tác viên kiêm nhiệm nhiều việc; kinh phí hoạt động còn hạn chế."
)
PROPOSALS = (
    "Đề nghị Sở Y tế tổ chức tập huấn nghiệp vụ quản lý trường hợp cho cán bộ cấp xã "
    "và cộng tác viên thôn; hỗ trợ kinh phí cho các hoạt động phòng, chống đuối nước trẻ em."
)


def seed(ctx: DemoContext, stdout: Any = None) -> None:
    province_officer = ctx.users["tinh"]
    periods = [PERIOD, *_open_annual()]
    for commune in (ctx.commune, ctx.other_commune):
        for period in (*HISTORY, *periods):
            if not Report.objects.filter(area=commune, period=period, status__in=LOCKING).exists():
                _compute(province_officer, commune, period)
    for period in periods:
        _submit(ctx, period)
    if stdout is not None:
        stdout.write(
            f"reports: {', '.join((*HISTORY, *periods))} computed for 2 communes, "
            f"Nghĩa Hưng's {' and '.join(periods)} reports submitted\n"
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
    with audit_at(at):
        run = services.computation_run_all(actor=actor, area=area, period=period)
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
            narrative_results=RESULTS,
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
