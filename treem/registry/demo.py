"""Demo children (synthetic only): ~3,000 in Nghĩa Hưng and ~1,500 in Rạng Đông, in
households, with an age pyramid, ~7% in special circumstances, support records, and some
deliberate data problems (no / wrong ID numbers, missing ethnicity, duplicates)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from treem.core.audit import snapshot
from treem.core.demo import YEARS_IN_USE, DemoContext, audit_at
from treem.core.models import Area, AuditLog
from treem.registry import services
from treem.registry.models import (
    Caregiver,
    Child,
    ChildCircumstance,
    DistinctChildren,
    Ethnicity,
    Support,
    years_before,
)
from treem.registry.search import search_words_refresh

SURNAMES = [
    ("Nguyễn", 30),
    ("Trần", 12),
    ("Lê", 9),
    ("Phạm", 8),
    ("Hoàng", 5),
    ("Vũ", 6),
    ("Đặng", 3),
    ("Bùi", 3),
    ("Đỗ", 4),
    ("Ngô", 2),
    ("Dương", 2),
    ("Đinh", 2),
    ("Mai", 2),
    ("Trịnh", 2),
    ("Lưu", 1),
    ("Phan", 2),
]
MALE_MIDDLE = ["Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Gia", "Bảo", "Anh", "Tiến"]
FEMALE_MIDDLE = ["Thị", "Thị", "Ngọc", "Thu", "Thanh", "Phương", "Bảo", "Khánh", "Minh", "Hồng"]
MALE_GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khang",
    "Khôi",
    "Kiên",
    "Long",
    "Minh",
    "Nam",
    "Nhật",
    "Phong",
    "Phúc",
    "Quân",
    "Sơn",
    "Tài",
    "Thắng",
    "Thịnh",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Đăng",
    "Duy",
    "Khoa",
    "Lâm",
    "Lộc",
    "Nghĩa",
    "Tùng",
]
FEMALE_GIVEN = [
    "Anh",
    "Chi",
    "Diệp",
    "Giang",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "My",
    "Ngân",
    "Ngọc",
    "Nhi",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Thảo",
    "Trang",
    "Trâm",
    "Vy",
    "Yến",
    "Hằng",
    "Huyền",
    "Loan",
    "Nga",
    "Thư",
    "Tâm",
    "Uyên",
    "Xuân",
]
ADULT_MALE_GIVEN = [
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Long",
    "Nam",
    "Quang",
    "Sơn",
    "Thắng",
    "Toàn",
    "Tuấn",
    "Việt",
    "Hưng",
]
ADULT_FEMALE_GIVEN = [
    "Hoa",
    "Hương",
    "Lan",
    "Liên",
    "Mai",
    "Nga",
    "Nhung",
    "Thu",
    "Thủy",
    "Vân",
    "Yến",
    "Hồng",
    "Hạnh",
    "Huệ",
]

SPECIAL_GROUPS = [("d", 40), ("a", 6), ("c", 10), ("n", 12), ("h", 5), ("i", 6), ("l", 3), ("e", 3)]
MIN_AGE = {"h": 11, "e": 12}  # left school before finishing lower secondary; broke the law
# Every MISMATCH_EVERY-th child of groups a, n and h keeps a record that contradicts the
# group (a parent recorded living, a household not poor, at school): the cleaning page's
# deliberate cases. The others are made consistent with their group.
MISMATCH_EVERY = 4
AT_RISK = ["parent_absent", "single_parent", "poor_household", "drowning", "domestic_violence"]
PROVINCE_ID = "036"  # Nam Định (pre-2025 code), where Nghĩa Hưng births were registered


def _weighted(rng: random.Random, items: list[tuple[str, int]]) -> str:
    return rng.choices([i for i, _w in items], weights=[w for _i, w in items])[0]


def _person(rng: random.Random, surname: str, sex: str, adult: bool = False) -> str:
    if sex == "male":
        given = rng.choice(ADULT_MALE_GIVEN if adult else MALE_GIVEN)
        middle = rng.choice(MALE_MIDDLE)
    else:
        given = rng.choice(ADULT_FEMALE_GIVEN if adult else FEMALE_GIVEN)
        middle = rng.choice(FEMALE_MIDDLE)
    return f"{surname} {middle} {given}"


def _id_number(rng: random.Random, sex: str, birth: dt.date) -> str:
    digit = 2 + (1 if sex == "female" else 0)  # born in the 2000s
    return f"{PROVINCE_ID}{digit}{birth.year % 100:02d}{rng.randrange(10**6):06d}"


def _adult_id_number(rng: random.Random, sex: str, year: int) -> str:
    """A parent's number: digit 4 codes the century and the sex, 5-6 the year."""
    digit = (0 if year < 2000 else 2) + (1 if sex == "female" else 0)
    return f"{PROVINCE_ID}{digit}{year % 100:02d}{rng.randrange(10**6):06d}"


def _birth_date(rng: random.Random, today: dt.date) -> dt.date:
    # Age pyramid: slightly fewer children in the youngest cohorts (falling birth rate).
    age = rng.choices(range(16), weights=[5, 5, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7, 6, 6, 6])[0]
    return years_before(today, age) - dt.timedelta(days=rng.randrange(1, 364))


def seed(ctx: DemoContext, stdout: Any = None) -> None:
    if Child.objects.filter(commune__in=[ctx.commune, ctx.other_commune]).exists():
        return
    rng = random.Random(3)
    with transaction.atomic():
        made = _seed_commune(ctx, rng, ctx.commune, ctx.villages, 3000)
        made += _seed_commune(ctx, rng, ctx.other_commune, ctx.other_villages, 1500)
    if stdout is not None:
        stdout.write(f"registry: {made} trẻ em mẫu")


def _seed_commune(
    ctx: DemoContext, rng: random.Random, commune: Area, villages: list[Area], target: int
) -> int:
    today = dt.date.today()
    ethnic = {e.code: e for e in Ethnicity.objects.filter(code__in=["01", "06", "02", "03"])}
    officer = ctx.users.get("nghiahung") if commune == ctx.commune else ctx.users.get("xakhac")
    children: list[Child] = []
    caregivers: list[tuple[int, Caregiver]] = []
    used_ids: set[str] = set()
    # the mothers' ID numbers from a generator of their own (the rest of the data stays
    # as it was); one in a hundred deliberately coded for a man (the data-quality page)
    carer_ids = random.Random(f"{commune.key}-caregiver-ids")
    households = 0
    while len(children) < target:
        households += 1
        village = rng.choice(villages) if villages else commune
        surname = _weighted(rng, SURNAMES)
        father = _person(rng, surname, "male", adult=True)
        mother = _person(rng, _weighted(rng, SURNAMES), "female", adult=True)
        poverty = rng.choices(["none", "poor", "near_poor"], weights=[86, 6, 8])[0]
        ethnicity = ethnic["01"] if rng.random() < 0.95 else rng.choice(list(ethnic.values()))
        father_status = rng.choices(
            ["living", "abroad", "dead", "in_prison", "missing"], weights=[88, 7, 3, 1, 1]
        )[0]
        mother_status = rng.choices(["living", "abroad", "dead"], weights=[93, 5, 2])[0]
        address = f"Xóm {rng.randint(1, 12)}, {village.full_name}"
        for _n in range(rng.choices([1, 2, 3], weights=[35, 50, 15])[0]):
            sex = rng.choice(["male", "female"])
            birth = _birth_date(rng, today)
            child = Child(
                area=village,
                commune=commune,
                province_code=commune.province_code,
                full_name=_person(rng, surname, sex),
                birth_date=birth,
                sex=sex,
                ethnicity=ethnicity,
                address=address,
                household_head=father if father_status == "living" else mother,
                poverty=poverty,
                birth_registration_place=f"UBND {commune.full_name}",
                schooling=_schooling(rng, birth, today),
                created_by=officer,
            )
            r = rng.random()
            if r < 0.72:
                number = _id_number(rng, sex, birth)
                while number in used_ids:
                    number = _id_number(rng, sex, birth)
                child.id_number = number
            elif r < 0.745:  # deliberate: inconsistent or malformed numbers
                wrong_sex = "female" if sex == "male" else "male"
                number = rng.choice(
                    [
                        _id_number(rng, wrong_sex, birth),
                        "999" + _id_number(rng, sex, birth)[3:],
                        _id_number(rng, sex, birth)[:10],
                    ]
                )
                child.id_number = number if number not in used_ids else None
            if child.id_number:
                used_ids.add(child.id_number)
            if rng.random() < 0.02:
                child.ethnicity = None
            if rng.random() < 0.01:
                child.sex = ""
            if rng.random() < 0.01:
                child.birth_date_precision = "year"
                child.birth_date = birth.replace(month=1, day=1)
            child.set_derived()
            children.append(child)
            index = len(children) - 1
            if rng.random() < 0.015:
                continue  # deliberate: no caregiver recorded
            caregivers.append(
                (
                    index,
                    Caregiver(
                        relation="father",
                        full_name=father,
                        status=father_status,
                        birth_year=birth.year - rng.randint(24, 38),
                    ),
                )
            )
            mother_born = birth.year - rng.randint(20, 35)
            mother_id = ""
            if carer_ids.random() < 0.6:
                coded = "male" if carer_ids.random() < 0.01 else "female"
                mother_id = _adult_id_number(carer_ids, coded, mother_born)
            caregivers.append(
                (
                    index,
                    Caregiver(
                        relation="mother",
                        full_name=mother,
                        status=mother_status,
                        birth_year=mother_born,
                        phone=f"09{rng.randrange(10**8):08d}",
                        id_number=mother_id,
                    ),
                )
            )
    # deliberate duplicates: the same child entered twice (second copy without an ID number)
    for original in rng.sample(children, 12):
        dup = Child(
            area=rng.choice(villages) if villages else commune,
            commune=commune,
            province_code=commune.province_code,
            full_name=original.full_name.upper() if rng.random() < 0.5 else original.full_name,
            birth_date=original.birth_date,
            sex=original.sex,
            ethnicity=original.ethnicity,
            address=original.address,
            household_head=original.household_head,
            poverty=original.poverty,
            created_by=officer,
        )
        dup.set_derived()
        children.append(dup)
    if commune == ctx.commune:
        # a known child for the demo walkthrough and the browser test
        known = Child(
            area=villages[0] if villages else commune,
            commune=commune,
            province_code=commune.province_code,
            full_name="Nguyễn Văn An",
            birth_date=years_before(today, 8) - dt.timedelta(days=40),
            sex="male",
            ethnicity=ethnic["01"],
            poverty="poor",
            created_by=officer,
            address=f"Xóm 2, {villages[0].full_name}" if villages else "",
        )
        known.set_derived()
        children.append(known)
        # a namesake born the same day in another village, of other parents: the
        # duplicates page lists the two until the officer records they are two children
        namesake = Child(
            area=villages[4] if len(villages) > 4 else known.area,
            commune=commune,
            province_code=commune.province_code,
            full_name=known.full_name,
            birth_date=known.birth_date,
            sex="male",
            ethnicity=ethnic["01"],
            poverty="none",
            household_head="Nguyễn Văn Hải",
            created_by=officer,
        )
        namesake.set_derived()
        children.append(namesake)
    Child.objects.bulk_create(children, batch_size=1000)
    for index, caregiver in caregivers:
        caregiver.child = children[index]
        caregiver.set_derived()
    Caregiver.objects.bulk_create([c for _i, c in caregivers], batch_size=2000)
    search_words_refresh([c.pk for c in children])
    circs, supports = _circumstances_and_support(rng, children, officer, today)
    _history(officer, children, circs, supports, today)
    if commune == ctx.commune and officer is not None:
        known, namesake = children[-2:]
        checked = timezone.make_aware(
            dt.datetime.combine(today - dt.timedelta(days=20), dt.time(10))
        )
        with audit_at(checked):  # the officer checked the pair three weeks ago
            pairs = services.children_mark_distinct(actor=officer, children=[known, namesake])
        DistinctChildren.objects.filter(pk__in=[p.pk for p in pairs]).update(created_at=checked)
    return len(children)


# The registry was kept in TreEm from this long ago: older children were entered then.
REGISTRY_YEARS = YEARS_IN_USE


def _history(
    officer: Any,
    children: list[Child],
    circs: list[ChildCircumstance],
    supports: list[Support],
    today: dt.date,
) -> None:
    """The audit rows the services write, dated when each thing was recorded (a child
    some weeks after birth, or when the commune started its registry; a circumstance as
    it began; a support when given), so a child's history reads like a kept one. The
    times come from the ids (no draw from the data's random generator)."""
    started = years_before(today, REGISTRY_YEARS)
    zone = timezone.get_current_timezone()

    def at(day: dt.date, salt: int) -> dt.datetime:
        day = min(day, today - dt.timedelta(days=1))
        moment = dt.time(8 + salt % 9, salt * 7 % 60)
        return timezone.make_aware(dt.datetime.combine(day, moment), zone)

    name = officer.get_username() if officer else "hệ thống"
    rows: list[tuple[AuditLog, dt.datetime]] = []

    def row(child: Child, action: str, after: dict[str, Any], when: dt.datetime) -> None:
        log = AuditLog(
            actor=officer,
            actor_name=name,
            action=action,
            object_type=Child._meta.label_lower,
            object_id=str(child.pk),
            object_repr=child.full_name[:255],
            area=child.area,
            area_path=child.area.path,
            province_code=child.province_code,
            after=after,
        )
        rows.append((log, when))

    entered: dict[int, dt.datetime] = {}
    for c in children:
        day = max(c.birth_date or started, started) + dt.timedelta(days=7 + c.pk % 53)
        entered[c.pk] = at(day, c.pk)
        row(c, "child.create", {"source": "demo"}, entered[c.pk])

    def later(child_id: int, day: dt.date, salt: int) -> dt.datetime:
        """At `day`, but after the child was entered (a circumstance or support of
        before: recorded with the child, a little later)."""
        return max(at(day, salt), entered[child_id] + dt.timedelta(minutes=20 + salt % 40))

    for circ in circs:  # recorded as it began (a verification takes a few days)
        day = (circ.start_date or started) + dt.timedelta(days=circ.pk % 10)
        when = later(circ.child_id, day, circ.pk)
        row(circ.child, "circumstance.add", {"circumstance": snapshot(circ)}, when)
    for support in supports:
        when = later(support.child_id, support.date, support.pk)
        row(support.child, "support.add", {"support": snapshot(support)}, when)
    AuditLog.objects.bulk_create([log for log, _when in rows], batch_size=2000)
    for log, when in rows:  # (bulk_create stamps `at` with its own clock)
        log.at = when
    AuditLog.objects.bulk_update([log for log, _when in rows], ["at"], batch_size=1000)


def _schooling(rng: random.Random, birth: dt.date, today: dt.date) -> str:
    age = (today - birth).days // 365
    if age < 1:
        return "not_yet"
    if age < 3:
        return rng.choice(["not_yet", "nursery"])
    if age < 6:
        return "kindergarten"
    if age < 11:
        return "primary"
    if age < 15:
        return "lower_secondary" if rng.random() > 0.01 else "dropped_out"
    return rng.choices(["upper_secondary", "dropped_out", "out_of_school"], weights=[90, 6, 4])[0]


def _circumstances_and_support(
    rng: random.Random, children: list[Child], officer: Any, today: dt.date
) -> tuple[list[ChildCircumstance], list[Support]]:
    circs: list[ChildCircumstance] = []
    supports: list[Support] = []
    for child in children:
        if not child.birth_date:
            continue
        r = rng.random()
        if r < 0.07:
            group = _weighted(rng, SPECIAL_GROUPS)
            if MIN_AGE.get(group, 0) > (today - child.birth_date).days // 365:
                group = "c"  # no toddler "left school to earn a living" (no draw: same data)
            start = max(child.birth_date, today - dt.timedelta(days=rng.randint(30, 2000)))
            subtype = ""
            if group == "d":
                subtype = rng.choices(["especially_severe", "severe", "mild"], weights=[2, 4, 6])[0]
                child.disability_type = rng.choice(
                    ["Vận động", "Nghe, nói", "Nhìn", "Thần kinh, tâm thần", "Trí tuệ"]
                )
                child.disability_level = subtype
            circs.append(
                ChildCircumstance(
                    child=child,
                    kind="special",
                    group=group,
                    subtype=subtype,
                    start_date=start,
                    verified_by=officer if rng.random() < 0.8 else None,
                )
            )
            if group in ("a", "c", "d", "n"):
                # the allowance paid each quarter since the circumstance began, over the
                # last three years: last year's reports (the "same period last year"
                # column, the trend chart) have their supported children too
                for months_ago in range(0, 36, 3):
                    day = (today.replace(day=1) - dt.timedelta(days=30 * months_ago)).replace(day=5)
                    if start <= day <= today:
                        supports.append(
                            Support(
                                child=child,
                                kind="monthly_allowance",
                                date=day,
                                end_date=day + dt.timedelta(days=89),
                                amount=Decimal(500000 * 3 * (2 if group == "d" else 1)),
                                source="state_budget",
                                provider="UBND xã",
                            )
                        )
            supports.append(
                Support(
                    child=child,
                    kind=rng.choice(["gift", "health_insurance", "education", "medical"]),
                    date=today - dt.timedelta(days=rng.randint(10, 400)),
                    amount=Decimal(rng.choice([300000, 500000, 1000000, 2000000])),
                    source=rng.choice(["child_fund", "business", "organisation", "individual"]),
                    provider=rng.choice(
                        ["Quỹ Bảo trợ trẻ em tỉnh", "Hội Chữ thập đỏ", "Công ty May Nghĩa Hưng"]
                    ),
                )
            )
        elif r < 0.12:
            circs.append(
                ChildCircumstance(
                    child=child,
                    kind="at_risk",
                    group=rng.choice(AT_RISK),
                    start_date=today - dt.timedelta(days=rng.randint(30, 700)),
                )
            )
    ChildCircumstance.objects.bulk_create(circs, batch_size=2000)
    Support.objects.bulk_create(supports, batch_size=2000)
    _consistent_with_groups(circs)
    disabled = [c for c in children if c.disability_type]
    Child.objects.bulk_update(disabled, ["disability_type", "disability_level"], batch_size=1000)
    return circs, supports


def _consistent_with_groups(circs: list[ChildCircumstance]) -> None:
    """Make the record agree with the groups Điều 10 defines by its facts, but for every
    MISMATCH_EVERY-th child of each group (left for the data-quality page to find)."""
    seen: dict[str, int] = {}
    orphans: list[int] = []
    changed: list[Child] = []
    for circ in circs:
        if circ.kind != "special" or circ.group not in ("a", "n", "h"):
            continue
        seen[circ.group] = seen.get(circ.group, 0) + 1
        if seen[circ.group] % MISMATCH_EVERY == 0:
            continue
        child = circ.child
        if circ.group == "a":
            orphans.append(child.pk)
            child.household_head = ""
        elif circ.group == "n":
            child.poverty = "poor" if seen["n"] % 2 else "near_poor"
        else:
            child.schooling = "dropped_out"
        changed.append(child)
    Caregiver.objects.filter(child_id__in=orphans, relation__in=["father", "mother"]).update(
        status="dead", phone=""
    )
    Child.objects.bulk_update(changed, ["household_head", "poverty", "schooling"], batch_size=1000)
