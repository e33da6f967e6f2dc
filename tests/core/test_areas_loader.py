"""The official list loads with its history: 34 + 3,321 current, the legacy units, successors."""

import pytest
from django.core.management import call_command

from treem.core.models import Area, AreaLevel

pytestmark = pytest.mark.django_db


def test_load_areas_gives_current_and_legacy_units_with_successors() -> None:
    call_command("load_areas", verbosity=0)
    current = Area.objects.filter(valid_to__isnull=True)
    assert current.filter(level=AreaLevel.PROVINCE).count() == 34
    assert current.filter(level=AreaLevel.COMMUNE).count() == 3321
    assert Area.objects.legacy().filter(level=AreaLevel.PROVINCE).count() == 63

    # Codes were reused by the reform: two different units answer to 10903.
    cam_giang = Area.objects.get(key="10903")
    ngoc_lien = Area.objects.get(key="legacy-10903")
    assert cam_giang.full_name == "Xã Cẩm Giàng" and cam_giang.parent.name == "Hải Phòng"
    assert ngoc_lien.full_name == "Xã Ngọc Liên" and ngoc_lien.is_legacy

    luong_dien = Area.objects.get(key="legacy-10924")
    assert luong_dien.full_name == "Xã Lương Điền"
    assert luong_dien.parent.full_name == "Huyện Cẩm Giàng"
    assert luong_dien.parent.parent.full_name == "Tỉnh Hải Dương"
    assert str(luong_dien.valid_to) == "2025-07-01"
    assert list(luong_dien.successors.values_list("key", flat=True)) == ["10903"]
    assert set(
        cam_giang.predecessors.filter(level=AreaLevel.COMMUNE).values_list("key", flat=True)
    ) >= {
        "legacy-10924",
        "legacy-10903",
    }

    # Idempotent: a second run creates and changes nothing.
    before = Area.objects.count()
    call_command("load_areas", verbosity=0)
    assert Area.objects.count() == before
