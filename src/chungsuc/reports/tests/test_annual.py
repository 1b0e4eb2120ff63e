"""The movement's annual report and final review (Plan 861), drafted from the movements app's
progress and consolidation selectors, read back from DOCX and PDF."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
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
    # one chart per target with yearly counts: the plan beside the register, captioned
    charted = [t for t in figures["targets"] if any(r["target"] for r in t["rows"])]
    assert charted
    first = charted[0]
    assert f"Biểu đồ 1. Chỉ tiêu {first['code']} – {first['name']}: kế hoạch và thực hiện theo năm" in text
    if fmt == "docx":
        import io

        from docx import Document

        assert len(Document(io.BytesIO(data)).inline_shapes) == len(charted)
        assert "Chú thích: Kế hoạch (màu xám), Thực hiện (màu xanh dương)." in text
    if os.environ.get("CHUNGSUC_KEEP_DOCS"):  # to look at the layout by eye
        Path(os.environ["CHUNGSUC_KEEP_DOCS"], f"tong-ket.{fmt}").write_bytes(data)


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


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_inspection_conclusion_document_states_the_findings_and_the_follow_up(
    client, plan861, users, fmt, django_capture_on_commit_callbacks, settings, tmp_path
):
    """The inspection conclusion (kết luận kiểm tra) laid out as Nghị định 30/2020 asks, with the
    checklist's results, the recommendations and their follow-up, and the conclusion act's number."""
    import datetime as dt

    from chungsuc.geo.models import Unit
    from chungsuc.movements.models import ChecklistItem, Finding, Inspection, Recommendation

    settings.MEDIA_ROOT = tmp_path
    insp = Inspection.objects.create(
        movement=plan861,
        year=2024,
        team_name="Đoàn kiểm tra số 1",
        leader="Lê Văn Trưởng",
        unit=Unit.objects.get(key="893"),
        planned_on=dt.date(2024, 10, 15),
        inspected_on=dt.date(2024, 10, 16),
        state="inspected",
    )
    insp.members.add(users["demo.kiemtra"])
    items = list(ChecklistItem.objects.filter(movement=plan861).order_by("order")[:2])
    Finding.objects.create(inspection=insp, item=items[0], result="met")
    Finding.objects.create(inspection=insp, item=items[1], result="not_met", note="Báo cáo 2023 nộp trễ")
    Recommendation.objects.create(
        inspection=insp,
        text="Nộp báo cáo đúng hạn",
        due_date=dt.date(2024, 12, 31),
        done_on=dt.date(2024, 12, 10),
        follow_up="Đã nộp báo cáo 2024",
    )
    client.force_login(users["demo.tinh"])
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            reverse("reports:new-inspection-conclusion"),
            {"inspection": insp.pk, "fmt": fmt, "number": "12", "date": "20/12/2024", "signer_name": ""},
        )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    doc = GeneratedDocument.objects.get()
    assert doc.status == DocumentStatus.DONE, doc.error
    assert doc.kind == "inspection_conclusion" and doc.unit_id == insp.unit_id
    with default_storage.open(doc.file.name, "rb") as fh:
        data = fh.read()
    text = " ".join((docx_text(data) if fmt == "docx" else pdf_text(data)).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "ỦY BAN NHÂN DÂN TỈNH AN GIANG" in text
    assert "Số: 12/KL-UBND" in text and "An Giang, ngày 20 tháng 12 năm 2024" in text
    assert "KẾT LUẬN" in text and "Kiểm tra việc thực hiện phong trào thi đua năm 2024" in text
    assert "Đoàn kiểm tra số 1 do Lê Văn Trưởng làm trưởng đoàn" in text
    assert "ngày 16/10/2024" in text
    assert "1 nội dung đạt, 0 nội dung đạt một phần, 1 nội dung không đạt" in text
    assert "Báo cáo 2023 nộp trễ" in text and "Nộp báo cáo đúng hạn" in text
    assert "Đã nộp báo cáo 2024" in text and "10/12/2024" in text and "1 đã hoàn thành" in text
    assert "Nơi nhận:" in text and "- Lưu: VT." in text
    assert "TRƯỞNG ĐOÀN KIỂM TRA" in text and "Lê Văn Trưởng" in text
    if fmt == "pdf":
        assert pdf_first_page_ink(data) > 0.01
    if os.environ.get("CHUNGSUC_KEEP_DOCS"):  # to look at the layout by eye
        Path(os.environ["CHUNGSUC_KEEP_DOCS"], f"ket-luan.{fmt}").write_bytes(data)
    # from the inspection page, the link to the document
    page = client.get(f"/movements/inspections/{insp.pk}/").content.decode()
    assert f"/reports/new/inspection-conclusion/?inspection={insp.pk}" in page


def test_inspection_conclusion_names_the_teams_decision_and_its_members(
    client, plan861, users, django_capture_on_commit_callbacks, settings, tmp_path
):
    """An inspection carried out by a team record: the conclusion says which decision set the team up
    and names its members with their positions."""
    import datetime as dt

    from chungsuc.geo.models import Unit
    from chungsuc.movements import services as ms
    from chungsuc.movements.models import Inspection

    settings.MEDIA_ROOT = tmp_path
    tinh = users["demo.tinh"]
    with override_settings(CHUNGSUC_ACTING_AS_OF=dt.date(2024, 12, 31)):
        team = ms.inspection_team_create(
            actor=tinh,
            movement=plan861,
            year=2024,
            name="Đoàn kiểm tra số 3",
            decision_reference="15/QĐ-SNV",
            decision_date=dt.date(2024, 9, 20),
            decision_signer="Lê Văn Ký",
        )
        ms.inspection_team_member_add(actor=tinh, team=team, full_name="Phan Văn Trưởng", role="leader")
        ms.inspection_team_member_add(
            actor=tinh, team=team, full_name="Võ Thị Thành Viên", position="Chuyên viên", role="member"
        )
        insp = ms.inspection_plan(
            actor=tinh,
            movement=plan861,
            year=2024,
            team_name="",
            leader="",
            unit=Unit.objects.get(key="893"),
            team=team,
        )
    Inspection.objects.filter(pk=insp.pk).update(state="inspected", inspected_on=dt.date(2024, 10, 2))
    client.force_login(tinh)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:new-inspection-conclusion"),
            {"inspection": insp.pk, "fmt": "docx", "number": "13", "date": "20/12/2024", "signer_name": ""},
        )
    doc = GeneratedDocument.objects.get()
    assert doc.status == DocumentStatus.DONE, doc.error
    with default_storage.open(doc.file.name, "rb") as fh:
        text = " ".join(docx_text(fh.read()).split())
    assert "Đoàn kiểm tra số 3 (thành lập theo Quyết định số 15/QĐ-SNV ngày 20/09/2024)" in text
    assert "do Phan Văn Trưởng làm trưởng đoàn, thành viên gồm Võ Thị Thành Viên (Chuyên viên)" in text


def test_inspection_conclusion_is_refused_without_the_role(client, plan861, users):
    from chungsuc.geo.models import Unit
    from chungsuc.movements.models import Inspection

    insp = Inspection.objects.create(
        movement=plan861, year=2024, team_name="Đoàn", unit=Unit.objects.get(key="893"), state="inspected"
    )
    client.force_login(users["demo.chomoi"])  # a district officer: no such document for them
    resp = client.post(reverse("reports:new-inspection-conclusion"), {"inspection": insp.pk, "fmt": "pdf"})
    assert resp.status_code == 200 and not GeneratedDocument.objects.exists()
    assert "quyền" in resp.content.decode()
