"""Reads of cases and incidents, always through the acting user's scope.

A case outside the reader's right answers 404 exactly like a missing one, and every read
of a case file leaves an audit row (action "case.read").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.cases import clock
from treem.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseForm,
    CaseReporter,
    CaseStep,
    Incident,
    IncidentOutcome,
    Plan,
    PlanStatus,
)
from treem.cases.rules import case_read_q, may_read_reporter
from treem.core.access import Cap, grants, has_capability, is_system_admin, scoped
from treem.core.audit import audit
from treem.core.models import Area, AreaLevel
from treem.core.selectors import rollup_paths


def cases_for(user: Any) -> QuerySet[Case]:
    """All cases `user` may read (no audit: lists show no case content beyond the board)."""
    return Case.objects.filter(case_read_q(user))


def case_list(
    *, user: Any, area: Area | None = None, status: str = "", open_only: bool = False
) -> QuerySet[Case]:
    qs = cases_for(user).select_related("area", "assigned_officer", "village")
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if status:
        qs = qs.filter(status=status)
    return qs


def case_get(*, user: Any, pk: Any, purpose: str = "view") -> Case:
    """One case file, for reading: 404 outside the right; writes the "case.read" audit row."""
    try:
        case = (
            cases_for(user)
            .select_related("area", "village", "child", "assigned_officer", "intake_by")
            .get(pk=int(pk))
        )
    except (Case.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404 from exc
    audit(
        actor=user,
        action="case.read",
        obj=case,
        area=case.area,
        after={"purpose": purpose},
    )
    return case


def case_reporter(*, user: Any, case: Case) -> CaseReporter | None:
    """The reporter's identity, or None when the user may not see it."""
    if not may_read_reporter(user, case):
        return None
    return CaseReporter.objects.filter(case=case).first()


def case_timeline(*, case: Case) -> list[CaseStep]:
    return list(case.steps.select_related("plan").order_by("at", "id"))


def case_plans(*, case: Case) -> list[Plan]:
    return list(case.plans.prefetch_related("items").order_by("number"))


def case_forms(*, case: Case) -> list[str]:
    return list(case.forms.values_list("form", flat=True))


def child_has_open_case(user: Any, child: Any) -> bool | None:
    """For the child's page: True/False when the user may read cases about this child,
    None when the user may not know (the page then shows nothing)."""
    if not getattr(user, "is_authenticated", False):
        return None
    area = getattr(child, "commune", None) or child.area
    if not has_capability(user, Cap.CASES_VIEW, area):
        return None
    mine = cases_for(user).filter(child=child)
    is_reader = (
        is_system_admin(user)
        or has_capability(user, Cap.CASES_APPROVE, area)
        or any(g.allows(Cap.CASES_VIEW) and g.level <= AreaLevel.DISTRICT for g in grants(user))
    )
    if not is_reader and not mine.exists():
        # An officer who is not on any case of this child may not know whether one exists.
        return None
    return mine.filter(status__in=OPEN_STATUSES).exists()


def child_cases(*, user: Any, child: Any) -> list[dict[str, Any]] | None:
    """The cases about a child that the user may read, for the child's page; None when the
    user may not even know whether the child has a case (the page then shows nothing)."""
    if child_has_open_case(user, child) is None:
        return None
    from django.urls import reverse

    return [
        {
            "label": f"{case} · {case.get_status_display()}",
            "url": reverse("cases:case_detail", args=[case.pk]),
            "open": case.status in OPEN_STATUSES,
        }
        for case in cases_for(user).filter(child=child).order_by("-received_at")
    ]


# --------------------------------------------------------------------------- deadlines


@dataclass
class Deadline:
    """One statutory time limit of a case, and whether it was kept."""

    key: str  # "emergency", "plan", "approval", "separation" (the API's names)
    label: str
    due: dt.datetime | dt.date  # a moment (12 hours) or a day (working-day limits)
    done_at: dt.datetime | None  # when the step that meets it happened
    done_label: str  # what that step was ("đã trình", "đã phê duyệt"...)
    state: str  # "met", "late", "overdue" (not done, past due), "pending", "" (not needed)

    @property
    def at_time(self) -> bool:
        """Whether the limit is a moment (shown with its hour) rather than a day."""
        return isinstance(self.due, dt.datetime)


def _deadline(
    case: Case, key: str, label: str, due: Any, done_at: Any, done_label: str, now: dt.datetime
) -> Deadline:
    end = due if isinstance(due, dt.datetime) else clock.end_of_day(due)
    if done_at is not None:
        state = "met" if done_at <= end else "late"
    elif not case.is_open:
        state = ""  # closed without that step (no plan was needed)
    else:
        state = "overdue" if now > end else "pending"
    return Deadline(key, label, due, done_at, done_label, state)


def case_deadlines(
    *, case: Case, plans: list[Plan], now: dt.datetime | None = None
) -> list[Deadline]:
    """The case's time limits (Điều 26, 28, 32) with what met each: the emergency
    intervention, the plan submitted (the first after the clock started: the report, or
    a review that called for a new plan), the latest plan decided, the separation ended."""
    now = now or timezone.now()
    rows = []
    if case.emergency_due_at:
        rows.append(
            _deadline(
                case,
                "emergency",
                _("Can thiệp khẩn cấp (12 giờ)"),
                case.emergency_due_at,
                case.emergency_at,
                _("đã thực hiện"),
                now,
            )
        )
    if case.plan_due_on:
        start = case.plan_clock_from or case.received_at
        submitted = [p.submitted_at for p in plans if p.submitted_at and p.submitted_at >= start]
        rows.append(
            _deadline(
                case,
                "plan",
                _("Xây dựng kế hoạch (5 ngày làm việc)"),
                case.plan_due_on,
                min(submitted, default=None),
                _("đã trình"),
                now,
            )
        )
    if case.approval_due_on and plans:
        latest = max(plans, key=lambda p: p.number)
        rows.append(
            _deadline(
                case,
                "approval",
                _("Phê duyệt kế hoạch (2 ngày làm việc)"),
                case.approval_due_on,
                latest.decided_at,
                _("đã phê duyệt") if latest.status == PlanStatus.APPROVED else _("đã trả lại"),
                now,
            )
        )
    if case.separation_due_on:
        rows.append(
            _deadline(
                case,
                "separation",
                _("Tạm thời cách ly tối đa đến"),
                case.separation_due_on,
                case.separation_ended_at,
                _("đã kết thúc"),
                now,
            )
        )
    return rows


# --------------------------------------------------------------------------- the board


@dataclass
class BoardRow:
    case: Case
    overdue: bool
    late_by: dt.timedelta | None
    due_in: dt.timedelta | None


def board_queryset(*, user: Any, area: Area) -> QuerySet[Case]:
    """Open cases under `area`, most urgent first (paginate this, then `board_rows`)."""
    return (
        case_list(user=user, area=area, open_only=True)
        .select_related("area", "assigned_officer", "village")
        .order_by(F("next_due_at").asc(nulls_last=True), "received_at")
    )


def board_rows(cases: Any, now: dt.datetime | None = None) -> list[BoardRow]:
    now = now or timezone.now()
    rows = []
    for case in cases:
        due = case.next_due_at
        overdue = due is not None and due < now
        rows.append(
            BoardRow(
                case=case,
                overdue=overdue,
                late_by=(now - due) if overdue and due else None,
                due_in=(due - now) if due and not overdue else None,
            )
        )
    return rows


def board(*, user: Any, area: Area, now: dt.datetime | None = None) -> list[BoardRow]:
    """Open cases under `area` with their next step and deadline, most urgent first."""
    return board_rows(board_queryset(user=user, area=area), now)


def board_by_commune(*, user: Any, area: Area) -> list[dict[str, Any]]:
    """For a province: per commune in scope, open and overdue counts (one GROUP BY)."""
    now = timezone.now()
    rows = (
        case_list(user=user, area=area, open_only=True)
        .values("area_id", "area__full_name", "area__key")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(next_due_at__lt=now)),
        )
        .order_by("-overdue", "area__full_name")
    )
    deaths = dict(
        incidents_for(user)
        .filter(area__path__startswith=area.path, immediate_report=True, reported_up_at=None)
        .values_list("area_id")
        .annotate(n=Count("id"))
    )
    result = [dict(r, deaths_unreported=deaths.pop(r["area_id"], 0)) for r in rows]
    if deaths:
        for a in Area.objects.filter(pk__in=deaths):
            result.append(
                {
                    "area_id": a.pk,
                    "area__full_name": a.full_name,
                    "area__key": a.key,
                    "open": 0,
                    "overdue": 0,
                    "deaths_unreported": deaths[a.pk],
                }
            )
    return result


def counts(*, user: Any, area: Area) -> dict[str, int]:
    """Dashboard numbers: open cases, overdue cases, deaths awaiting report (3 queries)."""
    now = timezone.now()
    agg = case_list(user=user, area=area, open_only=True).aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(next_due_at__lt=now))
    )
    deaths = (
        incidents_for(user)
        .filter(area__path__startswith=area.path, immediate_report=True, reported_up_at=None)
        .count()
    )
    return {"open": agg["open"] or 0, "overdue": agg["overdue"] or 0, "deaths": deaths}


# --------------------------------------------------------------------------- incidents


def incidents_for(user: Any) -> QuerySet[Incident]:
    """Incidents in the user's case scope (commune officers, leaders, province)."""
    return scoped(Incident.objects.all(), user, Cap.CASES_VIEW)


def incident_list(*, user: Any, area: Area | None = None) -> QuerySet[Incident]:
    qs = incidents_for(user).select_related("child", "village", "area")
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    return qs.order_by("-occurred_on", "-id")


def incident_get(*, user: Any, pk: Any) -> Incident:
    try:
        return incident_list(user=user).get(pk=int(pk))
    except (Incident.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404 from exc


# --------------------------------------------------------------------------- statistics


ABUSE_DIMENSIONS = {
    "sex": "child_sex",
    "age_group": "child_age_group",
    "setting": "setting",
    "form": "forms__form",
}
INCIDENT_DIMENSIONS = {"kind": "kind", "sex": "child_sex", "age_group": "child_age_group"}


def _area_q(area: Area, field: str = "area") -> Q:
    q = Q(pk__in=[])
    for path in rollup_paths(area):
        q |= Q(**{f"{field}__path__startswith": path})
    return q


def _check_stats_right(user: Any, area: Area) -> None:
    if user is None:
        return  # system computation (report jobs)
    if not (
        has_capability(user, Cap.REPORTS_VIEW, area) or has_capability(user, Cap.CASES_VIEW, area)
    ):
        raise Http404


def abuse_statistics(
    *, area: Area, start: dt.date, end: dt.date, by: str, user: Any = None
) -> dict[str, dict[str, int]]:
    """Abused children and cases received in [start, end] under `area` (its subtree and its
    pre-2025 predecessors), grouped by one dimension.

    by: "sex" ("male"/"female"/""), "age_group" ("0_3", "3_6", "6_11", "11_16", "" unknown;
    age at the report), "setting" ("family", "school", "community", "online", "other", ""),
    "form" (AbuseForm slugs; a case with several forms counts under each).
    Returns {value: {"cases": n, "children": m}}; children are distinct registry records
    (a case with no registry record yet counts as one child). Cases closed at the initial
    assessment as "no risk" still count as reports. One GROUP BY query; `user` (optional)
    must hold reports.view or cases.view over `area` (else 404).
    """
    if by not in ABUSE_DIMENSIONS:
        raise ValueError(f"by must be one of {sorted(ABUSE_DIMENSIONS)}")
    _check_stats_right(user, area)
    tz_start = dt.datetime.combine(start, dt.time.min, tzinfo=_vn())
    tz_end = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=_vn())
    column = ABUSE_DIMENSIONS[by]
    qs = Case.objects.filter(_area_q(area), received_at__gte=tz_start, received_at__lt=tz_end)
    if by == "form":
        rows = (
            CaseForm.objects.filter(
                _area_q(area, "case__area"),
                case__received_at__gte=tz_start,
                case__received_at__lt=tz_end,
            )
            .values("form")
            .annotate(
                cases=Count("case_id"),  # (case, form) is unique
                children=Count("case__child_id", distinct=True),
                unlinked=Count("case_id", filter=Q(case__child__isnull=True)),
            )
        )
        return {
            r["form"]: {"cases": r["cases"], "children": r["children"] + r["unlinked"]}
            for r in rows
        }
    rows = qs.values(column).annotate(
        cases=Count("id"),
        children=Count("child_id", distinct=True),
        unlinked=Count("id", filter=Q(child__isnull=True)),
    )
    return {
        (r[column] or ""): {"cases": r["cases"], "children": r["children"] + r["unlinked"]}
        for r in rows
    }


def injury_statistics(
    *, area: Area, start: dt.date, end: dt.date, by: str = "kind", user: Any = None
) -> dict[str, dict[str, int]]:
    """Injuries and deaths of children that occurred in [start, end] under `area` (subtree
    and predecessors), grouped by "kind" (cause: IncidentKind slugs), "sex" or "age_group"
    (age on the day). Returns {value: {"injured": n, "died": m}}. One GROUP BY query."""
    if by not in INCIDENT_DIMENSIONS:
        raise ValueError(f"by must be one of {sorted(INCIDENT_DIMENSIONS)}")
    _check_stats_right(user, area)
    column = INCIDENT_DIMENSIONS[by]
    rows = (
        Incident.objects.filter(_area_q(area), occurred_on__gte=start, occurred_on__lte=end)
        .values(column)
        .annotate(
            injured=Count("id", filter=Q(outcome=IncidentOutcome.INJURED)),
            died=Count("id", filter=Q(outcome=IncidentOutcome.DIED)),
        )
    )
    return {(r[column] or ""): {"injured": r["injured"], "died": r["died"]} for r in rows}


def _vn() -> Any:
    from treem.cases.clock import VN_TZ

    return VN_TZ
