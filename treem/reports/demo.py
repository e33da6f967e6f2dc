"""Demo data for the reports: 2026H1 computed for both communes, Nghĩa Hưng's report submitted.

The two earlier years (2024H1, 2024, 2025H1, 2025) are computed too, from the same
registry and cases as they stood then, so both trend charts (6-month and annual) have
points to join.

Runs after the registry, cases and plans seeders. Idempotent: a second run keeps the report.
The submission is dated 12/05/2026 (before the 15/05 default due date) because the demo
tells the story of a report sent on time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from treem.core.demo import DemoContext
from treem.core.models import AgencyKind
from treem.reports import services
from treem.reports.models import Report, ReportStatus, UnitReport

PERIOD = "2026H1"
HISTORY = ("2024H1", "2024", "2025H1", "2025")

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
    officer = ctx.users["nghiahung"]
    province_officer = ctx.users["tinh"]
    for commune in (ctx.commune, ctx.other_commune):
        for period in (*HISTORY, PERIOD):
            if not Report.objects.filter(
                area=commune, period=period, status=ReportStatus.APPROVED
            ).exists():
                services.computation_run_all(actor=province_officer, area=commune, period=period)
    existing = Report.objects.filter(area=ctx.commune, period=PERIOD).first()
    if existing is not None and existing.status != ReportStatus.DRAFT:
        return
    health = next((a for a in ctx.agencies.values() if a.kind == AgencyKind.HEALTH_STATION), None)
    if health is not None and not UnitReport.objects.filter(agency=health, period=PERIOD).exists():
        ur = services.unit_report_save(
            actor=ctx.users.get("yte") or officer,
            agency=health,
            period=PERIOD,
            narrative=(
                "Tiêm chủng đầy đủ cho 98% trẻ dưới 1 tuổi; khám sức khỏe định kỳ cho trẻ "
                "mầm non; tư vấn dinh dưỡng cho 45 bà mẹ có con dưới 5 tuổi."
            ),
            difficulties="Thiếu tài liệu truyền thông về phòng, chống tai nạn thương tích.",
            submit=True,
        )
        UnitReport.objects.filter(pk=ur.pk).update(
            submitted_at=timezone.make_aware(dt.datetime(2026, 5, 8, 9, 30))
        )
    report = existing or services.report_create(actor=officer, area=ctx.commune, period=PERIOD)
    report = services.report_update(
        actor=officer,
        report=report,
        version=report.version,
        number="45/BC-UBND",
        signer_name="Phạm Văn Quang",
        narrative_results=RESULTS,
        narrative_limits=LIMITS,
        narrative_proposals=PROPOSALS,
    )
    report = services.report_submit(actor=officer, report=report)
    Report.objects.filter(pk=report.pk).update(
        submitted_at=timezone.make_aware(dt.datetime(2026, 5, 12, 15, 0))
    )
    if stdout is not None:
        stdout.write(
            f"reports: {', '.join((*HISTORY, PERIOD))} computed for 2 communes, "
            f"Nghĩa Hưng's {PERIOD} report submitted\n"
        )
