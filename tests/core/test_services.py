"""Core writes: villages (one and bulk), agencies, users; each leaves its audit row."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import World
from treem.core import services
from treem.core.models import Area, AuditLog, Role

pytestmark = pytest.mark.django_db


def test_village_create_is_audited_in_the_same_transaction(world: World) -> None:
    v = services.village_create(actor=world.officer, commune=world.commune, name="  Tân  Lập ")
    assert v.full_name == "Thôn Tân Lập"
    assert v.path == f"{world.commune.path}{v.key}/"
    row = AuditLog.objects.get(action="area.create", object_id=str(v.pk))
    assert row.actor == world.officer and row.area == v
    assert row.after["name"] == "Tân Lập"


def test_bulk_villages_are_all_or_nothing_and_name_the_bad_line(world: World) -> None:
    before = Area.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.villages_bulk_create(
            actor=world.officer,
            commune=world.commune,
            text="Đông Cường\nTây Sơn\nliễu đề\nĐông  cường\n",
        )
    messages = " ".join(exc.value.messages)
    assert "Dòng 3" in messages and "đã có trong xã" in messages
    assert "Dòng 4" in messages and "trùng với dòng 1" in messages
    assert Area.objects.count() == before

    created = services.villages_bulk_create(
        actor=world.officer, commune=world.commune, text="Đông Cường\tghi chú\n\nTây Sơn\n"
    )
    assert [v.name for v in created] == ["Đông Cường", "Tây Sơn"]


def test_officer_of_another_commune_cannot_add_villages_here(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.village_create(actor=world.other_officer, commune=world.commune, name="X")


def test_commune_officer_creates_collaborator_in_own_village_only(world: World) -> None:
    role = Role.objects.get(slug="village_collaborator")
    user = services.user_create(
        actor=world.officer,
        username="CTV2",
        password="Mot-mat-khau-dai-2026",
        full_name="Lê Thị Hồng",
        role=role,
        area=world.village2,
    )
    assert user.username == "ctv2" and user.check_password("Mot-mat-khau-dai-2026")
    assert AuditLog.objects.filter(action="user.create", object_id=str(user.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=world.officer,
            username="ctv3",
            password="Mot-mat-khau-dai-2026",
            full_name="Người Khác",
            role=role,
            area=world.other_village,
        )
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=world.officer,
            username="ctv4",
            password="Mot-mat-khau-dai-2026",
            full_name="Sai Cấp",
            role=role,
            area=world.commune,
        )
    assert "area" in exc.value.message_dict


def test_weak_password_is_refused_with_a_message(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=world.officer,
            username="yeu",
            password="123",
            full_name="Mật Khẩu Yếu",
            role=Role.objects.get(slug="commune_leader"),
            area=world.commune,
        )
    assert "password" in exc.value.message_dict


def test_agencies_seed_usual_is_idempotent_and_audited(world: World) -> None:
    first = services.agencies_seed_usual(actor=world.officer, commune=world.commune)
    again = services.agencies_seed_usual(actor=world.officer, commune=world.commune)
    assert len(first) >= 10 and again == []
    assert AuditLog.objects.filter(action="agency.create").count() == len(first)


def test_tokens_are_stored_hashed_and_revocable(world: World) -> None:
    token, raw = services.token_issue(actor=world.officer, user=world.officer)
    assert raw not in token.key_hash and token.prefix == raw[:10]
    with pytest.raises(PermissionDenied):
        services.token_revoke(actor=world.other_officer, token=token)
    services.token_revoke(actor=world.officer, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None
