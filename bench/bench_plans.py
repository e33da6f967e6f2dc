"""Benchmark: importing, tracking and exporting a large annual plan.

Run (a database of its own; SQLite by default, dropped and rebuilt):

    TREEM_DEBUG=1 .venv/bin/python bench/bench_plans.py [--tasks 400] [--progress 2000]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/treem_bench_plans \
        TREEM_DEBUG=1 .venv/bin/python bench/bench_plans.py

Builds a plan extraction with N tasks (numbered 1, 1.a ... across 13 commune
units, a timeframe each), imports it with the upload service (unit matching,
timeframe parsing, audit), records M progress entries, then times the plan
dashboard (and counts its queries), the Word export, re-extracting the export,
and report_deadlines_for.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treem.settings")
os.environ.setdefault("TREEM_DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/treem_bench_plans.sqlite3")
if os.environ["DATABASE_URL"].startswith("sqlite:///"):
    Path(os.environ["DATABASE_URL"][len("sqlite:///") :]).unlink(missing_ok=True)
elif os.environ["DATABASE_URL"].startswith("postgres"):
    import psycopg

    url, _, name = os.environ["DATABASE_URL"].rpartition("/")
    with psycopg.connect(f"{url}/postgres", autocommit=True) as admin_conn:
        admin_conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin_conn.execute(f'CREATE DATABASE "{name}"')

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from treem.core.models import Area, AreaKind, AreaLevel  # noqa: E402
from treem.core.roles import roles_sync  # noqa: E402
from treem.core.services import agencies_seed_usual  # noqa: E402
from treem.core.text import fold  # noqa: E402
from treem.plans import services  # noqa: E402
from treem.plans.export import plan_docx_bytes  # noqa: E402
from treem.plans.extraction import extract_plan  # noqa: E402
from treem.plans.models import TaskStatus  # noqa: E402
from treem.plans.selectors import plan_dashboard, report_deadlines_for  # noqa: E402

UNITS = [
    "Trạm Y tế xã",
    "Công an xã",
    "Phòng Văn hóa - Xã hội",
    "Đoàn Thanh niên xã",
    "Hội Liên hiệp Phụ nữ xã",
    "Trường Tiểu học",
    "Đài truyền thanh xã",
]
TIMEFRAMES = [
    "Thường xuyên trong năm",
    "Quý II/2026",
    "Tháng 6/2026",
    "từ ngày 01/5/2026 đến ngày 31/8/2026",
    "Quý IV",
]


def timed(label: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    print(f"{label:<48} {time.perf_counter() - start:8.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=400)
    parser.add_argument("--progress", type=int, default=2000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    roles_sync()
    province = Area.objects.create(
        key="37",
        code="37",
        name="Ninh Bình",
        full_name="Tỉnh Ninh Bình",
        kind=AreaKind.PROVINCE,
        level=AreaLevel.PROVINCE,
        path="/37/",
        province_code="37",
        name_folded=fold("Ninh Bình"),
    )
    commune = Area.objects.create(
        key="13891",
        code="13891",
        name="Nghĩa Hưng",
        full_name="Xã Nghĩa Hưng",
        kind=AreaKind.COMMUNE,
        level=AreaLevel.COMMUNE,
        parent=province,
        path="/37/13891/",
        province_code="37",
        name_folded=fold("Nghĩa Hưng"),
    )
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("bench", password="x")
    agencies_seed_usual(actor=admin, commune=commune)

    tasks = []
    per_group = 8
    for i in range(args.tasks):
        group, sub = divmod(i, per_group)
        number = str(group + 1) if sub == 0 else f"{group + 1}.{chr(ord('a') + sub - 1)}"
        tasks.append(
            {
                "number": number,
                "title": f"Nhiệm vụ {number} về bảo vệ, chăm sóc trẻ em trên địa bàn xã",
                "text": f"Nhiệm vụ {number} về bảo vệ, chăm sóc trẻ em trên địa bàn xã. Nội dung.",
                "lead_units": [UNITS[i % len(UNITS)]],
                "coordinating_units": [UNITS[(i + 3) % len(UNITS)]],
                "timeframe": TIMEFRAMES[i % len(TIMEFRAMES)],
            }
        )
    data = {
        "title": "Thực hiện công tác trẻ em năm 2026 trên địa bàn xã Nghĩa Hưng",
        "year": 2026,
        "doc_number": "12/KH-UBND",
        "issued_date": "2026-01-20",
        "issuer": {"level": "xã", "name": "Nghĩa Hưng"},
        "signer": {"name": "Phạm Văn Quang", "title": "CHỦ TỊCH"},
        "references": [{"number": f"{n}/KH-UBND", "kind": "Kế hoạch"} for n in range(1, 30)],
        "targets": [
            {
                "text": f"{90 + n % 10}% trẻ em thuộc nhóm {n} được hỗ trợ",
                "value": 90 + n % 10,
                "unit": "%",
            }
            for n in range(40)
        ],
        "tasks": tasks,
        "units": [{"name": u, "duties": ["Thực hiện nhiệm vụ được giao."]} for u in UNITS],
        "report_deadlines": [
            {"period": "6_months", "due": "2026-05-10", "to": "Ủy ban nhân dân xã"},
            {"period": "annual", "due": "2026-11-10", "to": "Ủy ban nhân dân xã"},
            {"period": "6_months", "due": "2026-05-15", "to": "Sở Y tế"},
            {"period": "annual", "due": "2026-11-15", "to": "Sở Y tế"},
        ],
    }
    print(
        f"plan: {args.tasks} tasks, 40 targets; {args.progress} progress entries; "
        f"{connection.vendor}"
    )
    plan = timed(
        "import (match units, parse timeframes, audit)",
        services.plan_create_from_extraction,
        actor=admin,
        area=commune,
        data=data,
    )
    task_list = list(plan.tasks.all())
    start = time.perf_counter()
    statuses = [TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.NOT_STARTED]
    for n in range(args.progress):
        services.task_progress_record(
            actor=admin, task=task_list[n % len(task_list)], status=statuses[n % 3], narrative="x"
        )
    elapsed = time.perf_counter() - start
    print(f"{'progress entries (each)':<48} {elapsed / max(args.progress, 1) * 1000:8.2f} ms")
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        timed("plan dashboard (by unit, targets, deadlines)", plan_dashboard, plan)
    print(f"{'  queries':<48} {len(ctx.captured_queries):8d}")
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        cProfile.runctx("plan_docx_bytes(plan)", globals(), {"plan": plan}, sort="cumtime")
    content = timed("Word export", plan_docx_bytes, plan)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.docx"
        path.write_bytes(content)
        back = timed("re-extract the export", extract_plan, path)
    print(f"{'  tasks read back':<48} {len(back['tasks']):8d}")
    timed("report_deadlines_for", report_deadlines_for, commune, 2026)


if __name__ == "__main__":
    main()
