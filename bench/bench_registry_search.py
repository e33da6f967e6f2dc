"""Benchmark (b): search latency on 1,000,000 children in PostgreSQL, for the registry
selector's search query (`selectors.child_list(q=...)`, first page of 50) and over HTTP
for GET /api/v1/children?q=... (gunicorn on 127.0.0.1, bearer token).

The children (and one caregiver each) are generated with COPY, not the ORM, once;
later runs reuse them. Usage (a database of your own):
    TREEM_DEBUG=1 DATABASE_URL=postgresql://postgres@127.0.0.1:5432/treem_bench_search \
        .venv/bin/python bench/bench_registry_search.py [--children 1000000] [--queries 200]

Goals: p95 <= 10 ms for the query, <= 50 ms over HTTP.

PostgreSQL's packaged `shared_buffers` (128 MB) holds a small part of the million rows
(about 0.5 GB): the slowest searches (thousands of matches sharing one given name) then
read most of their pages from the OS cache, a few ms more. The deployment section of the
README sizes `shared_buffers` for the registry; `bench/tuned_postgres.sh start` runs a
private cluster so sized (2 GB, port 5433) and prints the DATABASE_URL to use here. The
figures print the server's `shared_buffers`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treem.settings")
os.environ.setdefault("TREEM_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Lò",
    "Hà",
    "Mai",
    "Trịnh",
    "Lương",
    "Tạ",
    "Cao",
    "Chu",
    "Kiều",
    "Quách",
    "Triệu",
    "Tống",
    "Vương",
]
MIDDLE = [
    "Văn",
    "Thị",
    "Đức",
    "Minh",
    "Quang",
    "Hữu",
    "Ngọc",
    "Thu",
    "Thanh",
    "Bảo",
    "Khánh",
    "Gia",
    "Anh",
    "Tuấn",
    "Hồng",
    "Xuân",
    "Kim",
    "Phương",
    "Công",
    "Thành",
]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hùng",
    "Khoa",
    "Long",
    "Minh",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thắng",
    "Trung",
    "Tú",
    "Việt",
    "Vinh",
    "Huy",
    "Khang",
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Ngân",
    "Nhung",
    "Phương",
    "Quỳnh",
    "Thảo",
    "Trang",
    "Uyên",
    "Vy",
    "Yến",
    "Ngọc",
    "Đạt",
    "Hiếu",
    "Kiên",
    "Lâm",
    "Nhân",
    "Phong",
    "Tài",
    "Thiện",
    "Toàn",
    "Vũ",
]
COMMUNES = 300
VILLAGES = 8
PORT = 8791


def ensure_data(total: int) -> tuple[object, object, object]:
    """A province of COMMUNES communes holding `total` children; returns
    (province officer, commune officer, commune)."""
    from django.contrib.auth import get_user_model

    from tests.factories import make_area, make_user
    from treem.core.models import Area, AreaLevel
    from treem.core.roles import roles_sync
    from treem.registry.importing.service import derived_name_columns
    from treem.registry.models import Child, Ethnicity
    from treem.registry.search import plain_words, search_words_for, vocabulary_add

    roles_sync()
    User = get_user_model()
    province = Area.objects.filter(key="98").first()
    if province is None:
        province = make_area("98", "Tỉnh Tìm Kiếm", level=AreaLevel.PROVINCE)
        for c in range(COMMUNES):
            commune = make_area(f"98{c:03d}", f"Xã {c}", level=AreaLevel.COMMUNE, parent=province)
            for v in range(1, VILLAGES + 1):
                make_area(
                    f"98{c:03d}-{v:02d}", f"Thôn {v}", level=AreaLevel.VILLAGE, parent=commune
                )
    commune = Area.objects.get(key="98000")
    tinh = User.objects.filter(username="bench_tinh").first() or make_user(
        "bench_tinh", "province_officer", province
    )
    xa = User.objects.filter(username="bench_xa").first() or make_user(
        "bench_xa", "commune_officer", commune
    )
    have = Child.objects.filter(province_code=province.province_code).count()
    if have >= total:
        print(f"reusing {have:,} children")
        with connection.cursor() as cursor:
            for table in ("core_area", "registry_child", "registry_caregiver"):
                cursor.execute(f"VACUUM ANALYZE {table}")  # see below
        return tinh, xa, commune
    villages = list(
        Area.objects.filter(path__startswith=province.path, level=AreaLevel.VILLAGE).values_list(
            "pk", "parent_id", "path"
        )
    )
    kinh = Ethnicity.objects.get(code="01").pk
    rng = random.Random(11)
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    todo = total - have
    mothers: dict[int, str] = {}
    vocabulary: set[str] = set()
    from treem.core.text import fold

    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('registry_child', 'id')) "
            "FROM generate_series(1, %s)",
            [todo],
        )
        ids = [r[0] for r in cursor.fetchall()]
        raw = cursor.cursor
        cols = (
            "id, area_id, area_path, commune_id, province_code, full_name, name_folded, name_tokens, "
            "name_sort, search_words, birth_date, birth_date_precision, sex, ethnicity_id, id_number, "
            "id_number_valid, birth_registration_place, address, household_head, poverty, "
            "health_insurance_number, schooling, disability_type, disability_level, notes, "
            "status, death_cause, version, created_at, updated_at"
        )
        with raw.copy(f"COPY registry_child ({cols}) FROM STDIN") as copy:
            for n, pk in enumerate(ids):
                village, commune_id, village_path = villages[n % len(villages)]
                name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                d = derived_name_columns(name)
                mother = mothers[n] = f"{rng.choice(SURNAMES)} Thị {rng.choice(GIVEN)}"
                words = search_words_for(d["name_folded"], [fold(mother)], name_sort=d["name_sort"])
                vocabulary |= plain_words(words)
                born = today - dt.timedelta(days=rng.randint(10, 15 * 365))
                male = rng.random() < 0.52
                number = f"0982{born.year % 100:02d}{pk:06d}"[-12:] if n % 2 else None
                copy.write_row(
                    (
                        pk,
                        village,
                        village_path,
                        commune_id,
                        "98",
                        name,
                        d["name_folded"],
                        d["name_tokens"],
                        d["name_sort"],
                        words,
                        born,
                        "day",
                        "male" if male else "female",
                        kinh,
                        number,
                        None if number is None else True,
                        "",
                        "",
                        "",
                        "none",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "active",
                        "",
                        1,
                        now,
                        now,
                    )
                )
        print(f"COPY {todo:,} children in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        with raw.copy(
            "COPY registry_caregiver (child_id, relation, full_name, name_folded, phone, "
            "id_number, status, created_at) FROM STDIN"
        ) as copy:
            for n, pk in enumerate(ids):
                name = mothers[n]
                copy.write_row(
                    (
                        pk,
                        "mother",
                        name,
                        derived_name_columns(name)["name_folded"],
                        "",
                        "",
                        "living",
                        now,
                    )
                )
        print(f"COPY {todo:,} caregivers in {time.perf_counter() - t:.1f} s")
        vocabulary_add(vocabulary)
        # what autovacuum does after a bulk load (PostgreSQL 13+ vacuums after inserts
        # too): statistics, and the visibility map that lets an index-only scan (the
        # count of an ID-number search) skip the table
        for table in ("core_area", "registry_child", "registry_caregiver"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return tinh, xa, commune


def queries(n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = i % 5
        s, m, g = rng.choice(SURNAMES), rng.choice(MIDDLE), rng.choice(GIVEN)
        if kind == 0:
            out.append(f"{s} {m} {g}")  # the full name, with diacritics
        elif kind == 1:
            from treem.core.text import fold

            out.append(fold(f"{s} {m} {g}"))  # typed without diacritics
        elif kind == 2:
            out.append(f"{g} {s}")  # given name first
        elif kind == 3:
            out.append(f"{s} {g}".upper())
        else:
            out.append(f"0982{rng.randint(10, 25)}")  # an ID-number prefix
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def report(label: str, times: list[float]) -> None:
    ms = [t * 1000 for t in times]
    print(
        f"{label}: n={len(ms)} p50={statistics.median(ms):.1f} ms "
        f"p95={pct(ms, 95):.1f} ms max={max(ms):.1f} ms"
    )


def time_selector(user: object, qs_list: list[str]) -> tuple[list[float], list[float], list[float]]:
    """Per search: the first page of 50 (the selector's queryset built, its statements
    run, its rows made into children), the part of it inside `cursor.execute` (the
    database running the statements and sending the rows), and the API's capped count."""
    from django.db import connection

    from treem.registry import selectors
    from treem.registry.api import SEARCH_COUNT_CAP

    first_page, statements, counts = [], [], []
    in_sql = [0.0]

    def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_sql[0] += time.perf_counter() - t

    for q in qs_list:
        in_sql[0] = 0.0
        t = time.perf_counter()
        with connection.execute_wrapper(timed):
            qs = selectors.child_list(user=user, filters=selectors.ChildFilters(q=q))
            list(qs[:50])
        first_page.append(time.perf_counter() - t)
        statements.append(in_sql[0])
        t = time.perf_counter()
        qs.order_by()[: SEARCH_COUNT_CAP + 1].count()  # the API's count (capped)
        counts.append(time.perf_counter() - t)
    return first_page, statements, counts


def start_server(env: dict[str, str], workers: int = 2, threads: int = 4) -> subprocess.Popen:
    """gunicorn as in production (DEBUG off), sharing this process's secret key so the
    sessions and tokens made here are valid there."""
    from django.conf import settings

    env = {**env, "TREEM_DEBUG": "0", "TREEM_SECRET_KEY": settings.SECRET_KEY}
    cmd = [
        str(REPO / ".venv" / "bin" / "gunicorn"),
        "treem.wsgi",
        "-b",
        f"127.0.0.1:{PORT}",
        "-w",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/dang-nhap/", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("gunicorn did not start")


def time_http(token: str, qs_list: list[str]) -> list[float]:
    from urllib.parse import quote

    times = []
    for q in qs_list:
        req = urllib.request.Request(
            f"http://127.0.0.1:{PORT}/api/v1/children?q={quote(q)}",
            headers={"Authorization": f"Bearer {token}"},
        )
        t = time.perf_counter()
        with urllib.request.urlopen(req, timeout=30) as res:  # noqa: S310
            res.read()
            assert res.status == 200
        times.append(time.perf_counter() - t)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--children", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    if connection.vendor != "postgresql":
        print("needs PostgreSQL (DATABASE_URL=postgresql://...)")
        return 2
    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_buffers")
        (buffers,) = cursor.fetchone() or ("?",)
    # the heap pages a search reads come from shared_buffers or, past them, the OS cache
    print(f"database: {connection.settings_dict['NAME']} (PostgreSQL shared_buffers {buffers})")
    call_command("migrate", verbosity=0)
    tinh, xa, _commune = ensure_data(args.children)
    from treem.registry.models import Child

    print(f"children in the table: {Child.objects.count():,}")
    qs_list = queries(args.queries)
    for label, user in (
        ("province officer (1 M in scope)", tinh),
        ("commune officer (~3.3 k in scope)", xa),
    ):
        time_selector(user, qs_list[:10])  # warm up
        first, statements, counts = time_selector(user, qs_list)
        report(f"selector search, first page of 50, {label}", first)
        report(f"  of which in the database (statements run, rows received), {label}", statements)
        report(f"selector search, count (capped at 1,000 as the API), {label}", counts)

    from treem.core.services import token_issue

    env = dict(os.environ)
    proc = start_server(env)
    try:
        for label, user in (("province officer", tinh), ("commune officer", xa)):
            _tok, raw = token_issue(actor=user, user=user)
            time_http(raw, qs_list[:10])
            report(f"HTTP GET /api/v1/children?q=..., {label}", time_http(raw, qs_list))
    finally:
        proc.terminate()
        proc.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
