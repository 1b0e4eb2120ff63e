"""A NUL character (U+0000) in a request is a 400 naming the field, before any view, on every database:
PostgreSQL can neither store nor compare it (schemathesis found a 500 on the register import's unit
code), SQLite would have stored it. Files may hold NUL bytes."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def tinh(demo, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="demo.tinh"))
    return client


def test_the_register_import_with_a_nul_in_a_unit_code_is_a_400_naming_it(tinh):
    from chungsuc.recognitions.models import RecognitionRecord

    before = RecognitionRecord.objects.count()
    body = {"rows": [{"unit_code": "N3\x00", "standard": "ntm", "year": 2020, "source": "QĐ"}]}
    response = tinh.post("/api/v1/recognitions/import/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "«rows»" in response.json()["rows"][0] and "ký tự rỗng" in response.json()["detail"]
    assert RecognitionRecord.objects.count() == before


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/assessments/?unit=3%00", "unit"),
        ("/api/v1/units/?parent=a%00b", "parent"),
        ("/api/v1/frameworks/xa%00/", "địa chỉ"),
    ],
)
def test_a_nul_in_the_address_or_the_query_is_a_400(tinh, url, field):
    response = tinh.get(url)
    assert response.status_code == 400
    assert f"«{field}»" in response.json()["detail"]


def test_a_nul_in_a_form_field_is_a_400_page_in_vietnamese(tinh):
    response = tinh.post("/movements/", {"name": "a\x00b"})
    assert response.status_code == 400
    assert "«name»" in response.content.decode() and "ký tự rỗng" in response.content.decode()


def test_a_file_may_hold_nul_bytes(tinh, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = tinh.post(
        "/assessments/import/",
        {"file": SimpleUploadedFile("a.xlsx", b"PK\x03\x04\x00\x00", "application/zip")},
    )
    assert response.status_code != 400 or "ký tự rỗng" not in response.content.decode()
    assert "chungsuc.core.middleware.RefuseNulCharacterMiddleware" in settings.MIDDLEWARE
