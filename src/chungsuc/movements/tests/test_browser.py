"""In a real browser (Debian Chromium via Playwright), at 1366 and 390 px: the province administrator
creates a movement with its own targets from the interface and lands on its progress page; Plan 861's
progress, forecast, obligations and consolidation pages fit the screen without sideways scrolling."""

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [(1366, 900), (390, 844)]


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


@pytest.mark.parametrize("width,height", WIDTHS)
def test_create_a_movement_and_see_its_progress(
    browser, live_server, login, transactional_demo, width, height
):
    from chungsuc.movements.models import Movement

    artifacts = settings.BASE_DIR / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "demo.tinh", transactional_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/movements/")
    page.click('[data-testid="movement-create-link"]')
    assert _no_sideways_scroll(page)
    page.fill("#id_name", f"Kế hoạch thử nghiệm {width}")
    page.fill("#id_short_name", f"Phong trào thử {width}")
    page.select_option("#id_province", label="Tỉnh An Giang (từ 01/07/2025)")
    page.fill("#id_act_number", "27")
    page.fill("#id_act_date", "10/02/2026")
    page.fill("#id_period_start", "2026")
    page.fill("#id_period_end", "2030")
    page.fill("#id_t1_code", "1")
    page.fill("#id_t1_name", "Xã nông thôn mới (thêm)")
    page.fill("#id_t1_counts", "3, 4")  # wrong: five years need five numbers
    page.click('[data-testid="movement-create-submit"]')
    error = page.locator('[data-testid="target-error-1"]')
    assert "cần 5 số" in error.inner_text()
    assert not Movement.objects.filter(short_name=f"Phong trào thử {width}").exists()
    page.fill("#id_t1_counts", "3, 4, 4, 3, 2")
    page.click('[data-testid="movement-create-submit"]')
    page.wait_for_url("**/progress/")
    m = Movement.objects.get(short_name=f"Phong trào thử {width}")
    assert page.locator('[data-testid="total-1"]').inner_text() == "0/16"
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / f"movement-created-{width}.png"), full_page=True)
    assert {y.year: y.count for y in m.versions.get().targets.get().years.all()}[2027] == 4
    context.close()


@pytest.mark.parametrize("width,height", WIDTHS)
def test_plan_861_pages_fit_the_screen(browser, live_server, login, transactional_demo, width, height):
    from chungsuc.movements.models import Movement

    artifacts = settings.BASE_DIR / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    m = Movement.objects.get(code="kh-861-2022")
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "demo.tinh", transactional_demo.DEMO_PASSWORD)
    for name in ["", "progress/", "forecast/", "obligations/", "consolidation/"]:
        response = page.goto(f"{live_server.url}/movements/{m.pk}/{name}")
        assert response.status == 200, name
        assert _no_sideways_scroll(page), name
        page.screenshot(
            path=str(artifacts / f"plan861-{name.strip('/') or 'plan'}-{width}.png"), full_page=True
        )
    page.goto(f"{live_server.url}/movements/{m.pk}/progress/")
    assert page.locator('[data-testid="target-2.1"]').is_visible()
    assert "33" in page.locator('[data-testid="total-2.1"]').inner_text()
    context.close()
