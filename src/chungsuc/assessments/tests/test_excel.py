"""Excel round trip (export, change, dry run shows exactly the changes, commit) and bad workbooks that
each get their message and change nothing."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chungsuc.assessments import excel, services
from chungsuc.assessments.models import Assessment, AssessmentValue
from chungsuc.core.models import AuditEntry

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")


@pytest.fixture
def setup(workflows, users, framework, vinh_chanh):
    officer = users["demo.thoaison"]
    a = services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
    )
    services.assessment_values_save(
        actor=users["demo.vinhchanh"], assessment=a, values={"3.1": 70, "1.1": "Đạt"}
    )
    return officer, a


def district_workbook(client, officer, framework, year=2024):
    from chungsuc.geo.selectors import unit_by_code

    client.force_login(officer)
    district = unit_by_code("894", "2024-06-30")
    r = client.get(
        f"/assessments/export/district.xlsx?district={district.pk}&year={year}&framework={framework.code}"
    )
    assert r.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(r.content))


def upload(wb, name="so-lieu.xlsx"):
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def row_of(ws, code):
    for r in range(excel.FIRST_ROW, ws.max_row + 1):
        if ws.cell(r, 1).value == code:
            return r
    raise AssertionError(code)


def col_of(ws, key):
    for c in range(1, ws.max_column + 1):
        if ws.cell(1, c).value == key:
            return c
    raise AssertionError(key)


def test_district_workbook_has_a_row_per_commune_locked_codes_thresholds_and_validation(
    setup, client, framework
):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    assert wb.sheetnames[0] == "Hướng dẫn"
    ws = wb[excel.DATA_SHEET]
    codes = [ws.cell(r, 1).value for r in range(excel.FIRST_ROW, ws.max_row + 1)]
    assert "30703" in codes and len(codes) >= 14
    assert ws.protection.sheet
    assert ws.cell(excel.FIRST_ROW, 1).protection.locked
    assert not ws.cell(excel.FIRST_ROW, 3).protection.locked
    assert ws.cell(3, col_of(ws, "3.1")).value.startswith("≥ 80")
    assert "(chưa kiểm chứng)" in ws.cell(3, col_of(ws, "10.1")).value
    r = row_of(ws, "30703")
    assert ws.cell(r, col_of(ws, "3.1")).value == 70
    assert ws.cell(r, col_of(ws, "1.1")).value == "Đạt"
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"list", "decimal", "whole"} <= kinds
    assert wb["_meta"].sheet_state == "hidden"


def test_round_trip_dry_run_shows_exact_changes_then_commit(setup, client, framework):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    ws = wb[excel.DATA_SHEET]
    r = row_of(ws, "30703")
    ws.cell(r, col_of(ws, "3.1")).value = 85
    ws.cell(r, col_of(ws, "10.1")).value = "65,5"
    other = row_of(
        ws,
        ws.cell(excel.FIRST_ROW, 1).value
        if ws.cell(excel.FIRST_ROW, 1).value != "30703"
        else ws.cell(excel.FIRST_ROW + 1, 1).value,
    )
    other_code = ws.cell(other, 1).value
    ws.cell(other, col_of(ws, "3.2")).value = "Không đạt"
    response = client.post("/assessments/import/", {"file": upload(wb)})
    html = response.content.decode()
    assert "3 giá trị sẽ thay đổi ở 2 đơn vị" in html
    plan = response.context["plan"]
    changes = {(r.unit_code, k): tuple(v) for r in plan.rows for k, v in r.changes.items()}
    assert changes[("30703", "3.1")] == ("70", "85")
    assert changes[("30703", "10.1")] == ("", "65,5")
    assert changes[(str(other_code), "3.2")] == ("", "Không đạt")
    assert "Tỷ lệ tưới tiêu chủ động" in html and "so-lieu.xlsx" in html
    assert (
        AssessmentValue.objects.get(assessment=a, indicator_code="3.1").value == 70
    )  # dry run wrote nothing
    token = response.context["token"]
    response = client.post(f"/assessments/import/{token}/commit/")
    assert response.status_code == 302
    assert AssessmentValue.objects.get(assessment=a, indicator_code="3.1").value == 85
    assert AssessmentValue.objects.get(assessment=a, indicator_code="10.1").value == 65.5
    created = Assessment.objects.get(unit__code=other_code, year=2024)
    assert AssessmentValue.objects.get(assessment=created, indicator_code="3.2").value == 0
    entry = AuditEntry.objects.get(action="assessment.import", target_id=str(a.pk))
    assert entry.changes["3.1"] == ["70", "85"] and entry.actor == officer
    assert a.results.count() >= 2


def bad_cases(ws):
    r = row_of(ws, "30703")
    return {
        "text for a percentage": (
            lambda: setattr(ws.cell(r, col_of(ws, "3.1")), "value", "nhiều"),
            "không phải là số",
        ),
        "percentage over 100": (lambda: setattr(ws.cell(r, col_of(ws, "3.1")), "value", 120), "0–100"),
        "negative count": (lambda: setattr(ws.cell(r, col_of(ws, "10.2")), "value", -3), "không được âm"),
        "formula": (lambda: setattr(ws.cell(r, col_of(ws, "3.1")), "value", "=40+45"), "công thức"),
        "unknown unit": (lambda: setattr(ws.cell(r, 1), "value", "99999"), "99999"),
        "unknown indicator": (lambda: setattr(ws.cell(1, col_of(ws, "3.1")), "value", "3.9"), "3.9"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "text for a percentage",
        "percentage over 100",
        "negative count",
        "formula",
        "unknown unit",
        "unknown indicator",
    ],
)
def test_bad_workbook_cells_are_named_and_nothing_is_written(setup, client, framework, case):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    ws = wb[excel.DATA_SHEET]
    ws.cell(row_of(ws, "30703"), col_of(ws, "1.1")).value = "Không đạt"  # a valid change alongside
    mutate, expected = bad_cases(ws)[case]
    mutate()
    before = AuditEntry.objects.count()
    response = client.post("/assessments/import/", {"file": upload(wb)})
    html = response.content.decode()
    assert "chưa ghi gì" in html and expected in html
    assert "SoLieu, dòng" in html or "Trang tính «SoLieu»" in html or "SoLieu" in html
    assert response.context["token"] is None
    assert AssessmentValue.objects.get(assessment=a, indicator_code="1.1").value == 1.0
    assert AuditEntry.objects.count() == before


def test_other_template_or_framework_is_refused(setup, client, framework):
    from chungsuc.assessments.tests.conftest import make_framework

    officer, a = setup
    wb = district_workbook(client, officer, framework)
    wb["_meta"]["B3"] = "xa-khac"
    r = client.post("/assessments/import/", {"file": upload(wb)})
    assert "xa-khac" in r.content.decode()
    wb["_meta"]["B1"] = "mau-khac"
    r = client.post("/assessments/import/", {"file": upload(wb)})
    assert "mau-khac" in r.content.decode()
    plain = openpyxl.Workbook()
    r = client.post("/assessments/import/", {"file": upload(plain)})
    assert "_meta" in r.content.decode()
    other = make_framework("xa-khac-2")
    wb = district_workbook(client, officer, framework)
    with pytest.raises(ValidationError, match="xa-thu"):
        excel.dry_run(actor=officer, upload=upload(wb), framework=other)


def test_macro_encrypted_and_oversized_files_are_refused(setup, client, framework, settings):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    macro = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(macro, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"\x00" * 64)
    r = client.post("/assessments/import/", {"file": SimpleUploadedFile("m.xlsx", macro.getvalue())})
    assert "macro" in r.content.decode().lower()
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 512
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 512
    )
    r = client.post("/assessments/import/", {"file": SimpleUploadedFile("e.xlsx", ole)})
    assert "mã hóa" in r.content.decode() or "mật khẩu" in r.content.decode()
    settings.FILE_UPLOAD_MAX_BYTES = 1000
    r = client.post("/assessments/import/", {"file": SimpleUploadedFile("big.xlsx", data)})
    assert "vượt giới hạn" in r.content.decode()
    assert AssessmentValue.objects.get(assessment=a, indicator_code="3.1").value == 70


def test_commit_refused_when_data_changed_after_the_dry_run(setup, client, framework, users):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    ws = wb[excel.DATA_SHEET]
    ws.cell(row_of(ws, "30703"), col_of(ws, "3.1")).value = 90
    token = client.post("/assessments/import/", {"file": upload(wb)}).context["token"]
    a.refresh_from_db()
    services.assessment_values_save(actor=users["demo.vinhchanh"], assessment=a, values={"3.1": 75})
    r = client.post(f"/assessments/import/{token}/commit/", follow=True)
    assert "người khác thay đổi" in r.content.decode()
    assert AssessmentValue.objects.get(assessment=a, indicator_code="3.1").value == 75
