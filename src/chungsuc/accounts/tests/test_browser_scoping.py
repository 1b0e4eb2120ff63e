"""In a real browser (Debian Chromium via Playwright): officials see exactly their part of the province."""

import pytest
from django.conf import settings

from chungsuc.geo.selectors import unit_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_commune_officer_sees_only_their_commune(page, live_server, login, transactional_demo):
    login(page, "demo.vinhchanh", transactional_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/units/?as_of=2024-06-30")
    body = page.locator("body").inner_text()
    assert "Xã Vĩnh Chánh" in body
    assert "Xã Vọng Thê" not in body  # a neighbour in the same district
    own = unit_by_code("30703", "2024-06-30")
    response = page.goto(f"{live_server.url}/units/{own.pk}/")
    assert response.status == 200
    assert "Xã Vĩnh Chánh" in page.locator("h1, h2, .page-title").first.inner_text()
    neighbour = unit_by_code("30727", "2024-06-30")
    assert page.goto(f"{live_server.url}/units/{neighbour.pk}/").status == 404


def test_district_officer_sees_only_their_communes(page, live_server, login, transactional_demo):
    login(page, "demo.thoaison", transactional_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/units/?as_of=2024-06-30")
    body = page.locator("body").inner_text()
    for name in ["Xã Vĩnh Chánh", "Xã Vọng Thê", "Thị trấn Núi Sập"]:
        assert name in body
    assert "Xã Mỹ Hội Đông" not in body  # huyện Chợ Mới
    assert "Phường Mỹ Bình" not in body  # thành phố Long Xuyên
    page.screenshot(path=str(settings.BASE_DIR / "test-artifacts" / "district-units.png"), full_page=True)
    other = unit_by_code("30637", "2024-06-30")  # Xã Mỹ Hội Đông, huyện Chợ Mới
    assert page.goto(f"{live_server.url}/units/{other.pk}/").status == 404
