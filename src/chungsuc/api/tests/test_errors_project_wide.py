"""DRF's own errors are answered in Vietnamese on every endpoint, not only on views that opt in."""

import pytest

pytestmark = pytest.mark.django_db


def test_unauthenticated_assessments_api_answers_in_vietnamese(client):
    response = client.get("/api/v1/assessments/")
    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Cần đăng nhập (phiên hoặc mã thông báo) để dùng mục này."


def test_bad_token_answers_in_vietnamese(client):
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token khong-ton-tai")
    # 403 rather than 401: session authentication comes first and sends no WWW-Authenticate challenge.
    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Mã thông báo (token) không hợp lệ."
