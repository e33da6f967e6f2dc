"""Named computations: set-based GROUP BY queries that fill computed indicators.

Each computation returns one or more *grouped queries*: querysets already reduced by
`values(...).annotate(n=Count(...))` to one row per (commune, residence area, category
...). The engine (`treem.reports.services.computation_step`) derives every
disaggregation key (the total, each dimension, sex × age group) by summing those
aggregated rows, and writes them per commune and per village. There is no loop over
children in Python; the database does the counting.

A dimension whose values a child can hold several of at once (special-circumstance
group, form of abuse, setting, cause) gets its own grouped query counting distinct
children, so the total is never a sum of overlapping groups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.apps import apps
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf

from treem.reports.periods import Period

UNKNOWN = "unknown"
AGE_GROUPS = [("0_3", 0, 3), ("3_6", 3, 6), ("6_11", 6, 11), ("11_16", 11, 16)]
ADULT_AGE = 16


@dataclass
class Grouped:
    """An aggregated queryset. Row keys: `commune`, `residence`, each of `dims`, and `n`.

    `dims` are the dimensions this query carries; `only` restricts which disaggregation
    keys it may produce (a query grouping by a multi-valued dimension only feeds keys
    that contain that dimension).
    """

    qs: QuerySet[Any]
    dims: tuple[str, ...]
    only: str | None = None  # a dimension every key produced here must contain


@dataclass
class Computation:
    name: str
    build: Callable[[Period, list[str]], list[Grouped]]
    # Categories written as zero for every commune in scope (zero is a row, not missing).
    zero_fill: dict[str, list[str]] = field(default_factory=dict)


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_group_expr(on: dt.date, prefix: str = "") -> Case:
    """SQL CASE giving the age-group slug on `on` from birth_date (constants, index-friendly)."""
    bd = f"{prefix}birth_date"
    whens = [
        When(**{f"{bd}__gt": years_before(on, high)}, then=Value(slug))
        for slug, _low, high in AGE_GROUPS
    ]
    return Case(*whens, default=Value(UNKNOWN), output_field=CharField())


def sex_expr(prefix: str = "") -> Case:
    f = f"{prefix}sex"
    return Case(
        When(**{f: "male"}, then=Value("male")),
        When(**{f: "female"}, then=Value("female")),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )


def counted_children_q(period: Period, prefix: str = "") -> Q:
    """Children counted at the period end: born by then, under 16, not gone before it.

    A child with no date of birth is counted (age group "unknown"), like the registry's
    `Child.objects.active()`; died / moved / archived children count for periods ending
    before their status date; merged duplicates never count.
    """
    end = period.end
    p = prefix
    alive = Q(**{f"{p}status": "active"}) | Q(**{f"{p}status_date__gt": end})
    born = Q(**{f"{p}birth_date__isnull": True}) | Q(
        **{f"{p}birth_date__lte": end, f"{p}birth_date__gt": years_before(end, ADULT_AGE)}
    )
    return alive & born & Q(**{f"{p}merged_into__isnull": True})


def in_paths(paths: list[str], field: str) -> Q:
    """Rows whose area FK `field` lies under one of `paths`."""
    return reduce(lambda a, b: a | b, (Q(**{f"{field}__path__startswith": p}) for p in paths))


def _model(label: str) -> Any:
    return apps.get_model(label)


def _children(period: Period, paths: list[str]) -> QuerySet[Any]:
    Child = _model("registry.Child")
    return Child.objects.filter(in_paths(paths, "commune"), counted_children_q(period))


def _grouped_children(
    qs: QuerySet[Any], period: Period, extra: dict[str, Any] | None = None
) -> QuerySet[Any]:
    dims: dict[str, Any] = {"d_sex": sex_expr(), "d_age_group": age_group_expr(period.end)}
    dims.update(extra or {})
    return (
        qs.annotate(c=F("commune_id"), r=F("area_id"), **dims)
        .values("c", "r", *dims.keys())
        .annotate(n=Count("id"))
        .order_by()
    )


def _overlaps(period: Period, start: str, end: str, prefix: str = "") -> Q:
    """Rows whose [start, end] (end NULL = ongoing) overlaps the period."""
    return (
        Q(**{f"{prefix}{start}__isnull": True}) | Q(**{f"{prefix}{start}__lte": period.end})
    ) & (Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gte": period.start}))


def _circumstances(kind: str, period: Period) -> QuerySet[Any]:
    ChildCircumstance = _model("registry.ChildCircumstance")
    return ChildCircumstance.objects.filter(
        _overlaps(period, "start_date", "end_date"), kind=kind, removed_at__isnull=True
    )


def _supported_q(period: Period) -> Q:
    """Support received during the period (a dated gift, or a support running through it)."""
    return (
        Q(date__lte=period.end)
        & (Q(end_date__isnull=True, date__gte=period.start) | Q(end_date__gte=period.start))
        & Q(removed_at__isnull=True)
    )


def _by_group(period: Period, paths: list[str], kind: str, supported: bool) -> QuerySet[Any]:
    """Distinct children per circumstance group, from the circumstance rows."""
    qs = _circumstances(kind, period).filter(
        in_paths(paths, "child__commune"), counted_children_q(period, "child__")
    )
    if supported:
        Support = _model("registry.Support")
        qs = qs.filter(
            Exists(Support.objects.filter(_supported_q(period), child_id=OuterRef("child_id")))
        )
    return (
        qs.annotate(
            c=F("child__commune_id"),
            r=F("child__area_id"),
            d_circumstance_group=F("group"),
            d_sex=sex_expr("child__"),
            d_age_group=age_group_expr(period.end, "child__"),
        )
        .values("c", "r", "d_circumstance_group", "d_sex", "d_age_group")
        .annotate(n=Count("child_id", distinct=True))
        .order_by()
    )


# -- registry computations ---------------------------------------------------------------


def child_population(period: Period, paths: list[str]) -> list[Grouped]:
    qs = _grouped_children(
        _children(period, paths),
        period,
        {"d_ethnicity": Coalesce("ethnicity__code", Value(UNKNOWN), output_field=CharField())},
    )
    return [Grouped(qs, ("sex", "age_group", "ethnicity"))]


def _special(period: Period, paths: list[str], *, supported: bool) -> list[Grouped]:
    circ = _circumstances("special", period)
    cond: Any = Exists(circ.filter(child_id=OuterRef("pk")))
    if supported:
        Support = _model("registry.Support")
        circ_ids = circ.filter(child_id=OuterRef("pk"))
        supp = Support.objects.filter(_supported_q(period), child_id=OuterRef("pk"))
        cond = Exists(circ_ids) & Exists(supp)
    totals = _grouped_children(_children(period, paths).filter(cond), period)
    groups = _by_group(period, paths, "special", supported)
    return [
        Grouped(totals, ("sex", "age_group")),
        Grouped(groups, ("circumstance_group", "sex", "age_group"), only="circumstance_group"),
    ]


def special_circumstances(period: Period, paths: list[str]) -> list[Grouped]:
    return _special(period, paths, supported=False)


def special_circumstances_supported(period: Period, paths: list[str]) -> list[Grouped]:
    return _special(period, paths, supported=True)


def at_risk(period: Period, paths: list[str]) -> list[Grouped]:
    circ = _circumstances("at_risk", period)
    qs = _grouped_children(
        _children(period, paths).filter(Exists(circ.filter(child_id=OuterRef("pk")))), period
    )
    return [Grouped(qs, ("sex", "age_group"))]


def id_number_problems(period: Period, paths: list[str]) -> list[Grouped]:
    """Children with no ID number, or one failing the Thông tư 07/2016 checks."""
    problem = Case(
        When(Q(id_number__isnull=True) | Q(id_number=""), then=Value("missing")),
        When(id_number_valid=False, then=Value("invalid")),
        default=Value(""),
        output_field=CharField(),
    )
    qs = _children(period, paths).annotate(d_id_problem=problem).exclude(d_id_problem="")
    grouped = (
        qs.annotate(
            c=F("commune_id"),
            r=F("area_id"),
            d_sex=sex_expr(),
            d_age_group=age_group_expr(period.end),
        )
        .values("c", "r", "d_sex", "d_age_group", "d_id_problem")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [Grouped(grouped, ("sex", "age_group", "id_problem"))]


# -- cases computations (treem.cases: Case, CaseForm, Incident) ---------------------------


def _dim(field: str) -> Coalesce:
    """A snapshot column ("" when unknown) as a dimension value."""
    return Coalesce(NullIf(F(field), Value("")), Value(UNKNOWN), output_field=CharField())


def _cases(period: Period, paths: list[str]) -> QuerySet[Any]:
    """Abuse reports received during the period (as the cases app's statistics count them)."""
    from treem.cases.clock import VN_TZ

    Case = _model("cases.Case")
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=VN_TZ)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=VN_TZ)
    return Case.objects.filter(in_paths(paths, "area"), received_at__gte=start, received_at__lt=end)


def _children_n(prefix: str = "") -> Any:
    """Distinct registry children, plus one per case not yet linked to a record."""
    return Count(f"{prefix}child_id", distinct=True) + Count(
        f"{prefix}id" if prefix else "id", filter=Q(**{f"{prefix}child__isnull": True})
    )


def _case_groups(period: Period, paths: list[str], *, children: bool) -> list[Grouped]:
    base = _cases(period, paths).annotate(
        c=F("area_id"),
        r=Coalesce("village_id", "area_id"),
        d_sex=_dim("child_sex"),
        d_age_group=_dim("child_age_group"),
        d_setting=_dim("setting"),
    )
    n = _children_n() if children else Count("id")
    totals = base.values("c", "r", "d_sex", "d_age_group").annotate(n=n).order_by()
    settings_ = base.values("c", "r", "d_setting").annotate(n=n).order_by()
    CaseForm = _model("cases.CaseForm")
    forms = (
        CaseForm.objects.filter(case__in=_cases(period, paths).values("pk"))
        .annotate(
            c=F("case__area_id"),
            r=Coalesce("case__village_id", "case__area_id"),
            d_abuse_form=F("form"),
        )
        .values("c", "r", "d_abuse_form")
        .annotate(
            n=(
                Count("case__child_id", distinct=True)
                + Count("case_id", filter=Q(case__child__isnull=True), distinct=True)
            )
            if children
            else Count("case_id", distinct=True)
        )
        .order_by()
    )
    return [
        Grouped(totals, ("sex", "age_group")),
        Grouped(settings_, ("setting",), only="setting"),
        Grouped(forms, ("abuse_form",), only="abuse_form"),
    ]


def abused_children(period: Period, paths: list[str]) -> list[Grouped]:
    return _case_groups(period, paths, children=True)


def abuse_cases(period: Period, paths: list[str]) -> list[Grouped]:
    return _case_groups(period, paths, children=False)


def _incidents(period: Period, paths: list[str], outcome: str) -> list[Grouped]:
    Incident = _model("cases.Incident")
    base = Incident.objects.filter(
        in_paths(paths, "area"),
        occurred_on__gte=period.start,
        occurred_on__lte=period.end,
        outcome=outcome,
    ).annotate(
        c=F("area_id"),
        r=Coalesce("village_id", "area_id"),
        d_sex=_dim("child_sex"),
        d_age_group=_dim("child_age_group"),
        d_injury_cause=F("kind"),
    )
    n = Count("child_id", distinct=True)
    totals = base.values("c", "r", "d_sex", "d_age_group").annotate(n=n).order_by()
    causes = base.values("c", "r", "d_injury_cause").annotate(n=n).order_by()
    return [
        Grouped(totals, ("sex", "age_group")),
        Grouped(causes, ("injury_cause",), only="injury_cause"),
    ]


def injured_children(period: Period, paths: list[str]) -> list[Grouped]:
    return _incidents(period, paths, "injured")


def injury_deaths(period: Period, paths: list[str]) -> list[Grouped]:
    return _incidents(period, paths, "died")


SEX_ZERO = {"sex": ["male", "female"], "age_group": [g for g, _a, _b in AGE_GROUPS]}

COMPUTATIONS: dict[str, Computation] = {
    c.name: c
    for c in [
        Computation("child_population", child_population, SEX_ZERO),
        Computation("special_circumstances", special_circumstances, SEX_ZERO),
        Computation("special_circumstances_supported", special_circumstances_supported, SEX_ZERO),
        Computation("at_risk", at_risk, SEX_ZERO),
        Computation("abused_children", abused_children, SEX_ZERO),
        Computation("abuse_cases", abuse_cases, {}),
        Computation("injured_children", injured_children, SEX_ZERO),
        Computation("injury_deaths", injury_deaths, SEX_ZERO),
        Computation(
            "id_number_problems", id_number_problems, {"id_problem": ["missing", "invalid"]}
        ),
    ]
}


def register(computation: Computation) -> None:
    COMPUTATIONS[computation.name] = computation


def available(name: str) -> bool:
    return name in COMPUTATIONS
