"""The whole recognition path in a real browser (Debian Chromium via Playwright): the commune officer
fills values and uploads evidence, submits; the district returns it with a reason; the commune corrects
and resubmits; the district and the province approve; the consultation opens (a resident answers on
the portal) and closes; the decision is recorded; the commune is in the register and on the public
list. At each step another district's officer gets 404 on the same URLs."""

import datetime as dt

import pytest
from django.conf import settings

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("acting_in_2024"),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _outsider_404(browser, live_server, login, password, url):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    login(page, "demo.chomoi", password)
    assert page.goto(f"{live_server.url}{url}").status == 404
    context.close()


def _as(browser, live_server, login, username, password):
    context = browser.new_context(locale="vi-VN")
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


def test_whole_path_in_the_browser(browser, live_server, login, transactional_demo, tmp_path):
    from chungsuc.assessments import builtin
    from chungsuc.assessments.models import Assessment
    from chungsuc.assessments.tests.conftest import make_framework
    from chungsuc.geo.selectors import unit_by_code

    builtin.load()
    fw = make_framework()
    unit = unit_by_code("30703", dt.date(2024, 6, 30))
    password = transactional_demo.DEMO_PASSWORD
    artifacts = settings.BASE_DIR / "test-artifacts"
    artifacts.mkdir(exist_ok=True)

    # commune: create, fill, upload evidence, submit
    ctx, page = _as(browser, live_server, login, "demo.vinhchanh", password)
    page.goto(f"{live_server.url}/assessments/")
    page.select_option('select[name="unit"]', str(unit.pk))
    page.fill('form[action$="/new/"] input[name="year"]', "2024")
    page.select_option('select[name="framework"]', str(fw.pk))
    page.click('button:has-text("Lập hồ sơ")')
    page.wait_for_url("**/assessments/*/")
    a = Assessment.objects.get(unit=unit, year=2024)
    url = f"/assessments/{a.pk}/"
    page.select_option('[data-testid="input-1.1"]', "Đạt")
    page.fill('[data-testid="input-3.1"]', "79,9")
    page.select_option('[data-testid="input-3.2"]', "Đạt")
    page.fill('[data-testid="input-10.1"]', "65")
    page.fill('[data-testid="input-10.2"]', "12")
    page.click('[data-testid="save-values"]')
    page.wait_for_function(
        "document.querySelector('[data-testid=progress-text]').innerText.startsWith('5/5')"
    )
    assert "2/3" in page.locator('[data-testid="evaluation-summary"]').inner_text()
    assert "Chưa đạt" in page.locator('[data-testid="criterion-3-status"]').inner_text()
    evidence = tmp_path / "bien-ban-thuy-loi.pdf"
    evidence.write_bytes(PDF)
    page.select_option('[data-testid="evidence-form"] select[name="indicator_code"]', "3.1")
    page.set_input_files('[data-testid="evidence-form"] input[type=file]', str(evidence))
    page.click('[data-testid="evidence-form"] button')
    page.wait_for_load_state("networkidle")
    assert "bien-ban-thuy-loi.pdf" in page.content()
    page.screenshot(path=str(artifacts / "assessment-commune.png"), full_page=True)
    _outsider_404(browser, live_server, login, password, url)
    _click_transition(page, "submit")
    assert "Huyện đang thẩm tra" in page.locator('[data-testid="state"]').inner_text()
    ctx.close()

    # district returns with a reason
    ctx, page = _as(browser, live_server, login, "demo.thoaison", password)
    page.goto(f"{live_server.url}{url}")
    _click_transition(page, "return", "Chỉ tiêu 3.1 chưa đạt 80%")
    assert "Bị trả lại" in page.locator('[data-testid="state"]').inner_text()
    ctx.close()
    _outsider_404(browser, live_server, login, password, url)

    # commune corrects and resubmits
    ctx, page = _as(browser, live_server, login, "demo.vinhchanh", password)
    page.goto(f"{live_server.url}{url}")
    assert "Chỉ tiêu 3.1 chưa đạt 80%" in page.locator('[data-testid="case-history"]').inner_text()
    page.fill('[data-testid="input-3.1"]', "82")
    page.click('[data-testid="save-values"]')
    page.wait_for_function(
        "document.querySelector('[data-testid=evaluation-summary]').innerText.includes('3/3')"
    )
    page.goto(f"{live_server.url}{url}")
    _click_transition(page, "submit")
    ctx.close()

    # district approves and forwards; the province approves and opens the consultation
    ctx, page = _as(browser, live_server, login, "demo.thoaison", password)
    page.goto(f"{live_server.url}{url}")
    _click_transition(page, "approve")
    _click_transition(page, "submit")
    assert "Tỉnh đang thẩm định" in page.locator('[data-testid="state"]').inner_text()
    ctx.close()
    _outsider_404(browser, live_server, login, password, url)
    ctx, province = _as(browser, live_server, login, "demo.nnptnt", password)
    province.goto(f"{live_server.url}{url}")
    _click_transition(province, "approve")
    _click_transition(province, "open_consultation")
    assert "Đang lấy ý kiến" in province.locator('[data-testid="state"]').inner_text()

    # a resident answers on the portal (no login)
    resident_ctx = browser.new_context(locale="vi-VN")
    resident = resident_ctx.new_page()
    resident.goto(f"{live_server.url}/public/consultations/")
    resident.click("text=Xã Vĩnh Chánh")
    resident.fill('input[name="name"]', "Nguyễn Văn Dân")
    resident.check('input[name="satisfied"][value="1"]')
    resident.fill('textarea[name="text"]', "Đường ấp sạch đẹp")
    resident.click('[data-testid="comment-form"] button')
    resident.wait_for_load_state("networkidle")
    assert "100" in resident.locator('[data-testid="public-stats"]').inner_text()
    _outsider_404(browser, live_server, login, password, url)

    # close, attest the conditions, record the decision
    province.goto(f"{live_server.url}{url}")
    _click_transition(province, "close_consultation")
    # the official survey, recorded by the commune with its minutes; the province attests it here
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chungsuc.recognitions import services as recognition_services

    recognition_services.survey_record(
        actor=get_user_model().objects.get(username="demo.vinhchanh"),
        assessment=Assessment.objects.get(unit=unit, year=2024),
        surveyed=120,
        satisfied=114,
        method="Phát phiếu tại các ấp",
        conducted_on=dt.date.today(),
        minutes=SimpleUploadedFile("bien-ban.pdf", PDF, "application/pdf"),
    )
    province.goto(f"{live_server.url}{url}")
    province.click('[data-testid="survey-attest-form"] button')
    province.wait_for_load_state("networkidle")
    assert "đã xác nhận" in province.locator('[data-testid="survey"]').inner_text()
    for code in ["no_construction_debt", "security_order"]:
        province.click(f'[data-testid="attest-{code}"]')
        province.wait_for_load_state("networkidle")
    decision = tmp_path / "qd.pdf"
    decision.write_bytes(PDF)
    form = province.locator('[data-testid="decision-form"]')
    form.locator('input[name="number"]').fill("456/QĐ-UBND")
    form.locator('input[name="date"]').fill(dt.date.today().isoformat())
    form.locator('input[name="signed_pdf"]').set_input_files(str(decision))
    form.locator("button").click()
    province.wait_for_load_state("networkidle")
    assert "Đã công nhận" in province.locator('[data-testid="state"]').inner_text()
    assert "456/QĐ-UBND" in province.locator('[data-testid="decision"]').inner_text()
    province.screenshot(path=str(artifacts / "assessment-recognised.png"), full_page=True)
    province.goto(f"{live_server.url}/recognitions/register/?q=30703")
    assert "Xã Vĩnh Chánh" in province.locator('[data-testid="register"]').inner_text()
    ctx.close()
    _outsider_404(browser, live_server, login, password, url)

    # the public list
    resident.goto(f"{live_server.url}/public/recognised/")
    assert "Xã Vĩnh Chánh" in resident.locator('[data-testid="public-recognised"]').inner_text()
    resident_ctx.close()
