"""The Excel corpus: workbooks made by the product's own template (the district download), filled the
ways officials really fill them. Each case asserts the stored value, or the exact refusal naming the
cell and that the refusal wrote nothing (value, row and audit counts unchanged)."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chungsuc.assessments import excel, services
from chungsuc.assessments.models import Assessment, AssessmentValue
from chungsuc.assessments.tests.test_excel import col_of, district_workbook, row_of, upload
from chungsuc.core.models import AuditEntry

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")

VC = "30703"  # Xã Vĩnh Chánh (Thoại Sơn), which has values 3.1 = 70 and 1.1 = Đạt


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


def counts():
    return (Assessment.objects.count(), AssessmentValue.objects.count(), AuditEntry.objects.count())


def stored(a, key):
    row = AssessmentValue.objects.filter(assessment=a, indicator_code=key).first()
    return row.value if row else None


def dry(client, wb, name="so-lieu.xlsx"):
    response = client.post("/assessments/import/", {"file": upload(wb, name)})
    assert response.status_code == 200
    return response


def commit(client, response, **post):
    token = response.context["token"]
    assert token, response.context["plan"].errors
    r = client.post(f"/assessments/import/{token}/commit/", post)
    assert r.status_code == 302
    return r


def set_cell(ws, code, key, value, number_format=None):
    cell = ws.cell(row_of(ws, code), col_of(ws, key))
    cell.value = value
    if number_format:
        cell.number_format = number_format
    return cell


# --- accepted: the stored value ---------------------------------------------------------------------

ACCEPTED = {
    "85% typed in Excel (0.85, percent format)": ("3.1", 0.85, "0%", 85.0),
    "85,5% with a decimal percent format": ("3.1", 0.855, "0.0%", 85.5),
    "'85 %' typed as text": ("3.1", "85 %", None, 85.0),
    "'85%' typed as text": ("3.1", "85%", None, 85.0),
    "floating-point noise at the threshold": ("3.1", 79.99999999999999, None, 80.0),
    "Vietnamese thousands and decimals": ("10.1", "1.234,5", None, 1234.5),
    "decimal comma": ("10.1", "65,5", None, 65.5),
    "decimal point that cannot be thousands": ("10.1", "65.5", None, 65.5),
    "Có": ("3.2", "Có", None, 1.0),
    "Không": ("3.2", "Không", None, 0.0),
    "x for yes": ("3.2", "x", None, 1.0),
    "trailing spaces": ("3.2", "Không đạt   ", None, 0.0),
    "Đạt typed decomposed (NFD)": ("3.2", unicodedata.normalize("NFD", "Đạt"), None, 1.0),
    "non-breaking spaces around a word": ("3.2", "\u00a0Đạt\u00a0", None, 1.0),
    "count typed as text": ("10.2", "12", None, 12.0),
    "count with float noise": ("10.2", 12.000000000000002, None, 12.0),
}


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_accepted_values_are_stored_as_the_official_meant(setup, client, framework, case):
    officer, a = setup
    key, value, fmt, expected = ACCEPTED[case]
    wb = district_workbook(client, officer, framework)
    set_cell(wb[excel.DATA_SHEET], VC, key, value, fmt)
    response = dry(client, wb)
    plan = response.context["plan"]
    assert plan.errors == []
    commit(client, response)
    assert stored(a, key) == expected


def test_85_percent_shows_what_was_typed_and_the_threshold_is_met_at_80(setup, client, framework):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    set_cell(wb[excel.DATA_SHEET], VC, "3.1", 79.99999999999999)
    response = dry(client, wb)
    html = response.content.decode()
    # the page says what the file holds, so a rounded 80 cannot hide
    assert "trong tệp ghi 79,99999999999999" in html
    commit(client, response)
    a.refresh_from_db()
    assert stored(a, "3.1") == 80.0
    from chungsuc.assessments.evaluation import evaluate_one

    result = evaluate_one(a, store=False)
    indicator = next(i for c in result.criteria for i in c.indicators if i.code == "3.1")
    assert (indicator.value, indicator.status) == (80.0, "met")  # compared as the official sees it


def test_codes_as_numbers_with_apostrophe_or_hidden_characters_are_read_and_said(setup, client, framework):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    ws = wb[excel.DATA_SHEET]
    r = row_of(ws, VC)
    ws.cell(r, 1).value = int(VC)  # a code typed as a number
    ws.cell(r, col_of(ws, "3.1")).value = 81
    codes = [ws.cell(i, 1).value for i in range(excel.FIRST_ROW, ws.max_row + 1)]
    other, third = [c for c in codes if c != int(VC)][:2]
    other_row, third_row = row_of(ws, other), row_of(ws, third)
    ws.cell(other_row, 1).value = "'" + other
    ws.cell(other_row, col_of(ws, "3.2")).value = "Đạt"
    ws.cell(third_row, 1).value = third + "\u200b\u00a0"
    ws.cell(third_row, col_of(ws, "3.2")).value = "Không đạt"
    response = dry(client, wb)
    plan = response.context["plan"]
    assert plan.errors == []
    assert any(f"dòng {third_row}, cột A" in w and "ký tự ẩn" in w for w in plan.warnings)
    commit(client, response)
    assert stored(a, "3.1") == 81
    assert AssessmentValue.objects.get(assessment__unit__code=other, indicator_code="3.2").value == 1.0
    assert AssessmentValue.objects.get(assessment__unit__code=third, indicator_code="3.2").value == 0.0


def test_extra_sheets_hidden_rows_and_deleted_helper_rows_never_drop_data(setup, client, framework):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    wb.create_sheet("Ghi chú của xã")["A1"] = "nháp"
    ws = wb[excel.DATA_SHEET]
    ws.protection.sheet = False
    first_code = ws.cell(excel.FIRST_ROW, 1).value
    ws.delete_rows(2, 2)  # the official deletes the names and thresholds rows under the header
    first = row_of_any(ws, first_code)
    assert first == 2
    ws.cell(first, col_of(ws, "3.2")).value = "Đạt"
    r = row_of_any(ws, VC)
    ws.cell(r, col_of(ws, "3.1")).value = 88
    ws.row_dimensions[r].hidden = True
    response = dry(client, wb)
    plan = response.context["plan"]
    assert plan.errors == []
    assert any(f"dòng {r}" in w and "bị ẩn" in w for w in plan.warnings)
    commit(client, response)
    assert stored(a, "3.1") == 88
    assert AssessmentValue.objects.get(assessment__unit__code=first_code, indicator_code="3.2").value == 1.0


def row_of_any(ws, code):
    for r in range(1, ws.max_row + 1):
        if str(ws.cell(r, 1).value) == str(code):
            return r
    raise AssertionError(code)


def test_moved_columns_are_read_by_their_header(setup, client, framework):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    ws = wb[excel.DATA_SHEET]
    ws.protection.sheet = False
    ws.insert_cols(3)  # an empty column inserted before the first indicator
    ws.cell(row_of(ws, VC), col_of(ws, "3.1")).value = 91
    response = dry(client, wb)
    assert response.context["plan"].errors == []
    commit(client, response)
    assert stored(a, "3.1") == 91


def test_a_name_that_does_not_match_its_code_is_warned(setup, client, framework):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    ws = wb[excel.DATA_SHEET]
    r = row_of(ws, "30715")  # Vọng Đông's code …
    ws.cell(r, 2).value = "Xã Vĩnh Chánh"  # … with Vĩnh Chánh's name
    ws.cell(r, col_of(ws, "3.2")).value = "Đạt"
    ws.cell(row_of(ws, VC), 2).value = "vinh chanh"  # the same name typed without diacritics: no warning
    plan = dry(client, wb).context["plan"]
    warned = [w for w in plan.warnings if "không khớp" in w]
    assert len(warned) == 1
    assert f"dòng {r}, cột B" in warned[0] and "30715" in warned[0] and "Vọng Đông" in warned[0]


# --- refused: the exact message, and nothing written ------------------------------------------------


def refused(client, wb, expected: str, name="so-lieu.xlsx"):
    before = counts()
    response = client.post("/assessments/import/", {"file": upload(wb, name)} if wb is not None else {})
    html = response.content.decode()
    assert expected in html, html[html.find("alert") : html.find("alert") + 2000]
    assert response.context["token"] is None
    assert counts() == before
    return html


REFUSED = {
    "a date in a count cell": (
        "10.2",
        dt.date(2024, 5, 1),
        "dd/mm/yyyy",
        "cột G (10.2): ô chứa ngày 01/05/2024, không phải một số",
    ),
    "a date in a number cell (serial 45413)": (
        "10.1",
        45413,
        "d/m/yyyy",
        "cột F (10.1): ô chứa ngày 01/05/2024, không phải một số",
    ),
    "a percent format on a count": ("10.2", 0.5, "0%", "cột G (10.2): ô định dạng phần trăm (hiển thị 50 %)"),
    "English grouping": ("10.1", "1,234.5", None, "«1,234.5» không đọc được theo quy ước số"),
    "ambiguous dot": ("10.1", "1.234", None, "«1.234» có hai cách đọc: 1234"),
    "ambiguous comma": ("10.1", "1,234", None, "«1,234» có hai cách đọc: 1234"),
    "a formula": ("3.1", "=40+45", None, "cột D (3.1): có công thức"),
    "an error cell": ("3.1", "#DIV/0!", None, "cột D (3.1): ô có lỗi #DIV/0! của Excel"),
    "text in a percentage": ("3.1", "nhiều", None, "cột D (3.1): «nhiều» không phải là số"),
    "percentage over 100": ("3.1", 120, None, "tỷ lệ 120 nằm ngoài khoảng 0–100"),
    "a decimal count": ("10.2", 2.5, None, "số đếm 2,5 phải là số nguyên"),
    "a word for pass/fail it cannot read": ("3.2", "Tốt", None, "«Tốt» không hợp lệ"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_cells_are_named_and_nothing_is_written(setup, client, framework, case):
    officer, a = setup
    key, value, fmt, expected = REFUSED[case]
    wb = district_workbook(client, officer, framework)
    ws = wb[excel.DATA_SHEET]
    ws.cell(row_of(ws, VC), col_of(ws, "1.1")).value = "Không đạt"  # a valid change alongside
    set_cell(ws, VC, key, value, fmt)
    html = refused(client, wb, expected)
    assert f"Trang tính SoLieu, dòng {row_of(ws, VC)}" in html
    assert stored(a, "1.1") == 1.0


def test_merged_header_cells_are_refused_naming_the_range(setup, client, framework):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    ws = wb[excel.DATA_SHEET]
    ws.protection.sheet = False
    ws.cell(row_of(ws, VC), col_of(ws, "3.2")).value = "Không đạt"
    ws.merge_cells("D1:E1")
    refused(client, wb, "các ô D1:E1 bị gộp")


def test_a_column_with_data_but_no_header_is_refused_not_skipped(setup, client, framework):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    ws = wb[excel.DATA_SHEET]
    ws.cell(1, col_of(ws, "3.2")).value = None  # the header cleared: its values would be lost
    ws.cell(row_of(ws, VC), 5).value = "Không đạt"
    refused(client, wb, "cột E có số liệu")


def test_a_row_with_values_but_no_code_is_refused(setup, client, framework):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    ws = wb[excel.DATA_SHEET]
    r = ws.max_row + 1
    ws.cell(r, col_of(ws, "3.1")).value = 50
    refused(client, wb, f"dòng {r}, cột A (Mã ĐV): dòng có số liệu nhưng ô mã đơn vị trống")


def test_a_town_on_a_commune_framework_is_refused_in_the_dry_run(setup, client, framework):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    ws = wb[excel.DATA_SHEET]
    r = ws.max_row + 1
    ws.cell(r, 1).value = "30682"
    ws.cell(r, 2).value = "Thị trấn Núi Sập"
    ws.cell(r, col_of(ws, "3.1")).value = 90
    html = refused(client, wb, "Bộ tiêu chí xa-thu không áp dụng cho Thị trấn Núi Sập.")
    assert "Thị trấn Thị trấn" not in html
    assert f"dòng {r}, cột A" in html


def test_a_year_outside_the_framework_gives_one_clear_message(setup, client, framework):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    wb["_meta"]["B5"] = "2031"
    html = refused(client, wb, "Bộ tiêu chí xa-thu áp dụng cho 2021–2025, không áp dụng cho năm 2031.")
    assert "không thuộc địa bàn" not in html


def test_an_old_template_version_is_refused(setup, client, framework):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    wb["_meta"]["B2"] = "1"
    refused(client, wb, "mẫu phiên bản 1, hệ thống đang dùng mẫu phiên bản 2")


def test_an_empty_file_and_no_file_give_a_message_on_both_import_pages(setup, client, framework, users):
    officer, a = setup
    client.force_login(users["demo.tinh"])
    for url in ("/assessments/import/", "/recognitions/register/import/"):
        before = counts()
        r = client.post(url, {"file": SimpleUploadedFile("rong.xlsx", b"")})
        assert r.status_code == 200, url
        assert "Tệp tải lên rỗng (0 byte)" in r.content.decode(), url
        r = client.post(url, {})
        assert "Hãy chọn tệp Excel (.xlsx) để tải lên." in r.content.decode(), url
        assert counts() == before


def _bytes(wb):
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_macro_enabled_old_xls_encrypted_and_oversize_files_are_refused(setup, client, framework, settings):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    set_cell(wb[excel.DATA_SHEET], VC, "3.1", 99)
    data = _bytes(wb)
    macro = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(macro, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"\x00" * 64)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024
    encrypted = ole + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 512
    cases = [
        ("so-lieu.xlsm", macro.getvalue(), "có chứa macro"),
        ("so-lieu.xls", ole, "định dạng cũ"),
        ("so-lieu.xlsx", encrypted, "mật khẩu"),
    ]
    for name, content, expected in cases:
        before = counts()
        r = client.post("/assessments/import/", {"file": SimpleUploadedFile(name, content)})
        assert expected in r.content.decode(), name
        assert counts() == before
    settings.FILE_UPLOAD_MAX_BYTES = 1000
    before = counts()
    r = client.post("/assessments/import/", {"file": SimpleUploadedFile("big.xlsx", data)})
    assert "vượt giới hạn" in r.content.decode()
    assert counts() == before
    assert stored(a, "3.1") == 70


def test_the_criteria_thresholds_workbook_reads_a_percent_format_as_percent(db, framework):
    """The same rule in the thresholds workbook: 85% typed in Excel is the threshold 85, not 0,85."""
    from chungsuc.criteria import excel as cexcel
    from chungsuc.criteria import selectors as cselectors

    wb = openpyxl.load_workbook(io.BytesIO(cexcel.export_workbook(cselectors.spec_of(framework))))
    ws = wb[cexcel.SHEET_RULES]
    header = [c.value for c in ws[1]]
    key_col, value_col = header.index("Khóa") + 1, header.index("Ngưỡng") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, key_col).value == "3.1")
    ws.cell(row, value_col).value = 0.85
    ws.cell(row, value_col).number_format = "0%"
    spec, errors = cexcel.parse_workbook(io.BytesIO(_bytes(wb)), name="nguong.xlsx")
    assert errors == []
    rules = {r["key"]: r for c in spec["criteria"] for i in c["indicators"] for r in i["rules"]}
    assert rules["3.1"]["value"] == 85.0
    # a date typed in a threshold cell is refused naming the cell, not stored as a serial
    ws.cell(row, value_col).value = dt.date(2024, 5, 1)
    spec, errors = cexcel.parse_workbook(io.BytesIO(_bytes(wb)), name="nguong.xlsx")
    assert spec is None
    assert any(e["row"] == row and "01/05/2024" in e["message"] for e in errors)


# --- an old download never reverts newer edits ------------------------------------------------------


def test_an_old_download_shows_conflicts_and_reverts_nothing_without_a_choice(
    setup, client, framework, users
):
    officer, a = setup
    wb = district_workbook(client, officer, framework)  # downloaded while 3.1 = 70 and 1.1 = Đạt
    a.refresh_from_db()
    services.assessment_values_save(  # another user changes two values afterwards
        actor=users["demo.vinhchanh"], assessment=a, values={"3.1": 75, "1.1": "Không đạt"}
    )
    ws = wb[excel.DATA_SHEET]
    set_cell(ws, VC, "10.1", 66)  # the official's own new value; 3.1 and 1.1 still hold the old ones
    response = dry(client, wb)
    plan = response.context["plan"]
    html = response.content.decode()
    row = next(r for r in plan.rows if r.unit_code == VC)
    assert set(row.conflicts) == {"3.1", "1.1"} and set(row.changes) == {"10.1"}
    assert row.conflicts["3.1"]["current"] == "75" and row.conflicts["3.1"]["file"] == "70"
    assert "đã được" in html and "hiện tại 75, trong tệp 70" in html
    assert html.index('data-testid="import-conflict"') < html.index("10.1</strong>")  # conflicts first
    commit(client, response)  # nothing chosen: the newer values stay
    assert (stored(a, "3.1"), stored(a, "1.1"), stored(a, "10.1")) == (75, 0.0, 66)
    # the staged dry run is gone once used: confirming again writes nothing and says so
    before = counts()
    again = client.post(f"/assessments/import/{response.context['token']}/commit/", follow=True)
    assert "Lần kiểm tra thử này không còn" in again.content.decode()
    assert counts() == before


def test_the_official_may_choose_the_file_value_per_value_or_per_unit(setup, client, framework, users):
    officer, a = setup
    wb = district_workbook(client, officer, framework)
    a.refresh_from_db()
    services.assessment_values_save(
        actor=users["demo.vinhchanh"], assessment=a, values={"3.1": 75, "1.1": "Không đạt"}
    )
    response = dry(client, wb)
    assert response.context["plan"].conflict_count == 2
    commit(client, response, take=[f"{VC}:3.1"])  # one value chosen
    assert (stored(a, "3.1"), stored(a, "1.1")) == (70, 0.0)
    entry = AuditEntry.objects.filter(action="assessment.import", target_id=str(a.pk)).latest("id")
    assert entry.changes["3.1"] == ["75", "70"]
    assert "so-lieu.xlsx" in entry.reason and f"dòng {row_of(wb[excel.DATA_SHEET], VC)}" in entry.reason
    assert entry.actor == officer and entry.unit_id == a.unit_id
    latest = AssessmentValue.objects.get(assessment=a, indicator_code="3.1").history.latest()
    assert (latest.value, latest.history_user, latest.history_type) == (70, officer, "~")
    # a fresh download, another change, and the whole unit chosen
    wb = district_workbook(client, officer, framework)
    a.refresh_from_db()
    services.assessment_values_save(actor=users["demo.vinhchanh"], assessment=a, values={"3.1": 60})
    response = dry(client, wb)
    commit(client, response, take_unit=[VC])
    assert stored(a, "3.1") == 70
