"""Benchmark: the annual computation of every computed indicator over a 1,000,000-child province.

Run (PostgreSQL, a database of its own): the first run generates the province (about 2
minutes with COPY); `--reuse` keeps it for the next runs.

    createdb -h 127.0.0.1 -U postgres treem_bench_reports
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/treem_bench_reports \
        TREEM_DEBUG=1 .venv/bin/python bench/bench_reports.py --reuse \
        [--children 1000000] [--cases 50000] [--build-only] [--repeat 3]

Generates with COPY one province of 200 communes × 10 villages, N children (7% in
special circumstances, half of them supported, 5% at risk, 8% without an ID number),
M abuse cases with their forms and M/2 injury incidents; then times, for 2026:
  - the whole first computation of the year (nothing stored: every value written) and
    the whole recomputation, as a computation run does them (`compute_indicators`: the
    children indicators in one shared scan, the case indicators one statement each);
  - each indicator computed alone (one statement), first and recomputed, against a
    hand-written SQL GROUP BY over the same tables at the same grain (read only), each
    the best of --repeat runs (a first computation from no stored value each time); for
    the indicators counting distinct children, also against a hand-written GROUP BY
    giving the same numbers (GROUPING SETS: the finest grain alone does not);
  - for the case indicators (small: tens of thousands of rows, where writing a few
    thousand values weighs against a read-only GROUP BY), the engine's counting step
    alone (its read-only statement into a temporary table) against the hand SQL, and
    the plain INSERT of the same values already counted (the write any computation
    storing them pays) with the first computation against hand SQL + that INSERT;
  - the shared children scan against a hand-written single scan at the same grain;
  - the province roll-up read (the report table for the province, all indicators);
  - a linear extrapolation to 25,000,000 children.
Hand-written queries run with the same work_mem and JIT settings as the engine.
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
from treem.reports.services import (  # noqa: E402
    compute_indicator,
    compute_indicators,
    computed_indicators,
)

PROVINCE = "99"
COMMUNES = 200
GROUPS = ["a", "b", "c", "d", "dd", "e", "h", "k", "l", "n"]  # special groups generated
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
    groups = GROUPS
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
SPECIAL = """EXISTS (SELECT 1 FROM registry_childcircumstance s WHERE s.child_id = c.id
  AND s.kind = 'special' AND s.removed_at IS NULL
  AND (s.start_date IS NULL OR s.start_date <= %(end)s)
  AND (s.end_date IS NULL OR s.end_date >= %(start)s))"""
SUPPORTED = """EXISTS (SELECT 1 FROM registry_support u WHERE u.child_id = c.id
  AND u.removed_at IS NULL AND u.date <= %(end)s AND coalesce(u.end_date, u.date) >= %(start)s)"""
BY_GROUP = """SELECT c.commune_id, c.area_id, s.group, '', count(DISTINCT c.id)
  FROM registry_childcircumstance s JOIN registry_child c ON c.id = s.child_id
  WHERE {active} AND s.kind = 'special' AND s.removed_at IS NULL
  AND (s.start_date IS NULL OR s.start_date <= %(end)s)
  AND (s.end_date IS NULL OR s.end_date >= %(start)s) {extra} GROUP BY 1, 2, 3"""
CASES = "k.received_at >= %(start_tz)s AND k.received_at < %(next_tz)s"
# Distinct children of the year's cases (forms by their own GROUP BY) and incidents, for a
# GROUP BY given as `group` (the finest grain, or the engine's grouping sets below).
ABUSED = (
    """SELECT k.area_id, k.village_id, k.child_sex, k.child_age_group,
      k.setting, count(DISTINCT coalesce(k.child_id, -k.id)) FROM cases_case k
      WHERE """
    + CASES
    + """ GROUP BY {group}
      UNION ALL SELECT k.area_id, {form_village}, f.form, '', '',
      count(DISTINCT coalesce(k.child_id, -k.id)) FROM cases_caseform f
      JOIN cases_case k ON k.id = f.case_id WHERE """
    + CASES
    + """ GROUP BY 1, 2, 3"""
)
INCIDENTS = """SELECT i.area_id, i.village_id, i.child_sex, i.child_age_group,
      i.kind, count(DISTINCT i.child_id) FROM cases_incident i WHERE i.outcome = '{outcome}'
      AND i.occurred_on BETWEEN %(start)s AND %(end)s GROUP BY {group}"""
# The hand-written GROUP BYs a DBA would write for the same numbers: each indicator's rows
# counted once at the finest grain its stored values derive from (commune, village and
# its dimensions), the multi-valued dimension (group, form) in its own GROUP BY. Read only:
# they write nothing, TreEm's figures include deriving every stored key and writing it.
HAND_SQL = {
    "child_population": f"""SELECT c.commune_id, c.area_id, c.sex, {AGE}, c.ethnicity_id,
      count(*) FROM registry_child c WHERE {ACTIVE} GROUP BY 1, 2, 3, 4, 5""",
    "special_circumstances": f"""SELECT c.commune_id, c.area_id, c.sex, {AGE}, count(*)
      FROM registry_child c WHERE {ACTIVE} AND {SPECIAL} GROUP BY 1, 2, 3, 4
      UNION ALL {BY_GROUP.format(active=ACTIVE, extra="")}""",
    "special_circumstances_supported": f"""SELECT c.commune_id, c.area_id, c.sex, {AGE},
      count(*) FROM registry_child c WHERE {ACTIVE} AND {SPECIAL} AND {SUPPORTED}
      GROUP BY 1, 2, 3, 4
      UNION ALL {BY_GROUP.format(active=ACTIVE, extra="AND " + SUPPORTED)}""",
    "at_risk": f"""SELECT c.commune_id, c.area_id, c.sex, {AGE}, count(*)
      FROM registry_child c WHERE {ACTIVE} AND EXISTS (SELECT 1 FROM
      registry_childcircumstance s WHERE s.child_id = c.id AND s.kind = 'at_risk'
      AND s.removed_at IS NULL AND (s.start_date IS NULL OR s.start_date <= %(end)s)
      AND (s.end_date IS NULL OR s.end_date >= %(start)s)) GROUP BY 1, 2, 3, 4""",
    "id_number_problems": f"""SELECT c.commune_id, c.area_id, c.sex, {AGE},
      c.id_number IS NULL, count(*) FROM registry_child c WHERE {ACTIVE}
      AND (c.id_number IS NULL OR c.id_number = '' OR c.id_number_valid = false)
      GROUP BY 1, 2, 3, 4, 5""",
    "abused_children": ABUSED.format(group="1, 2, 3, 4, 5", form_village="k.village_id"),
    "abuse_cases": f"""SELECT k.area_id, k.village_id, k.setting, count(*) FROM cases_case k
      WHERE {CASES} GROUP BY 1, 2, 3
      UNION ALL SELECT k.area_id, k.village_id, f.form, count(*) FROM cases_caseform f
      JOIN cases_case k ON k.id = f.case_id WHERE {CASES} GROUP BY 1, 2, 3""",
    "injured_children": INCIDENTS.format(outcome="injured", group="1, 2, 3, 4, 5"),
    "injury_deaths": INCIDENTS.format(outcome="died", group="1, 2, 3, 4, 5"),
}

# The indicators counting distinct children per case or incident: a child counted once
# per commune may have cases in several villages or settings, so the coarser stored values
# (the commune's total, by sex, by age group...) are not sums of the finest-grain counts
# above, which are thus a lower bound that computes fewer numbers. The same numbers by hand:
# one GROUP BY over the engine's grouping sets (commune; commune × each dimension; commune
# × age group × sex; village), forms (one per case) by commune as above.
_SETS = "GROUPING SETS ((1), (1, 4), (1, 5), (1, 3), (1, 3, 4), (2))"
HAND_SAME_SQL = {
    "abused_children": ABUSED.format(group=_SETS, form_village="NULL::bigint"),
    "injured_children": INCIDENTS.format(outcome="injured", group=_SETS),
    "injury_deaths": INCIDENTS.format(outcome="died", group=_SETS),
}

# The issue's yardstick for this machine's speed: "a GROUP BY by sex × age group over
# 1 M children takes about 0.1 s" where the goals were set. Printed beside the figures so
# that runs on machines of different speed can be compared.
REFERENCE = f"""SELECT c.sex, {AGE}, count(*) FROM registry_child c GROUP BY 1, 2"""
REFERENCE_THERE = 0.1

MASK = (
    "CASE s.group " + " ".join(f"WHEN '{g}' THEN {1 << i}" for i, g in enumerate(GROUPS)) + " END"
)
# The shared scan by hand: every counted child once, joined to its circumstance flags,
# counted at the grain the engine aggregates before deriving the stored keys.
HAND_SHARED = f"""WITH f AS (SELECT s.child_id, max(CASE WHEN s.kind = 'at_risk' THEN 1 ELSE 0 END) ar,
  max(CASE WHEN s.kind = 'special' THEN 1 ELSE 0 END) sp,
  max(CASE WHEN s.kind = 'special' AND s.child_id IN (SELECT u.child_id FROM registry_support u
    WHERE u.removed_at IS NULL AND u.date <= %(end)s AND coalesce(u.end_date, u.date) >= %(start)s)
    THEN 1 ELSE 0 END) ss,
  bit_or(CASE WHEN s.kind = 'special' THEN {MASK} ELSE 0 END) mask
  FROM registry_childcircumstance s WHERE s.removed_at IS NULL AND s.kind IN ('special', 'at_risk')
  AND (s.start_date IS NULL OR s.start_date <= %(end)s)
  AND (s.end_date IS NULL OR s.end_date >= %(start)s) GROUP BY 1)
  SELECT c.commune_id, c.area_id, c.sex, {AGE}, c.ethnicity_id, coalesce(f.mask, 0), count(*),
  sum(CASE WHEN c.id_number IS NULL OR c.id_number = '' THEN 1 ELSE 0 END),
  sum(CASE WHEN c.id_number_valid = false THEN 1 ELSE 0 END), sum(f.ar), sum(f.sp), sum(f.ss)
  FROM registry_child c LEFT JOIN f ON f.child_id = c.id WHERE {ACTIVE}
  GROUP BY 1, 2, 3, 4, 5, 6"""


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
    ap.add_argument("--repeat", type=int, default=3, help="best of N for each timing")
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
    from treem.cases.clock import VN_TZ
    from treem.reports.computations import years_before
    from treem.reports.engine import WORK_MEM

    p = parse_period("2026")
    params = {
        "start": p.start,
        "end": p.end,
        "start_tz": dt.datetime.combine(p.start, dt.time.min, tzinfo=VN_TZ),
        "next_tz": dt.datetime.combine(p.end + dt.timedelta(days=1), dt.time.min, tzinfo=VN_TZ),
        "a3": years_before(p.end, 3),
        "a6": years_before(p.end, 6),
        "a11": years_before(p.end, 11),
        "a16": years_before(p.end, 16),
    }
    n_children = Child_count()
    print(f"province: {n_children:,} children, {COMMUNES} communes × {VILLAGES} villages")
    reference = best_of(lambda: _run(REFERENCE, params, "4MB"), max(args.repeat, 3))
    print(
        f"yardstick: GROUP BY sex × age group over the children {reference:.3f} s "
        f"(the issue's machine: ~{REFERENCE_THERE} s; this one is "
        f"{reference / REFERENCE_THERE:.1f}× that)"
    )
    inds = computed_indicators(p)
    with connection.cursor() as c:  # a migration may have rewritten a table since the build
        for table in ("registry_child", "registry_childcircumstance", "registry_support"):
            c.execute(f"VACUUM ANALYZE {table}")
        for table in ("cases_case", "cases_caseform", "cases_incident", "core_area"):
            c.execute(f"VACUUM ANALYZE {table}")

    from treem.reports.engine import shares_scan

    shared = [i for i in inds if shares_scan(i)]

    def clear(which) -> None:
        DataValue.objects.filter(period=p.code, indicator__in=which).delete()
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE reports_datavalue")

    # 1. The whole first computation of the year (nothing stored: every value written),
    # as a computation run does it: the children indicators in one shared scan, the case
    # indicators one statement each.
    clear(inds)
    t = time.perf_counter()
    compute_indicators(inds, p, province)
    whole_first = time.perf_counter() - t
    with connection.cursor() as c:
        c.execute("ANALYZE reports_datavalue")

    # 2. Each indicator alone (one statement): first computation and recomputation (what
    # an officer does again and again: only changes are written) against its hand-written
    # GROUP BY over the same tables at the same grain (read only).
    print(
        f"\n{'indicator (alone)':34} {'first (s)':>9} {'recompute':>9} {'hand SQL':>9} "
        f"{'ratio 1st':>9} {'ratio re':>9} {'rows':>7}"
    )
    same = []
    counting = []
    case_firsts: list[tuple[str, float]] = []
    for ind in inds:
        firsts = []  # best of N as the other columns: each time from no stored value
        for _ in range(args.repeat):
            clear([ind])
            t1 = time.perf_counter()
            rows = compute_indicator(ind, p, province)
            firsts.append(time.perf_counter() - t1)
        f = min(firsts)
        case_firsts.append((ind.slug, f))
        hand = best_of(lambda ind=ind: _run(HAND_SQL[ind.slug], params, WORK_MEM), args.repeat)
        again = best_of(lambda ind=ind: compute_indicator(ind, p, province), args.repeat)
        print(
            f"{ind.slug:34} {f:9.3f} {again:9.3f} {hand:9.3f} {f / hand:9.2f} "
            f"{again / hand:9.2f} {rows:7d}"
        )
        if ind.slug in HAND_SAME_SQL:
            sql = HAND_SAME_SQL[ind.slug]
            same.append((ind.slug, f, again, best_of(lambda s=sql: _run(s, params, WORK_MEM), 3)))
        if ind.slug in ("abused_children", "abuse_cases", "injured_children", "injury_deaths"):
            hand_sql = HAND_SAME_SQL.get(ind.slug, HAND_SQL[ind.slug])
            counting.append(
                (
                    ind.slug,
                    best_of(lambda ind=ind: _run_counting(ind, p, province), args.repeat),
                    best_of(lambda s=hand_sql: _run(s, params, WORK_MEM), args.repeat),
                    _write_alone(ind, p, args.repeat),
                )
            )
    print(
        "\ndistinct children: the hand SQL above counts the finest grain only (a lower bound);"
        " by hand, the same numbers (GROUPING SETS):"
    )
    for slug, f, again, hand in same:
        print(f"{slug:34} {f:9.3f} {again:9.3f} {hand:9.3f} {f / hand:9.2f} {again / hand:9.2f}")

    print(
        "\nthe case indicators' counting alone (the engine's read-only statement, every "
        "stored key and the zero rows into its temporary table; nothing written to the "
        "values) against the hand SQL giving the same numbers; then the plain INSERT of "
        "the same values, already counted, into the values table (what any computation "
        "that stores them pays), and the first computation against hand SQL + that INSERT:"
    )
    print(
        f"{'':34} {'counting':>9} {'':9} {'hand SQL':>9} {'ratio':>9} {'INSERT':>9} "
        f"{'1st/(hand+INSERT)':>18}"
    )
    for slug, engine_s, hand, write in counting:
        first = dict(case_firsts)[slug]
        print(
            f"{slug:34} {engine_s:9.3f} {'':9} {hand:9.3f} {engine_s / hand:9.2f} "
            f"{write:9.3f} {first / (hand + write):18.2f}"
        )

    # 3. The shared children scan against its hand-written reference: the same one scan
    # at the same grain, read only.
    clear(shared)
    t1 = time.perf_counter()
    shared_rows = compute_indicators(shared, p, province)
    shared_first = time.perf_counter() - t1
    shared_again = best_of(lambda: compute_indicators(shared, p, province), args.repeat)
    hand_shared = best_of(lambda: _run(HAND_SHARED, params, WORK_MEM), args.repeat)
    print(
        f"\n{len(shared)} children indicators in one shared scan: first {shared_first:.3f} s, "
        f"recompute {shared_again:.3f} s, hand SQL (one scan, same grain) {hand_shared:.3f} s, "
        f"ratio {shared_first / hand_shared:.2f} / {shared_again / hand_shared:.2f}, "
        f"{shared_rows} rows"
    )
    whole_again = best_of(lambda: compute_indicators(inds, p, province), args.repeat)
    hand_all = sum(best_of(lambda s=s: _run(HAND_SQL[s], params, WORK_MEM), 1) for s in HAND_SQL)
    all_inds = list(
        Indicator.objects.filter(is_active=True).select_related("numerator", "denominator")
    )
    rollup = best_of(lambda: rolled_up(province, [p.code, "2025"], all_inds), args.repeat)
    print(
        f"\nwhole annual computation, {len(inds)} indicators, province of {n_children:,} "
        f"children: first {whole_first:.2f} s, recompute {whole_again:.2f} s "
        f"(all hand-written GROUP BYs, one per indicator: {hand_all:.2f} s; "
        f"goal <= 2 s where the yardstick takes {REFERENCE_THERE} s, i.e. "
        f"{whole_first * REFERENCE_THERE / reference:.2f} s there by the yardstick)"
    )
    scale = 25_000_000 / n_children
    print(
        f"extrapolated to 25,000,000 children (linear in rows scanned): first "
        f"{whole_first * scale:.0f} s, recompute {whole_again * scale:.0f} s; per province "
        "(~1 M children each) it stays at the figures above"
    )
    print(
        f"province roll-up read (all indicators, every disaggregation, 2 periods): {rollup:.3f} s"
    )
    print(f"data values stored for {p.code}: {DataValue.objects.filter(period=p.code).count():,}")


def Child_count() -> int:
    from treem.registry.models import Child

    return Child.objects.count()


def _run_counting(indicator, period, province) -> None:
    """The engine's counting step for one indicator as a computation runs it (settings,
    the counting SELECT into its temporary table), without the write that follows."""
    from django.db import transaction

    from treem.reports.engine import _computation_settings, _counted_select, _temporary

    select, params, _ctes, _cte_params = _counted_select(indicator, period, [province.path])
    with transaction.atomic(), connection.cursor() as c:
        _computation_settings(c)
        with _temporary(c, "bench_counted", select, params):
            pass


def _write_alone(indicator, period, repeat: int) -> float:
    """The plain INSERT … SELECT of an indicator's stored values, already counted (copied
    to a temporary table), into the values table, after deleting them: the write any
    computation that stores them pays, best of `repeat` (the values are left as found)."""
    from django.db import transaction

    cols = (
        "indicator_id, period, area_id, area_path, area_level, province_code, "
        "disaggregation, value, source, updated_at"
    )
    where = "indicator_id = %s AND period = %s"
    key = [indicator.pk, period.code]
    times = []
    with connection.cursor() as c:
        c.execute(
            f"CREATE TEMPORARY TABLE bench_values AS SELECT {cols} FROM reports_datavalue "
            f"WHERE {where}",
            key,
        )
        for _ in range(repeat):
            c.execute(f"DELETE FROM reports_datavalue WHERE {where}", key)
            c.execute("VACUUM reports_datavalue")
            with transaction.atomic():
                t = time.perf_counter()
                c.execute(f"INSERT INTO reports_datavalue ({cols}) SELECT * FROM bench_values")
                times.append(time.perf_counter() - t)
        c.execute("DROP TABLE bench_values")
    return min(times)


def _run(sql: str, params: dict, work_mem: str) -> None:
    """The hand SQL with the same memory and JIT settings the computation uses."""
    from django.db import transaction

    from treem.reports.engine import JIT

    with transaction.atomic(), connection.cursor() as c:
        c.execute(f"SET LOCAL work_mem = '{work_mem}'")
        c.execute(f"SET LOCAL jit = {JIT}")
        c.execute(sql, params)
        c.fetchall()


if __name__ == "__main__":
    main()
