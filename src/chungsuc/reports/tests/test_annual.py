"""The movement's annual report and final review (Plan 861), drafted from the movements app's
progress and consolidation selectors, read back from DOCX and PDF."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from chungsuc.reports.models import DocumentStatus, GeneratedDocument
from chungsuc.reports.tests.conftest import docx_text, pdf_first_page_ink, pdf_text

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")


@pytest.fixture
def plan861(demo):
    from chungsuc.movements.models import Movement

    return Movement.objects.get(code="kh-861-2022")


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_final_review_states_targets_and_actuals(
    client, plan861, users, fmt, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from chungsuc.movements.selectors import consolidation, progress_data

    figures = progress_data(plan861)
    assert figures["targets"], "Plan 861 has yearly targets"
    client.force_login(users["demo.tinh"])
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            reverse("reports:new-annual-report"),
            {
                "movement": plan861.pk,
                "scope": "final",
                "fmt": fmt,
                "number": "105",
                "date": "15/12/2025",
                "signer_name": "Trần Văn Nội",
            },
        )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    doc = GeneratedDocument.objects.get()
    assert doc.status == DocumentStatus.DONE, doc.error
    assert doc.original_name.startswith("105-BC-SNV Báo cáo tổng kết phong trào giai đoạn 2021–2025")
    with default_storage.open(doc.file.name, "rb") as fh:
        data = fh.read()
    text = " ".join((docx_text(data) if fmt == "docx" else pdf_text(data)).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND TỈNH AN GIANG" in text and "SỞ NỘI VỤ" in text
    assert "Số: 105/BC-SNV" in text and "An Giang, ngày 15 tháng 12 năm 2025" in text
    assert "BÁO CÁO" in text and "Tổng kết phong trào thi đua" in text
    if fmt == "docx":  # the table cells read in order (pdftotext may reorder table columns)
        for t in figures["targets"]:
            actual = sum(r["actual"] or 0 for r in t["rows"])
            target = sum(r["target"] or 0 for r in t["rows"])
            assert f"{t['name']}\n" in docx_text(data) or t["name"] in text
            assert f"{t['name']} {target} {actual}" in text
    owed = sum(consolidation(plan861, year=y)["owed"] for y in plan861.years)
    assert f"Có 0/{owed} báo cáo đã nộp" in text
    assert "II. TỒN TẠI, HẠN CHẾ" in text and "Nơi nhận:" in text and "- Lưu: VT." in text
    assert "KT. GIÁM ĐỐC" in text and "Trần Văn Nội" in text
    if fmt == "pdf":
        assert pdf_first_page_ink(data) > 0.01


def test_annual_report_year_outside_the_period_is_refused(client, plan861, users):
    client.force_login(users["demo.tinh"])
    resp = client.post(
        reverse("reports:new-annual-report"),
        {"movement": plan861.pk, "scope": "year", "year": "2019", "fmt": "docx"},
    )
    assert resp.status_code == 200
    assert "Năm 2019 nằm ngoài giai đoạn 2021–2025" in resp.content.decode()
    assert not GeneratedDocument.objects.exists()
    # a commune officer may not ask for the province's report
    client.force_login(users["demo.vinhchanh"])
    resp = client.post(
        reverse("reports:new-annual-report"),
        {"movement": plan861.pk, "scope": "year", "year": "2024", "fmt": "docx"},
    )
    assert resp.status_code == 200 and "không có quyền" in resp.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_midterm_review_covers_the_first_three_years(
    client, plan861, users, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from chungsuc.movements.selectors import consolidation, progress_data

    client.force_login(users["demo.tinh"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:new-annual-report"),
            {"movement": plan861.pk, "scope": "midterm", "fmt": "docx", "number": "7"},
        )
    doc = GeneratedDocument.objects.get()
    assert doc.status == DocumentStatus.DONE, doc.error
    assert doc.title == "Báo cáo sơ kết phong trào giai đoạn 2021–2023"
    with default_storage.open(doc.file.name, "rb") as fh:
        text = " ".join(docx_text(fh.read()).split())
    assert "Sơ kết phong trào thi đua" in text and "giai đoạn 2021–2023" in text
    first = progress_data(plan861)["targets"][0]
    target = sum(r["target"] or 0 for r in first["rows"] if r["year"] <= 2023)
    actual = sum(r["actual"] or 0 for r in first["rows"] if r["year"] <= 2023)
    assert f"{first['name']} {target} {actual}" in text
    owed = sum(consolidation(plan861, year=y)["owed"] for y in (2021, 2022, 2023))
    assert f"Có 0/{owed} báo cáo đã nộp" in text
