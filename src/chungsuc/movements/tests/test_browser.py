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


def test_amendment_model_inspection_and_cluster_end_to_end_in_the_browser(
    browser, live_server, login, transactional_demo
):
    from chungsuc.movements.models import Amendment, Cluster, ExemplaryModel, Inspection, Movement

    m = Movement.objects.get(code="kh-861-2022")
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "demo.tinh", transactional_demo.DEMO_PASSWORD)
    base = f"{live_server.url}/movements/{m.pk}"

    # an amendment producing version 2
    page.goto(f"{base}/amendments/")
    page.fill('input[name="c:2.1:2025"]', "4")
    page.fill("#am-reason", "Sáp nhập tỉnh")
    with page.expect_navigation():  # each form posts and comes back: wait before reading the database
        page.click('[data-testid="propose-form"] button[type=submit]')
    a = Amendment.objects.get(movement=m)
    page.click(f'[data-testid="amendment-{a.pk}"] summary')
    form = page.locator(f'[data-testid="decide-{a.pk}"]')
    form.locator('input[name="number"]').fill("1250")
    form.locator('input[name="issued_on"]').fill("01/06/2025")
    with page.expect_navigation():
        form.locator('button[value="approve"]').click()
    assert "1250/QĐ-UBND" in page.locator('[data-testid="version-compare"]').inner_text()
    assert _no_sideways_scroll(page)

    # a model proposed, endorsed, published, then on the public portal
    page.goto(f"{base}/models/")
    page.fill("#md-title", "Đường hoa nông thôn")
    page.fill("#md-who", "Ấp Hòa Long")
    page.select_option("#md-unit", index=1)
    page.fill("#md-description", "Dân góp đất làm đường hoa.")
    page.click('[data-testid="model-form"] button[type=submit]')
    page.wait_for_url("**/movements/models/*/")
    with page.expect_navigation():
        page.click('button[value="endorse"]')
    with page.expect_navigation():
        page.click('[data-testid="model-publish"]')
    assert ExemplaryModel.objects.get().state == "published"
    page.goto(f"{live_server.url}/public/models/")
    assert "Đường hoa nông thôn" in page.locator('[data-testid="public-models"]').inner_text()

    # an inspection with findings, a recommendation, its conclusion
    page.goto(f"{base}/inspections/")
    page.fill("#in-team", "Đoàn kiểm tra số 1")
    page.select_option("#in-unit", index=0)
    page.click('[data-testid="inspection-form"] button[type=submit]')
    page.wait_for_url("**/movements/inspections/*/")
    page.select_option('select[name="r:K1"]', "met")
    page.select_option('select[name="r:K2"]', "partly")
    # each form posts and comes back to the inspection page: wait for it before filling the next one
    with page.expect_navigation():
        page.click('[data-testid="findings-form"] button[type=submit]')
    page.fill('[data-testid="recommend-form"] input[name="text"]', "Nộp báo cáo đúng hạn")
    page.fill('[data-testid="recommend-form"] input[name="due_date"]', "31/12/2024")
    with page.expect_navigation():
        page.click('[data-testid="recommend-form"] button[type=submit]')
    assert "Nộp báo cáo đúng hạn" in page.content()
    page.fill('[data-testid="conclude-form"] input[name="number"]', "7")
    page.fill('[data-testid="conclude-form"] input[name="issued_on"]', "20/12/2024")
    with page.expect_navigation():
        page.click('[data-testid="conclude-form"] button[type=submit]')
    inspection = Inspection.objects.get(movement=m)
    assert inspection.state == "concluded" and inspection.recommendations.count() == 1
    assert _no_sideways_scroll(page)

    # a cluster with members and a score, ranked
    from django.contrib.auth import get_user_model

    from chungsuc.movements import services

    services.scoring_table_set(
        actor=get_user_model().objects.get(username="demo.tinh"),
        movement=m,
        rows=[{"code": "1", "name": "Kết quả", "max_points": 100}],
    )
    page.goto(f"{base}/clusters/")
    page.fill("#cl-name", "Cụm thi đua số 1")
    page.click('[data-testid="cluster-create"] button[type=submit]')
    page.wait_for_url("**/movements/clusters/*/")
    page.select_option("#cl-year", "2025")
    with page.expect_navigation():
        page.click('form[method="get"] button')
    boxes = page.locator('[data-testid="members-form"] input[type=checkbox]')
    boxes.nth(0).check()
    boxes.nth(1).check()
    with page.expect_navigation():
        page.click('[data-testid="members-form"] button[type=submit]')
    page.fill('input[name="p:1"]', "80")
    with page.expect_navigation():
        page.click('[data-testid="score-form"] button[type=submit]')
    cluster = Cluster.objects.get(movement=m)
    assert cluster.scores.count() == 1
    assert page.locator('[data-testid="cluster-ranking"]').is_visible()
    assert _no_sideways_scroll(page)
    context.close()


@pytest.mark.parametrize("width,height", WIDTHS)
def test_inspection_team_with_its_decision_and_members_in_the_browser(
    browser, live_server, login, transactional_demo, width, height
):
    """On the DEMO 2026–2030 movement of the merged province: a wrong decision date is named beside
    its field at once; the team is set up with its decision, a member added, and the year's plan line
    names the team; every page fits the screen."""
    from chungsuc.movements import demo as movement_demo
    from chungsuc.movements.models import Inspection, InspectionTeam, Movement

    artifacts = settings.BASE_DIR / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    movement_demo.load()
    m = Movement.objects.get(code=movement_demo.DEMO_CODE)
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "demo.tinh", transactional_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/movements/{m.pk}/inspections/")
    page.click('[data-testid="teams-link"]')
    page.wait_for_url(f"**/movements/{m.pk}/inspection-teams/")
    assert "Đoàn kiểm tra số 1 (DEMO)" in page.locator('[data-testid="team-list"]').inner_text()
    page.fill("#t-name", f"Đoàn kiểm tra số 2 ({width})")
    page.fill("#t-ref", "25/QĐ-SNV")
    page.fill("#t-date", "31/02/2026")
    page.fill("#t-signer", "Lê Văn Ký")
    with page.expect_navigation():
        page.click('[data-testid="team-form"] button[type=submit]')
    feedback = page.locator("#t-date + .invalid-feedback")
    assert feedback.is_visible() and "dd/mm/yyyy" in feedback.inner_text()
    assert page.input_value("#t-name") == f"Đoàn kiểm tra số 2 ({width})"  # what was typed is kept
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / f"inspection-team-error-{width}.png"), full_page=True)
    page.fill("#t-date", "02/03/2026")
    with page.expect_navigation():
        page.click('[data-testid="team-form"] button[type=submit]')
    team = InspectionTeam.objects.get(movement=m, name=f"Đoàn kiểm tra số 2 ({width})")
    assert "25/QĐ-SNV" in page.locator('[data-testid="team-decision"]').inner_text()
    page.fill("#m-name", "Phạm Thị Trưởng Đoàn")
    page.select_option("#m-role", "leader")
    page.fill("#m-pos", "Phó Giám đốc Sở Nội vụ")
    with page.expect_navigation():
        page.click('[data-testid="member-form"] button[type=submit]')
    assert "Phạm Thị Trưởng Đoàn" in page.locator('[data-testid="member-list"]').inner_text()
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / f"inspection-team-{width}.png"), full_page=True)
    page.goto(f"{live_server.url}/movements/{m.pk}/inspections/")
    page.select_option("#in-team-record", str(team.pk))
    page.select_option("#in-unit", index=0)
    with page.expect_navigation():
        page.click('[data-testid="inspection-form"] button[type=submit]')
    inspection = Inspection.objects.get(team=team)
    assert inspection.leader == "Phạm Thị Trưởng Đoàn"
    assert page.locator('[data-testid="inspection-team-link"]').is_visible()
    assert _no_sideways_scroll(page)
    context.close()
