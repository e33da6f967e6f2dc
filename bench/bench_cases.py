"""Benchmark the case procedure: intake and step services, the overdue board, the
statistics hooks at province scale.

    TREEM_DEBUG=1 .venv/bin/python bench/bench_cases.py [--intakes 300] [--bulk 50000]
    TREEM_DEBUG=1 DATABASE_URL=postgresql://postgres@127.0.0.1:5432/treem_bench_cases \
        .venv/bin/python bench/bench_cases.py

Uses its own database (default SQLite /tmp/treem_bench_cases.sqlite3, rebuilt each run).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("TREEM_DEBUG", "1")
DB_FILE = "/tmp/treem_bench_cases.sqlite3"
if "DATABASE_URL" not in os.environ:
    if os.path.exists(DB_FILE):
        os.remove(DB_FILE)
    os.environ["DATABASE_URL"] = f"sqlite:///{DB_FILE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treem.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--intakes", type=int, default=300)
    ap.add_argument("--walk", type=int, default=60, help="cases walked to an approved plan")
    ap.add_argument("--bulk", type=int, default=50000, help="cases bulk-inserted for statistics")
    args = ap.parse_args()

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from tests.cases.helpers import PLAN_ITEMS
    from tests.factories import make_area, make_user
    from treem.cases import selectors, services
    from treem.cases.models import Case, CaseForm
    from treem.core.models import AreaLevel
    from treem.core.roles import roles_sync
    from treem.registry.models import Child

    roles_sync()
    province = make_area("37", "Ninh Bình", level=AreaLevel.PROVINCE)
    communes = [
        make_area(f"{13800 + i}", f"Xã {i}", level=AreaLevel.COMMUNE, parent=province)
        for i in range(20)
    ]
    commune = communes[0]
    village = make_area(f"{commune.key}-01", "Thôn 1", level=AreaLevel.VILLAGE, parent=commune)
    officer = make_user("canbo", "commune_officer", commune)
    leader = make_user("lanhdao", "commune_leader", commune)
    tinh = make_user("tinh", "province_officer", province)
    today = timezone.localdate()
    children = []
    for i in range(max(args.intakes, args.walk)):
        c = Child(
            area=village,
            commune=commune,
            province_code=province.province_code,
            full_name=f"Nguyễn Văn Số {i}",
            sex="male" if i % 2 else "female",
            birth_date=today - dt.timedelta(days=365 * (1 + i % 15)),
        )
        c.set_derived()
        children.append(c)
    Child.objects.bulk_create(children)
    children = list(Child.objects.order_by("id"))

    # 1. intake
    times = []
    cases = []
    for i in range(args.intakes):
        t = time.perf_counter()
        cases.append(
            services.case_intake(
                actor=officer,
                child=children[i],
                received_at=timezone.now() - dt.timedelta(hours=i % 30),
                source="hotline_111",
                forms=["violence", "neglect"] if i % 3 else ["sexual_abuse"],
                serious_risk=i % 4 == 0,
                setting="family",
                description="Bench",
                reporter={"full_name": "X"},
            )
        )
        times.append(time.perf_counter() - t)
    print(
        f"intake: {args.intakes} cases, median {ms(statistics.median(times))}, "
        f"p95 {ms(sorted(times)[int(len(times) * 0.95) - 1])}"
    )

    # 2. steps to an approved plan
    steps = [
        ("initial_assessment", {"risk_level": "moderate"}),
        ("detailed_assessment", {"child_views": "a", "parents_views": "b"}),
        ("case_meeting", {"chair": "A", "participants": "B", "decisions": "C"}),
        ("plan_submitted", {"goal": "G", "items": PLAN_ITEMS}),
        ("plan_approved", {}),
    ]
    times = []
    for case in cases[: args.walk]:
        for kind, data in steps:
            t = time.perf_counter()
            services.case_step_record(
                actor=leader if kind == "plan_approved" else officer,
                case=case,
                step=kind,
                data=data,
            )
            times.append(time.perf_counter() - t)
    print(f"steps: {len(times)} recorded, median {ms(statistics.median(times))}")

    # 3. the board page
    client = Client()
    client.force_login(officer)
    client.get("/vu-viec/")
    open_cases = Case.objects.filter(area=commune).exclude(status="closed").count()
    runs = []
    for _ in range(10):
        reset_queries()
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            res = client.get("/vu-viec/")
            runs.append(time.perf_counter() - t)
        assert res.status_code == 200
    print(
        f"board /vu-viec/: {open_cases} open cases, median {ms(statistics.median(runs))}, "
        f"{len(q)} queries"
    )
    t = time.perf_counter()
    res = client.get(f"/vu-viec/{cases[0].pk}/")
    print(f"case page: {ms(time.perf_counter() - t)}")

    # 4. statistics at province scale
    rows = []
    for i in range(args.bulk):
        c = communes[i % len(communes)]
        rows.append(
            Case(
                area=c,
                province_code=c.province_code,
                code=f"B-{i}",
                child_sex="male" if i % 2 else "female",
                child_age_group=["0_3", "3_6", "6_11", "11_16"][i % 4],
                received_at=timezone.now() - dt.timedelta(days=i % 365),
                source="police",
                setting=["family", "school", "community", "online"][i % 4],
                description="bulk",
                status="closed",
            )
        )
    t = time.perf_counter()
    Case.objects.bulk_create(rows, batch_size=2000)
    ids = list(Case.objects.filter(code__startswith="B-").values_list("id", flat=True))
    CaseForm.objects.bulk_create(
        [CaseForm(case_id=pk, form=["violence", "neglect", "sexual_abuse"][pk % 3]) for pk in ids],
        batch_size=5000,
    )
    print(f"bulk insert: {args.bulk} cases in {ms(time.perf_counter() - t)}")
    start, end = today - dt.timedelta(days=365), today
    for by in ("sex", "age_group", "setting", "form"):
        t = time.perf_counter()
        result = selectors.abuse_statistics(area=province, start=start, end=end, by=by, user=tinh)
        print(
            f"abuse_statistics(by={by}) over {Case.objects.count()} cases: "
            f"{ms(time.perf_counter() - t)} -> {len(result)} groups"
        )
    client.force_login(tinh)
    t = time.perf_counter()
    client.get("/vu-viec/?area=37")
    print(f"province board (20 communes): {ms(time.perf_counter() - t)}")
    print(f"database: {connection.vendor}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
