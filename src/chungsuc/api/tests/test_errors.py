"""The REST framework's own errors answer in Vietnamese (the API's language, like the interface)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_unauthenticated_and_bad_token_are_vietnamese(client):
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "Cần đăng nhập (phiên hoặc mã thông báo) để dùng mục này."}
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token khong-co")
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "Mã thông báo (token) không hợp lệ."}
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token a b")
    assert "không được chứa dấu cách" in response.json()["detail"]


def test_wrong_method_and_bad_json_are_vietnamese(client):
    response = client.delete("/api/v1/units/")
    assert response.status_code == 405
    assert response.json() == {"detail": "Phương thức không được phép cho địa chỉ này."}
    response = client.post("/api/v1/evaluate/", '{"framework": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Nội dung JSON không hợp lệ (dòng 1, cột")
    response = client.post("/api/v1/evaluate/", "x", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["detail"].startswith("Kiểu nội dung không được hỗ trợ")


def test_messages_raised_by_our_code_are_kept(client):
    response = client.get("/api/v1/frameworks/khong-co/")
    assert response.status_code == 404 and response.json() == {"detail": "Không có bộ tiêu chí «khong-co»."}
