"""The Content-Security-Policy in a real browser (Debian Chromium, the policy enforced: no bypass): the
walk's pages load their scripts and styles with no violation, the language switch still submits (its
behaviour lives in core/chungsuc.js), HTMX still saves in place, and an injected inline script does not
run."""

from __future__ import annotations

import datetime as dt

import pytest

# A 2024 dossier of a pre-merger commune: writes decided as of 31/12/2024 (see the root conftest).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("acting_in_2024"),
]


def test_pages_run_under_the_policy_without_violations(browser, live_server, login, transactional_demo):
    from chungsuc.assessments import builtin, services
    from chungsuc.assessments.tests.conftest import make_framework
    from chungsuc.geo.selectors import unit_by_code

    builtin._load_workflows()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="demo.vinhchanh")
    a = services.assessment_create(
        actor=user, unit=unit_by_code("30703", dt.date(2024, 6, 30)), year=2024, framework=make_framework()
    )
    context = browser.new_context(locale="vi-VN", bypass_csp=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(f"{live_server.url}/")
    # the policy forbids inline script: an injected one does not run
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__pwned = 1';"
        " document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.__pwned === undefined")
    assert violations, "the injected inline script should have been refused by the policy"
    violations.clear()

    login(page, "demo.vinhchanh", transactional_demo.DEMO_PASSWORD)
    for url in ["/dashboard/", "/units/", "/criteria/", "/assessments/", f"/assessments/{a.pk}/", "/audit/"]:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        # the stylesheet applied (Tabler's navbar is a flex box) and HTMX loaded
        assert page.evaluate("() => typeof window.htmx === 'object'"), url
        assert page.evaluate(
            "() => getComputedStyle(document.querySelector('.navbar')).display === 'flex'"
        ), url
    # HTMX saves a value in place under the policy
    page.goto(f"{live_server.url}/assessments/{a.pk}/")
    page.fill('input[name="v:3.1"]', "85")
    with page.expect_response(lambda r: r.url.endswith(f"/assessments/{a.pk}/values/")) as saved:
        page.locator('#sheet button[type="submit"]').first.click()
    assert saved.value.status == 200
    # the language switch (core/chungsuc.js, no inline handler) still submits
    with page.expect_navigation():  # the switch submits its form: wait for that page, not the old one
        page.select_option('select[name="language"]', "en")
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert violations == [], violations
    context.close()
