"""Done means (issue 7): from the data `make run` loads (load_builtin, load_demo), the README's first walk
in the merged province, in a real browser: the commune officer of Xã Phú Hòa fills the DEMO 2026 dossier
and submits it; the province appraises it, opens and closes the consultation (a resident answers on the
portal); the commune records the official survey and the programme office attests it and the
conditions, and records the decision; the commune is in the register and on the
public list with the register's coverage. The commune's and the resident's pages are driven at 390 px
and none of the walk's pages scrolls sideways (the province's pages are read at 390 px too).

Not yet here: the second walk (a 2024 dossier finished through the successor, after the `permissions`
line's successor takeover)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page, what):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{what} scrolls sideways at 390 px ({width} px)"


def _as(browser, live_server, login, username, password, viewport=None):
    context = browser.new_context(locale="vi-VN", viewport=viewport or {"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    login(page, username, password)
    return context, page


def _click_transition(page, code):
    page.locator(f'[data-testid="transition-{code}"] button').click()
    page.wait_for_load_state("networkidle")


def test_the_readme_walk_in_the_merged_province(browser, live_server, login, transactional_demo, tmp_path):
    from chungsuc.assessments.models import Assessment

    call_command("load_builtin", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    password = transactional_demo.DEMO_PASSWORD
    a = Assessment.objects.get(unit__code="30685", year=2026)
    url = f"/assessments/{a.pk}/"

    # the commune officer, on a phone: fills criterion 10, attaches evidence, submits to the province
    ctx, page = _as(browser, live_server, login, "demo.phuhoa", password, PHONE)
    page.goto(f"{live_server.url}/assessments/")
    _no_sideways_scroll(page, "the dossier list")
    page.click("text=Xã Phú Hòa")
    page.wait_for_url(f"**{url}")
    _no_sideways_scroll(page, "the dossier")
    assert page.locator('[data-testid="menu-toggle"]').is_visible()
    for code in ("10.1", "10.2", "10.3", "10.4"):
        page.select_option(f'[data-testid="input-{code}"]', "Đạt")
    page.click('[data-testid="save-values"]')
    page.wait_for_function(
        "document.querySelector('[data-testid=progress-text]').innerText.startsWith('47/47')"
    )
    assert "Đã lưu số liệu" in page.locator('[data-testid="sheet-messages"]').inner_text()
    assert "Đạt chuẩn" in page.locator('[data-testid="evaluation-summary"]').inner_text()
    evidence = tmp_path / "bien-ban-ra-soat.pdf"
    evidence.write_bytes(PDF)
    page.set_input_files('[data-testid="evidence-form"] input[type=file]', str(evidence))
    page.click('[data-testid="evidence-form"] button')
    page.wait_for_load_state("networkidle")
    assert "bien-ban-ra-soat.pdf" in page.content()
    assert page.locator('[data-testid="confirm-missing"]').count() == 0  # nothing missing: no question
    _click_transition(page, "submit")
    assert "Tỉnh đang thẩm định" in page.locator('[data-testid="state"]').inner_text()
    ctx.close()

    # the province appraises (no override needed: the dossier meets its standard), opens the consultation
    ctx, province = _as(browser, live_server, login, "demo.nnptnt", password)
    province.goto(f"{live_server.url}{url}")
    assert province.locator('[data-testid="override-approve"]').count() == 0
    _click_transition(province, "approve")
    _click_transition(province, "open_consultation")
    assert "Đang lấy ý kiến" in province.locator('[data-testid="state"]').inner_text()

    # a resident answers on the portal, on a phone
    resident_ctx = browser.new_context(locale="vi-VN", viewport=PHONE)
    resident = resident_ctx.new_page()
    resident.goto(f"{live_server.url}/public/consultations/")
    _no_sideways_scroll(resident, "the public consultations")
    resident.click("text=Xã Phú Hòa")
    _no_sideways_scroll(resident, "the public consultation")
    resident.fill('input[name="name"]', "Lê Thị Dân")
    resident.check('input[name="satisfied"][value="1"]')
    resident.fill('textarea[name="text"]', "Đường ấp sạch đẹp")
    resident.click('[data-testid="comment-form"] button')
    resident.wait_for_load_state("networkidle")

    # close; the commune records the official survey on a phone (number surveyed and satisfied, method,
    # minutes), the programme office attests it and the conditions (each form names its condition and
    # is gone once attested)
    province.goto(f"{live_server.url}{url}")
    _click_transition(province, "close_consultation")
    minutes = tmp_path / "bien-ban-khao-sat.pdf"
    minutes.write_bytes(PDF)
    cctx, commune = _as(browser, live_server, login, "demo.phuhoa", password, PHONE)
    commune.goto(f"{live_server.url}{url}")
    survey = commune.locator('[data-testid="survey-form"]')
    survey.locator('input[name="surveyed"]').fill("500")
    survey.locator('input[name="satisfied"]').fill("470")
    survey.locator('[name="method"]').fill("Phát phiếu khảo sát hộ gia đình tại 6 ấp")
    survey.locator('input[name="conducted_on"]').fill(dt.date.today().strftime("%d/%m/%Y"))
    survey.locator('input[name="minutes"]').set_input_files(str(minutes))
    survey.locator("button").click()
    commune.wait_for_load_state("networkidle")
    assert "470/500" in commune.locator('[data-testid="survey"]').inner_text()
    _no_sideways_scroll(commune, "the dossier with its survey")
    cctx.close()
    province.goto(f"{live_server.url}{url}")
    province.locator('[data-testid="survey-attest-form"] button').click()
    province.wait_for_load_state("networkidle")
    assert "đã xác nhận" in province.locator('[data-testid="survey"]').inner_text()
    for code in ["no_construction_debt", "security_order"]:
        form = province.locator(f'[data-testid="attest-form-{code}"]')
        assert form.locator("label").inner_text().strip()  # the form names its condition
        province.click(f'[data-testid="attest-{code}"]')
        province.wait_for_load_state("networkidle")
        assert province.locator(f'[data-testid="attest-form-{code}"]').count() == 0
    assert province.locator('[data-testid="general-evidence"]').count() == 1  # kept after the lock
    decision = tmp_path / "qd.pdf"
    decision.write_bytes(PDF)
    form = province.locator('[data-testid="decision-form"]')
    form.locator('input[name="number"]').fill("12/QĐ-UBND")
    form.locator('input[name="date"]').fill(dt.date.today().strftime("%d/%m/%Y"))
    form.locator('input[name="signed_pdf"]').set_input_files(str(decision))
    form.locator("button").click()
    province.wait_for_load_state("networkidle")
    assert "Đã công nhận" in province.locator('[data-testid="state"]').inner_text()
    province.goto(f"{live_server.url}/recognitions/register/?q=30685")
    assert "Xã Phú Hòa" in province.locator('[data-testid="register"]').inner_text()
    ctx.close()

    # the public list, on a phone: the commune, and what the register holds beside the province's counts
    resident.goto(f"{live_server.url}/public/recognised/?q=Phú Hòa")
    assert "Xã Phú Hòa" in resident.locator('[data-testid="public-recognised"]').inner_text()
    resident.goto(f"{live_server.url}/public/recognised/")  # the whole list, 50 a page
    assert "Sổ công nhận đang ghi" in resident.locator('[data-testid="register-coverage"]').inner_text()
    _no_sideways_scroll(resident, "the public recognised list")
    for path, what in [
        ("/", "the portal"),
        ("/public/progress/", "the public progress"),
        (f"/public/units/{a.unit_id}/", "the commune's public page"),
        ("/public/open-data/", "the open data"),
    ]:
        resident.goto(f"{live_server.url}{path}")
        _no_sideways_scroll(resident, what)
    resident_ctx.close()

    # the province's pages of the walk at 390 px
    ctx, phone = _as(browser, live_server, login, "demo.nnptnt", password, PHONE)
    for path, what in [
        ("/dashboard/", "the dashboard"),
        (url, "the decided dossier"),
        ("/recognitions/register/", "the register"),
        ("/criteria/", "the criteria sets"),
        ("/criteria/xa-ntm-2021-ag/worklist/", "the threshold work list"),
        ("/audit/", "the audit log"),
        ("/recognitions/watch/", "the regression watch"),
        ("/audit/notifications/", "the notifications"),
        ("/criteria/xa-ntm-2026/", "the 2026–2030 criteria set"),
        ("/assessments/", "the dossier list"),
        ("/assessments/import/", "the Excel import"),
        (f"/units/{a.unit_id}/", "the commune's unit page"),
        (f"/recognitions/units/{a.unit_id}/standards/", "the commune's standards"),
    ]:
        phone.goto(f"{live_server.url}{path}")
        _no_sideways_scroll(phone, what)
    ctx.close()
