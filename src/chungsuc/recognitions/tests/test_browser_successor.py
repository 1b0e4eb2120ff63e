"""In a real browser (Debian Chromium via Playwright), December 2026: a 2024 dossier of Xã Vĩnh Chánh
(ended on 30/6/2025, merged into Xã Phú Hòa), returned before the merger, is finished through its
successor. Vĩnh Chánh's and Thoại Sơn's officers still open it but see no action and no entry form; Phú
Hòa's officer corrects and resubmits it; the province takes the abolished district's step and appraises
it; the three-tier history stays on the page. At 390 px no page of the walk scrolls sideways."""

import datetime as dt

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BEFORE_THE_MERGER = dt.date(2025, 6, 15)


def _as(browser, live_server, login, username, password, **context_args):
    context = browser.new_context(locale="vi-VN", **context_args)
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, username, password)
    return context, page


def _click_transition(page, code, reason=None):
    form = page.locator(f'[data-testid="transition-{code}"]')
    if reason is not None:
        form.locator("textarea").fill(reason)
    form.locator("button").click()
    page.wait_for_load_state("networkidle")


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_successor_finishes_a_2024_dossier_in_the_browser(
    browser, live_server, login, transactional_demo
):
    from django.contrib.auth import get_user_model

    from chungsuc.accounts.permissions import acting_as_of
    from chungsuc.assessments import builtin, services
    from chungsuc.assessments.tests.conftest import make_framework
    from chungsuc.core import workflow as wf
    from chungsuc.geo.selectors import unit_by_code

    builtin.load()
    fw = make_framework()
    vinh_chanh = unit_by_code("30703", dt.date(2024, 6, 30))
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo.")}
    with acting_as_of(BEFORE_THE_MERGER):  # the history: made, submitted and returned before 1/7/2025
        a = services.assessment_create(
            actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=fw
        )
        services.assessment_values_save(
            actor=users["demo.vinhchanh"],
            assessment=a,
            values={"1.1": "Đạt", "3.1": "79,9", "3.2": "Đạt", "10.1": "65", "10.2": "12"},
        )
        services.assessment_transition(actor=users["demo.vinhchanh"], assessment=a, transition_code="submit")
        services.assessment_transition(
            actor=users["demo.thoaison"],
            assessment=a,
            transition_code="return",
            reason="Chỉ tiêu 3.1 chưa đạt",
        )
    url = f"{live_server.url}/assessments/{a.pk}/"
    password = transactional_demo.DEMO_PASSWORD

    # the former officers read it, with nothing to do and no entry form
    for name in ["demo.vinhchanh", "demo.thoaison"]:
        ctx, page = _as(browser, live_server, login, name, password)
        assert page.goto(url).status == 200
        assert page.locator('[data-testid="save-values"]').count() == 0
        assert page.locator('[data-testid^="transition-"]').count() == 0
        assert "Bạn không có thao tác nào ở bước này." in page.content()
        page.goto(f"{live_server.url}/assessments/")
        assert page.locator('[data-testid="create-card"]').count() == 0
        assert page.locator('[data-testid="import-button"]').count() == 0
        ctx.close()

    # the successor commune's officer corrects and resubmits, on a phone
    ctx, page = _as(
        browser, live_server, login, "demo.phuhoa", password, viewport={"width": 390, "height": 844}
    )
    assert page.goto(url).status == 200
    _no_sideways_scroll(page)
    page.fill('[data-testid="input-3.1"]', "85")
    page.click('[data-testid="save-values"]')
    page.wait_for_function(
        "document.querySelector('[data-testid=evaluation-summary]').innerText.includes('3/3')"
    )
    page.goto(url)
    _click_transition(page, "submit")
    assert wf.case_for(a).state.code == "district_review"
    _no_sideways_scroll(page)
    ctx.close()

    # the province takes the abolished district's step, then appraises
    ctx, page = _as(
        browser, live_server, login, "demo.nnptnt", password, viewport={"width": 390, "height": 844}
    )
    page.goto(url)
    _click_transition(page, "approve")
    assert wf.case_for(a).state.code == "district_approved"
    _click_transition(page, "submit")
    _click_transition(page, "approve")
    assert wf.case_for(a).state.code == "province_approved"
    history = page.content()
    for step in [
        "Huyện đang thẩm tra",
        "Huyện đã thẩm tra đạt",
        "Tỉnh đang thẩm định",
        "Tỉnh đã thẩm định đạt",
    ]:
        assert step in history, step  # the three-tier history stays
    _no_sideways_scroll(page)
    ctx.close()
    actors = [e.actor.username for e in wf.case_history(wf.case_for(a)) if e.actor]
    # made and submitted by Vĩnh Chánh, returned by Thoại Sơn (before 1/7/2025), then Phú Hòa and the province
    assert actors[:3] == ["demo.vinhchanh", "demo.vinhchanh", "demo.thoaison"]
    assert actors[3] == "demo.phuhoa" and set(actors[4:]) == {"demo.nnptnt"}
