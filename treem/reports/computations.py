"""Named computations: the rows an indicator counts, as querysets the engine aggregates in SQL.

Each computation returns one or more *facts*: querysets annotated with `c` (the commune
the row is recorded under), `r` (its village, NULL when unknown) and one `d_<dimension>`
column per disaggregation, not yet reduced. `treem.reports.engine` wraps their SQL in one
`INSERT … SELECT … GROUP BY` per indicator (GROUPING SETS on PostgreSQL), so counting and
writing happen in the database; no row of the registry or of the cases passes through
Python.

A dimension whose values a child can hold several of at once (special-circumstance
group, form of abuse, cause) gets its own fact counting distinct children (`distinct`),
so the total is never a sum of overlapping groups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf

from treem.core.dates import years_before
from treem.reports.periods import Period
from treem.reports.scope import under_paths

UNKNOWN = "unknown"
AGE_GROUPS = [("0_3", 0, 3), ("3_6", 3, 6), ("6_11", 6, 11), ("11_16", 11, 16)]
ADULT_AGE = 16


@dataclass
class Fact:
    """Rows to count. Annotated columns: `c`, `r`, `d_<dim>` for each of `dims`.

    `r` is the row's residence or village as recorded (NULL, or the commune itself, when
    unknown).

    `only`: a dimension every key produced here must contain (a fact over a multi-valued
    dimension feeds only the keys of that dimension). `distinct`: an annotated column
    counted distinct (a child with two circumstances of a group counts once); None when
    each row is one unit, which lets the database pre-aggregate before the grouping sets.
    """

    qs: QuerySet[Any]
    dims: tuple[str, ...]
    only: str | None = None
    distinct: str | None = None
    # dimension -> (model label, field): d_<dim> holds that model's id; the engine maps it
    # to the field (NULL -> "unknown") after aggregating.
    lookups: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class Computation:
    name: str
    build: Callable[[Period, list[str]], list[Fact]]
    # Categories written as zero for every commune in scope (zero is a row, not missing).
    zero_fill: dict[str, list[str]] = field(default_factory=dict)


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
    return under_paths(paths, f"{field}__path")


def _model(label: str) -> Any:
    return apps.get_model(label)


def _children(period: Period, paths: list[str]) -> QuerySet[Any]:
    Child = _model("registry.Child")
    return Child.objects.filter(in_paths(paths, "commune"), counted_children_q(period))


def _child_fact(qs: QuerySet[Any], period: Period, extra: dict[str, Any] | None = None) -> Any:
    dims: dict[str, Any] = {"d_sex": sex_expr(), "d_age_group": age_group_expr(period.end)}
    dims.update(extra or {})
    return qs.annotate(c=F("commune_id"), r=F("area_id"), **dims)


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


def _by_group(period: Period, paths: list[str], kind: str, supported: bool) -> Fact:
    """Distinct children per circumstance group, from the circumstance rows."""
    qs = _circumstances(kind, period).filter(
        in_paths(paths, "child__commune"), counted_children_q(period, "child__")
    )
    if supported:
        Support = _model("registry.Support")
        qs = qs.filter(
            Exists(Support.objects.filter(_supported_q(period), child_id=OuterRef("child_id")))
        )
    qs = qs.annotate(
        c=F("child__commune_id"),
        r=F("child__area_id"),
        k=F("child_id"),
        d_circumstance_group=F("group"),
        d_sex=sex_expr("child__"),
        d_age_group=age_group_expr(period.end, "child__"),
    )
    return Fact(qs, ("circumstance_group", "sex", "age_group"), distinct="k")


# -- registry computations ---------------------------------------------------------------


def child_population(period: Period, paths: list[str]) -> list[Fact]:
    qs = _child_fact(_children(period, paths), period, {"d_ethnicity": F("ethnicity_id")})
    return [
        Fact(
            qs,
            ("sex", "age_group", "ethnicity"),
            lookups={"ethnicity": ("registry.Ethnicity", "code")},
        )
    ]


def _special(period: Period, paths: list[str], *, supported: bool) -> list[Fact]:
    # One fact over the circumstance rows: counting distinct children gives the total
    # (a child in two groups once), each group, sex and age group in a single scan.
    return [_by_group(period, paths, "special", supported)]


def special_circumstances(period: Period, paths: list[str]) -> list[Fact]:
    return _special(period, paths, supported=False)


def special_circumstances_supported(period: Period, paths: list[str]) -> list[Fact]:
    return _special(period, paths, supported=True)


def at_risk(period: Period, paths: list[str]) -> list[Fact]:
    circ = _circumstances("at_risk", period)
    qs = _child_fact(
        _children(period, paths).filter(Exists(circ.filter(child_id=OuterRef("pk")))), period
    )
    return [Fact(qs, ("sex", "age_group"))]


def id_number_problems(period: Period, paths: list[str]) -> list[Fact]:
    """Children with no ID number, or one failing the Thông tư 07/2016 checks."""
    missing = Q(id_number__isnull=True) | Q(id_number="")
    qs = _children(period, paths).filter(missing | Q(id_number_valid=False))
    problem = Case(
        When(missing, then=Value("missing")),
        default=Value("invalid"),
        output_field=CharField(),
    )
    return [
        Fact(_child_fact(qs, period, {"d_id_problem": problem}), ("sex", "age_group", "id_problem"))
    ]


# -- cases computations (treem.cases: Case, CaseForm, Incident) ---------------------------


def _dim(field: str) -> Coalesce:
    """A snapshot column ("" when unknown) as a dimension value."""
    return Coalesce(NullIf(F(field), Value("")), Value(UNKNOWN), output_field=CharField())


def _cases_q(period: Period, paths: list[str], prefix: str = "") -> Q:
    """Abuse reports received during the period (as the cases app's statistics count them)."""
    from treem.cases.clock import VN_TZ

    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=VN_TZ)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=VN_TZ)
    return in_paths(paths, f"{prefix}area") & Q(
        **{f"{prefix}received_at__gte": start, f"{prefix}received_at__lt": end}
    )


def _cases(period: Period, paths: list[str]) -> QuerySet[Any]:
    return _model("cases.Case").objects.filter(_cases_q(period, paths))


def _victim(case_prefix: str = "") -> Case:
    """Who a case counts as: its registry child, or the case itself while not yet linked."""
    p = case_prefix
    return Case(
        When(**{f"{p}child_id__isnull": True}, then=-F(f"{p}id" if p else "id")),
        default=F(f"{p}child_id"),
        output_field=IntegerField(),
    )


def _case_facts(period: Period, paths: list[str], *, children: bool) -> list[Fact]:
    base = _cases(period, paths).annotate(
        c=F("area_id"),
        r=F("village_id"),
        k=_victim() if children else F("id"),
        d_sex=_dim("child_sex"),
        d_age_group=_dim("child_age_group"),
        d_setting=_dim("setting"),
    )
    CaseForm = _model("cases.CaseForm")
    # The case's own conditions on the join (one scan of the cases), not `case__in`.
    forms = CaseForm.objects.filter(_cases_q(period, paths, "case__")).annotate(
        c=F("case__area_id"),
        r=F("case__village_id"),
        k=_victim("case__") if children else F("case_id"),
        d_abuse_form=F("form"),
    )
    # A child's cases can differ in setting: the total and the setting rows count distinct
    # victims; a case has one setting, and each form once (caseform_unique_case_form), so
    # for cases the rows are the units (counted without DISTINCT, which makes PostgreSQL
    # sort every row instead of hashing them).
    distinct = "k" if children else None
    return [
        Fact(base, ("sex", "age_group", "setting"), distinct=distinct),
        Fact(forms, ("abuse_form",), only="abuse_form", distinct=distinct),
    ]


def abused_children(period: Period, paths: list[str]) -> list[Fact]:
    return _case_facts(period, paths, children=True)


def abuse_cases(period: Period, paths: list[str]) -> list[Fact]:
    return _case_facts(period, paths, children=False)


def _incidents(period: Period, paths: list[str], outcome: str) -> list[Fact]:
    Incident = _model("cases.Incident")
    qs = Incident.objects.filter(
        in_paths(paths, "area"),
        occurred_on__gte=period.start,
        occurred_on__lte=period.end,
        outcome=outcome,
    ).annotate(
        c=F("area_id"),
        r=F("village_id"),
        k=F("child_id"),
        d_sex=_dim("child_sex"),
        d_age_group=_dim("child_age_group"),
        d_injury_cause=F("kind"),
    )
    return [Fact(qs, ("sex", "age_group", "injury_cause"), distinct="k")]


def injured_children(period: Period, paths: list[str]) -> list[Fact]:
    return _incidents(period, paths, "injured")


def injury_deaths(period: Period, paths: list[str]) -> list[Fact]:
    return _incidents(period, paths, "died")


# -- the shared children scan (PostgreSQL) ------------------------------------------------


@dataclass(frozen=True)
class ChildCount:
    """An indicator the engine can count in the one shared scan of the registry.

    The scan aggregates every counted child once, at the finest grain (commune, village,
    sex, age group, ethnicity, special-circumstance groups held), with one counter per
    indicator; each indicator's stored keys are then derived from that small aggregate.
    `counter`: the summed column (`n` every counted child, `ar` at risk, `sp` in special
    circumstances, `ss` special and supported, `ip` with an ID number problem).
    `groups`: also the circumstance_group keys (a child counts once per group it holds);
    `id_problem`: also the id_problem keys (missing / invalid, exclusive per child).
    """

    counter: str
    dims: tuple[str, ...]
    groups: bool = False
    id_problem: bool = False


# Each entry must count exactly what the computation of the same name counts (the tests
# compare both paths); a computation replaced through `register` is not shared.
SHARED_CHILDREN: dict[str, tuple[Callable[..., list[Fact]], ChildCount]] = {}


def child_scan(period: Period, paths: list[str]) -> QuerySet[Any]:
    """Every counted child once: c, r, k (the child), d_sex, d_age_group, d_ethnicity
    (the id) and the ID number problem as two 0/1 columns."""
    missing = Q(id_number__isnull=True) | Q(id_number="")
    Child = _model("registry.Child")
    Area = _model("core.Area")
    # The communes as a semi-join, not a join on a path LIKE: the planner then estimates
    # the children scanned as most of the table and hashes the small side.
    communes = Area.objects.filter(under_paths(paths, "path")).values("id")
    children = Child.objects.filter(commune_id__in=communes).filter(counted_children_q(period))
    return (
        _child_fact(
            children,
            period,
            {
                "k": F("pk"),
                "d_ethnicity": F("ethnicity_id"),
                "im": Case(When(missing, then=Value(1)), default=Value(0)),
                "iv": Case(
                    When(missing, then=Value(0)),
                    When(id_number_valid=False, then=Value(1)),
                    default=Value(0),
                ),
            },
        )
        .values("c", "r", "k", "d_sex", "d_age_group", "d_ethnicity", "im", "iv")
        .order_by()
    )


def special_group_values() -> list[str]:
    """Every special-circumstance group recorded (a superset of those in any period)."""
    ChildCircumstance = _model("registry.ChildCircumstance")
    return sorted(
        ChildCircumstance.objects.filter(kind="special")
        .order_by()
        .values_list("group", flat=True)
        .distinct()
    )


def child_flags(period: Period, groups: list[str]) -> QuerySet[Any]:
    """Per child with a circumstance in the period: ar, sp, ss (0/1) and `mask`, the bit
    OR of the special groups held (bit i for `groups[i]`). PostgreSQL (bit_or)."""
    from django.contrib.postgres.aggregates import BitOr

    ChildCircumstance = _model("registry.ChildCircumstance")
    Support = _model("registry.Support")
    special = Q(kind="special")
    # An uncorrelated IN (a hashed subplan): a correlated EXISTS inside the aggregate is
    # costed per row and makes the planner hash the million children instead of these.
    supported = Q(child_id__in=Support.objects.filter(_supported_q(period)).values("child_id"))
    bits = [When(special & Q(group=g), then=Value(1 << i)) for i, g in enumerate(groups)]
    return (
        ChildCircumstance.objects.filter(
            _overlaps(period, "start_date", "end_date"),
            removed_at__isnull=True,
            kind__in=["special", "at_risk"],
        )
        .values("child_id")
        .annotate(
            ar=Max(Case(When(kind="at_risk", then=Value(1)), default=Value(0))),
            sp=Max(Case(When(special, then=Value(1)), default=Value(0))),
            ss=Max(Case(When(special & supported, then=Value(1)), default=Value(0))),
            mask=BitOr(Case(*bits, default=Value(0), output_field=BigIntegerField())),
        )
        .order_by()
    )


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


SHARED_CHILDREN.update(
    {
        "child_population": (
            child_population,
            ChildCount("n", ("sex", "age_group", "ethnicity")),
        ),
        "special_circumstances": (
            special_circumstances,
            ChildCount("sp", ("sex", "age_group"), groups=True),
        ),
        "special_circumstances_supported": (
            special_circumstances_supported,
            ChildCount("ss", ("sex", "age_group"), groups=True),
        ),
        "at_risk": (at_risk, ChildCount("ar", ("sex", "age_group"))),
        "id_number_problems": (
            id_number_problems,
            ChildCount("ip", ("sex", "age_group"), id_problem=True),
        ),
    }
)


def shared_child_count(name: str) -> ChildCount | None:
    """The shared-scan spec of a computation, unless it was replaced through `register`."""
    entry = SHARED_CHILDREN.get(name)
    comp = COMPUTATIONS.get(name)
    if entry is None or comp is None or comp.build is not entry[0]:
        return None
    return entry[1]
