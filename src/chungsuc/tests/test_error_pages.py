"""Issue 7 §3 and issue 9 findings 4, 6, 8: error pages in the product's layout that keep the reason,
uniform JSON errors under /api/, DEBUG off by default, security headers on every answer, and a health
check that fails when pages cannot render."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import path

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("secret internals /srv/chungsuc/settings.py")


def _refuse(request):
    raise PermissionDenied("Bạn không có quyền phê duyệt hồ sơ trên địa bàn này.")


def _api_boom(request):
    raise RuntimeError("secret internals")


urlpatterns = [
    path("boom/", _boom),
    path("refuse/", _refuse),
    path("api/v1/boom/", _api_boom),
]
# the project's URLs after ours, so the layout's links resolve; the error handlers are the project's
from chungsuc import urls as project_urls  # noqa: E402

urlpatterns += project_urls.urlpatterns
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def test_debug_is_off_by_default():
    code = "from chungsuc import settings; print(settings.DEBUG)"
    env = {k: v for k, v in __import__("os").environ.items() if k != "CHUNGSUC_DEBUG"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "False"


def test_404_page_in_the_layout_reads_the_same_for_missing_and_out_of_scope(client, demo):
    from django.contrib.auth import get_user_model

    from chungsuc.assessments.models import Evidence  # noqa: F401  (the model behind the URL)

    missing = client.get("/khong-co-trang-nay/")
    assert missing.status_code == 404
    html = missing.content.decode()
    assert 'data-testid="error-page"' in html and "Không tìm thấy" in html
    assert "matches the given query" not in html and "Page not found" not in html
    # a logged-in district officer: an evidence id that does not exist and one out of scope read the same
    client.force_login(get_user_model().objects.get(username="demo.chomoi"))
    a = client.get("/assessments/evidence/987654321/")
    b = client.get("/assessments/987654321/")
    assert a.status_code == b.status_code == 404
    reason = re.compile(r'data-testid="error-reason">([^<]*)<')
    assert reason.search(a.content.decode()).group(1) == reason.search(b.content.decode()).group(1)


def test_api_404_is_json_and_the_same_for_malformed_missing_and_out_of_scope(client, demo):
    from django.contrib.auth import get_user_model

    from chungsuc.assessments.models import Assessment
    from chungsuc.assessments.services import assessment_create
    from chungsuc.criteria.models import Framework
    from chungsuc.geo.selectors import unit_by_code

    User = get_user_model()
    from chungsuc.assessments import builtin

    builtin._load_workflows()
    fw = Framework.objects.filter(level="commune", period_start__lte=2024, period_end__gte=2024).first()
    from chungsuc.accounts.permissions import acting_as_of

    with acting_as_of(dt.date(2024, 12, 31)):  # Vĩnh Chánh's officer, before the 1/7/2025 merger
        theirs = assessment_create(
            actor=User.objects.get(username="demo.vinhchanh"),
            unit=unit_by_code("30703", "2024-06-30"),
            year=2024,
            framework=fw,
        )
    missing_pk = (Assessment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    client.force_login(User.objects.get(username="demo.chomoi"))
    for url in ["/api/v1/assessments/abc/", "/api/v1/khong-co/"]:
        r = client.get(url)
        assert r.status_code == 404, url
        assert r["Content-Type"].startswith("application/json"), url
        assert r.json() == {"detail": "Không tìm thấy."}, url
    out_of_scope = client.get(f"/api/v1/assessments/{theirs.pk}/")
    missing = client.get(f"/api/v1/assessments/{missing_pk}/")
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()
    assert out_of_scope.content == missing.content


def test_api_404_in_english_with_the_english_interface(client):
    client.cookies["django_language"] = "en"
    r = client.get("/api/v1/khong-co/")
    assert r.status_code == 404 and r.json() == {"detail": "Not found."}
    page = client.get("/khong-co/")
    assert page.status_code == 404 and "was not found" in page.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_403_keeps_the_vietnamese_reason_in_the_layout(client):
    r = client.get("/refuse/")
    assert r.status_code == 403
    html = r.content.decode()
    assert 'data-testid="error-page"' in html
    assert "Bạn không có quyền phê duyệt hồ sơ trên địa bàn này." in html
    assert "Forbidden" not in html


@override_settings(ROOT_URLCONF=__name__)
def test_500_page_shows_no_internals_and_the_api_answers_json(client):
    client.raise_request_exception = False
    r = client.get("/boom/")
    assert r.status_code == 500
    html = r.content.decode()
    assert 'data-testid="error-page"' in html and "Lỗi hệ thống" in html
    assert "secret" not in html and "Traceback" not in html and "settings.py" not in html
    api = client.get("/api/v1/boom/")
    assert api.status_code == 500 and api["Content-Type"].startswith("application/json")
    assert "secret" not in api.content.decode() and api.json()["detail"]


def test_400_and_csrf_failure_pages_are_vietnamese(client, demo):
    from django.contrib.auth import get_user_model
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(get_user_model().objects.get(username="demo.vinhchanh"))
    r = strict.post("/accounts/logout/")
    assert r.status_code == 403
    assert "CSRF" in r.content.decode() and 'data-testid="error-page"' in r.content.decode()
    bad_host = client.get("/", HTTP_HOST="evil.example")
    assert bad_host.status_code == 400
    assert "Yêu cầu không hợp lệ" in bad_host.content.decode()


def test_html_page_with_page_zero_and_api_page_zero(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="demo.tinh"))
    assert client.get("/audit/?page=0").status_code == 200
    r = client.get("/api/v1/assessments/?page=0")
    assert r.status_code == 400 and "page" in r.json()
    assert "không hợp lệ" in r.json()["page"][0]
    r = client.get("/api/v1/assessments/?page=999")
    assert r.status_code == 404 and r.json()["detail"].startswith("Trang 999 không có")


def test_every_answer_carries_csp_and_permissions_policy(client):
    for url in ["/", "/accounts/login/", "/api/v1/", "/healthz", "/units/999999999/"]:
        r = client.get(url)
        csp = r["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
        assert "camera=()" in r["Permissions-Policy"], url


def test_templates_have_no_inline_script_or_style():
    """The CSP forbids inline script and style: a template that adds one would break in the browser."""
    root = Path(__file__).resolve().parents[1]  # src/chungsuc
    offenders, scanned = [], 0
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I)
    for template in root.glob("*/templates/**/*.html"):
        scanned += 1
        for lineno, line in enumerate(template.read_text().splitlines(), 1):
            if inline.search(line) and 'type="application/json"' not in line:
                offenders.append(f"{template.relative_to(root)}:{lineno}: {line.strip()[:120]}")
    assert scanned > 50, "the scan found no templates: is the root right?"
    assert not offenders, "\n".join(offenders)


def test_healthz_fails_when_pages_cannot_render(client, settings, tmp_path):
    assert client.get("/healthz").status_code == 200
    # production storage without a collectstatic build: every page would be a 500, so health is 503
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path
    from django.contrib.staticfiles.storage import staticfiles_storage

    staticfiles_storage._wrapped = None  # re-read STORAGES
    try:
        r = client.get("/healthz")
        assert r.status_code == 503 and r.json() == {"status": "error", "failing": "pages"}
    finally:
        staticfiles_storage._wrapped = None
