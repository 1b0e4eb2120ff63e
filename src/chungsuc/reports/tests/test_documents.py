"""Generated documents read back: DOCX with python-docx, PDF with pdftotext and pdftoppm (eager Celery)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from chungsuc.reports import services
from chungsuc.reports.models import DocumentStatus, GeneratedDocument
from chungsuc.reports.tests.conftest import docx_text, pdf_first_page_ink, pdf_text

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")

OPTIONS = {
    "number": "27",
    "date": "2025-01-06",
    "signer_title": "Chủ tịch",
    "signer_name": "Nguyễn Văn Bình",
    "recipients": ["UBND huyện Thoại Sơn", "Văn phòng Điều phối NTM tỉnh"],
}


def _generate(actor, kind, fmt, params, unit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = services.document_request(
            actor=actor, kind=kind, fmt=fmt, params=params, unit=unit, title="Văn bản thử"
        )
    doc.refresh_from_db()
    return doc


def _read(doc) -> bytes:
    with default_storage.open(doc.file.name, "rb") as fh:
        return fh.read()


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_evaluation_sheet_reads_back_with_the_layout_and_the_figures(
    fmt, demo_assessment, users, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from chungsuc.assessments.evaluation import evaluate_one

    expected = evaluate_one(demo_assessment)
    officer = users["demo.vinhchanh"]
    doc = _generate(
        officer,
        "evaluation_sheet",
        fmt,
        {"assessment": demo_assessment.pk, "options": OPTIONS},
        demo_assessment.unit,
        django_capture_on_commit_callbacks,
    )
    assert doc.status == DocumentStatus.DONE, doc.error
    assert doc.progress == 100 and doc.reference == "27/BC-UBND"
    assert doc.original_name == f"27-BC-UBND Văn bản thử.{fmt}"
    data = _read(doc)
    text = docx_text(data) if fmt == "docx" else pdf_text(data)
    flat = " ".join(text.split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Độc lập - Tự do - Hạnh phúc" in flat
    assert "ỦY BAN NHÂN DÂN XÃ VĨNH CHÁNH" in flat
    assert "Số: 27/BC-UBND" in flat
    assert "Vĩnh Chánh, ngày 06 tháng 01 năm 2025" in flat
    assert "BIỂU TỔNG HỢP" in flat
    assert "năm 2024 của xã Vĩnh Chánh" in flat
    assert "True" not in flat and "None" not in flat
    # the figures: criteria met out of the total, the way the engine counts them
    assert f"Tổng số tiêu chí đạt: {expected.criteria_met}/{expected.criteria_total} tiêu chí" in flat
    assert "Tiêu chí 1: Quy hoạch" in flat
    # recipients and signature block
    assert "Nơi nhận:" in flat
    assert "- UBND huyện Thoại Sơn;" in flat and "- Lưu: VT." in flat
    assert "TM. ỦY BAN NHÂN DÂN" in flat and "CHỦ TỊCH" in flat and "Nguyễn Văn Bình" in flat
    # DEMO data is said to be DEMO
    assert "DEMO" in flat
    if fmt == "pdf":
        assert data.startswith(b"%PDF-")
        assert pdf_first_page_ink(data) > 0.01
    else:
        import io

        from docx import Document

        d = Document(io.BytesIO(data))
        section = d.sections[0]
        assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
        assert round(section.top_margin.mm) == 20 and round(section.page_width.mm) == 210
        runs = [r for p in d.paragraphs for r in p.runs if r.text.strip()]
        assert runs and all(r.font.name == "Times New Roman" for r in runs)
        assert {r.font.size.pt for r in runs} <= {11, 12, 13, 14}


def test_recognised_list_counts_the_register_as_of_the_date(
    users, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from chungsuc.recognitions.selectors import register_as_of

    on = dt.date(2024, 12, 31)
    expected = list(register_as_of(on, standard="ntm").filter(unit__level="commune"))
    assert expected, "the built-in register has communes recognised by 2024"
    doc = _generate(
        users["demo.tinh"],
        "recognised_list",
        "pdf",
        {
            "on": on.isoformat(),
            "standard": "ntm",
            "level": "commune",
            "options": {"number": "8", "date": "2025-02-03"},
        },
        None,
        django_capture_on_commit_callbacks,
    )
    assert doc.status == DocumentStatus.DONE, doc.error
    flat = " ".join(pdf_text(_read(doc)).split())
    assert "DANH SÁCH" in flat and "Số: 8/DS-SNN" in flat
    assert "An Giang, ngày 03 tháng 02 năm 2025" in flat
    assert "(tính đến ngày 31/12/2024)" in flat
    assert f"tính đến ngày 31/12/2024 gồm {len(expected)} đơn vị" in flat
    assert "SỞ NÔNG NGHIỆP VÀ PTNT" in flat  # issued before the 01/3/2025 merger of the departments
    first = expected[0]
    assert first.unit.name.split()[-1] in flat
    assert "KT. GIÁM ĐỐC" in flat and "PHÓ GIÁM ĐỐC" in flat


def test_a_commune_officer_cannot_ask_for_another_communes_sheet(demo_assessment, users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.document_request(
            actor=users["demo.chomoi"],
            kind="evaluation_sheet",
            fmt="docx",
            params={"assessment": demo_assessment.pk},
            unit=demo_assessment.unit,
        )
    assert not GeneratedDocument.objects.exists()


def test_pages_request_progress_and_download(
    client, demo_assessment, users, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(users["demo.vinhchanh"])
    page = client.get(reverse("reports:new-evaluation-sheet"))
    assert page.status_code == 200 and "Xã Vĩnh Chánh" in page.content.decode()
    bad = client.post(
        reverse("reports:new-evaluation-sheet"),
        {"assessment": demo_assessment.pk, "fmt": "docx", "number": "12a", "date": "31/02/2025"},
    )
    body = bad.content.decode()
    assert bad.status_code == 200 and "Số văn bản chỉ gồm chữ số" in body and "dd/mm/yyyy" in body
    assert not GeneratedDocument.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            reverse("reports:new-evaluation-sheet"),
            {
                "assessment": demo_assessment.pk,
                "fmt": "docx",
                "number": "12",
                "date": "06/01/2025",
                "signer_name": "Nguyễn Văn Bình",
            },
        )
    doc = GeneratedDocument.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("reports:detail", args=[doc.pk])
    detail = client.get(resp["Location"]).content.decode()
    assert "Văn bản đã sẵn sàng" in detail
    download = client.get(reverse("reports:download", args=[doc.pk]))
    assert download.status_code == 200
    assert "12-BC-UBND" in download["Content-Disposition"]
    assert "ỦY BAN NHÂN DÂN XÃ VĨNH CHÁNH" in docx_text(b"".join(download.streaming_content))
    # the requester is notified
    from chungsuc.core.models import Notification

    assert Notification.objects.filter(recipient=users["demo.vinhchanh"], title__contains="sẵn sàng").exists()
    # someone else, out of scope, gets the same 404 as for a document that does not exist
    client.force_login(users["demo.chomoi"])
    assert client.get(reverse("reports:detail", args=[doc.pk])).status_code == 404
    assert client.get(reverse("reports:download", args=[doc.pk])).status_code == 404
    assert client.get(reverse("reports:detail", args=[doc.pk + 999])).status_code == 404


def test_a_pending_document_shows_its_progress_and_polls(client, users):
    doc = GeneratedDocument.objects.create(
        kind="recognised_list",
        fmt="pdf",
        requested_by=users["demo.tinh"],
        progress=40,
        step="Soạn danh sách",
        title="Danh sách thử",
    )
    client.force_login(users["demo.tinh"])
    body = client.get(reverse("reports:detail", args=[doc.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'value="40"' in body and "Soạn danh sách" in body and "hx-trigger" in body


def test_a_failed_generation_is_shown_not_raised(users, django_capture_on_commit_callbacks):
    doc = _generate(
        users["demo.tinh"],
        "evaluation_sheet",
        "docx",
        {"assessment": 10**9},
        None,
        django_capture_on_commit_callbacks,
    )
    assert doc.status == DocumentStatus.FAILED
    assert doc.error.startswith("Không tạo được văn bản")
    assert not doc.file


def test_the_requested_documents_list_downloads_every_one_of_the_users_own(client, users):
    """Issue 12 §4: the documents page's list downloads beside it (Excel / CSV / JSON), every document the
    user asked for (the page lists the newest 50), never another user's; local times, status labels."""
    import csv
    import io
    import json

    from openpyxl import load_workbook

    mine = [
        GeneratedDocument.objects.create(
            kind="recognised_list", fmt="pdf", requested_by=users["demo.tinh"], title=f"Danh sách thử {i}"
        )
        for i in range(52)
    ]
    GeneratedDocument.objects.filter(pk=mine[0].pk).update(
        status=DocumentStatus.FAILED, error="Thiếu dữ liệu"
    )
    GeneratedDocument.objects.create(
        kind="recognised_list", fmt="docx", requested_by=users["demo.chomoi"], title="Của người khác"
    )
    client.force_login(users["demo.tinh"])
    page = client.get(reverse("reports:home")).content.decode()
    assert 'data-testid="export-documents-xlsx"' in page and page.count("Danh sách thử") == 50
    data = json.loads(client.get(reverse("reports:home"), {"format": "json"}).content)
    assert data["table"] == "documents" and len(data["rows"]) == 52
    assert "Của người khác" not in json.dumps(data, ensure_ascii=False)
    failed = next(r for r in data["rows"] if r["title"] == "Danh sách thử 0")
    assert failed["status"] == str(DocumentStatus.FAILED.label) and failed["error"] == "Thiếu dữ liệu"
    from django.utils import timezone

    when = timezone.localtime(GeneratedDocument.objects.get(pk=mine[0].pk).requested_at)
    assert failed["requested_at"] == when.strftime("%d/%m/%Y %H:%M") and failed["fmt"] == "PDF"
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("reports:home"), {"format": "csv"}).content.decode("utf-8-sig"))
        )
    )
    assert len(rows) == 52
    sheet = load_workbook(io.BytesIO(client.get(reverse("reports:home"), {"format": "xlsx"}).content)).active
    assert sheet.cell(1, 1).value == "Văn bản bạn đã yêu cầu"
