"""Benchmark (c): the registry list page (/tre-em/) under 20 concurrent clients.

Gunicorn serves the project on 127.0.0.1 against the 1 M-children database of
bench_registry_search.py (created if missing); 20 clients with a logged-in session
request the list page with varying filters and pages. Prints p50/p95/max latency,
throughput and errors.

The clients are Python threads (urllib), a bounded number of requests each, or, with
`--client wrk` (Debian's `wrk`), 20 connections of wrk for `--seconds`: the load
generator runs on the same 2 cores as gunicorn and PostgreSQL, and Python threads take
about 5% of the CPU the server would have.

    TREEM_DEBUG=1 DATABASE_URL=postgresql://postgres@127.0.0.1:5432/treem_bench_search \
        .venv/bin/python bench/bench_registry_list.py [--clients 20] [--requests 100] \
        [--client python|wrk] [--seconds 20]

With wrk, the CPU time per request of gunicorn and of PostgreSQL is printed too: the
20 clients keep both cores busy, so the latency is about 20 requests' CPU time shared by
2 cores, and CPU time per request is the figure to compare across machines.

Goal: p95 <= 150 ms with 0 errors (commune officer).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import bench_registry_search as base  # noqa: E402  (sets Django up)
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

PATHS = [
    "/tre-em/",
    "/tre-em/?page=2",
    "/tre-em/?sex=female",
    "/tre-em/?age_group=6_11",
    "/tre-em/?q=nguyen+van",
    "/tre-em/?q=An+Nguy%E1%BB%85n",
    "/tre-em/?group=special",
    "/tre-em/?page=5&sex=male",
]


def session_cookie(user: object) -> str:
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
    s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the password backend
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    s.save()
    return f"{settings.SESSION_COOKIE_NAME}={s.session_key}"


def run(cookie: str, clients: int, per_client: int) -> tuple[list[float], int, float]:
    times: list[float] = []
    errors = 0
    lock = threading.Lock()

    def worker(i: int) -> None:
        nonlocal errors
        for k in range(per_client):
            path = PATHS[(i + k) % len(PATHS)]
            req = urllib.request.Request(
                f"http://127.0.0.1:{base.PORT}{path}", headers={"Cookie": cookie}
            )
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=30) as res:  # noqa: S310
                    body = res.read()
                    ok = res.status == 200 and b"child-results" in body
            except OSError:
                ok = False
            elapsed = time.perf_counter() - t
            with lock:
                times.append(elapsed)
                errors += 0 if ok else 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return times, errors, time.perf_counter() - t0


WRK_SCRIPT = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Cookie"] = "%(cookie)s"})
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format("RESULT %%d %%.1f %%.1f %%.1f %%d\\n", summary.requests,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency.max / 1000, errors))
end
"""


def cpu_seconds(server_pid: int) -> tuple[float, float]:
    """CPU seconds used so far by the gunicorn processes (the master `server_pid` and its
    workers) and by every PostgreSQL process of the machine, read from /proc (Linux);
    (0, 0) elsewhere."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    python = postgres = 0.0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        if int(entry.name) == server_pid or int(fields[1]) == server_pid:
            python += used
        elif comm == "postgres" or comm.startswith("postgres:"):
            postgres += used
    return python, postgres


def run_wrk(cookie: str, clients: int, seconds: int, server_pid: int) -> str:
    """wrk with `clients` connections for `seconds`; the figures as the Python run's, and
    where the CPU went: the page is CPU-bound, so its CPU time per request is what moves
    the latency from one machine to another."""
    import subprocess
    import tempfile

    paths = ", ".join(f'"{p}"' for p in PATHS)
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT % {"paths": paths, "cookie": cookie})
        script.flush()
        url = f"http://127.0.0.1:{base.PORT}/"
        cmd = ["wrk", "-t2", f"-c{clients}", "-s", script.name, url]
        subprocess.run([*cmd, "-d3s"], check=True, capture_output=True)  # warm up
        before, started = cpu_seconds(server_pid), time.perf_counter()
        out = subprocess.run(
            [*cmd, f"-d{seconds}s"], check=True, capture_output=True, text=True
        ).stdout
        after, wall = cpu_seconds(server_pid), time.perf_counter() - started
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    n, p50, p95, top, errors = line.split()[1:]
    python, postgres = (after[i] - before[i] for i in (0, 1))
    cores = os.cpu_count() or 1
    return (
        f"p50={float(p50):.0f} ms p95={float(p95):.0f} ms max={float(top):.0f} ms, "
        f"{int(n) / seconds:.1f} req/s, errors={errors} (wrk, {n} requests in {seconds} s); "
        f"CPU per request: gunicorn {1000 * python / int(n):.1f} ms, PostgreSQL "
        f"{1000 * postgres / int(n):.1f} ms ({100 * (python + postgres) / (cores * wall):.0f}% "
        f"of {cores} cores)"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--clients", type=int, default=20)
    # 2,000 requests: the p95 of a few seconds' run moved by 20-30 ms from run to run
    ap.add_argument("--requests", type=int, default=100, help="per client")
    ap.add_argument("--children", type=int, default=1_000_000)
    # Sync workers, one per core: the page is CPU-bound Python, so threads only contend
    # for the GIL (measured: 2x1 95 req/s, 3x1 89, 4x4 72, 5x2 67 on this 2-core machine).
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--province", action="store_true", help="also as the province officer")
    ap.add_argument("--client", choices=("python", "wrk"), default="python")
    ap.add_argument("--seconds", type=int, default=20, help="wrk's run")
    args = ap.parse_args()
    call_command("migrate", verbosity=0)
    tinh, xa, _commune = base.ensure_data(args.children)
    proc = base.start_server(dict(os.environ), workers=args.workers, threads=args.threads)
    try:
        users = [("commune officer", xa)] + ([("province officer", tinh)] if args.province else [])
        for label, user in users:
            cookie = session_cookie(user)
            if args.client == "wrk":
                print(
                    f"list page, {label}, {args.clients} clients (gunicorn {args.workers} "
                    f"workers x {args.threads} threads): "
                    f"{run_wrk(cookie, args.clients, args.seconds, proc.pid)}"
                )
                continue
            run(cookie, 2, 3)  # warm up
            times, errors, wall = run(cookie, args.clients, args.requests)
            ms = [t * 1000 for t in times]
            print(
                f"list page, {label}, {args.clients} clients x {args.requests} requests "
                f"(gunicorn {args.workers} workers x {args.threads} threads): "
                f"p50={statistics.median(ms):.0f} ms p95={base.pct(ms, 95):.0f} ms "
                f"max={max(ms):.0f} ms, {len(ms) / wall:.1f} req/s, errors={errors}"
            )
    finally:
        proc.terminate()
        proc.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
