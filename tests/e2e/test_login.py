"""A commune officer logs in with Chromium and sees her dashboard in Vietnamese."""

from typing import Any

import pytest

from tests.conftest import World
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_and_sees_vietnamese_dashboard(
    world: World, live_server: Any, page: Any
) -> None:
    log_in(page, live_server, "canbo", PASSWORD)
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "Tổng quan · Xã Nghĩa Hưng"
    assert page.locator("nav.mainnav").inner_text().startswith("Tổng quan")
    assert page.locator("html").get_attribute("lang") == "vi"


def test_wrong_password_shows_a_vietnamese_error(world: World, live_server: Any, page: Any) -> None:
    log_in(page, live_server, "canbo", "sai-mat-khau")
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page.inner_text(".errors")


def test_dashboard_fits_a_phone(world: World, live_server: Any, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="vi-VN")
    page = context.new_page()
    log_in(page, live_server, "canbo", PASSWORD)
    page.wait_for_selector("h1")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    assert not page.locator("nav.mainnav").is_visible()
    page.click("label.navbutton")
    assert page.locator("nav.mainnav").is_visible()
    context.close()
