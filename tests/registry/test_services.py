"""Registry services: create/update with optimistic locking, groups, support, lifecycle, merge."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from tests.conftest import born
from treem.core.models import AuditLog
from treem.registry import services
from treem.registry.models import Child, ChildMove, Ethnicity, years_before

pytestmark = pytest.mark.django_db


def test_create_normalises_and_audits(world: Any) -> None:
    child = services.child_create(
        actor=world.officer,
        area=world.village,
        full_name="  NGUYỄN VĂN  AN ",
        birth_date=dt.date(2018, 5, 17),
        birth_date_precision="month",
        sex="male",
        ethnicity=Ethnicity.objects.get(code="01"),
        caregivers=[{"relation": "mother", "full_name": "trần thị bình", "birth_year": 1990}],
    )
    assert child.full_name == "Nguyễn Văn An"
    assert child.commune == world.commune
    assert child.birth_date == dt.date(2018, 5, 1)
    assert child.created_by == world.officer
    assert child.caregivers.get().full_name == "Trần Thị Bình"
    assert AuditLog.objects.filter(action="child.create", object_id=str(child.pk)).exists()
    assert AuditLog.objects.filter(action="caregiver.add", object_id=str(child.pk)).exists()


def test_create_rejects_bad_input_with_named_fields(world: Any, child_maker: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.child_create(
            actor=world.officer,
            area=world.village,
            full_name="",
            birth_date=dt.date.today() + dt.timedelta(days=3),
            sex="x",
            id_number="03620801234",
        )
    errors = exc.value.message_dict
    assert "Họ và tên" in errors["full_name"][0]
    assert "tương lai" in errors["birth_date"][0]
    assert "sex" in errors
    assert "12 chữ số" in errors["id_number"][0]


def test_id_number_consistency_and_uniqueness(world: Any, child_maker: Any) -> None:
    # 036 Nam Định, 3 = female born 2000s, 18 = 2018
    child_maker(
        "Lê Thị Hoa", sex="female", birth_date=dt.date(2018, 3, 1), id_number="036318001234"
    )
    with pytest.raises(ValidationError) as exc:
        child_maker(
            "Lê Văn Nam", sex="male", birth_date=dt.date(2018, 3, 1), id_number="036318001234"
        )
    assert "giới tính" in exc.value.message_dict["id_number"][0]
    with pytest.raises(ValidationError) as exc:
        child_maker(
            "Lê Thị Mai", sex="female", birth_date=dt.date(2018, 3, 1), id_number="036318001234"
        )
    assert "Lê Thị Hoa" in exc.value.message_dict["id_number"][0]


def test_sixteen_year_old_cannot_be_registered(world: Any, child_maker: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        child_maker(birth_date=years_before(dt.date.today(), 16))
    assert "16 tuổi" in exc.value.message_dict["birth_date"][0]


def test_collaborator_registers_in_own_village_only_and_edits_only_own(
    world: Any, child_maker: Any
) -> None:
    mine = child_maker("Phạm Văn Tú", actor=world.collaborator)
    with pytest.raises(PermissionDenied):
        child_maker(actor=world.collaborator, area=world.village2)
    services.child_update(actor=world.collaborator, child=mine, version=mine.version, notes="ok")
    other = child_maker("Đỗ Thị Lan")
    with pytest.raises(PermissionDenied):
        services.child_update(
            actor=world.collaborator, child=other, version=other.version, notes="x"
        )
    with pytest.raises(PermissionDenied):
        child_maker(actor=world.other_officer)


def test_stale_version_is_refused_and_nothing_overwritten(world: Any, child_maker: Any) -> None:
    child = child_maker()
    loaded_by_a = Child.objects.get(pk=child.pk)
    loaded_by_b = Child.objects.get(pk=child.pk)
    services.child_update(
        actor=world.officer, child=loaded_by_a, version=loaded_by_a.version, address="Xóm 3"
    )
    with pytest.raises(ValidationError) as exc:
        services.child_update(
            actor=world.officer, child=loaded_by_b, version=loaded_by_b.version, address="Xóm 9"
        )
    assert "vừa được người khác sửa" in exc.value.messages[0]
    fresh = Child.objects.get(pk=child.pk)
    assert fresh.address == "Xóm 3"
    assert fresh.version == 2
    log = AuditLog.objects.get(action="child.update", object_id=str(child.pk))
    assert log.before == {"address": "", "version": 1}
    assert log.after["address"] == "Xóm 3"


def test_update_cannot_change_commune_or_unknown_field(world: Any, child_maker: Any) -> None:
    child = child_maker()
    with pytest.raises(ValidationError):
        services.child_update(actor=world.officer, child=child, version=1, area=world.other_village)
    with pytest.raises(ValidationError):
        services.child_update(actor=world.officer, child=child, version=1, status="died")
    moved = services.child_update(actor=world.officer, child=child, version=1, area=world.village2)
    assert moved.area == world.village2


def test_groups_and_support(world: Any, child_maker: Any) -> None:
    child = child_maker()
    circ = services.circumstance_add(
        actor=world.officer,
        child=child,
        kind="special",
        group="d",
        subtype="severe",
        start_date=dt.date(2024, 1, 1),
        verified=True,
    )
    assert circ.verified_by == world.officer
    services.circumstance_add(actor=world.officer, child=child, kind="special", group="a")
    services.circumstance_add(actor=world.officer, child=child, kind="at_risk", group="drowning")
    with pytest.raises(ValidationError) as exc:
        services.circumstance_add(actor=world.officer, child=child, kind="special", group="z")
    assert "14 nhóm" in exc.value.message_dict["group"][0]
    with pytest.raises(ValidationError):
        services.circumstance_add(actor=world.officer, child=child, kind="special", group="d")
    services.circumstance_end(actor=world.officer, circumstance=circ, end_date=dt.date(2025, 1, 1))
    support = services.support_add(
        actor=world.officer,
        child=child,
        kind="monthly_allowance",
        date=dt.date(2025, 1, 1),
        amount="540.000",
        source="state_budget",
    )
    assert support.amount == Decimal("540000")
    with pytest.raises(ValidationError) as exc:
        services.support_add(actor=world.officer, child=child, kind="gift", date=None, amount="abc")
    assert set(exc.value.message_dict) == {"date", "amount"}
    services.support_remove(actor=world.officer, support=support)
    assert child.supports.filter(removed_at__isnull=True).count() == 0
    assert child.supports.count() == 1  # kept, not deleted


def test_died_and_archive(world: Any, child_maker: Any) -> None:
    child = child_maker()
    died = services.child_mark_died(
        actor=world.officer, child=child, date=dt.date.today(), cause="Đuối nước"
    )
    assert died.status == "died"
    assert died.death_cause == "Đuối nước"
    assert not Child.objects.active().filter(pk=child.pk).exists()
    assert Child.objects.filter(pk=child.pk).exists()


def test_age_out_command_archives_sixteen_year_olds(world: Any, child_maker: Any) -> None:
    old = child_maker("Lê Văn Già", birth_date=born(15, days=300))
    young = child_maker("Lê Văn Trẻ", birth_date=born(3))
    Child.objects.filter(pk=old.pk).update(birth_date=born(16))
    assert not Child.objects.active().filter(pk=old.pk).exists()  # never counted on read
    call_command("age_out", stdout=io.StringIO())
    old.refresh_from_db()
    young.refresh_from_db()
    assert old.status == "archived"
    assert young.status == "active"
    assert AuditLog.objects.filter(action="child.age_out", object_id=str(old.pk)).exists()


def test_move_to_another_commune_keeps_history(world: Any, child_maker: Any) -> None:
    child = child_maker()
    services.support_add(actor=world.officer, child=child, kind="gift", date=dt.date(2025, 6, 1))
    moved = services.child_move(
        actor=world.officer,
        child=child,
        to_commune=world.other_commune,
        to_village=world.other_village,
    )
    assert moved.commune == world.other_commune
    assert moved.area == world.other_village
    assert moved.supports.count() == 1
    assert ChildMove.objects.get(child=child).from_commune == world.commune
    # the receiving commune now owns it; the sender no longer edits it
    services.child_update(
        actor=world.other_officer, child=moved, version=moved.version, notes="nhận"
    )
    with pytest.raises(PermissionDenied):
        services.child_update(
            actor=world.officer, child=moved, version=moved.version + 1, notes="x"
        )


def test_merge_and_unmerge(world: Any, child_maker: Any) -> None:
    survivor = child_maker("Nguyễn Văn An", birth_date=dt.date(2018, 4, 2))
    dup = child_maker(
        "Nguyen Van An",
        birth_date=dt.date(2018, 4, 2),
        id_number="036218001111",
        caregivers=[{"relation": "father", "full_name": "Nguyễn Văn Ba"}],
    )
    services.support_add(actor=world.officer, child=dup, kind="gift", date=dt.date(2025, 6, 1))
    log = services.children_merge(actor=world.officer, survivor=survivor, duplicate=dup)
    survivor.refresh_from_db()
    dup.refresh_from_db()
    assert dup.merged_into == survivor
    assert survivor.id_number == "036218001111"
    assert survivor.caregivers.count() == 1
    assert survivor.supports.count() == 1
    assert not Child.objects.active().filter(pk=dup.pk).exists()
    services.children_unmerge(actor=world.officer, log=log)
    survivor.refresh_from_db()
    dup.refresh_from_db()
    assert dup.merged_into is None
    assert survivor.id_number is None
    assert dup.id_number == "036218001111"
    assert dup.caregivers.count() == 1 and dup.supports.count() == 1
    assert survivor.caregivers.count() == 0
    with pytest.raises(ValidationError):
        services.children_unmerge(actor=world.officer, log=log)


def test_support_cannot_be_dated_after_today_but_may_run_on(world: Any, child_maker: Any) -> None:
    from django.utils import timezone

    child = child_maker()
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.support_add(actor=world.officer, child=child, kind="gift", date=tomorrow)
    assert exc.value.message_dict["date"] == [
        f"Ngày trợ giúp {tomorrow:%d/%m/%Y} là ngày trong tương lai."
    ]
    assert not child.supports.exists()
    running = services.support_add(
        actor=world.officer,
        child=child,
        kind="monthly_allowance",
        date=today,
        end_date=today + dt.timedelta(days=89),
    )
    assert running.end_date > today


def test_a_caregivers_id_number_is_checked_against_the_relation_and_birth_year(
    world: Any, child_maker: Any
) -> None:
    child = child_maker("Lò Văn Sinh")

    def add(relation: str, name: str, year: int, number: str) -> Any:
        return services.caregiver_add(
            actor=world.officer,
            child=child,
            relation=relation,
            full_name=name,
            birth_year=year,
            id_number=number,
        )

    def refusal(call: Any) -> str:
        with pytest.raises(ValidationError) as refused:
            call()
        return " ".join(refused.value.message_dict["id_number"])

    # a mother born in 1990: 036 (Nam Định), 1 (a woman of the 1900s), 90
    mother = add("mother", "Lò Thị Xuân", 1990, "036190123456")
    assert mother.id_number == "036190123456"
    # a woman's digit, and 90, for a father born in 1988
    message = refusal(lambda: add("father", "Lò Văn Đông", 1988, "036190123457"))
    assert "ứng với giới tính nữ, nhưng người này là nam" in message
    assert "Chữ số thứ 5–6 (“90”) phải là hai số cuối của năm sinh (“88”)" in message
    assert child.caregivers.count() == 1  # nothing saved
    # a guardian's sex is not known from the relation: only the year is checked
    add("guardian", "Lò Thị Tám", 1960, "036160123458")
    message = refusal(lambda: add("guardian", "Lò Văn Chín", 1961, "036060123459"))
    assert "giới tính" not in message and "(“60”)" in message and "(“61”)" in message
    # a change of the number alone is checked against the stored relation and year
    message = refusal(
        lambda: services.caregiver_update(
            actor=world.officer, caregiver=mother, id_number="036090123456"
        )
    )
    assert "nhưng người này là nữ" in message
    # so is the stored number when the birth year it codes is changed
    message = refusal(
        lambda: services.caregiver_update(actor=world.officer, caregiver=mother, birth_year=1991)
    )
    assert "(“90”) phải là hai số cuối của năm sinh (“91”)" in message
