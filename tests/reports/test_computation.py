"""Every computed value equals an independent count over the registry rows (plain Python)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

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
    for village in (w.village, w.village2, w.other_village):
        mine = [c for c in all_children if c.area_id == village.pk and counted(c)]
        exp = expected_for(mine, ("sex", "age_group", "ethnicity"))
        assert stored("child_population", village.key) == {k: Decimal(v) for k, v in exp.items()}


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
