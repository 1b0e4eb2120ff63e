"""The unit browser in a real browser (Debian Chromium via Playwright)."""

import pytest

from chungsuc.geo.selectors import unit_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_officer_browses_and_searches(page, live_server, login, transactional_demo):
    login(page, "demo.thoaison", transactional_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/units/")
    rows = page.get_by_test_id("unit-row")
    assert rows.count() == 18  # Thoại Sơn and its communes on 30/06/2025, the district's last day
    assert page.get_by_test_id("as-of-input").input_value() == "30/06/2025"  # typed and shown dd/mm/yyyy
    page.get_by_test_id("unit-search").fill("vong the")
    page.wait_for_function("document.querySelectorAll('[data-testid=unit-row]').length === 2")
    assert "Xã Vọng Thê" in page.get_by_test_id("unit-table").inner_text()
    page.get_by_role("link", name="Xã Vọng Thê").click()
    assert page.get_by_test_id("unit-name").inner_text() == "Xã Vọng Thê"
    other = unit_by_code("30280", "2024-06-30")  # Phường Mỹ Bình, Long Xuyên
    assert page.goto(f"{live_server.url}/units/{other.pk}/").status == 404
