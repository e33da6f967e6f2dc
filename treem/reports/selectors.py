"""Reads for indicators, values (rolled up at read time), reports and completeness.

Every read takes the acting user and goes through `treem.core.access`: an area or a
report outside the user's scope is a 404, exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.core.access import Cap, has_capability, scoped, user_agency_ids
from treem.core.models import Agency, Area, AreaLevel
from treem.core.selectors import area_by_key
from treem.plans.models import PlanTarget, TaskProgress
from treem.plans.selectors import area_plan
from treem.reports.formatting import target_text
from treem.reports.models import (
    LOCKING,
    ComputationRun,
    DataValue,
    Dimension,
    FormulaKind,
    Indicator,
    IndicatorUnit,
    Report,
    ReportStatus,
    UnitReport,
    UnitReportStatus,
)
from treem.reports.periods import Period, due_date, due_dates, parse_period, recent_periods
from treem.reports.scope import data_paths, under_paths

VIEW_CAPS = (Cap.REPORTS_VIEW, Cap.REPORTS_UNIT)


def can_view(user: Any, area: Area) -> bool:
    return any(has_capability(user, c, area) for c in VIEW_CAPS)


def area_for_reports(*, user: Any, key: str) -> Area:
    area = area_by_key(key)
    if not can_view(user, area):
        raise Http404
    return area


def indicators(*, active_only: bool = True) -> QuerySet[Indicator]:
    qs = Indicator.objects.select_related("numerator", "denominator")
    return qs.filter(is_active=True) if active_only else qs


def reported_indicators(area: Area, period: str) -> list[Indicator]:
    """The indicators of `area`'s table for `period`: those in use that report in such a
    period, and any other that has a value there (one no longer used, or moved to other
    periods since: a report keeps what it reported). The second query runs only when
    some indicator is out of use or reports in other periods, and reads the values' key
    by indicator."""
    inds = list(indicators(active_only=False))
    others = [i.pk for i in inds if not (i.is_active and i.applies_to(period))]
    kept: set[int] = set()
    if others:
        kept = set(
            DataValue.objects.filter(
                under_paths(data_paths(area)), indicator_id__in=others, period=period
            )
            .values_list("indicator_id", flat=True)
            .distinct()
        )
    return [i for i in inds if (i.is_active and i.applies_to(period)) or i.pk in kept]


@dataclass
class ManualBox:
    """One box of the manual values page: an indicator's total or one category."""

    key: str  # the disaggregation key, "" for the total
    label: str  # "Tổng số", "Nữ"
    stored: Decimal | None  # the value stored now, None when missing
    dimension: str = ""  # the disaggregation's name, "" for the total
    previous: Decimal | None = None  # the same period last year's, to compare with


def manual_boxes(*, user: Any, area: Area, period: str) -> list[tuple[Indicator, list[ManualBox]]]:
    """The manual indicators a commune reports for `period`, each with a box for its
    total and one per category of each of its disaggregations, and the values stored
    (one query for the values)."""
    from treem.reports.labels import dimension_values

    if not can_view(user, area):
        raise Http404

    inds = [i for i in indicators().filter(formula=FormulaKind.MANUAL) if i.applies_to(period)]
    last_year = parse_period(period).same_period_last_year.code
    stored: dict[tuple[str, int, str], Decimal] = {
        (v.period, v.indicator_id, v.disaggregation): v.value
        for v in DataValue.objects.filter(
            indicator__in=inds,
            period__in=[period, last_year],
            area_level=area.level,
            area_path=area.path,
        )
    }
    names = dict(Dimension.choices)
    result = []
    for ind in inds:
        cells = [("", str(_("Tổng số")), "")]
        for dim in ind.disaggregations:
            cells += [(f"{dim}={v}", label, str(names[dim])) for v, label in dimension_values(dim)]
        boxes = [
            ManualBox(
                key,
                label,
                stored.get((period, ind.pk, key)),
                dimension,
                stored.get((last_year, ind.pk, key)),
            )
            for key, label, dimension in cells
        ]
        result.append((ind, boxes))
    return result


def _value_level(area: Area) -> int:
    """Villages read their own rows; communes and provinces sum the commune rows."""
    return AreaLevel.VILLAGE if area.level == AreaLevel.VILLAGE else AreaLevel.COMMUNE


@dataclass
class Cell:
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def _quantize(v: Decimal, unit: str) -> Decimal:
    if unit == IndicatorUnit.PERCENT:
        return v.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return v.quantize(Decimal(1)) if v == v.to_integral_value() else v.normalize()


def rolled_up(
    area: Area, periods: list[str], inds: list[Indicator], keys: list[str] | None = None
) -> dict[tuple[str, str, str], Cell]:
    """(slug, period, key) -> Cell for `area`: a GROUP BY over area paths, one query.

    Ratios are recomputed from the summed numerator and denominator, never averaged; a
    manual percentage has no value above its commune (None).
    """
    needed: dict[int, Indicator] = {}
    for ind in inds:
        needed[ind.pk] = ind
        if ind.formula == FormulaKind.RATIO and ind.numerator and ind.denominator:
            needed[ind.numerator.pk] = ind.numerator
            needed[ind.denominator.pk] = ind.denominator
    qs = DataValue.objects.filter(
        under_paths(data_paths(area)),
        indicator_id__in=list(needed),
        period__in=periods,
        area_level=_value_level(area),
    )
    if keys is not None:
        qs = qs.filter(disaggregation__in=keys)
    sums: dict[tuple[int, str, str], tuple[Decimal, int]] = {}
    for row in (
        qs.values("indicator_id", "period", "disaggregation")
        .annotate(v=Sum("value"), n=Count("id"))
        .order_by()
    ):
        sums[(row["indicator_id"], row["period"], row["disaggregation"])] = (row["v"], row["n"])
    result: dict[tuple[str, str, str], Cell] = {}
    for ind in inds:
        if ind.formula == FormulaKind.RATIO and ind.numerator and ind.denominator:
            den_keys = {(p, k) for (i, p, k) in sums if i == ind.denominator.pk}
            for p, k in den_keys:
                den = sums[(ind.denominator.pk, p, k)][0]
                num = sums.get((ind.numerator.pk, p, k), (None, 0))[0]
                value = None
                if den and num is not None:
                    value = _quantize(num * ind.factor / den, ind.unit)
                result[(ind.slug, p, k)] = Cell(value, num, den)
            continue
        for (i, p, k), (v, n) in sums.items():
            if i != ind.pk:
                continue
            if ind.unit == IndicatorUnit.PERCENT and (n > 1 or area.level < AreaLevel.COMMUNE):
                # a commune's percentage is not its province's, even the one commune's
                # that reported: only a ratio of two counts rolls up
                result[(ind.slug, p, k)] = Cell(None)
            else:
                result[(ind.slug, p, k)] = Cell(_quantize(v, ind.unit))
    return result


@dataclass
class TableRow:
    indicator: Indicator
    value: Cell | None
    previous: Cell | None
    target: Any = None
    breakdown: list[tuple[str, str, Cell]] = field(default_factory=list)

    @property
    def target_text(self) -> str:
        return target_text(self.target)


def dimension_label(key: str) -> str:
    """A Vietnamese label for a disaggregation key ("sex=female;age_group=0_3")."""
    from treem.reports.labels import key_label

    return key_label(key)


def indicator_table(*, user: Any, area: Area, period: str, with_breakdown: bool = True) -> list:
    """The report's indicator table: value, same period last year, plan target, breakdown."""
    if not can_view(user, area):
        raise Http404
    p = parse_period(period)
    prev = p.same_period_last_year.code
    inds = reported_indicators(area, p.code)
    cells = rolled_up(area, [p.code, prev], inds)
    targets = plan_targets(area=area, year=p.year)
    rows = []
    for ind in inds:
        breakdown = []
        if with_breakdown:
            breakdown = sorted(
                (
                    (k, dimension_label(k), c)
                    for (s, per, k), c in cells.items()
                    if s == ind.slug and per == p.code and k and ";" not in k
                ),
                key=lambda t: t[0],
            )
        rows.append(
            TableRow(
                indicator=ind,
                value=cells.get((ind.slug, p.code, "")),
                previous=cells.get((ind.slug, prev, "")),
                target=targets.get(ind.slug),
                breakdown=breakdown,
            )
        )
    return rows


def plan_targets(*, area: Area, year: int) -> dict[str, Any]:
    """Plan targets linked to indicators (PlanTarget.indicator_slug) in the plan the area
    works to that year (not an archived one, nor a draft beside the issued plan)."""
    result: dict[str, Any] = {}
    plan = area_plan(area, year)
    if plan is None:
        return result
    qs = PlanTarget.objects.filter(plan=plan).exclude(indicator_slug="").order_by("position")
    for t in qs:
        result.setdefault(t.indicator_slug, t)
    return result


def drilldown(*, user: Any, area: Area, period: str, indicator: Indicator) -> list[tuple]:
    """(sub-area, Cell) for the level below: communes of a province, villages of a commune.

    Rows recorded under a pre-2025 commune are shown under its successor.
    """
    if not can_view(user, area):
        raise Http404
    p = parse_period(period)
    if area.level == AreaLevel.VILLAGE:
        return []
    child_level = AreaLevel.VILLAGE if area.level == AreaLevel.COMMUNE else AreaLevel.COMMUNE
    targets = list(
        Area.objects.filter(path__startswith=area.path, level=child_level, valid_to__isnull=True)
        .prefetch_related("predecessors")
        .order_by("name")
    )
    terms = [indicator]
    if indicator.formula == FormulaKind.RATIO and indicator.numerator and indicator.denominator:
        terms = [indicator.numerator, indicator.denominator]
    rows = (
        DataValue.objects.filter(
            under_paths(data_paths(area)),
            indicator__in=terms,
            period=p.code,
            area_level=child_level,
            disaggregation="",
        )
        .values("area_id", "indicator_id")
        .annotate(v=Sum("value"))
        .order_by()
    )
    owner: dict[int, int] = {}
    for t in targets:
        owner[t.pk] = t.pk
        for pred in t.predecessors.all():
            if pred.level == child_level:
                owner.setdefault(pred.pk, t.pk)
    acc: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    seen: set[tuple[int, int]] = set()
    for r in rows:
        target_id = owner.get(r["area_id"])
        if target_id is not None:
            acc[(target_id, r["indicator_id"])] += r["v"]
            seen.add((target_id, r["indicator_id"]))
    result = []
    for t in targets:
        if len(terms) == 2:
            num = acc.get((t.pk, terms[0].pk)) if (t.pk, terms[0].pk) in seen else None
            den = acc.get((t.pk, terms[1].pk)) if (t.pk, terms[1].pk) in seen else None
            value = (
                _quantize(num * indicator.factor / den, indicator.unit)
                if num is not None and den
                else None
            )
            result.append((t, Cell(value, num, den)))
        else:
            v = acc[(t.pk, indicator.pk)] if (t.pk, indicator.pk) in seen else None
            result.append((t, Cell(_quantize(v, indicator.unit) if v is not None else None)))
    return result


def trend(*, user: Any, area: Area, slugs: list[str], periods: list[str]) -> dict[str, list]:
    """Totals of a few indicators across periods (chart data), one query."""
    if not can_view(user, area):
        raise Http404
    inds = [i for i in indicators() if i.slug in slugs]
    cells = rolled_up(area, periods, inds, keys=[""])
    return {
        ind.slug: [
            float(c.value) if (c := cells.get((ind.slug, p, ""))) and c.value is not None else None
            for p in periods
        ]
        for ind in inds
    }


def values_query(
    *, user: Any, indicator: Indicator, period: str, area: Area, by: list[str]
) -> dict[str, Cell]:
    """API: the indicator's values for an area subtree, total or by dimension(s)."""
    if not can_view(user, area):
        raise Http404
    p = parse_period(period)
    cells = rolled_up(area, [p.code], [indicator])
    wanted = sorted(by)
    result = {}
    for (_s, _p, key), cell in cells.items():
        dims = sorted(part.split("=", 1)[0] for part in key.split(";")) if key else []
        if dims == wanted:
            result[key] = cell
    return result


# -- reports -----------------------------------------------------------------------------


def report_list(*, user: Any, period: str | None = None) -> QuerySet[Report]:
    qs = scoped(
        Report.objects.select_related("area", "submitted_by", "decided_by"),
        user,
        Cap.REPORTS_VIEW,
    )
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("-period", "area__name")


def report_get(*, user: Any, pk: int) -> Report:
    try:
        return report_list(user=user).get(pk=pk)
    except (Report.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def report_for(*, user: Any, area: Area, period: str) -> Report | None:
    if not can_view(user, area):
        raise Http404
    return Report.objects.filter(area=area, period=period).select_related("area").first()


def unit_reports(*, user: Any, area: Area, period: str) -> list[tuple[Agency, UnitReport | None]]:
    """Every active unit of the commune with its part for the period (None: not started)."""
    if not can_view(user, area):
        raise Http404
    agencies = list(Agency.objects.filter(area=area, is_active=True).order_by("kind", "name"))
    parts = {
        u.agency_id: u
        for u in UnitReport.objects.filter(area=area, period=period).select_related("submitted_by")
    }
    return [(a, parts.get(a.pk)) for a in agencies]


def own_unit(*, user: Any, area: Area) -> Agency | None:
    """The unit whose part of the report the user writes, when that is all the user does
    with the area's reports (a unit focal point: REPORTS_UNIT without REPORTS_VIEW)."""
    if has_capability(user, Cap.REPORTS_VIEW, area) or not has_capability(
        user, Cap.REPORTS_UNIT, area
    ):
        return None
    ids = user_agency_ids(user)
    return Agency.objects.filter(pk__in=ids, area=area, is_active=True).order_by("name").first()


def task_progress(*, user: Any, area: Area, period: str) -> list[Any]:
    """Units' progress on plan tasks recorded during the period (latest per task and unit)."""
    if not can_view(user, area):
        raise Http404
    p = parse_period(period)
    entries = (
        TaskProgress.objects.filter(area=area, date__gte=p.start, date__lte=p.end)
        .select_related("task", "agency", "area")
        .order_by("task__position", "task_id", "agency_id", "-date", "-id")
    )
    latest: dict[tuple[int, int | None], Any] = {}
    for e in entries:
        latest.setdefault((e.task_id, e.agency_id), e)
    return list(latest.values())


@dataclass
class CompletenessRow:
    area: Area
    report: Report | None
    units_total: int
    units_submitted: int
    deadline: Deadline  # the report's due date (the commune's plan's before it exists)

    @property
    def status(self) -> str:
        return self.report.status if self.report else ReportStatus.NOT_STARTED

    @property
    def submitted(self) -> bool:
        return self.status in SENT


@dataclass
class Completeness:
    period: Period
    rows: list[CompletenessRow]

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def submitted(self) -> int:
        return sum(1 for r in self.rows if r.submitted)

    @property
    def on_time(self) -> int:
        return sum(1 for r in self.rows if r.submitted and r.report and r.report.on_time)

    @property
    def overdue(self) -> int:
        """Communes past their due date without having sent."""
        return sum(1 for r in self.rows if r.deadline.overdue)

    @property
    def rate(self) -> int:
        return round(100 * self.submitted / self.expected) if self.expected else 0

    @property
    def on_time_rate(self) -> int:
        return round(100 * self.on_time / self.expected) if self.expected else 0


def completeness(*, user: Any, area: Area, period: str) -> Completeness:
    """Which communes under `area` have submitted for the period, on time or late."""
    if not can_view(user, area):
        raise Http404
    p = parse_period(period)
    # Expected: the current communes already using TreEm (someone holds a role there) or
    # that opened a report; a province rolls TreEm out commune by commune.
    communes = list(
        Area.objects.filter(
            Q(memberships__is_active=True) | Q(pk__in=Report.objects.values("area_id")),
            path__startswith=area.path,
            level=AreaLevel.COMMUNE,
            valid_to__isnull=True,
        )
        .distinct()
        .order_by("name")
    )
    ids = [c.pk for c in communes]
    reports = {
        r.area_id: r
        for r in Report.objects.filter(area_id__in=ids, period=p.code).select_related(
            "submitted_by"
        )
    }
    units = dict(
        Agency.objects.filter(area_id__in=ids, is_active=True)
        .values("area_id")
        .annotate(n=Count("id"))
        .values_list("area_id", "n")
    )
    sent = dict(
        UnitReport.objects.filter(area_id__in=ids, period=p.code, status=UnitReportStatus.SUBMITTED)
        .values("area_id")
        .annotate(n=Count("id"))
        .values_list("area_id", "n")
    )
    planned = due_dates([c for c in communes if c.pk not in reports], p)
    watched = any(w.code == p.code for w in watched_periods())
    rows = [
        CompletenessRow(
            c,
            reports.get(c.pk),
            units.get(c.pk, 0),
            sent.get(c.pk, 0),
            deadline(c, p, reports.get(c.pk), watched=watched, planned=planned.get(c.pk)),
        )
        for c in communes
    ]
    return Completeness(p, rows)


def latest_run(*, user: Any, area: Area, period: str) -> ComputationRun | None:
    if not can_view(user, area):
        raise Http404
    return ComputationRun.objects.filter(area=area, period=period).order_by("-pk").first()


def run_get(*, user: Any, pk: int) -> ComputationRun:
    run = ComputationRun.objects.select_related("area").filter(pk=pk).first()
    if run is None or not can_view(user, run.area):
        raise Http404
    return run


def commune_report_sent(area: Area, period: str) -> Report | None:
    """The commune's report for the period once it has gone up to the province (sent or
    approved): its values and the units' parts are then fixed (see `LOCKING`)."""
    return Report.objects.filter(area=area, period=period, status__in=SENT).first()


def today() -> Any:
    return timezone.localdate()


@dataclass(frozen=True)
class Deadline:
    """When a report is due and, while it is not sent, how many days late it is."""

    due: Any  # datetime.date
    overdue_days: int = 0  # 0: not due yet, or sent

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


SENT = LOCKING  # a report sent (or approved): its values and the units' parts are fixed


def deadline(
    area: Area,
    period: Period,
    report: Report | UnitReport | None = None,
    *,
    level: str = "commune",
    watched: bool | None = None,
    planned: dt.date | None = None,
) -> Deadline:
    """The due date of `area`'s report (or a unit's part, level "unit") for `period`: the
    report's own once it exists, else the plan's or the default (`planned`, when the
    caller read it already). Overdue days count only for a watched period (by default the
    two the dashboard follows) and a report not yet sent; older periods are history, not
    overdue work."""
    if watched is None:
        watched = any(w.code == period.code for w in watched_periods())
    if report is not None:
        due = report.due_date
    else:
        due = planned if planned is not None else due_date(area, period, level=level)
    sent = report is not None and report.status in (*SENT, UnitReportStatus.SUBMITTED)
    late = (today() - due).days if watched and not sent else 0
    return Deadline(due, max(late, 0))


def watched_periods() -> list[Period]:
    """The periods the dashboard follows: the latest open one and the one before it."""
    return recent_periods(today(), 2)


def default_period() -> Period:
    """The period a reports page opens on: the latest open one (the annual report from
    November on), which the dashboard also follows first."""
    return watched_periods()[0]
