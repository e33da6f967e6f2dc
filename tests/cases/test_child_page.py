"""The child's registry page shows the child's cases only to those who may read them."""

import pytest

from tests.cases.helpers import intake, make_child
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_child_page_lists_the_case_for_readers_only(world: World, client_for) -> None:
    child = make_child(world.village, "Trần Thị Mơ", sex="female")
    case = intake(world, child=child)
    url = f"/tre-em/{child.pk}/"

    officer_page = client_for(world.officer).get(url).content.decode()
    assert str(case.code) in officer_page and "đang mở" in officer_page
    leader_page = client_for(world.leader).get(url).content.decode()
    assert f"/vu-viec/{case.pk}/" in leader_page

    # The collaborator may see the child in her village, never that a case exists.
    collaborator_page = client_for(world.collaborator).get(url)
    assert collaborator_page.status_code == 200
    assert str(case.code) not in collaborator_page.content.decode()
    assert "đang mở" not in collaborator_page.content.decode()
