"""Reads for plans, always through the user's scope (outside scope is 404)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from treem.core.access import (
    Cap,
    get_scoped_or_404,
    grants,
    has_capability,
    scope_q,
    scoped,
    user_agency_ids,
)
from treem.core.models import Area, AreaLevel
from treem.plans.models import (
    Plan,
    PlanReportDeadline,
    PlanStatus,
    PlanTarget,
    PlanTask,
    PlanTaskCoordinatingUnit,
    PlanTaskLeadUnit,
    ReportLevel,
    ReportPeriod,
    TargetMeasurement,
    TaskEvidence,
    TaskProgress,
    TaskStatus,
)


def plan_list(
    *, user: Any, area: Area | None = None, year: int | None = None, archived: bool = False
) -> QuerySet[Plan]:
    qs = scoped(Plan.objects.select_related("area"), user, Cap.PLANS_VIEW).filter(
        is_archived=archived
    )
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    if year:
        qs = qs.filter(year=year)
    leaf = Q(tasks__children__isnull=True)  # headings are not counted (see plan_dashboard)
    return qs.annotate(
        task_count=Count("tasks", filter=leaf, distinct=True),
        done_count=Count("tasks", filter=leaf & Q(tasks__status=TaskStatus.DONE), distinct=True),
    ).order_by("-year", "-id")


def readable_q(user: Any, field: str = "area") -> Q:
    """Plans a user may read: their scope, plus the plans of the levels above it.

    A commune implements the province's (or, before 2025, the district's) plan, so
    its people read that plan; they never edit it (editing checks PLANS_EDIT).
    """
    above: set[str] = set()
    for g in grants(user):
        if g.allows(Cap.PLANS_VIEW):
            for path in g.paths:
                above.update(k for k in path.strip("/").split("/")[:-1] if k)
    q = scope_q(user, Cap.PLANS_VIEW, field)
    return q | Q(**{f"{field}__key__in": sorted(above)}) if above else q


def plan_get(*, user: Any, pk: int, capability: str = Cap.PLANS_VIEW) -> Plan:
    qs = Plan.objects.select_related("area", "parent_plan", "parent_plan__area")
    if capability != Cap.PLANS_VIEW:
        return get_scoped_or_404(qs, user, capability, pk=pk)
    plan = qs.filter(readable_q(user)).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def plan_tasks(plan: Plan) -> QuerySet[PlanTask]:
    return plan.tasks.prefetch_related(
        Prefetch("lead_links", PlanTaskLeadUnit.objects.select_related("agency")),
        Prefetch("coord_links", PlanTaskCoordinatingUnit.objects.select_related("agency")),
    ).order_by("position")


@dataclass(frozen=True)
class TaskState:
    """A task's progress as the plan page shows it: a leaf's own; a heading's from its
    sub-items (all done: done; any started: in progress), unless marked done itself."""

    status: str
    overdue: bool
    done: int = 0  # sub-items done, of `leaves` (0 and 0 for a leaf)
    leaves: int = 0


def task_states(tasks: list[PlanTask], today: dt.date) -> dict[int, TaskState]:
    """TaskState of every task of one plan (the tasks of `plan_tasks`, in one list)."""
    children: dict[int, list[PlanTask]] = {}
    for t in tasks:
        if t.parent_id is not None:
            children.setdefault(t.parent_id, []).append(t)

    def leaves_of(task: PlanTask) -> list[PlanTask]:
        kids = children.get(task.pk)
        if not kids:
            return [task]
        return [leaf for k in kids for leaf in leaves_of(k)]

    def late(t: PlanTask) -> bool:
        return bool(t.end_date and t.end_date < today and t.status != TaskStatus.DONE)

    states: dict[int, TaskState] = {}
    for t in tasks:
        if t.pk not in children:
            states[t.pk] = TaskState(t.status, late(t))
            continue
        leaves = leaves_of(t)
        done = sum(1 for leaf in leaves if leaf.status == TaskStatus.DONE)
        if t.status == TaskStatus.DONE or done == len(leaves):
            status = TaskStatus.DONE
        elif done or any(leaf.status == TaskStatus.IN_PROGRESS for leaf in leaves):
            status = TaskStatus.IN_PROGRESS
        else:
            status = TaskStatus.NOT_STARTED
        overdue = status != TaskStatus.DONE and (late(t) or any(late(x) for x in leaves))
        states[t.pk] = TaskState(status, overdue, done, len(leaves))
    return states


def task_get(*, user: Any, plan: Plan, pk: int) -> PlanTask:
    """A task of a plan the user can read (the plan was fetched with `plan_get`)."""
    task = PlanTask.objects.select_related("plan", "plan__area", "parent").filter(
        readable_q(user, "plan__area"), pk=pk, plan=plan
    )
    found = task.first()
    if found is None:
        raise Http404
    return found


def task_get_any(*, user: Any, pk: int) -> PlanTask:
    task = (
        PlanTask.objects.select_related("plan", "plan__area")
        .filter(readable_q(user, "plan__area"), pk=pk, plan__is_archived=False)
        .first()
    )
    if task is None:
        raise Http404
    return task


def task_progress_history(task: PlanTask) -> QuerySet[TaskProgress]:
    return (
        task.progress_entries.select_related("recorded_by", "agency")
        .prefetch_related("evidence")
        .order_by("-date", "-id")
    )


def evidence_get(*, user: Any, pk: int) -> TaskEvidence:
    return get_scoped_or_404(
        TaskEvidence.objects.select_related("progress"),
        user,
        Cap.PLANS_VIEW,
        field="progress__area",
        pk=pk,
    )


def my_tasks(*, user: Any, area: Area | None = None) -> QuerySet[PlanTask]:
    """Tasks the user reports on: those their unit leads or joins; for officers, every task."""
    qs = scoped(
        PlanTask.objects.select_related("plan", "plan__area"),
        user,
        Cap.PLANS_PROGRESS,
        field="plan__area",
    ).filter(plan__is_archived=False)
    if area is not None:
        qs = qs.filter(plan__area__path__startswith=area.path)
    agencies = user_agency_ids(user)
    officer = area is not None and has_capability(user, Cap.PLANS_EDIT, area)
    if agencies and not officer:
        qs = qs.filter(
            Exists(PlanTaskLeadUnit.objects.filter(task=OuterRef("pk"), agency_id__in=agencies))
            | Exists(
                PlanTaskCoordinatingUnit.objects.filter(task=OuterRef("pk"), agency_id__in=agencies)
            )
        )
    elif not officer:
        return qs.none()
    return qs.prefetch_related(
        Prefetch("lead_links", PlanTaskLeadUnit.objects.select_related("agency")),
    ).order_by("-plan__year", "plan_id", "position")


def unit_task_totals(*, user: Any, area: Area, plan: Plan, today: dt.date) -> dict[str, int]:
    """`_task_totals` of the plan's tasks the user's unit leads or joins (the tasks they
    report on, as `my_tasks`)."""
    return _task_totals(my_tasks(user=user, area=area).filter(plan=plan), today)


def _task_totals(tasks: QuerySet[PlanTask], today: dt.date) -> dict[str, int]:
    """{total, done, in_progress, not_started, overdue} of the tasks, counting the
    sub-items of a task that has them, not their heading (the same test as plan_list's)."""
    return tasks.filter(children__isnull=True).aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=TaskStatus.DONE)),
        in_progress=Count("id", filter=Q(status=TaskStatus.IN_PROGRESS)),
        not_started=Count("id", filter=Q(status=TaskStatus.NOT_STARTED)),
        overdue=Count("id", filter=Q(end_date__lt=today) & ~Q(status=TaskStatus.DONE)),
    )


# Of an area's plans for a year (not archived), the one it works to: the issued one (the
# latest issued, if several), else the latest draft.
CURRENT_FIRST = ("-status", "-issued_date", "-id")


def _year_plans(area: Area, year: int) -> QuerySet[Plan]:
    return Plan.objects.filter(area=area, year=year, is_archived=False)


def current_plan(*, user: Any, area: Area, year: int | None = None) -> Plan | None:
    """The plan the commune is working to this year: the issued one, else the latest draft."""
    year = year or timezone.localdate().year
    qs = scoped(_year_plans(area, year), user, Cap.PLANS_VIEW)
    return qs.order_by(*CURRENT_FIRST).first()


def area_plan(area: Area, year: int) -> Plan | None:
    """`current_plan` of the area, not scoped by user: for what a plan sets that is not
    personal data (its reporting deadlines, its targets in a report the user reads)."""
    return _year_plans(area, year).order_by(*CURRENT_FIRST).first()


def issuing_predecessors(*, user: Any, area: Area) -> list[Area]:
    """Pre-2025 units the area succeeds (communes, districts) where the user may add plans."""
    found: list[Area] = []
    frontier = [area]
    seen = {area.pk}
    while frontier:
        nxt = []
        for a in frontier:
            for p in a.predecessors.all():
                if p.pk not in seen:
                    seen.add(p.pk)
                    nxt.append(p)
                    if has_capability(user, Cap.PLANS_EDIT, p):
                        found.append(p)
        frontier = nxt
    return sorted(found, key=lambda a: (a.level, a.name))


def parent_plan_candidates(*, user: Any, area: Area) -> QuerySet[Plan]:
    """Plans of the levels above the area (and of their pre-2025 predecessors' districts).

    Plans are public administrative documents: a commune reads the plans it implements.
    """
    keys: set[str] = set()
    for a in [area, *area.predecessors.all()]:
        keys.update(a.ancestor_keys()[:-1])
    return (
        Plan.objects.filter(area__key__in=keys, is_archived=False)
        .select_related("area")
        .order_by("-year", "-id")
    )


# ------------------------------------------------------------------ dashboard


@dataclass
class UnitProgress:
    agency_id: int
    name: str
    done: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.done + self.in_progress + self.not_started


@dataclass
class TargetRow:
    target: PlanTarget
    measurements: list[TargetMeasurement]

    @property
    def latest(self) -> TargetMeasurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def met(self) -> bool | None:
        latest = self.latest
        if latest is None or self.target.value is None:
            return None
        if lower_is_better(self.target.text, self.target.value):
            return latest.value <= self.target.value
        return latest.value >= self.target.value


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_DOWNWARD = re.compile(r"\b(?:giảm|dưới|không quá|không vượt|tối đa|xuống|còn)\b")


def lower_is_better(text: str, value: Decimal) -> bool:
    """Whether a target is met at or below its value: when the words just before its
    number bound it from above ("xuống dưới 11%", "không quá 5%", "còn 10%", "giảm
    20%"), not for such words elsewhere in the sentence ("98% trẻ em dưới 1 tuổi", "100%
    trẻ em … được chăm sóc dưới các hình thức"). A value not written in the text: a
    target that reduces ("giảm") is met below it."""
    start = 0
    for found in _NUMBER.finditer(text):
        if Decimal(found.group().replace(",", ".")) == value:
            return bool(_DOWNWARD.search(text[start : found.start()].lower()))
        start = found.end()
    return "giảm" in text.lower()


@dataclass
class PlanDashboard:
    totals: dict[str, int]
    units: list[UnitProgress]
    targets: list[TargetRow]
    deadlines: list[PlanReportDeadline]
    overdue_tasks: list[PlanTask] = field(default_factory=list)
    all_deadlines: list[PlanReportDeadline] = field(default_factory=list)


def plan_dashboard(plan: Plan, today: dt.date | None = None) -> PlanDashboard:
    """Tasks done / in progress / overdue by lead unit, targets vs measured, next deadlines.

    A fixed number of queries: GROUP BY over the task-unit links, not a loop over tasks.
    """
    today = today or timezone.localdate()
    overdue_q = Q(task__end_date__lt=today) & ~Q(task__status=TaskStatus.DONE)
    rows = (
        PlanTaskLeadUnit.objects.filter(task__plan=plan)
        .values("agency_id", "agency__name")
        .annotate(
            done=Count("task", filter=Q(task__status=TaskStatus.DONE), distinct=True),
            in_progress=Count("task", filter=Q(task__status=TaskStatus.IN_PROGRESS), distinct=True),
            not_started=Count("task", filter=Q(task__status=TaskStatus.NOT_STARTED), distinct=True),
            overdue=Count("task", filter=overdue_q, distinct=True),
        )
        .order_by("agency__name")
    )
    units = [
        UnitProgress(
            agency_id=r["agency_id"],
            name=r["agency__name"],
            done=r["done"],
            in_progress=r["in_progress"],
            not_started=r["not_started"],
            overdue=r["overdue"],
        )
        for r in rows
    ]
    task_overdue = Q(end_date__lt=today) & ~Q(status=TaskStatus.DONE)
    # a task with sub-items is their heading: the sub-items are what gets done and counted
    leaves = plan.tasks.filter(children__isnull=True)  # the same test as plan_list's
    totals = _task_totals(plan.tasks.all(), today)
    targets = [
        TargetRow(t, sorted(t.measurements.all(), key=lambda m: (m.year, m.measured_on)))
        for t in plan.targets.prefetch_related("measurements").order_by("position")
    ]
    all_deadlines = list(plan.report_deadlines.order_by("due_date"))
    deadlines = [d for d in all_deadlines if d.due_date >= today][:4]
    overdue_tasks = list(leaves.filter(task_overdue).order_by("end_date", "position")[:10])
    return PlanDashboard(
        totals=totals,
        units=units,
        targets=targets,
        deadlines=deadlines,
        overdue_tasks=overdue_tasks,
        all_deadlines=all_deadlines,
    )


# ------------------------------------------------------------------ report deadlines


@dataclass(frozen=True)
class ReportDeadline:
    """When a period's reports are due at one area: from its units, and to the level above."""

    period: str  # "6_months" or "annual"
    units_due: dt.date  # the area's units report to the area
    area_due: dt.date  # the area reports to the level above
    recipient: str  # who receives the area's report
    source: str  # "plan" (the area's own plan), "parent_plan", or "default"
    plan_id: int | None = None


# (month, day) of the defaults: units before 10/5 and 10/11, the area five days later.
DEFAULT_DEADLINES: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    ReportPeriod.SIX_MONTHS: ((5, 10), (5, 15)),
    ReportPeriod.ANNUAL: ((11, 10), (11, 15)),
}


def report_deadlines_for(area: Area, year: int) -> dict[str, ReportDeadline]:
    """The 6-month and annual due dates at `area` for `year`, keyed by period slug.

    Taken from the area's own plan for that year (issued first, else the latest
    draft): its units' deadline ("các đơn vị báo cáo về UBND xã trước ngày ...") and
    the area's own deadline to the level above. Missing dates fall back, in order:

    1. the plan of the level above for that year (its units' deadline is the date
       this area reports by; this area's units then report five days earlier);
    2. the defaults of current practice: units before 10 May and 10 November,
       the area five days later (15 May and 15 November), recipient "cấp trên".

    Not scoped by user: deadlines are not personal data, and the reports app
    calls this for any area it computes periods for.
    """
    return report_deadlines_for_areas([area], year)[area.pk]


def report_deadlines_for_areas(
    areas: list[Area], year: int
) -> dict[int, dict[str, ReportDeadline]]:
    """`report_deadlines_for` of several areas (by id), in two queries however many:
    the plans of the areas and of their parents, and those plans' deadlines."""
    parents = {a.pk: a.parent_id if a.level > AreaLevel.PROVINCE else None for a in areas}
    wanted = {a.pk for a in areas} | {p for p in parents.values() if p is not None}
    plans: dict[int, Plan] = {}
    for plan in (
        Plan.objects.filter(area_id__in=wanted, year=year, is_archived=False)
        .prefetch_related("report_deadlines")
        .order_by(*CURRENT_FIRST)
    ):
        plans.setdefault(plan.area_id, plan)  # the first in that order: issued, latest
    result = {}
    for a in areas:
        parent_id = parents[a.pk]
        parent = plans.get(parent_id) if parent_id is not None else None
        result[a.pk] = _deadlines(plans.get(a.pk), parent, year)
    return result


def _deadlines(own: Plan | None, parent: Plan | None, year: int) -> dict[str, ReportDeadline]:
    """The due dates at an area from its plan and its parent's (see report_deadlines_for)."""
    result: dict[str, ReportDeadline] = {}
    for period, ((um, ud), (am, ad)) in DEFAULT_DEADLINES.items():
        units_due = dt.date(year, um, ud)
        area_due = dt.date(year, am, ad)
        recipient = "cấp trên"
        source = "default"
        plan_id = None
        own_rows = _rows(own, period)
        parent_rows = _rows(parent, period)
        parent_units = [r for r in parent_rows if r.level == ReportLevel.UNITS]
        if parent_units:
            area_due = parent_units[0].due_date
            units_due = area_due - dt.timedelta(days=5)
            recipient = parent_units[0].recipient or recipient
            source, plan_id = "parent_plan", parent.pk if parent else None
        if own_rows:
            units = [r for r in own_rows if r.level == ReportLevel.UNITS]
            upward = [r for r in own_rows if r.level == ReportLevel.AREA]
            if units:
                units_due = units[0].due_date
            if upward:
                area_due = upward[0].due_date
                recipient = upward[0].recipient or recipient
            elif units and source == "default":
                area_due = max(area_due, units_due + dt.timedelta(days=5))
            source, plan_id = "plan", own.pk if own else None
        result[str(period)] = ReportDeadline(
            period=str(period),
            units_due=units_due,
            area_due=area_due,
            recipient=recipient,
            source=source,
            plan_id=plan_id,
        )
    return result


def _rows(plan: Plan | None, period: str) -> list[PlanReportDeadline]:
    if plan is None:
        return []
    return sorted(
        (d for d in plan.report_deadlines.all() if d.period == period), key=lambda d: d.due_date
    )


def upcoming_deadlines(*, user: Any, area: Area, today: dt.date | None = None) -> list[Any]:
    today = today or timezone.localdate()
    plan = current_plan(user=user, area=area, year=today.year)
    if plan is None:
        return []
    return list(plan.report_deadlines.filter(due_date__gte=today).order_by("due_date")[:3])


__all__ = [
    "PlanStatus",
    "ReportDeadline",
    "area_plan",
    "current_plan",
    "my_tasks",
    "plan_dashboard",
    "plan_get",
    "plan_list",
    "report_deadlines_for",
    "report_deadlines_for_areas",
]
