"""An officer searches "nguyen van" without diacritics and opens the child's page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import World
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD
from treem.registry import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_searches_without_diacritics_and_opens_child(
    world: World, live_server: Any, page: Any
) -> None:
    for name in ("Nguyễn Văn Khải", "Lê Thị Hoa", "Trần Văn Nguyên"):
        services.child_create(
            actor=world.officer,
            area=world.village,
            full_name=name,
            birth_date=dt.date(2017, 5, 20),
            sex="female" if "Thị" in name else "male",
        )
    log_in(page, live_server, "canbo", PASSWORD)
    page.wait_for_selector("h1")
    page.click("nav.mainnav >> text=Trẻ em")
    page.wait_for_selector("#child-results")
    page.fill("input[name=q]", "nguyen van")
    # word order does not matter: "Trần Văn Nguyên" matches too, "Lê Thị Hoa" does not
    page.wait_for_function("document.querySelectorAll('#child-results tbody a').length === 2")
    rows = page.locator("#child-results tbody a")
    assert rows.all_inner_texts() == ["Nguyễn Văn Khải", "Trần Văn Nguyên"]
    assert "q=nguyen" in page.url  # the search is in the address bar (shareable, back works)
    rows.first.click()
    page.wait_for_selector("h1:has-text('Nguyễn Văn Khải')")
    assert "20/05/2017" in page.inner_text("main")


def test_officer_opens_the_move_section_and_moves_a_child(
    world: World, live_server: Any, page: Any
) -> None:
    """The move form arrives when its section is opened, then moves the child."""
    child = services.child_create(
        actor=world.officer,
        area=world.village,
        full_name="Phạm Văn Chuyển",
        birth_date=dt.date(2016, 2, 1),
        sex="male",
    )
    log_in(page, live_server, "canbo", PASSWORD)
    page.wait_for_selector("h1")
    page.goto(f"{live_server.url}/tre-em/{child.pk}/")
    assert page.locator("#move select").count() == 0  # nothing listed until asked
    page.click("#move summary")
    page.wait_for_selector("#move select[name=to_commune]")
    page.select_option("#move select[name=to_commune]", str(world.other_commune.pk))
    page.fill("#move input[name=date]", dt.date.today().strftime("%d/%m/%Y"))
    page.click("#move button")
    page.wait_for_selector("text=Đã chuyển hồ sơ trẻ.")
    child.refresh_from_db()
    assert child.commune_id == world.other_commune.pk
