"""The province dashboard's charts, the map and the portal home in Debian's Chromium at 1366 and
390 px: screenshots, the figures shown asserted against the data, no sideways scrolling, and axe-core
(committed under vendor/) with no serious or critical violation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)


def _axe(page, live_server) -> list[dict]:
    page.add_script_tag(url=f"{live_server.url}{settings.STATIC_URL}vendor/axe-core/axe.min.js")
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                         nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def _expected_ntm(on: dt.date) -> int:
    from chungsuc.geo.models import UnitVersion
    from chungsuc.geo.selectors import valid_on
    from chungsuc.recognitions.models import RecognitionRecord

    communes = UnitVersion.objects.filter(valid_on(on), level="commune").values("unit_id")
    return RecognitionRecord.objects.as_of(on).filter(unit_id__in=communes, standard="ntm").count()


def test_dashboard_map_and_portal_in_the_browser(browser, live_server, login, transactional_demo):
    artifacts = settings.BASE_DIR / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    on = dt.date(2024, 12, 31)
    ntm = _expected_ntm(on)
    assert ntm > 0
    errors: list[str] = []
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20000)
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        login(page, "demo.tinh", transactional_demo.DEMO_PASSWORD)

        page.goto(f"{live_server.url}/dashboard/charts/?on=31/12/2024")
        page.wait_for_selector('[data-chart="chart-data-recognitions"][data-rendered="1"]')
        assert page.locator('[data-chart="chart-data-recognitions"] svg').count() == 1
        alt = page.locator('[data-testid="alt-recognitions"]').inner_text()
        assert f"có {ntm} xã đạt chuẩn nông thôn mới" in alt
        page.locator('[data-testid="card-recognitions"] summary').click()
        last_row = page.locator('[data-testid="table-recognitions"] tbody tr').last
        assert last_row.locator("td").nth(0).inner_text() == "2024"
        assert last_row.locator("td").nth(2).inner_text() == str(ntm)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts / f"dashboard-charts-{width}.png"), full_page=True)
        found = _axe(page, live_server)
        assert found == [], found

        page.goto(f"{live_server.url}/public/map/?on=31/12/2024")
        page.wait_for_selector('[data-testid="map"][data-rendered]')
        drawn = int(page.locator('[data-testid="map"]').get_attribute("data-rendered"))
        assert drawn > 100
        counts = page.locator('[data-testid="map-counts"] tr').all_inner_texts()
        assert any(c.startswith("Nông thôn mới\t") or c.split()[-1].isdigit() for c in counts)
        assert "vietnam63" in page.locator('[data-testid="map-attribution"]').inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts / f"portal-map-{width}.png"))
        found = _axe(page, live_server)
        assert found == [], found
        context.close()

        # the portal home, anonymously
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # the figures on the portal home are the register's, today
        from django.utils import timezone

        from chungsuc.recognitions.selectors import register_as_of

        today_ntm = register_as_of(timezone.localdate(), standard="ntm").count()
        first = page.locator('[data-testid="public-recognised-counts"] tr').first.locator("td")
        assert first.nth(0).inner_text() == "Nông thôn mới" and first.nth(1).inner_text() == str(today_ntm)
        page.screenshot(path=str(artifacts / f"portal-home-{width}.png"), full_page=True)
        found = _axe(page, live_server)
        assert found == [], found
        page.goto(f"{live_server.url}/public/progress/")
        assert page.locator('[data-testid="target"]').count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts / f"portal-progress-{width}.png"), full_page=True)
        found = _axe(page, live_server)
        assert found == [], found
        context.close()
    assert errors == []


def test_pages_with_new_downloads_fit_a_phone_and_download(browser, live_server, login, transactional_demo):
    """Issue 12 §4 and §6: the pages that gained a download (the home's counters and the register's
    coverage, the unit tree and a unit's page, a unit's standards, the public unit page and map, a
    criteria set's threshold worklist and its version comparison with changes) keep
    their width at 390 px (the comparison's table scrolled the whole page sideways), have no serious
    accessibility violation, and their Excel link downloads a workbook."""
    from django.contrib.auth import get_user_model

    from chungsuc.criteria import selectors, services
    from chungsuc.criteria.models import ThresholdRule

    v1 = selectors.framework_get("xa-ntm-2021")
    rule = ThresholdRule.objects.filter(framework=v1, indicator__code="3.1").first()
    office = get_user_model().objects.get(username="demo.nnptnt")
    services.threshold_update(actor=office, rule=rule, value=rule.value + 5, reason="Đối chiếu QĐ 318")
    from chungsuc.geo.models import Unit

    province = Unit.objects.filter(level="province").order_by("pk").first()
    commune = Unit.objects.filter(level="commune").order_by("code", "pk").first()
    pages = [
        (f"/recognitions/units/{commune.pk}/standards/", None),
        (f"/public/units/{commune.pk}/", None),
        ("/criteria/xa-ntm-2021/worklist/", None),
        ("/public/map/?on=31/12/2024", None),
        ("/dashboard/", "export-coverage-xlsx"),
        ("/public/recognised/?on=01/06/2024", "export-coverage-xlsx"),
        ("/units/", "export-units-xlsx"),
        (f"/units/{province.pk}/", None),
        (f"/criteria/xa-ntm-2021/compare/?a={v1.version}&b={v1.version + 1}", "export-compare-xlsx"),
    ]
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20000)
        login(page, "demo.tinh", transactional_demo.DEMO_PASSWORD)
        for path, link in pages:
            page.goto(f"{live_server.url}{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
            assert page.locator('[data-testid$="-xlsx"][data-testid^="export-"]').count() >= 1, path
            found = _axe(page, live_server)
            assert found == [], (path, found)
            if link and width == 390:
                with page.expect_download() as info:
                    page.locator(f'[data-testid="{link}"]').click()
                download = info.value
                assert download.suggested_filename.endswith(".xlsx")
                with open(download.path(), "rb") as fh:
                    assert fh.read(2) == b"PK"  # a workbook (a zip), not an error page
        context.close()
