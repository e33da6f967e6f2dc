"""Benchmark (e): the pages that read a whole province or commune, at 1,000,000 children.

A province officer's home page (its registry tiles count every child), the data-quality
table, the child list; a commune officer's home page, data-quality table, village book
and list export. Each page is requested in-process (Django's test client, DEBUG off, no
HTTP server) after a warm-up; the figures are the best and the median of `--repeat`
requests, with the time spent waiting for PostgreSQL and the number of queries.

Data: the province of bench_registry_search.py (1 M children with a caregiver each,
generated with COPY when missing), plus ongoing circumstances for 12 % of the children
(7 % in a special-circumstance group, 5 % at risk) added once with one INSERT. Use a
database of its own (the circumstances would change the search benchmark's data):

    createdb -h 127.0.0.1 -U postgres treem_bench_pages
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/treem_bench_pages \\
        .venv/bin/python bench/bench_province_pages.py [--children 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
os.environ["TREEM_DEBUG"] = "0"  # before Django is set up (the bench modules default it)

import bench_registry_search as base  # noqa: E402  (sets Django up)
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

PROVINCE_PAGES = [
    ("home (registry tiles)", "/"),
    ("child list", "/tre-em/"),
    ("data-quality table", "/tre-em/chat-luong-du-lieu/"),
    ("reports", "/bao-cao/"),
]
COMMUNE_PAGES = [
    ("home (registry tiles)", "/"),
    ("child list", "/tre-em/"),
    ("data-quality table", "/tre-em/chat-luong-du-lieu/"),
    ("village book (xlsx)", "/tre-em/so-theo-doi/"),
    ("list export (xlsx)", "/tre-em/xuat-excel/"),
]


def ensure_circumstances() -> None:
    """Ongoing circumstances for 12 % of the children, once (deterministic by id)."""
    from treem.registry.models import ChildCircumstance

    if ChildCircumstance.objects.exists():
        return
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO registry_childcircumstance
                (kind, "group", subtype, start_date, end_date, note, child_id, created_at)
            SELECT CASE WHEN id % 100 < 7 THEN 'special' ELSE 'at_risk' END,
                   (ARRAY['a','b','c','d','dd','e','g','h','i','k','l','m','n','o'])[id % 14 + 1],
                   '', DATE '2024-01-01', NULL, '', id, now()
            FROM registry_child WHERE id % 100 < 12
            """
        )
        cursor.execute("ANALYZE registry_childcircumstance")
    print(f"added circumstances for 12% of the children in {time.perf_counter() - t:.1f} s")


def time_pages(username: str, pages: list[tuple[str, str]], repeat: int) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[-1])
    waited: list[float] = []  # each query's time, for the request being timed

    def wrap(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            waited.append(time.perf_counter() - started)

    for label, path in pages:
        queries: list[int] = []
        assert client.get(path, HTTP_HOST="127.0.0.1").status_code == 200, path  # warm-up
        times = []
        sql = []
        for _ in range(repeat):
            waited.clear()
            with connection.execute_wrapper(wrap):
                started = time.perf_counter()
                response = client.get(path, HTTP_HOST="127.0.0.1")
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
            sql.append(sum(waited))
            queries.append(len(waited))
        print(
            f"  {label:24} {path:30} best {1000 * min(times):7.1f} ms, median "
            f"{1000 * statistics.median(times):7.1f} ms (PostgreSQL "
            f"{1000 * statistics.median(sql):7.1f} ms, {queries[0]} queries)"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--children", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: DATABASE_URL=postgresql://.../treem_bench_pages")
    call_command("migrate", verbosity=0)
    tinh, xa, commune = base.ensure_data(args.children)
    ensure_circumstances()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_child")
        children = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    print(f"{children:,} children; PostgreSQL shared_buffers {buffers}")
    print(f"province officer ({children:,} children in scope):")
    time_pages(tinh.username, PROVINCE_PAGES, args.repeat)  # type: ignore[attr-defined]
    print(f"commune officer ({commune}):")
    time_pages(xa.username, COMMUNE_PAGES, args.repeat)  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
