"""The computation engine: one set-based `INSERT … SELECT … GROUP BY` per indicator.

A computation (`treem.reports.computations`) describes the rows to count as querysets
("facts"); the engine compiles them with the ORM, so the counting rules live in one place,
and wraps that SQL so the database groups, counts and writes the values in one statement:

- PostgreSQL: the fact is pre-aggregated at its finest grain (commune, village and every
  dimension; parallel-friendly), then `GROUP BY GROUPING SETS` derives every stored key
  in one pass, joined to `core_area` for the path columns and inserted with
  `ON CONFLICT … DO UPDATE` on the unique key.
- SQLite (demo, tests): the same keys from a `UNION ALL` of plain `GROUP BY`s over the
  fact as a common table expression; same statement shape otherwise.

What is stored (and read): per commune the total, each dimension and sex × age group
(TT13 tables, the API's `by=`); per village the total and each dimension except
ethnicity (the village drill-down and a village's own page). Provinces are sums over
communes at read time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import reduce
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from treem.core.models import Area, AreaLevel
from treem.reports.computations import COMPUTATIONS, Fact
from treem.reports.models import DataValue, Indicator, ValueSource
from treem.reports.periods import Period

# The pair of dimensions also stored crossed (TT13 tables: sex × age group).
CROSSED = ("age_group", "sex")
# Dimensions not stored per village: nobody reads them at that level.
NOT_PER_VILLAGE = frozenset({"ethnicity"})
_SLUG = re.compile(r"^[a-z_]+$")


def key_combos(dims: Iterable[str], only: str | None = None) -> list[tuple[str, ...]]:
    """The disaggregations stored for a commune: total, each dimension, sex × age group."""
    dims = sorted(set(dims))
    combos: list[tuple[str, ...]] = [()] + [(d,) for d in dims]
    if all(c in dims for c in CROSSED):
        combos.append(CROSSED)
    if only is not None:
        combos = [c for c in combos if only in c]
    return combos


def village_combos(commune_combos: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    return [c for c in commune_combos if len(c) <= 1 and not NOT_PER_VILLAGE & set(c)]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _fact_sql(fact: Fact, dims: list[str]) -> tuple[str, list[Any], str]:
    """The fact's SELECT (columns c, r, d_*; plus n or the distinct key) and its aggregate."""
    cols = ["c", "r", *(f"d_{d}" for d in dims)]
    if fact.distinct is None:
        qs = fact.qs.values(*cols).annotate(n=Count("*")).order_by()
        agg = "SUM(f.n)"
    else:
        qs = fact.qs.values(*cols, fact.distinct).order_by()
        agg = f"COUNT(DISTINCT f.{_q(fact.distinct)})"
    sql, params = qs.query.sql_with_params()
    return sql, list(params), agg


def _key_literal(combo: tuple[str, ...]) -> str:
    """SQL for the canonical key of one combination ("age_group=…;sex=…"), '' for the total."""
    if not combo:
        return "''"
    parts = [f"'{d}=' || f.{_q('d_' + d)}" for d in combo]
    return " || ';' || ".join(parts)


def _grouping_sets_select(
    fact_sql: str, agg: str, dims: list[str], communes: list[tuple], villages: list[tuple]
) -> str:
    """PostgreSQL: every key of the fact in one pass (GROUPING SETS)."""
    sets = [("c", *c) for c in communes] + [("r", *c) for c in villages]
    group_sets = ", ".join(
        "(" + ", ".join(f"f.{_q(col if col in ('c', 'r') else 'd_' + col)}" for col in s) + ")"
        for s in sets
    )
    if dims:
        key = (
            "concat_ws(';', "
            + ", ".join(
                f"CASE WHEN GROUPING(f.{_q('d_' + d)}) = 0 THEN '{d}=' || f.{_q('d_' + d)} END"
                for d in dims
            )
            + ")"
        )
    else:
        key = "''"
    return (
        f"SELECT CASE WHEN GROUPING(f.c) = 0 THEN f.c ELSE f.r END AS area_id, "
        f"{key} AS disaggregation, {agg} AS n "
        f"FROM ({fact_sql}) f GROUP BY GROUPING SETS ({group_sets})"
    )


def _union_select(cte: str, agg: str, communes: list[tuple], villages: list[tuple]) -> str:
    """Portable: one GROUP BY per stored combination over the fact (a CTE)."""
    parts = []
    for level, combos in (("c", communes), ("r", villages)):
        for combo in combos:
            group = ", ".join([f"f.{level}", *(f"f.{_q('d_' + d)}" for d in combo)])
            where = " WHERE f.r IS NOT NULL" if level == "r" else ""
            parts.append(
                f"SELECT f.{level} AS area_id, {_key_literal(combo)} AS disaggregation, "
                f"{agg} AS n FROM {cte} f{where} GROUP BY {group}"
            )
    return " UNION ALL ".join(parts)


def _areas_q(paths: list[str]) -> Q:
    return reduce(lambda a, b: a | b, (Q(path__startswith=p) for p in paths))


def _not_skipped(skip: list[str]) -> tuple[str, list[Any]]:
    if not skip:
        return "", []
    sql, params = Area.objects.filter(_areas_q(skip)).values("id").query.sql_with_params()
    return f" AND a.id NOT IN ({sql})", list(params)


INSERT_COLUMNS = (
    "indicator_id",
    "period",
    "area_id",
    "area_path",
    "area_level",
    "province_code",
    "disaggregation",
    "value",
    "source",
    "updated_at",
)


def _insert_head() -> str:
    table = _q(DataValue._meta.db_table)
    return f"INSERT INTO {table} ({', '.join(_q(c) for c in INSERT_COLUMNS)}) "


def _select_values(src: str) -> str:
    """Columns of the inserted row from `src` (area_id, disaggregation, n) joined to areas."""
    return (
        "SELECT %s, %s, a.id, a.path, a.level, a.province_code, g.disaggregation, g.n, %s, %s "
        f"FROM ({src}) g JOIN {_q(Area._meta.db_table)} a ON a.id = g.area_id WHERE 1 = 1"
    )


ON_CONFLICT = (
    " ON CONFLICT (indicator_id, period, area_id, disaggregation) DO UPDATE SET "
    "value = excluded.value, source = excluded.source, entered_by_id = NULL, "
    "updated_at = excluded.updated_at"
)


def insert_computed(indicator: Indicator, period: Period, paths: list[str], skip: list[str]) -> int:
    """Count and write every stored key of one indicator; returns the rows written."""
    comp = COMPUTATIONS[indicator.computation]
    wanted = set(indicator.disaggregations)
    postgres = connection.vendor == "postgresql"
    selects: list[str] = []
    ctes: list[str] = []
    params: list[Any] = []
    cte_params: list[Any] = []
    for fact in comp.build(period, paths):
        dims = sorted(wanted & set(fact.dims))
        assert all(_SLUG.match(d) for d in dims)
        communes = key_combos(dims, fact.only)
        if not communes:
            continue
        villages = village_combos(communes)
        dims = sorted({d for combo in communes for d in combo})  # GROUPING() needs them used
        sql, fparams, agg = _fact_sql(fact, dims)
        if postgres:
            selects.append(_grouping_sets_select(sql, agg, dims, communes, villages))
            params.extend(fparams)
        else:
            name = f"fact{len(ctes)}"
            ctes.append(f"{name} AS ({sql})")
            cte_params.extend(fparams)
            selects.append(_union_select(name, agg, communes, villages))
    if not selects:
        return 0
    now = timezone.now()
    head = [indicator.pk, period.code, ValueSource.COMPUTED, now]
    skip_sql, skip_params = _not_skipped(skip)
    sql = _insert_head() + _select_values(" UNION ALL ".join(selects)) + skip_sql + ON_CONFLICT
    if ctes:
        sql = "WITH " + ", ".join(ctes) + " " + sql
    with connection.cursor() as cursor:
        cursor.execute(sql, [*cte_params, *head, *params, *skip_params])
        written = max(cursor.rowcount, 0)
        written += _zero_fill(cursor, indicator, period, paths, skip, now)
    return written


def _zero_fill(
    cursor: Any, indicator: Indicator, period: Period, paths: list[str], skip: list[str], now: Any
) -> int:
    """Zero is a row: every current commune in scope gets its zeros where nothing was counted."""
    comp = COMPUTATIONS[indicator.computation]
    keys = [""] + [
        f"{d}={v}"
        for d, values in sorted(comp.zero_fill.items())
        if d in indicator.disaggregations
        for v in values
    ]
    communes_sql, communes_params = (
        Area.objects.filter(_areas_q(paths), level=AreaLevel.COMMUNE, valid_to__isnull=True)
        .values("id")
        .query.sql_with_params()
    )
    key_rows = " UNION ALL ".join("SELECT %s AS disaggregation" for _k in keys)
    src = (
        f"SELECT a2.id AS area_id, z.disaggregation, 0 AS n FROM {_q(Area._meta.db_table)} a2 "
        f"CROSS JOIN ({key_rows}) z WHERE a2.id IN ({communes_sql})"
    )
    skip_sql, skip_params = _not_skipped(skip)
    sql = (
        _insert_head()
        + _select_values(src)
        + skip_sql
        + " ON CONFLICT (indicator_id, period, area_id, disaggregation) DO NOTHING"
    )
    head = [indicator.pk, period.code, ValueSource.COMPUTED, now]
    cursor.execute(sql, [*head, *keys, *communes_params, *skip_params])
    return max(cursor.rowcount, 0)


def delete_computed(indicator: Indicator, period: Period, paths: list[str], skip: list[str]) -> int:
    """Remove the previous computed values of the subtree (locked areas keep theirs)."""
    stale = DataValue.objects.filter(
        reduce(lambda a, b: a | b, (Q(area_path__startswith=p) for p in paths)),
        indicator=indicator,
        period=period.code,
        source=ValueSource.COMPUTED,
    )
    for s in skip:
        stale = stale.exclude(area_path__startswith=s)
    return stale._raw_delete(stale.db)  # aggregates only: no signals, no cascades to collect
