"""Demo data for the foundation: Ninh Bình, Xã Nghĩa Hưng and a neighbour, villages, units, users.

All of it is synthetic. Idempotent: running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from treem.core import services
from treem.core.dates import years_before
from treem.core.models import Agency, AgencyKind, Area, AuditLog, Membership, Role

User = get_user_model()
DEMO_PASSWORD = "TreEm@2026"  # noqa: S105 - documented demo-only password
PROVINCE_KEY = "37"  # Tỉnh Ninh Bình
COMMUNE_KEY = "13891"  # Xã Nghĩa Hưng
OTHER_COMMUNE_KEY = "13894"  # Xã Rạng Đông (neighbour)


@contextmanager
def audit_at(at: dt.datetime) -> Iterator[None]:
    """Demo only: the audit rows the services write inside are dated `at` (never later
    than now), as the demo plays events of the past (a case received last week, a report
    sent in November); the log then tells the same dates as the pages."""
    last = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    yield
    AuditLog.objects.filter(id__gt=last).update(at=min(at, timezone.now()))


VILLAGES = {
    COMMUNE_KEY: [
        "Liễu Đề",
        "Nghĩa Thái",
        "Nghĩa Châu",
        "Nghĩa Trung",
        "Đông Cường",
        "Tây Sơn",
        "Trung Thành",
        "Tân Lập",
    ],
    OTHER_COMMUNE_KEY: ["Rạng Đông 1", "Rạng Đông 2", "Thượng Kiệm", "Đông Hải", "Bình Hải"],
}


@dataclass
class DemoContext:
    """What later apps' demo seeders need: the areas, units and users created here."""

    province: Area
    commune: Area
    other_commune: Area
    villages: list[Area]
    other_villages: list[Area]
    users: dict[str, Any]
    agencies: dict[str, Agency]
    rng: random.Random = field(default_factory=lambda: random.Random(2026))


def _user(username: str, full_name: str, *, superuser: bool = False) -> Any:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, is_superuser=superuser, is_staff=superuser)
        user.first_name = full_name  # whole name, surname first (see services.user_create)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _member(user: Any, role: str, area: Area, agency: Agency | None = None) -> None:
    Membership.objects.get_or_create(
        user=user, role=Role.objects.get(slug=role), area=area, defaults={"agency": agency}
    )


# The demo communes have kept their children's register in TreEm for this many years.
YEARS_IN_USE = 3


def set_up_on(today: dt.date) -> dt.datetime:
    """When the demo communes set TreEm up: two weeks before their register began."""
    day = years_before(today, YEARS_IN_USE) - dt.timedelta(days=14)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def seed(stdout: Any = None) -> DemoContext:
    province = Area.objects.get(key=PROVINCE_KEY)
    commune = Area.objects.get(key=COMMUNE_KEY)
    other = Area.objects.get(key=OTHER_COMMUNE_KEY)
    admin = _user("admin", "Quản Trị Hệ Thống", superuser=True)
    with audit_at(set_up_on(timezone.localdate())):  # the villages and units, set up then
        for c in (commune, other):
            existing = set(c.children.values_list("name", flat=True))
            missing = [n for n in VILLAGES[c.key] if n not in existing]
            if missing:
                services.villages_bulk_create(actor=admin, commune=c, text="\n".join(missing))
            services.agencies_seed_usual(actor=admin, commune=c)

    villages = list(commune.children.order_by("code"))
    other_villages = list(other.children.order_by("code"))
    users = {
        "admin": admin,
        "tinh": _user("tinh", "Trần Thị Thu Hà"),
        "nghiahung": _user("nghiahung", "Nguyễn Thị Lan"),
        "lanhdao": _user("lanhdao", "Phạm Văn Quang"),
        "ctv": _user("ctv", "Vũ Thị Hoa"),
        "xakhac": _user("xakhac", "Đỗ Văn Bình"),
        "yte": _user("yte", "Lê Thị Mai"),
    }
    agencies = {a.kind: a for a in Agency.objects.filter(area=commune).order_by("-name")}
    _member(users["admin"], "admin", province)
    _member(users["tinh"], "province_officer", province)
    _member(users["nghiahung"], "commune_officer", commune)
    _member(users["lanhdao"], "commune_leader", commune)
    _member(users["ctv"], "village_collaborator", villages[0])
    _member(users["xakhac"], "commune_officer", other)
    health = agencies[AgencyKind.HEALTH_STATION]
    _member(users["yte"], "unit_focal_point", commune, agency=health)
    if health.focal_point_id is None:
        health.focal_point = users["yte"]
        health.save(update_fields=["focal_point"])
    return DemoContext(
        province=province,
        commune=commune,
        other_commune=other,
        villages=villages,
        other_villages=other_villages,
        users=users,
        agencies={a.name: a for a in Agency.objects.filter(area=commune)},
    )
