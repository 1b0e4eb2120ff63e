"""Pages (browse, edit with reason, verify, compare, evaluate) and Excel export → import round trips."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from chungsuc.core.models import AuditEntry
from chungsuc.criteria import selectors, services
from chungsuc.criteria.excel import SHEET_INDICATORS, SHEET_RULES, export_workbook
from chungsuc.criteria.models import Framework, ThresholdRule

PASSWORD = "pw-Chung-Suc-1"


def login(client, user):
    client.force_login(user)
    return client


def rule_of(code, indicator):
    return ThresholdRule.objects.filter(
        framework=selectors.framework_get(code), indicator__code=indicator
    ).first()


def test_pages_need_login(frameworks, client):
    assert client.get("/criteria/").status_code == 302


def test_browse_list_and_detail_with_unverified_badges(frameworks, client, commune_officer):
    login(client, commune_officer)
    page = client.get("/criteria/").content.decode()
    assert "xa-ntm-2021" in page and "xa-ntm-2026" in page
    detail = client.get("/criteria/xa-ntm-2021/").content.decode()
    assert detail.count('data-testid="unverified-badge"') >= 40
    assert "Từ 80%" in detail or "80" in detail
    assert "Sửa ngưỡng" not in detail  # no edit buttons for a commune officer


def test_commune_officer_cannot_edit(frameworks, client, commune_officer):
    login(client, commune_officer)
    rule = rule_of("xa-ntm-2021", "3.1")
    assert client.get(f"/criteria/rules/{rule.pk}/edit/").status_code == 403
    response = client.post(
        f"/criteria/rules/{rule.pk}/edit/",
        {"comparator": "gte", "value": "1", "reason": "x", "version": rule.version},
    )
    assert response.status_code == 403
    assert client.post(f"/criteria/rules/{rule.pk}/verify/", {"source": "x", "version": 1}).status_code == 403
    assert client.get("/criteria/import/").status_code == 403
    assert Framework.objects.filter(code="xa-ntm-2021").count() == 1


def test_office_edits_a_threshold_with_reason_and_compares(frameworks, client, office):
    login(client, office)
    rule = rule_of("xa-ntm-2021", "3.1")
    assert "Sửa ngưỡng" in client.get("/criteria/xa-ntm-2021/").content.decode()
    response = client.post(
        f"/criteria/rules/{rule.pk}/edit/",
        {"comparator": "gte", "value": "82,5", "reason": "", "version": rule.version},
    )
    assert response.status_code == 200  # reason required
    response = client.post(
        f"/criteria/rules/{rule.pk}/edit/",
        {"comparator": "gte", "value": "82,5", "reason": "Đối chiếu QĐ 1260", "version": rule.version},
    )
    assert response.status_code == 302
    assert rule_of("xa-ntm-2021", "3.1").value == 82.5
    assert AuditEntry.objects.filter(action="threshold.update", reason="Đối chiếu QĐ 1260").exists()
    compare = client.get("/criteria/xa-ntm-2021/compare/?a=1&b=2").content.decode()
    assert "3.1 (ngưỡng 1)" in compare and "3.1#1" not in compare and "82,5" in compare
    # stale form: editing the retired rule is refused with a message
    response = client.post(
        f"/criteria/rules/{rule.pk}/edit/",
        {"comparator": "gte", "value": "90", "reason": "cũ", "version": rule.version},
    )
    assert response.status_code == 200 and "không còn áp dụng" in response.content.decode()


def test_office_marks_verified(frameworks, client, office):
    login(client, office)
    rule = rule_of("xa-ntm-2021", "2.1")
    response = client.post(
        f"/criteria/rules/{rule.pk}/verify/",
        {"source": "QĐ 318 Phụ lục I", "source_url": "https://vanban.chinhphu.vn/", "version": rule.version},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.verified


def test_evaluate_page(frameworks, client, commune_officer):
    login(client, commune_officer)
    assert client.get("/criteria/xa-ntm-2021-ag/evaluate/").status_code == 200
    response = client.post(
        "/criteria/xa-ntm-2021-ag/evaluate/",
        {"year": "2025", "region": "dong_bang_song_cuu_long", "kind": "xa", "v:3.1": "79,9"},
    )
    page = response.content.decode()
    assert "3.1: 79,9%, yêu cầu ≥ 80%" in page
    response = client.post(
        "/criteria/xa-ntm-2021-ag/evaluate/",
        {"year": "2025", "region": "dong_bang_song_cuu_long", "v:3.1": "cao"},
    )
    assert "Chỉ tiêu 3.1: giá trị «cao» không phải là số" in response.content.decode()


def _export(client, code="xa-ntm-2021") -> bytes:
    response = client.get(f"/criteria/{code}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return response.content


def test_excel_round_trip_without_changes_writes_nothing(frameworks, office):
    fw = selectors.framework_get("xa-ntm-2021")
    data = export_workbook(selectors.spec_of(fw), version=fw.version)
    report = services.framework_import_excel(actor=office, file=io.BytesIO(data), dry_run=False)
    assert report.ok and report.changes == [] and report.framework is None
    assert Framework.objects.filter(code="xa-ntm-2021").count() == 1


@pytest.mark.parametrize("code", ["xa-ntm-2021", "xa-ntm-km-2021", "huyen-ntm-2021", "xa-ntm-2026"])
def test_excel_round_trip_preserves_every_framework(frameworks, office, code):
    fw = selectors.framework_get(code)
    spec = selectors.spec_of(fw)
    report = services.framework_import_excel(
        actor=office, file=io.BytesIO(export_workbook(spec)), dry_run=True
    )
    assert report.ok and report.changes == [], report.changes[:3]


def test_excel_import_dry_run_then_write(frameworks, client, office):
    login(client, office)
    wb = load_workbook(io.BytesIO(_export(client)))
    ws = wb[SHEET_RULES]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[header.index("Khóa")].value == "3.1#1":
            row[header.index("Ngưỡng")].value = 85
    buf = io.BytesIO()
    wb.save(buf)
    upload = SimpleUploadedFile("bo.xlsx", buf.getvalue())
    response = client.post("/criteria/import/", {"file": upload, "reason": "Sửa theo văn bản"})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-report"' in page
    # the rule as the compare page names it, its values formatted; never its internal key
    assert "<td>3.1 (ngưỡng 1)</td><td>sửa</td><td>Ngưỡng</td><td>80</td><td>85</td>" in page
    assert "#1" not in page and "3.1#" not in page
    assert Framework.objects.filter(code="xa-ntm-2021").count() == 1  # dry run wrote nothing
    token = response.context["token"]
    response = client.post(
        "/criteria/import/", {"confirm": "1", "token": token, "reason": "Sửa theo văn bản"}
    )
    assert response.status_code == 302
    assert rule_of("xa-ntm-2021", "3.1").value == 85
    assert selectors.framework_get("xa-ntm-2021").version == 2
    assert AuditEntry.objects.filter(action="framework.import").exists()


def test_excel_bad_workbooks_name_sheet_row_column(frameworks, office):
    fw = selectors.framework_get("xa-ntm-2021")
    wb = load_workbook(io.BytesIO(export_workbook(selectors.spec_of(fw))))
    rules = wb[SHEET_RULES]
    header = [c.value for c in rules[1]]
    rules.cell(row=2, column=header.index("Ngưỡng") + 1, value="nhiều")
    rules.cell(row=3, column=header.index("Phép so sánh") + 1, value="gần bằng")
    inds = wb[SHEET_INDICATORS]
    iheader = [c.value for c in inds[1]]
    inds.cell(row=4, column=iheader.index("Kiểu giá trị") + 1, value="chữ")
    buf = io.BytesIO()
    wb.save(buf)
    report = services.framework_import_excel(actor=office, file=io.BytesIO(buf.getvalue()), dry_run=False)
    assert not report.ok and report.framework is None
    found = {(e["sheet"], e["row"], e["column"]) for e in report.errors}
    assert (SHEET_RULES, 2, "Ngưỡng") in found
    assert (SHEET_RULES, 3, "Phép so sánh") in found
    assert (SHEET_INDICATORS, 4, "Kiểu giá trị") in found
    assert any("«nhiều» không phải là số" in e["message"] for e in report.errors)
    assert Framework.objects.filter(code="xa-ntm-2021").count() == 1


def test_excel_not_a_workbook_and_missing_sheet(frameworks, office):
    report = services.framework_import_excel(
        actor=office, file=io.BytesIO(b"PK\x03\x04 not really"), dry_run=True
    )
    assert not report.ok and "không phải bảng tính Excel" in report.errors[0]["message"]
    fw = selectors.framework_get("xa-ntm-km-2021")
    wb = load_workbook(io.BytesIO(export_workbook(selectors.spec_of(fw))))
    del wb[SHEET_RULES]
    buf = io.BytesIO()
    wb.save(buf)
    report = services.framework_import_excel(actor=office, file=io.BytesIO(buf.getvalue()), dry_run=True)
    assert any(e["sheet"] == SHEET_RULES and "Thiếu trang tính" in e["message"] for e in report.errors)


def test_import_a_new_framework(frameworks, office):
    fw = selectors.framework_get("xa-ntm-km-2021")
    spec = selectors.spec_of(fw)
    spec["code"] = "xa-ntm-km-2021-ag"
    spec["name"] = "Xã NTM kiểu mẫu tỉnh An Giang (thử)"
    report = services.framework_import_excel(
        actor=office, file=io.BytesIO(export_workbook(spec)), dry_run=False
    )
    assert report.ok and report.is_new and report.framework.version == 1
    assert selectors.framework_get("xa-ntm-km-2021-ag").indicators.count() == 4


def _entry(name: str):
    """A zip entry with a fixed timestamp: the parametrised ids below embed the bytes, and pytest-xdist
    workers must collect the same ids (a timestamp that ticks between workers broke collection)."""
    import zipfile

    return zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))


def _xlsm_bytes() -> bytes:
    """A macro-enabled workbook (.xlsm): a real OOXML package whose main part is the macro type."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(
            _entry("[Content_Types].xml"),
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
        )
        z.writestr(_entry("xl/workbook.xml"), "<workbook/>")
        z.writestr(_entry("xl/vbaProject.bin"), b"\x00" * 64)
    return buffer.getvalue()


def _docx_bytes() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(
            _entry("[Content_Types].xml"),
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(_entry("word/document.xml"), "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bo.xlsm", _xlsm_bytes(), "«bo.xlsm»"),
        ("bo.xlsx", _docx_bytes(), "«bo.xlsx» là"),  # a Word document renamed .xlsx
        ("bo.xlsx", b"ceci n'est pas un classeur", "«bo.xlsx»"),
    ],
    # fixed ids: the zip bytes carry the build time, and pytest-xdist needs the same ids on each worker
    ids=["xlsm", "docx-renamed", "not-a-zip"],
)
def test_import_refuses_files_that_are_not_xlsx_by_content(frameworks, client, office, name, data, message):
    login(client, office)
    response = client.post("/criteria/import/", {"file": SimpleUploadedFile(name, data), "reason": "x"})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-errors"' in page
    assert "Tệp không phải bảng tính Excel (.xlsx) hợp lệ" in page and message in page
    assert response.context["token"] == ""  # nothing staged for confirmation
    assert Framework.objects.filter(code="xa-ntm-2021").count() == 1
    assert not AuditEntry.objects.filter(action="framework.import").exists()


def test_import_empty_file_is_refused_by_the_form(frameworks, client, office):
    login(client, office)
    response = client.post("/criteria/import/", {"file": SimpleUploadedFile("bo.xlsx", b""), "reason": "x"})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert response.context["report"] is None
    assert Framework.objects.filter(code="xa-ntm-2021").count() == 1


def test_import_service_names_empty_and_macro_files(frameworks, office):
    report = services.framework_import_excel(
        actor=office, file=io.BytesIO(b""), dry_run=False, name="rong.xlsx"
    )
    assert not report.ok and "Tệp «rong.xlsx» rỗng (0 byte)." in report.errors[0]["message"]
    report = services.framework_import_excel(
        actor=office, file=io.BytesIO(_xlsm_bytes()), dry_run=False, name="macro.xlsm"
    )
    assert not report.ok and "«macro.xlsm»" in report.errors[0]["message"]


@pytest.mark.parametrize(
    ("value", "reason", "message"),
    [
        ("nhiều", "Đối chiếu", "Ngưỡng «nhiều» của chỉ tiêu 3.1 không phải là số."),
        ("120", "Đối chiếu", "Chỉ tiêu 3.1: tỷ lệ 120% nằm ngoài khoảng 0–100%"),
        ("85", "   ", "Trường này là bắt buộc."),  # on the "Lý do thay đổi" field
    ],
)
def test_threshold_edit_bad_input_writes_nothing(frameworks, client, office, value, reason, message):
    login(client, office)
    rule = rule_of("xa-ntm-2021", "3.1")
    response = client.post(
        f"/criteria/rules/{rule.pk}/edit/",
        {"comparator": "gte", "value": value, "reason": reason, "version": rule.version},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(str(e) for errors in form.errors.values() for e in errors)
    assert Framework.objects.filter(code="xa-ntm-2021").count() == 1
    assert rule_of("xa-ntm-2021", "3.1").value == 80
    assert not AuditEntry.objects.filter(action="threshold.update").exists()


def test_compare_page_labels_changes_in_vietnamese(frameworks, client, office):
    rule = rule_of("xa-ntm-2021", "3.1")
    services.threshold_update(actor=office, rule=rule, value=85, reason="Đối chiếu")
    login(client, office)
    page = client.get("/criteria/xa-ntm-2021/compare/?a=1&b=2").content.decode()
    assert "<td>Ngưỡng</td><td>3.1 (ngưỡng 1)</td><td>sửa</td><td>Ngưỡng</td><td>80</td><td>85</td>" in page
    assert ">changed<" not in page and ">rule<" not in page and "3.1#1" not in page


def test_framework_detail_query_count_does_not_grow_with_the_framework(frameworks, client, office):
    """Three queries for the spec, whatever the number of indicators (no query per indicator)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, office)
    counts = {}
    for code in ("xa-ntm-2021", "xa-ntm-km-2021", "tinh-httnv-2021"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/criteria/{code}/").status_code == 200
        counts[code] = len(queries.captured_queries)
    assert len(set(counts.values())) == 1 and max(counts.values()) <= 12, counts


def test_evaluate_page_explains_the_result_in_vietnamese(frameworks, client, commune_officer):
    login(client, commune_officer)
    empty = client.get("/criteria/xa-ntm-2021-ag/evaluate/").content.decode()
    assert 'data-testid="evaluate-empty"' in empty
    assert '<option value="xa" selected>Xã</option>' in empty  # unit kinds by their Vietnamese names
    page = client.post(
        "/criteria/xa-ntm-2021-ag/evaluate/",
        {"year": "2025", "region": "dong_bang_song_cuu_long", "kind": "xa", "v:3.1": "79,9", "v:1.1": "1"},
    ).content.decode()
    assert 'data-testid="evaluate-explanation"' in page and "Thiếu số liệu" in page
    assert "Đồng bằng sông Cửu Long · Xã" in page
    row = page.split('data-code="3.1" data-status="not_met">', 1)[1].split("</tr>", 1)[0]
    assert "79,9 %" in row and "≥ 80 %" in row and "chưa đạt" in row and "gte" not in row
    row = page.split('data-code="1.1" data-status="met">', 1)[1].split("</tr>", 1)[0]
    assert "Đạt" in row and "True" not in row


def test_indicator_shows_where_else_it_is_used(frameworks, client, commune_officer):
    login(client, commune_officer)
    page = client.get("/criteria/xa-ntm-2021/").content.decode()
    assert 'data-testid="indicator-uses"' in page
    assert 'href="/criteria/xa-ntm-2021-ag/#ind-3.1"' in page
    assert 'data-testid="framework-used-by"' in page  # district sets count communes meeting it
    uses, used_by = selectors.indicator_uses(Framework.objects.get(code="xa-ntm-2021"))
    assert "xa-ntm-2021-ag" in [f.code for f in uses["3.1"]]
    assert "huyen-ntm-2021" in [f.code for f in used_by]


def test_value_text_and_labels():
    from django.utils import translation

    from chungsuc.criteria.templatetags.criteria_tags import status_label, unit_kinds_label, value_text

    with translation.override("vi"):
        assert value_text(1234.5, "number") == "1.234,5"
        assert value_text(True, "pass_fail") == "Đạt" and value_text(0, "pass_fail") == "Không đạt"
        assert value_text(None) == "—"
        assert status_label({"status": "missing", "reason": "threshold"}) == "chưa có ngưỡng"
        assert status_label({"status": "not_met"}) == "chưa đạt"
        assert unit_kinds_label(["xa", "thi_tran"]) == "Xã, Thị trấn"


def _rule_state(rule):
    rule.refresh_from_db()
    return (
        Framework.objects.filter(code=rule.framework.code).count(),
        rule.value,
        rule.verified,
        rule.source,
        rule.version,
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("version", [None, "", "abc", "-1"])
def test_threshold_edit_and_verify_without_the_version_write_nothing(frameworks, client, office, version):
    """Issue 9: both forms need the rule's version the page showed; without it (or unreadable) a
    Vietnamese 400 names the field and nothing is written."""
    login(client, office)
    rule = rule_of("xa-ntm-2021", "3.1")
    before = _rule_state(rule)
    extra = {} if version is None else {"version": version}
    edit = client.post(
        f"/criteria/rules/{rule.pk}/edit/", {"comparator": "gte", "value": "85", "reason": "x", **extra}
    )
    verify = client.post(f"/criteria/rules/{rule.pk}/verify/", {"source": "QĐ 318", **extra})
    for response in (edit, verify):
        assert response.status_code == 400
        assert "«version»" in response.content.decode()
    assert _rule_state(rule) == before


def test_the_forms_send_the_rule_version_and_a_stale_one_is_refused(frameworks, client, office):
    login(client, office)
    rule = rule_of("xa-ntm-2021", "2.1")
    page = client.get(f"/criteria/rules/{rule.pk}/verify/").content.decode()
    assert f'name="version" value="{rule.version}"' in page
    assert (
        f'name="version" value="{rule.version}"'
        in client.get(f"/criteria/rules/{rule.pk}/edit/").content.decode()
    )
    first = client.post(f"/criteria/rules/{rule.pk}/verify/", {"source": "QĐ 318", "version": rule.version})
    assert first.status_code == 302
    rule.refresh_from_db()
    assert rule.verified and rule.version == 2
    # a second official who loaded version 1 and verifies with another source: refused, not overwritten
    before = _rule_state(rule)
    stale = client.post(f"/criteria/rules/{rule.pk}/verify/", {"source": "Nguồn khác", "version": 1})
    assert stale.status_code == 200 and "người khác thay đổi" in stale.content.decode()
    assert _rule_state(rule) == before and rule.source == "QĐ 318"
    # an edit from a page loaded before the verification: refused the same way
    stale_edit = client.post(
        f"/criteria/rules/{rule.pk}/edit/", {"comparator": "gte", "value": "1", "reason": "x", "version": 1}
    )
    assert stale_edit.status_code == 200 and "người khác thay đổi" in stale_edit.content.decode()
    assert _rule_state(rule) == before
