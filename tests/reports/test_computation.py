"""Every computed value equals an independent count over the registry rows (plain Python)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection, transaction

from tests.reports.conftest import Kids
from treem.registry.models import Child, ChildCircumstance, Support
from treem.reports.models import DataValue, Indicator
from treem.reports.periods import parse_period
from treem.reports.selectors import rolled_up
from treem.reports.services import computation_run_all, compute_indicator

pytestmark = pytest.mark.django_db

P = parse_period("2026H1")
END = P.end


def age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_group(born: dt.date | None) -> str:
    if born is None:
        return "unknown"
    a = age(born, END)
    return "0_3" if a < 3 else "3_6" if a < 6 else "6_11" if a < 11 else "11_16"


def counted(ch: Child) -> bool:
    if ch.merged_into_id is not None:
        return False
    if ch.status != "active" and not (ch.status_date and ch.status_date > END):
        return False
    if ch.birth_date is None:
        return True
    return ch.birth_date <= END and age(ch.birth_date, END) < 16


def overlaps(start, end) -> bool:
    return (start is None or start <= END) and (end is None or end >= P.start)


def special_groups(ch: Child) -> set[str]:
    return {
        c.group
        for c in ChildCircumstance.objects.filter(child=ch, kind="special")
        if overlaps(c.start_date, c.end_date)
    }


def supported(ch: Child) -> bool:
    return any(
        s.date <= END and (s.end_date or s.date) >= P.start
        for s in Support.objects.filter(child=ch)
    )


def stored(slug: str, area_key: str) -> dict[str, Decimal]:
    return {
        dv.disaggregation: dv.value
        for dv in DataValue.objects.filter(
            indicator__slug=slug, period="2026H1", area__key=area_key
        )
    }


def expected_for(children: list[Child], dims=("sex", "age_group")) -> Counter:
    out: Counter = Counter()
    for ch in children:
        values = {"sex": ch.sex or "unknown", "age_group": age_group(ch.birth_date)}
        if "ethnicity" in dims:
            values["ethnicity"] = ch.ethnicity.code if ch.ethnicity else "unknown"
        out[""] += 1
        for d in dims:
            out[f"{d}={values[d]}"] += 1
        out[f"age_group={values['age_group']};sex={values['sex']}"] += 1
    return out


def nonzero(d: dict) -> dict:
    return {k: v for k, v in d.items() if v}


def test_child_population_equals_independent_count_per_commune_and_village(kids: Kids) -> None:
    w = kids.world
    computation_run_all(actor=w.province_officer, area=w.province, period="2026H1")
    all_children = list(Child.objects.select_related("ethnicity"))
    for commune in (w.commune, w.other_commune, w.legacy_commune):
        mine = [c for c in all_children if c.commune_id == commune.pk and counted(c)]
        exp = expected_for(mine, ("sex", "age_group", "ethnicity"))
        assert nonzero(stored("child_population", commune.key)) == {
            k: Decimal(v) for k, v in exp.items()
        }, commune.key
    # Villages keep their total (the drill-down reads it; breakdowns are per commune).
    for village in (w.village, w.village2, w.other_village):
        mine = [c for c in all_children if c.area_id == village.pk and counted(c)]
        assert stored("child_population", village.key) == {"": Decimal(len(mine))}, village.key


def test_edge_rules_of_counting(kids: Kids) -> None:
    w = kids.world
    computation_run_all(actor=w.officer, area=w.commune, period="2026H1")
    v = stored("child_population", w.commune.key)
    # 9 counted in Nghĩa Hưng: 4 in villages, 3 with no village (born 2011 and the two
    # turning 3 on the period end), the one turning 16 the day after the period end, and
    # the child who died after it. Not counted: 16 on the end day, born after it, died or
    # moved before it, the merged duplicate.
    assert v[""] == 9
    assert v["age_group=3_6"] == 3  # the two turning 3 on the period end, and one aged 5
    assert v["sex=female"] + v["sex=male"] + v.get("sex=unknown", 0) == v[""]


def test_special_circumstances_and_supported_match_and_ratio_is_recomputed(kids: Kids) -> None:
    w = kids.world
    computation_run_all(actor=w.province_officer, area=w.province, period="2026H1")
    children = [c for c in Child.objects.all() if counted(c)]
    for commune in (w.commune, w.other_commune, w.legacy_commune):
        mine = [c for c in children if c.commune_id == commune.pk]
        special = [c for c in mine if special_groups(c)]
        helped = [c for c in special if supported(c)]
        for slug, group in (
            ("special_circumstances", special),
            ("special_circumstances_supported", helped),
        ):
            exp = expected_for(group)
            for c in group:
                for g in special_groups(c):
                    exp[f"circumstance_group={g}"] += 1
            assert nonzero(stored(slug, commune.key)) == {k: Decimal(v) for k, v in exp.items()}, (
                slug,
                commune.key,
            )
    # Province: sums of communes; the % recomputed from numerator and denominator.
    inds = list(Indicator.objects.filter(slug__startswith="special_circumstances"))
    province = rolled_up(w.province, ["2026H1"], inds)
    communes = [rolled_up(a, ["2026H1"], inds) for a in (w.commune, w.other_commune)]
    for slug in ("special_circumstances", "special_circumstances_supported"):
        assert province[(slug, "2026H1", "")].value == sum(
            c[(slug, "2026H1", "")].value for c in communes
        )
    pct = province[("special_circumstances_supported_pct", "2026H1", "")]
    assert pct.value == (pct.numerator * 100 / pct.denominator).quantize(Decimal("0.1"))
    # Nghĩa Hưng includes the legacy commune's child (group k, supported).
    nh = communes[0][("special_circumstances", "2026H1", "circumstance_group=k")]
    assert nh.value == 1


def test_at_risk_and_id_problems(kids: Kids) -> None:
    w = kids.world
    computation_run_all(actor=w.officer, area=w.commune, period="2026H1")
    assert stored("at_risk", w.commune.key)[""] == 1
    problems = stored("id_number_problems", w.commune.key)
    counted_here = [c for c in Child.objects.filter(commune=w.commune) if counted(c)]
    missing = sum(1 for c in counted_here if not c.id_number)
    invalid = sum(1 for c in counted_here if c.id_number and c.id_number_valid is False)
    assert problems[""] == missing + invalid
    assert problems["id_problem=missing"] == missing


def test_zero_is_stored_and_distinct_from_missing(kids: Kids) -> None:
    w = kids.world
    compute_indicator(Indicator.objects.get(slug="at_risk"), P, w.other_commune)
    v = stored("at_risk", w.other_commune.key)
    assert v[""] == 0 and v["sex=female"] == 0  # zero rows
    assert stored("at_risk", w.commune.key) == {}  # not computed: missing


def test_recompute_replaces_values(kids: Kids) -> None:
    w = kids.world
    computation_run_all(actor=w.officer, area=w.commune, period="2026H1")
    before = stored("child_population", w.commune.key)[""]
    Child.objects.filter(pk=kids.children[0].pk).update(
        status="moved", status_date=dt.date(2026, 1, 5)
    )
    computation_run_all(actor=w.officer, area=w.commune, period="2026H1")
    assert stored("child_population", w.commune.key)[""] == before - 1


# -- cases and incidents -----------------------------------------------------------------


def _case(commune, code, *, child=None, village=None, sex="", age="", setting="", forms=(), at):
    from treem.cases.models import Case, CaseForm

    case = Case.objects.create(
        area=commune,
        province_code=commune.province_code,
        code=code,
        child=child,
        child_sex=sex,
        child_age_group=age,
        village=village,
        received_at=at,
        source="hotline_111",
        setting=setting,
        description="x",
    )
    for f in forms:
        CaseForm.objects.create(case=case, form=f)
    return case


def _incident(commune, child, *, village=None, sex="", age="", kind, outcome, on):
    from treem.cases.models import Incident

    return Incident.objects.create(
        area=commune,
        province_code=commune.province_code,
        village=village,
        child=child,
        child_sex=sex,
        child_age_group=age,
        kind=kind,
        occurred_on=on,
        outcome=outcome,
    )


def _expected(rows: list[tuple], dims: tuple[str, ...]) -> dict[str, Decimal]:
    """rows: (unit, {dim: value}); a unit counts once per key (distinct), plain Python."""
    units: dict[str, set] = {}
    for unit, values in rows:
        keys = [""] + [f"{d}={values[d]}" for d in dims]
        if "age_group" in dims and "sex" in dims:
            keys.append(f"age_group={values['age_group']};sex={values['sex']}")
        for k in keys:
            units.setdefault(k, set()).add(unit)
    return {k: Decimal(len(v)) for k, v in units.items()}


@pytest.fixture
def cases(kids: Kids):
    from treem.cases.clock import VN_TZ

    w, c = kids.world, kids.children
    t = dt.datetime(2026, 3, 1, 9, tzinfo=VN_TZ)
    made = [
        # the same child twice (different settings and forms): one abused child, two cases
        _case(
            w.commune,
            "1",
            child=c[0],
            village=w.village,
            sex="female",
            age="0_3",
            setting="family",
            forms=["violence", "neglect"],
            at=t,
        ),
        _case(
            w.commune,
            "2",
            child=c[0],
            village=w.village,
            sex="female",
            age="0_3",
            setting="school",
            forms=["violence"],
            at=t + dt.timedelta(days=30),
        ),
        # not linked to a registry record yet, village unknown, nothing known about the child
        _case(w.commune, "3", forms=["sexual_abuse"], at=t),
        _case(
            w.commune,
            "4",
            child=c[2],
            village=w.village2,
            sex="female",
            age="11_16",
            setting="online",
            forms=["sexual_abuse", "exploitation"],
            at=t,
        ),
        # received on 1/7 at 00:30 Vietnam time: the next period
        _case(
            w.commune,
            "5",
            child=c[3],
            sex="male",
            age="11_16",
            forms=["violence"],
            at=dt.datetime(2026, 7, 1, 0, 30, tzinfo=VN_TZ),
        ),
        # received on 30/6 at 23:30 Vietnam time: still in the period
        _case(
            w.other_commune,
            "1",
            child=c[13],
            village=w.other_village,
            sex="female",
            age="6_11",
            setting="community",
            forms=["trafficking"],
            at=dt.datetime(2026, 6, 30, 23, 30, tzinfo=VN_TZ),
        ),
        _case(
            w.legacy_commune,
            "1",
            child=c[16],
            sex="female",
            age="6_11",
            setting="family",
            forms=["violence"],
            at=t,
        ),
    ]
    incidents = [
        _incident(
            w.commune,
            c[1],
            village=w.village,
            sex="male",
            age="3_6",
            kind="drowning",
            outcome="injured",
            on=dt.date(2026, 5, 1),
        ),
        _incident(
            w.commune,
            c[1],
            village=w.village,
            sex="male",
            age="3_6",
            kind="fall",
            outcome="injured",
            on=dt.date(2026, 6, 1),
        ),
        _incident(
            w.commune,
            c[4],
            sex="female",
            age="11_16",
            kind="traffic",
            outcome="injured",
            on=dt.date(2026, 2, 1),
        ),
        _incident(
            w.commune,
            c[5],
            sex="male",
            age="0_3",
            kind="drowning",
            outcome="died",
            on=dt.date(2026, 6, 30),
        ),
        _incident(
            w.commune,
            c[6],
            sex="female",
            age="0_3",
            kind="drowning",
            outcome="died",
            on=dt.date(2026, 7, 1),
        ),  # next period
        _incident(
            w.other_commune,
            c[15],
            sex="male",
            age="6_11",
            kind="burn",
            outcome="injured",
            on=dt.date(2026, 1, 1),
        ),
    ]
    return made, incidents


def _area_rows(items, area, level_field):
    return [i for i in items if getattr(i, level_field) == area.pk]


def test_case_indicators_equal_independent_counts(kids: Kids, cases) -> None:
    from treem.cases.models import CaseForm

    w = kids.world
    made, incidents = cases
    computation_run_all(actor=w.province_officer, area=w.province, period="2026H1")
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    end = dt.datetime(2026, 7, 1, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    in_period = [k for k in made if start <= k.received_at < end]
    assert len(in_period) == 6

    def values(k) -> dict[str, str]:
        return {
            "sex": k.child_sex or "unknown",
            "age_group": k.child_age_group or "unknown",
            "setting": k.setting or "unknown",
        }

    def victim(k) -> int:
        return k.child_id if k.child_id else -k.pk

    forms = list(CaseForm.objects.filter(case__in=in_period).select_related("case"))
    for area, field in (
        (w.commune, "area_id"),
        (w.other_commune, "area_id"),
        (w.legacy_commune, "area_id"),
        (w.village, "village_id"),
        (w.village2, "village_id"),
        (w.other_village, "village_id"),
    ):
        mine = _area_rows(in_period, area, field)
        my_forms = [f for f in forms if getattr(f.case, field) == area.pk]
        village = field == "village_id"
        for slug, unit, dims in (
            ("abused_children", victim, ("sex", "age_group", "setting")),
            ("abuse_cases", lambda k: k.pk, ("setting",)),
        ):
            exp = _expected([(unit(k), values(k)) for k in mine], dims)
            exp.update(
                _expected(
                    [(unit(f.case), {"abuse_form": f.form}) for f in my_forms], ("abuse_form",)
                )
            )
            exp.pop("", None)
            exp[""] = Decimal(len({unit(k) for k in mine}))
            if village:
                exp = {"": exp[""]} if exp[""] else {}
            assert nonzero(stored(slug, area.key)) == nonzero(exp), (slug, area.key)
    nh = stored("abused_children", w.commune.key)
    assert nh[""] == 3  # child 0 (two cases), the unlinked case, child 2
    assert nh["abuse_form=violence"] == 1 and nh["setting=family"] == 1
    assert stored("abuse_cases", w.commune.key)[""] == 4
    for slug, outcome in (("injured_children", "injured"), ("injury_deaths", "died")):
        happened = [
            i for i in incidents if i.outcome == outcome and P.start <= i.occurred_on <= END
        ]
        for area, field in (
            (w.commune, "area_id"),
            (w.other_commune, "area_id"),
            (w.village, "village_id"),
        ):
            rows = [
                (
                    i.child_id,
                    {"sex": i.child_sex, "age_group": i.child_age_group, "injury_cause": i.kind},
                )
                for i in _area_rows(happened, area, field)
            ]
            exp = _expected(rows, ("sex", "age_group", "injury_cause"))
            if field == "village_id":
                exp = {"": exp[""]} if exp.get("") else {}
            assert nonzero(stored(slug, area.key)) == nonzero(exp), (slug, area.key)
    injured = stored("injured_children", w.commune.key)
    assert injured[""] == 2  # the child injured twice counts once
    assert injured["injury_cause=drowning"] == 1 and injured["injury_cause=fall"] == 1
    assert stored("injury_deaths", w.commune.key)[""] == 1
    assert stored("injury_deaths", w.other_commune.key)[""] == 0  # zero is a row


def test_province_totals_equal_the_sum_of_communes_for_every_key(kids: Kids, cases) -> None:
    w = kids.world
    computation_run_all(actor=w.province_officer, area=w.province, period="2026H1")
    inds = list(Indicator.objects.filter(formula="computed"))
    province = rolled_up(w.province, ["2026H1"], inds)
    parts = [rolled_up(a, ["2026H1"], inds) for a in (w.commune, w.other_commune)]
    assert province
    for key, cell in province.items():
        assert cell.value == sum((p[key].value for p in parts if key in p), Decimal(0)), key
    # and a commune's total equals the sum over its villages plus the children with no village
    village_sum = sum(
        stored("child_population", v.key).get("", Decimal(0)) for v in (w.village, w.village2)
    )
    no_village = sum(
        1
        for c in Child.objects.filter(commune=w.commune)
        if counted(c) and c.area_id == w.commune.pk
    )
    assert stored("child_population", w.commune.key)[""] == village_sum + no_village


def test_locked_commune_keeps_its_values_on_recompute(kids: Kids, cases) -> None:
    from treem.reports.models import Report, ReportStatus

    w = kids.world
    computation_run_all(actor=w.province_officer, area=w.province, period="2026H1")
    before = stored("abused_children", w.commune.key)
    village_before = stored("child_population", w.village.key)
    services_report = Report.objects.create(
        area=w.commune,
        province_code=w.commune.province_code,
        period="2026H1",
        status=ReportStatus.APPROVED,
        due_date=dt.date(2026, 5, 15),
    )
    assert services_report.is_locked
    Child.objects.filter(pk=kids.children[0].pk).update(
        status="moved", status_date=dt.date(2026, 1, 2)
    )
    from treem.cases.models import Case

    Case.objects.filter(area=w.commune).update(received_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    run = computation_run_all(actor=w.province_officer, area=w.province, period="2026H1")
    assert w.commune.path in run.skipped_locked
    assert stored("abused_children", w.commune.key) == before
    assert stored("child_population", w.village.key) == village_before
    # the other commune was recomputed
    assert stored("abused_children", w.other_commune.key)[""] == 1


def _all_values() -> dict[tuple[str, str, str], Decimal]:
    return {
        (dv.indicator.slug, dv.area.key, dv.disaggregation): dv.value
        for dv in DataValue.objects.filter(period="2026H1").select_related("indicator", "area")
    }


def test_indicators_computed_together_equal_each_computed_alone(kids: Kids, cases) -> None:
    """The shared children scan (PostgreSQL) stores exactly what one statement per
    indicator stores: every key, zero rows included, for communes and villages."""
    from treem.reports.engine import shares_scan
    from treem.reports.services import compute_indicators, computed_indicators

    w = kids.world
    inds = computed_indicators(P)
    for ind in inds:
        compute_indicator(ind, P, w.province)
    alone = _all_values()
    assert alone
    DataValue.objects.filter(period="2026H1").delete()
    compute_indicators(inds, P, w.province)
    assert _all_values() == alone
    # a recomputation changes nothing, and the run's steps cover every indicator once
    assert compute_indicators(inds, P, w.province) == 0
    run = computation_run_all(actor=w.province_officer, area=w.province, period="2026H1")
    assert sorted(run.steps) == sorted(i.slug for i in inds) and run.done_steps == len(inds)
    assert _all_values() == alone
    shared = [i for i in inds if shares_scan(i)]
    assert run.steps[: len(shared)] == [i.slug for i in shared]


def test_recompute_repairs_changed_and_stale_values_and_rewrites_only_those(
    kids: Kids, cases
) -> None:
    """Only values that differ are written: a stored value that went wrong is put
    right, a key no longer counted is removed, the rest are left alone (both the
    shared scan and one statement per indicator)."""
    from django.db import connection

    from treem.reports.services import compute_indicators, computed_indicators

    w = kids.world
    inds = computed_indicators(P)
    compute_indicators(inds, P, w.province)
    fresh = _all_values()
    for together in (True, False):
        wrong = DataValue.objects.filter(period="2026H1", disaggregation="").order_by("pk")
        changed = [wrong[0].pk, wrong[len(wrong) - 1].pk]
        DataValue.objects.filter(pk__in=changed).update(value=Decimal(999))
        stale = DataValue.objects.get(pk=changed[0])
        stale.pk = None
        stale.disaggregation = "sex=gone"
        stale.save()
        if together:
            rows = compute_indicators(inds, P, w.province)
        else:
            rows = sum(compute_indicator(i, P, w.province) for i in inds)
        if connection.vendor == "postgresql":  # SQLite rewrites the subtree
            assert rows == 2
        assert _all_values() == fresh


def test_shared_scan_counts_a_child_once_per_group_and_honours_locks(kids: Kids) -> None:
    from treem.reports.models import Report, ReportStatus
    from treem.reports.services import compute_indicators, computed_indicators

    w = kids.world
    child = next(c for c in kids.children if c.commune_id == w.commune.pk and counted(c))
    for group in ("a", "d"):
        ChildCircumstance.objects.create(
            child=child, kind="special", group=group, start_date=dt.date(2025, 1, 1)
        )
    inds = computed_indicators(P)
    compute_indicators(inds, P, w.province)
    special = stored("special_circumstances", w.commune.key)
    children = [c for c in Child.objects.filter(commune=w.commune) if counted(c)]
    assert special[""] == sum(1 for c in children if special_groups(c))
    for group in ("a", "d"):
        assert special[f"circumstance_group={group}"] == sum(
            1 for c in children if group in special_groups(c)
        )
    Report.objects.create(
        area=w.commune,
        province_code=w.commune.province_code,
        period="2026H1",
        status=ReportStatus.APPROVED,
        due_date=dt.date(2026, 7, 15),
    )
    before = stored("child_population", w.commune.key)
    Child.objects.filter(pk=child.pk).update(status="moved", status_date=dt.date(2026, 1, 2))
    compute_indicators(inds, P, w.province, skip_paths=[w.commune.path])
    assert stored("child_population", w.commune.key) == before


@pytest.mark.parametrize("together", [True, False])
def test_first_computation_meeting_a_value_stored_meanwhile_falls_back_to_the_merge(
    kids: Kids, monkeypatch: pytest.MonkeyPatch, together: bool
) -> None:
    """The first computation of a period writes with a plain INSERT when nothing was
    stored; a value stored between that check and the INSERT (another officer's entry,
    another computation) fails it on the unique key, and the merge then writes the same
    values as ever, replacing the entered value with the computed one."""
    from treem.reports import engine
    from treem.reports.services import compute_indicators, computed_indicators

    w = kids.world
    inds = computed_indicators(P)
    compute_indicators(inds, P, w.province)
    fresh = _all_values()
    DataValue.objects.filter(period="2026H1").delete()
    population = Indicator.objects.get(slug="child_population")

    def enter(indicator: Indicator) -> DataValue:
        return DataValue.objects.create(
            indicator=indicator,
            period="2026H1",
            area=w.commune,
            area_path=w.commune.path,
            area_level=w.commune.level,
            province_code=w.commune.province_code,
            disaggregation="",
            value=Decimal(12345),
            source="manual",
        )

    entered = enter(population)
    # and one of a case indicator (not in the shared children scan)
    cases_entered = enter(Indicator.objects.get(slug="abuse_cases"))
    checked: list[bool] = []

    def looks_empty(*args: object) -> bool:
        checked.append(True)
        return True  # as if the entry came after the check

    monkeypatch.setattr(engine, "_nothing_stored", looks_empty)
    if together:
        compute_indicators(inds, P, w.province)
    else:
        for ind in inds:
            compute_indicator(ind, P, w.province)
    from django.db import connection

    assert checked or connection.vendor != "postgresql"  # SQLite deletes, then inserts
    assert _all_values() == fresh
    entered.refresh_from_db()
    assert (
        entered.source == "computed"
        and entered.value == fresh[("child_population", w.commune.key, "")]
    )
    cases_entered.refresh_from_db()
    assert (cases_entered.source, cases_entered.value) == (
        "computed",
        fresh[("abuse_cases", w.commune.key, "")],
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner: parallel append"
)
@pytest.mark.parametrize("slug", ["abused_children", "abuse_cases", "injury_deaths"])
def test_counting_statement_can_run_its_parts_in_parallel(kids: Kids, cases, slug: str) -> None:
    """The counting SELECT of an indicator is a UNION ALL of its facts and its zero rows;
    when every part gives the same column types PostgreSQL flattens it and may run the
    parts side by side (Parallel Append). A part typed otherwise (a count as integer or
    numeric beside a bigint) makes it a set operation run one part after the other:
    measured on 50,000 cases, 0.19 s instead of 0.13 s for abused children."""
    from treem.reports.engine import _counted_select

    indicator = Indicator.objects.get(slug=slug)
    select, params, _ctes, _cte_params = _counted_select(indicator, P, [kids.world.province.path])
    with transaction.atomic(), connection.cursor() as cursor:
        # parallel plans costed as free, so that the few rows here are worth them
        for setting in (
            "parallel_setup_cost = 0",
            "parallel_tuple_cost = 0",
            "min_parallel_table_scan_size = 0",
            "min_parallel_index_scan_size = 0",
        ):
            cursor.execute(f"SET LOCAL {setting}")
        cursor.execute("EXPLAIN " + select, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Parallel Append" in plan, plan
