"""The bad-input corpus for evidence (issue 9, finding 5, and "a bad-input corpus for every upload
path"): each file is refused with its Vietnamese message — on the page and through the API — and
nothing is written (no evidence row, no audit row, no file in the media folder); an accepted file is
stored and described under the type its content shows, never the uploader's name or content type."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from chungsuc.assessments import services
from chungsuc.assessments.models import Evidence
from chungsuc.core.models import AuditEntry

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
PHP = b"<?php system($_GET['c']); ?>"


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 120, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def _zip_without_content_types() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("a.txt", "x")
    return buffer.getvalue()


CORPUS = [
    ("rong.pdf", b"", "rỗng (0 byte)"),
    ("trang.html", HTML, "không phải loại tệp được nhận"),
    ("bao-cao.pdf", HTML + PDF, "không phải loại tệp được nhận"),  # signature not at the start
    ("polyglot.pdf", PDF + HTML, "có chứa mã trang web hoặc mã lệnh"),
    ("anh.php", _png() + PHP, "có chứa mã trang web hoặc mã lệnh"),
    ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 60, "ảnh bị hỏng"),
    ("chuong-trinh.exe", b"MZ\x90\x00" + b"\x00" * 60, "không phải loại tệp được nhận"),
    ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "định dạng cũ"),
    ("nen.zip", _zip_without_content_types(), "thiếu [Content_Types].xml"),
]


@pytest.fixture
def assessment(workflows, users, framework, vinh_chanh, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
    )


def _files(settings) -> list:
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _counts():
    return Evidence.objects.count(), AuditEntry.objects.filter(action="assessment.evidence_add").count()


@pytest.mark.parametrize(("name", "data", "message"), CORPUS, ids=[c[0] for c in CORPUS])
def test_api_refuses_each_bad_file_and_writes_nothing(assessment, users, settings, name, data, message):
    client = APIClient()
    client.force_authenticate(users["demo.vinhchanh"])
    before = _counts()
    r = client.post(
        f"/api/v1/assessments/{assessment.pk}/evidence/",
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf"), "indicator_code": "3.1"},
        format="multipart",
    )
    assert r.status_code == 400, r.content
    text = str(r.json())
    assert message in text and f"«{name}»" in text
    assert _counts() == before and _files(settings) == []


@pytest.mark.parametrize(("name", "data", "message"), CORPUS[:5], ids=[c[0] for c in CORPUS[:5]])
def test_the_page_shows_the_message_and_writes_nothing(
    assessment, users, client, settings, name, data, message
):
    client.force_login(users["demo.vinhchanh"])
    before = _counts()
    r = client.post(
        f"/assessments/{assessment.pk}/evidence/",
        {"file": SimpleUploadedFile(name, data, content_type="text/html"), "indicator_code": "3.1"},
        follow=True,
    )
    assert r.status_code == 200
    assert message in r.content.decode()
    assert _counts() == before and _files(settings) == []


def test_accepted_evidence_keeps_the_detected_type(assessment, users, settings):
    client = APIClient()
    client.force_authenticate(users["demo.vinhchanh"])
    r = client.post(
        f"/api/v1/assessments/{assessment.pk}/evidence/",
        {"file": SimpleUploadedFile("anh.php", _png(), content_type="text/html")},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    assert r.json()["content_type"] == "image/png"
    ev = Evidence.objects.get(pk=r.json()["id"])
    assert ev.file.name.endswith(".png") and ev.content_type == "image/png"
    assert [p.suffix for p in _files(settings)] == [".png"]
    listed = client.get(f"/api/v1/assessments/{assessment.pk}/evidence/").json()
    assert [e["content_type"] for e in listed] == ["image/png"]
    from django.test import Client

    browser = Client()
    browser.force_login(users["demo.vinhchanh"])
    download = browser.get(f"/assessments/evidence/{ev.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
