"""Benchmark (d): what a page costs the Django process, in instructions counted by
valgrind's callgrind, a figure that does not move with the machine's speed.

The list page's latency under 20 clients (bench_registry_list.py) is the CPU time of 20
requests shared by 2 cores, and this machine's speed was seen to move by up to 1.8x
within a session: a change that saves 5% of a page cannot be seen in it. Here each set
of pages is requested in a fresh Python process under `valgrind --tool=callgrind`, N
times after a warm-up, and again with none; the difference over N is one request's
instructions in Python (Django, the views, the templates; PostgreSQL's own work is
another process, not counted). The hash seed is fixed; repeated runs agree within ~1%.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/treem_bench_search \\
        .venv/bin/python bench/bench_page_instructions.py [--requests 64] [--pages list,child]

Uses the 1 M-children database of bench_registry_search.py (run that first) and its
commune officer, in-process requests (Django's test client: no HTTP server), DEBUG off.
Needs valgrind (Debian's `valgrind`). Takes a few minutes: Python under callgrind runs
about fifty times slower.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WARM_UP = 16

# the list page's requests are those of bench_registry_list.py
SETS = {
    "list": "list page, commune officer (the 8 requests of bench_registry_list.py)",
    "province": "list page, province officer (same 8 requests)",
    "child": "child page, commune officer (8 children of the commune)",
}


def _paths(kind: str) -> tuple[str, list[str]]:
    """(username, paths) of a set; Django is set up by then."""
    import bench_registry_list as lists

    from treem.registry.models import Child

    if kind == "child":
        from django.contrib.auth import get_user_model

        officer = get_user_model().objects.get(username="bench_xa")
        commune = officer.memberships.first().area
        pks = Child.objects.filter(commune=commune).order_by("pk").values_list("pk", flat=True)
        return "bench_xa", [f"/tre-em/{pk}/" for pk in pks[:8]]
    return ("bench_tinh" if kind == "province" else "bench_xa"), list(lists.PATHS)


def child(kind: str, requests: int) -> None:
    """Inside valgrind: warm up, then `requests` requests of the set."""
    os.environ["TREEM_DEBUG"] = "0"  # before Django is set up (the bench modules default it)
    sys.path.insert(0, str(REPO / "bench"))
    import bench_registry_search  # noqa: F401  (sets Django up)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    username, paths = _paths(kind)
    client = Client()
    user = get_user_model().objects.get(username=username)
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[-1])
    for i in range(WARM_UP + requests):
        res = client.get(paths[i % len(paths)])
        assert res.status_code == 200, (paths[i % len(paths)], res.status_code)


def instructions(kind: str, requests: int) -> int:
    cmd = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--child",
        kind,
        "--requests",
        str(requests),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    out = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no count:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--requests", type=int, default=64)
    ap.add_argument("--pages", default=",".join(SETS), help="a comma-separated choice of sets")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.requests)
        return 0
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Run on the PostgreSQL database of bench_registry_search.py (DATABASE_URL)")
    for kind in args.pages.split(","):
        base = instructions(kind, 0)
        total = instructions(kind, args.requests)
        per_request = (total - base) / args.requests
        print(
            f"{SETS[kind]}: {per_request / 1e6:.1f} M instructions per request "
            f"(callgrind, {args.requests} requests after {WARM_UP})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
