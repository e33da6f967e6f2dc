"""Benchmark: the annual computation of every computed indicator over a 1,000,000-child province.

Run (PostgreSQL, a database of its own; it is dropped and rebuilt):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/treem_bench_reports \
        TREEM_DEBUG=1 .venv/bin/python bench/bench_reports.py [--children 1000000] [--cases 50000]

Generates with COPY one province of 200 communes × 10 villages, N children (7% in
special circumstances, half of them supported, 5% at risk, 8% without an ID number),
M abuse cases with their forms and M/2 injury incidents; then times, for 2026:
  - each indicator's `compute_indicator` (GROUP BY + sums + bulk insert) against a
    hand-written SQL GROUP BY over the same tables and the same grain;
  - the whole computation (every computed indicator) for the province;
  - the province roll-up read (the report table for the province, all indicators).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treem.settings")
os.environ.setdefault("TREEM_DEBUG", "1")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from treem.core.models import Area, AreaKind, AreaLevel  # noqa: E402
from treem.reports.models import DataValue, Indicator  # noqa: E402
from treem.reports.periods import parse_period  # noqa: E402
from treem.reports.selectors import rolled_up  # noqa: E402
from treem.reports.services import compute_indicator, computed_indicators  # noqa: E402

PROVINCE = "99"
COMMUNES = 200
VILLAGES = 10


def copy_rows(model, rows, fields):
    """COPY rows (tuples in `fields` order) into the model's table; other columns defaulted."""
    now = timezone.now()
    concrete = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {}
    for f in concrete:
        if f.has_default():
            defaults[f.attname] = f.get_default()
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.null:
            defaults[f.attname] = None
        else:
            defaults[f.attname] = ""
    cols = [f.attname for f in concrete]
    idx = {name: i for i, name in enumerate(fields)}
    quoted = ", ".join(connection.ops.quote_name(f.column) for f in concrete)
    sql = f"COPY {model._meta.db_table} ({quoted}) FROM STDIN"
    with connection.cursor() as c, c.cursor.copy(sql) as cp:
        for row in rows:
            cp.write_row([row[idx[k]] if k in idx else defaults[k] for k in cols])


def build(n_children: int, n_cases: int) -> Area:
    from treem.cases.models import Case, CaseForm, Incident
    from treem.registry.models import Child, ChildCircumstance, Ethnicity, Support

    rng = random.Random(7)
    province = Area.objects.create(
        key=PROVINCE,
        code=PROVINCE,
        name="Bench",
        full_name="Tỉnh Bench",
        kind=AreaKind.PROVINCE,
        level=AreaLevel.PROVINCE,
        path=f"/{PROVINCE}/",
        province_code=PROVINCE,
    )
    communes, villages = [], []
    for i in range(COMMUNES):
        key = f"99{i:03d}"
        c = Area.objects.create(
            key=key,
            code=key,
            name=f"Xã {i}",
            full_name=f"Xã {i}",
            kind=AreaKind.COMMUNE,
            level=AreaLevel.COMMUNE,
            parent=province,
            path=f"/{PROVINCE}/{key}/",
            province_code=PROVINCE,
        )
        communes.append(c)
        for v in range(VILLAGES):
            vk = f"{key}-{v:02d}"
            villages.append(
                Area.objects.create(
                    key=vk,
                    code=f"{v:02d}",
                    name=f"Thôn {v}",
                    full_name=f"Thôn {v}",
                    kind=AreaKind.VILLAGE,
                    level=AreaLevel.VILLAGE,
                    parent=c,
                    path=f"{c.path}{vk}/",
                    province_code=PROVINCE,
                )
            )
    eth = list(Ethnicity.objects.values_list("pk", flat=True)[:6])
    t0 = time.perf_counter()
    fields = (
        "area_id",
        "commune_id",
        "province_code",
        "full_name",
        "birth_date",
        "sex",
        "ethnicity_id",
        "id_number",
        "id_number_valid",
        "status",
        "version",
    )

    def children():
        for i in range(n_children):
            v = villages[i % len(villages)]
            born = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(0, 6200))
            known_village = rng.random() < 0.85
            yield (
                v.pk if known_village else v.parent_id,
                v.parent_id,
                PROVINCE,
                f"Trẻ {i}",
                born,
                "male" if rng.random() < 0.52 else "female",
                eth[rng.randrange(len(eth))],
                *((None, None) if (q := rng.random()) < 0.08 else (f"{i:012d}", q >= 0.1)),
                "active",
                1,
            )

    copy_rows(Child, children(), fields)
    ids = list(Child.objects.values_list("pk", "commune_id", "area_id", "sex"))
    t1 = time.perf_counter()
    special = rng.sample(ids, int(0.07 * len(ids)))
    groups = ["a", "b", "c", "d", "dd", "e", "h", "k", "l", "n"]
    copy_rows(
        ChildCircumstance,
        ((pk, "special", rng.choice(groups), dt.date(2024, 1, 1)) for pk, *_r in special),
        ("child_id", "kind", "group", "start_date"),
    )
    copy_rows(
        ChildCircumstance,
        (
            (pk, "at_risk", "parent_absent", dt.date(2024, 1, 1))
            for pk, *_r in rng.sample(ids, int(0.05 * len(ids)))
        ),
        ("child_id", "kind", "group", "start_date"),
    )
    copy_rows(
        Support,
        ((pk, "gift", dt.date(2026, 5, 1), "state_budget") for pk, *_r in special[::2]),
        ("child_id", "kind", "date", "source"),
    )
    tz = dt.timezone(dt.timedelta(hours=7))
    victims = rng.sample(ids, n_cases)
    copy_rows(
        Case,
        (
            (
                c,
                f"VV{i}",
                pk,
                sex,
                "6_11",
                r if r != c else None,
                dt.datetime(2026, 1, 1, tzinfo=tz) + dt.timedelta(minutes=rng.randrange(500000)),
                "hotline",
                rng.choice(["family", "school", "community", "online"]),
                "x",
                PROVINCE,
                "received",
                1,
            )
            for i, (pk, c, r, sex) in enumerate(victims)
        ),
        (
            "area_id",
            "code",
            "child_id",
            "child_sex",
            "child_age_group",
            "village_id",
            "received_at",
            "source",
            "setting",
            "description",
            "province_code",
            "status",
            "version",
        ),
    )
    case_ids = list(Case.objects.values_list("pk", flat=True))
    copy_rows(
        CaseForm,
        (
            (pk, rng.choice(["violence", "sexual_abuse", "neglect", "exploitation"]))
            for pk in case_ids
        ),
        ("case_id", "form"),
    )
    copy_rows(
        Incident,
        (
            (
                c,
                r if r != c else None,
                pk,
                sex,
                "6_11",
                rng.choice(["drowning", "traffic", "fall"]),
                dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(360)),
                "died" if rng.random() < 0.05 else "injured",
                PROVINCE,
            )
            for pk, c, r, sex in rng.sample(ids, n_cases // 2)
        ),
        (
            "area_id",
            "village_id",
            "child_id",
            "child_sex",
            "child_age_group",
            "kind",
            "occurred_on",
            "outcome",
            "province_code",
        ),
    )
    with connection.cursor() as c:
        c.execute("ANALYZE")
    t2 = time.perf_counter()
    print(
        f"generated {n_children:,} children in {t1 - t0:.1f}s (COPY); "
        f"circumstances, supports, {n_cases:,} cases, {n_cases // 2:,} incidents in {t2 - t1:.1f}s"
    )
    return province


AGE = """CASE WHEN c.birth_date > %(a3)s THEN '0_3' WHEN c.birth_date > %(a6)s THEN '3_6'
  WHEN c.birth_date > %(a11)s THEN '6_11' WHEN c.birth_date > %(a16)s THEN '11_16' ELSE 'u' END"""
ACTIVE = """c.merged_into_id IS NULL AND (c.status = 'active' OR c.status_date > %(end)s)
  AND (c.birth_date IS NULL OR (c.birth_date <= %(end)s AND c.birth_date > %(a16)s))"""
HAND_SQL = {
    "child_population": f"""SELECT c.commune_id, c.area_id, c.sex, {AGE}, c.ethnicity_id, count(*)
      FROM registry_child c WHERE {ACTIVE} GROUP BY 1, 2, 3, 4, 5""",
    "special_circumstances": f"""SELECT c.commune_id, c.area_id, c.sex, {AGE}, count(*)
      FROM registry_child c WHERE {ACTIVE} AND EXISTS (SELECT 1 FROM registry_childcircumstance s
      WHERE s.child_id = c.id AND s.kind = 'special' AND (s.start_date IS NULL OR s.start_date <= %(end)s)
      AND (s.end_date IS NULL OR s.end_date >= %(start)s)) GROUP BY 1, 2, 3, 4""",
    "at_risk": f"""SELECT c.commune_id, c.area_id, c.sex, {AGE}, count(*)
      FROM registry_child c WHERE {ACTIVE} AND EXISTS (SELECT 1 FROM registry_childcircumstance s
      WHERE s.child_id = c.id AND s.kind = 'at_risk') GROUP BY 1, 2, 3, 4""",
    "id_number_problems": f"""SELECT c.commune_id, c.area_id, c.sex, {AGE}, count(*)
      FROM registry_child c WHERE {ACTIVE} AND (c.id_number IS NULL OR c.id_number_valid = false)
      GROUP BY 1, 2, 3, 4""",
    "abused_children": """SELECT k.area_id, k.village_id, k.child_sex, k.child_age_group,
      count(DISTINCT k.child_id) FROM cases_case k WHERE k.received_at >= %(start)s
      AND k.received_at < %(next)s GROUP BY 1, 2, 3, 4""",
    "abuse_cases": """SELECT k.area_id, k.village_id, count(*) FROM cases_case k
      WHERE k.received_at >= %(start)s AND k.received_at < %(next)s GROUP BY 1, 2""",
    "injured_children": """SELECT i.area_id, i.village_id, i.child_sex, i.child_age_group,
      count(DISTINCT i.child_id) FROM cases_incident i WHERE i.outcome = 'injured'
      AND i.occurred_on BETWEEN %(start)s AND %(end)s GROUP BY 1, 2, 3, 4""",
    "injury_deaths": """SELECT i.area_id, i.village_id, i.child_sex, i.child_age_group,
      count(DISTINCT i.child_id) FROM cases_incident i WHERE i.outcome = 'died'
      AND i.occurred_on BETWEEN %(start)s AND %(end)s GROUP BY 1, 2, 3, 4""",
}
HAND_SQL["special_circumstances_supported"] = HAND_SQL["special_circumstances"].replace(
    "GROUP BY",
    "AND EXISTS (SELECT 1 FROM registry_support u WHERE u.child_id = c.id AND "
    "u.date <= %(end)s AND coalesce(u.end_date, u.date) >= %(start)s) GROUP BY",
)


def best_of(fn, n=3):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--children", type=int, default=1_000_000)
    ap.add_argument("--cases", type=int, default=50_000)
    ap.add_argument("--reuse", action="store_true", help="keep the generated data")
    ap.add_argument("--build-only", action="store_true", help="generate the data and stop")
    args = ap.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: set DATABASE_URL=postgresql://.../treem_bench_reports")
    call_command("migrate", verbosity=0)
    province = Area.objects.filter(key=PROVINCE).first()
    if province is None or not args.reuse:
        if province is not None:
            sys.exit("The benchmark province exists: use a fresh database or --reuse")
        province = build(args.children, args.cases)
    if args.build_only:
        return
    p = parse_period("2026")
    from django.utils.dateparse import parse_date  # noqa: F401

    from treem.reports.computations import years_before

    params = {
        "start": p.start,
        "end": p.end,
        "next": p.end + dt.timedelta(days=1),
        "a3": years_before(p.end, 3),
        "a6": years_before(p.end, 6),
        "a11": years_before(p.end, 11),
        "a16": years_before(p.end, 16),
    }
    inds = computed_indicators(p)
    print(f"\n{'indicator':36} {'TreEm (s)':>10} {'hand SQL (s)':>13} {'ratio':>6} {'rows':>7}")
    total = 0.0
    for ind in inds:
        hand = best_of(lambda ind=ind: _run(HAND_SQL[ind.slug], params))
        rows = 0

        def ours(ind: Indicator = ind) -> None:
            nonlocal rows
            rows = compute_indicator(ind, p, province)

        mine = best_of(ours)
        total += mine
        print(f"{ind.slug:36} {mine:10.3f} {hand:13.3f} {mine / hand:6.2f} {rows:7d}")
    t = time.perf_counter()
    for ind in inds:
        compute_indicator(ind, p, province)
    whole = time.perf_counter() - t
    all_inds = list(
        Indicator.objects.filter(is_active=True).select_related("numerator", "denominator")
    )
    rollup = best_of(lambda: rolled_up(province, [p.code, "2025"], all_inds))
    print(
        f"\nwhole annual computation ({len(inds)} indicators, province of "
        f"{COMMUNES} communes × {VILLAGES} villages): {whole:.2f} s"
    )
    print(
        f"province roll-up read (all indicators, every disaggregation, 2 periods): {rollup:.3f} s"
    )
    print(f"data values stored: {DataValue.objects.filter(period=p.code).count():,}")


def _run(sql: str, params: dict) -> None:
    with connection.cursor() as c:
        c.execute(sql, params)
        c.fetchall()


if __name__ == "__main__":
    main()
