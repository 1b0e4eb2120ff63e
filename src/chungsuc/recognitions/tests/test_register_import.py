"""Importing past recognitions by an official: the Excel template, the dry run naming every problem by
sheet, row and column and listing what would be added, the atomic commit, the JSON API, permissions."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chungsuc.core.models import AuditEntry
from chungsuc.recognitions import register_import as recognitions
from chungsuc.recognitions.models import RecognitionRecord

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")


@pytest.fixture
def template(client, users):
    client.force_login(users["demo.nnptnt"])
    r = client.get("/recognitions/register/template.xlsx")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(r.content))


def fill(wb, rows):
    ws = wb[recognitions.SHEET]
    for r, values in enumerate(rows, start=2):
        for c, v in enumerate(values, start=1):
            ws.cell(r, c, v)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("so-cong-nhan.xlsx", buf.getvalue())


GOOD = [
    [
        "30703",
        "Nông thôn mới",
        2019,
        dt.date(2019, 12, 20),
        "3120/QĐ-UBND",
        "20/12/2019",
        "Chủ tịch UBND tỉnh",
        "https://example.invalid/qd",
        "Có",
        "",
    ],
    [
        "30727",
        "Nông thôn mới kiểu mẫu",
        2022,
        None,
        "",
        None,
        "",
        "Báo cáo tổng kết",
        "Không",
        "Chỉ biết năm",
    ],
]


def test_template_has_headers_lists_and_readme(template):
    ws = template[recognitions.SHEET]
    assert [ws.cell(1, c).value for c in range(1, 11)] == [h for _k, h, _w, _r in recognitions.COLUMNS]
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert any("Nông thôn mới nâng cao" in f for f in lists) and any(f == '"Có,Không"' for f in lists)
    assert "Hướng dẫn" in template.sheetnames and "MaDonVi" in template.sheetnames
    codes = {row[0] for row in template["MaDonVi"].iter_rows(min_row=2, values_only=True)}
    assert "30703" in codes


def test_round_trip_dry_run_lists_entries_then_commit_writes_and_audits(client, template, users):
    before = RecognitionRecord.objects.count()
    r = client.post("/recognitions/register/import/", {"file": fill(template, GOOD)})
    assert r.status_code == 200
    text = r.content.decode()
    assert "Sẽ thêm 2 mục" in text
    assert "3120/QĐ-UBND ngày 20/12/2019 của Chủ tịch UBND tỉnh" in text
    assert "chỉ biết năm" in text
    assert RecognitionRecord.objects.count() == before  # a dry run writes nothing
    token = r.context["token"]
    r = client.post(f"/recognitions/register/import/{token}/commit/")
    assert r.status_code == 302 and r["Location"].endswith("/recognitions/register/")
    assert RecognitionRecord.objects.count() == before + 2
    rec = RecognitionRecord.objects.get(unit__code="30703", standard="ntm", year=2019)
    assert rec.since == dt.date(2019, 12, 20) and rec.verified and rec.origin == "import"
    assert rec.decision_text == "3120/QĐ-UBND ngày 20/12/2019 của Chủ tịch UBND tỉnh"
    rec2 = RecognitionRecord.objects.get(unit__code="30727", standard="model", year=2022)
    assert rec2.since == dt.date(2022, 12, 31) and rec2.since_precision == "year" and not rec2.verified
    audits = AuditEntry.objects.filter(action="recognition.import")
    assert audits.count() == 2 and all("so-cong-nhan.xlsx" in a.reason for a in audits)
    assert all(", dòng " in a.reason for a in audits)  # the audit names the file and the row
    # the same file again: nothing new, no commit button
    r = client.post("/recognitions/register/import/", {"file": fill(template, GOOD)})
    assert "Không có gì mới" in r.content.decode() and r.context["token"] is None


def test_bad_rows_are_named_by_sheet_row_and_column_and_nothing_is_written(client, template):
    bad = [
        GOOD[0],
        ["99999", "Nông thôn mới", 2019, None, "", None, "", "nguồn", "Có", ""],
        ["30727", "Vàng", 2019, None, "", None, "", "nguồn", "Có", ""],
        ["30727", "ntm", "hai nghìn", None, "", None, "", "nguồn", "Có", ""],
        ["30727", "ntm", 2019, "32/13/2019", "", None, "", "nguồn", "Có", ""],
        ["30727", "ntm", 2019, None, "", None, "", "", "Có", ""],
        ["30727", "ntm", 2019, None, "", "01/01/2019", "", "nguồn", "Có", ""],
        ["30727", "ntm", 2019, None, "", None, "", "nguồn", "=1+1", ""],
        GOOD[0],
    ]
    before = RecognitionRecord.objects.count()
    r = client.post("/recognitions/register/import/", {"file": fill(template, bad)})
    errors = r.context["plan"].errors
    text = "\n".join(errors)
    s = recognitions.SHEET
    assert f"Trang tính {s}, dòng 3, cột A (Mã đơn vị)" in text and "99999" in text
    assert "dòng 4, cột B (Mức đạt chuẩn)" in text and "Vàng" in text
    assert "dòng 5, cột C (Năm)" in text and "hai nghìn" in text
    assert "dòng 6, cột D (Ngày công nhận)" in text and "32/13/2019" in text
    assert "dòng 7, cột H (Nguồn)" in text
    assert "dòng 8, cột E (Số quyết định)" in text
    assert "dòng 9, cột I (Đã kiểm chứng)" in text and "công thức" in text
    assert "dòng 10, cột A (Mã đơn vị)" in text and "trùng với dòng 2" in text
    assert r.context["token"] is None
    assert "chưa ghi gì" in r.content.decode()
    assert RecognitionRecord.objects.count() == before


def test_wrong_file_and_wrong_template_get_a_message(client, template):
    r = client.post("/recognitions/register/import/", {"file": SimpleUploadedFile("x.xlsx", b"not excel")})
    assert r.status_code == 200 and r.context["plan"] is None
    assert any("x.xlsx" in str(m) for m in r.context["messages"])
    wb = openpyxl.Workbook()
    wb.active.title = recognitions.SHEET
    wb.active.append(["Mã đơn vị", "Năm"])
    buf = io.BytesIO()
    wb.save(buf)
    r = client.post("/recognitions/register/import/", {"file": SimpleUploadedFile("y.xlsx", buf.getvalue())})
    msgs = " ".join(str(m) for m in r.context["messages"])
    assert "thiếu cột" in msgs and "«Mức đạt chuẩn»" in msgs and "«Nguồn»" in msgs


def test_decision_entries_are_not_overwritten(client, template, users, vinh_chanh):
    RecognitionRecord.objects.create(
        unit=vinh_chanh,
        standard="ntm",
        year=2019,
        since=dt.date(2019, 12, 20),
        decision_text="1/QĐ",
        origin=RecognitionRecord.Origin.DECISION,
    )
    r = client.post("/recognitions/register/import/", {"file": fill(template, GOOD[:1])})
    assert "chỉ thay đổi bằng quyết định" in "\n".join(r.context["plan"].errors)


@pytest.mark.parametrize("username", ["demo.vinhchanh", "demo.thoaison"])
def test_only_province_roles_may_import(client, users, username):
    client.force_login(users[username])
    assert client.get("/recognitions/register/import/").status_code == 403
    assert client.get("/recognitions/register/template.xlsx").status_code == 403
    assert client.post("/recognitions/register/import/abc/commit/").status_code == 403
    r = client.post(
        "/api/v1/recognitions/import/",
        {"rows": [{"unit_code": "30703", "standard": "ntm", "year": 2019, "source": "x"}]},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert "cấp tỉnh" in r.json()["detail"]


def test_commit_token_of_another_user_is_refused(client, template, users):
    r = client.post("/recognitions/register/import/", {"file": fill(template, GOOD)})
    token = r.context["token"]
    client.force_login(users["demo.tinh"])
    r = client.post(f"/recognitions/register/import/{token}/commit/", follow=True)
    assert "của người khác" in r.content.decode()
    assert not RecognitionRecord.objects.filter(unit__code="30703", year=2019).exists()


API_ROWS = [
    {
        "unit_code": "30703",
        "standard": "ntm",
        "year": 2019,
        "since": "2019-12-20",
        "decision_number": "3120/QĐ-UBND",
        "decision_date": "2019-12-20",
        "signer": "Chủ tịch UBND tỉnh",
        "source": "https://example.invalid/qd",
        "verified": True,
    }
]


def test_api_dry_run_then_commit(client, users):
    client.force_login(users["demo.tinh"])
    before = RecognitionRecord.objects.count()
    r = client.post(
        "/api/v1/recognitions/import/", {"dry_run": True, "rows": API_ROWS}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["new"] == 1 and body["written"] == 0 and body["entries"][0]["action"] == "new"
    assert body["entries"][0]["decision_text"] == "3120/QĐ-UBND ngày 20/12/2019 của Chủ tịch UBND tỉnh"
    assert RecognitionRecord.objects.count() == before
    r = client.post("/api/v1/recognitions/import/", {"rows": API_ROWS}, content_type="application/json")
    assert r.status_code == 201 and r.json()["written"] == 1
    assert RecognitionRecord.objects.count() == before + 1
    assert AuditEntry.objects.filter(action="recognition.import", actor=users["demo.tinh"]).count() == 1


def test_api_bad_rows_named_and_nothing_written(client, users):
    client.force_login(users["demo.nnptnt"])
    rows = [*API_ROWS, {"unit_code": "30703", "standard": "gold", "year": 2019, "source": "x"}]
    before = RecognitionRecord.objects.count()
    r = client.post("/api/v1/recognitions/import/", {"rows": rows}, content_type="application/json")
    assert r.status_code == 400
    assert any(e.startswith("Dòng 2, cột «standard»") and "gold" in e for e in r.json()["errors"])
    assert RecognitionRecord.objects.count() == before
    r = client.post("/api/v1/recognitions/import/", {"rows": "x"}, content_type="application/json")
    assert r.status_code == 400 and "rows" in r.json()


def test_api_needs_login(client):
    r = client.post("/api/v1/recognitions/import/", {"rows": API_ROWS}, content_type="application/json")
    assert r.status_code in (401, 403)


def test_pages_link_dossier_unit_and_register_and_take_vietnamese_dates(client, users, vinh_chanh):
    client.force_login(users["demo.tinh"])
    RecognitionRecord.objects.create(
        unit=vinh_chanh,
        standard="ntm",
        year=2016,
        since=dt.date(2016, 12, 31),
        since_precision="year",
        source="thử",
        origin=RecognitionRecord.Origin.IMPORT,
    )
    r = client.get(f"/recognitions/register/?on=01/01/2020&q={vinh_chanh.code}")
    assert r.context["on"] == dt.date(2020, 1, 1)
    text = r.content.decode()
    assert f"/recognitions/units/{vinh_chanh.pk}/standards/" in text
    assert "năm 2016" in text and "chỉ biết năm" in text
    assert r.context["page"].paginator.count == 1
    r = client.get("/recognitions/register/?on=31/02/2020")
    assert r.context["on"] != dt.date(2020, 2, 28)  # not a date: falls back to today
    assert any("31/02/2020" in str(m) for m in r.context["messages"])
    r = client.get(f"/recognitions/units/{vinh_chanh.pk}/standards/?on=01/01/2020")
    text = r.content.decode()
    assert "Nông thôn mới" in text and f"/units/{vinh_chanh.pk}/" in text
    client.force_login(users["demo.chomoi"])
    assert client.get(f"/recognitions/units/{vinh_chanh.pk}/standards/").status_code == 404


def test_create_form_errors_name_the_field_in_vietnamese(client, demo):
    client.login(username="demo.vinhchanh", password=demo.DEMO_PASSWORD)
    response = client.post("/assessments/new/", {"unit": "", "year": "abc", "framework": ""}, follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert any(t.startswith("Năm") for t in texts), texts
    assert not any(t.startswith(("unit:", "year:", "framework:")) for t in texts), texts


def test_a_javascript_source_is_refused_naming_the_cell(client, template):
    """Issue 9, finding 4: a source that is an address must be http(s); free text stays text."""
    row = list(GOOD[0])
    row[7] = "javascript:alert(document.cookie)"
    before = RecognitionRecord.objects.count()
    r = client.post("/recognitions/register/import/", {"file": fill(template, [row])})
    text = "\n".join(r.context["plan"].errors)
    assert "dòng 2, cột H (Nguồn)" in text and "javascript:alert(document.cookie)" in text
    assert "http:// hoặc https://" in text
    assert r.context["token"] is None
    assert RecognitionRecord.objects.count() == before
