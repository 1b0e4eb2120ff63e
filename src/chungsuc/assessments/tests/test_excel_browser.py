"""The dry-run page in a real browser (Debian Chromium via Playwright), at 1366 and 390 px: an old
district workbook uploaded after another user's change shows the file, framework, year and units at
the top, the conflict first with who changed it, every change in a table per unit; nothing scrolls
sideways at 390 px; confirming without a choice keeps the newer value."""

import datetime as dt
import io

import openpyxl
import pytest
from django.conf import settings

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("acting_in_2024"),
]


def test_dry_run_page_shows_conflicts_first_and_fits_a_phone(
    browser, live_server, login, transactional_demo, tmp_path
):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from chungsuc.assessments import builtin, excel, services
    from chungsuc.assessments.models import AssessmentValue
    from chungsuc.assessments.tests.conftest import make_framework
    from chungsuc.assessments.tests.test_excel import col_of, row_of
    from chungsuc.geo.selectors import unit_by_code

    builtin.load()
    fw = make_framework()
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo.")}
    unit = unit_by_code("30703", dt.date(2024, 6, 30))
    a = services.assessment_create(actor=users["demo.vinhchanh"], unit=unit, year=2024, framework=fw)
    services.assessment_values_save(actor=users["demo.vinhchanh"], assessment=a, values={"3.1": 70})
    district = unit_by_code("894", "2024-06-30")
    client = Client()
    client.force_login(users["demo.thoaison"])
    data = client.get(
        f"/assessments/export/district.xlsx?district={district.pk}&year=2024&framework={fw.code}"
    ).content
    a.refresh_from_db()
    services.assessment_values_save(actor=users["demo.vinhchanh"], assessment=a, values={"3.1": 75})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[excel.DATA_SHEET]
    ws.cell(row_of(ws, "30703"), col_of(ws, "10.1")).value = "65,5"
    ws.cell(row_of(ws, "30715"), col_of(ws, "3.1")).value = 0.85
    ws.cell(row_of(ws, "30715"), col_of(ws, "3.1")).number_format = "0%"
    path = tmp_path / "so-lieu-thoai-son-2024.xlsx"
    wb.save(path)
    artifacts = settings.BASE_DIR / "test-artifacts"
    artifacts.mkdir(exist_ok=True)

    for width in (1366, 390):
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20000)
        login(page, "demo.thoaison", transactional_demo.DEMO_PASSWORD)
        page.goto(f"{live_server.url}/assessments/import/")
        page.set_input_files('[data-testid="import-form"] input[type=file]', str(path))
        page.click('[data-testid="import-form"] button')
        page.wait_for_selector('[data-testid="import-review"]')
        top = page.locator('[data-testid="import-context"]').inner_text()
        assert "so-lieu-thoai-son-2024.xlsx" in top and "2024" in top and "Bộ tiêu chí thử" in top
        first_unit = page.locator('[data-testid="import-unit"]').first
        assert "Vĩnh Chánh" in first_unit.inner_text()  # the unit with a conflict comes first
        conflict = page.locator('[data-testid="import-conflict"]').first.inner_text()
        assert "hiện tại 75, trong tệp 70" in conflict and "đã được" in conflict
        assert "trong tệp ghi 0,85 %" in page.content() or "(ô định dạng %)" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts / f"excel-dry-run-{width}.png"), full_page=True)
        if width == 390:
            page.click('[data-testid="import-commit"]')
            page.wait_for_url("**/assessments/")
        context.close()
    assert AssessmentValue.objects.get(assessment=a, indicator_code="3.1").value == 75  # not reverted
    assert AssessmentValue.objects.get(assessment=a, indicator_code="10.1").value == 65.5
    assert AssessmentValue.objects.get(assessment__unit__code="30715", indicator_code="3.1").value == 85
