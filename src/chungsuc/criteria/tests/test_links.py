"""Links are http(s) only on every path (issue 9, finding 4): the workbook import refuses a
`javascript:` source with a message naming the cell, the single-rule form and the service refuse it,
and one stored before the check is shown as text, never as a link."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from openpyxl import load_workbook

from chungsuc.core.links import is_http_url, validate_http_url
from chungsuc.criteria import selectors, services
from chungsuc.criteria.excel import SHEET_RULES, export_workbook
from chungsuc.criteria.models import Framework, ThresholdRule

EVIL = "javascript:alert(document.cookie)"


@pytest.mark.parametrize(
    "value",
    [
        EVIL,
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "//evil.example/x",
        "http://",
        "https://user:pw@example.org/",
        "https://exa mple.org/",
        "java\tscript:alert(1)",
        "thuvienphapluat.vn/van-ban",
    ],
)
def test_only_http_addresses_pass(value):
    assert not is_http_url(value)
    with pytest.raises(ValidationError) as exc:
        validate_http_url(value, label="Đường dẫn nguồn")
    assert "chỉ nhận địa chỉ web bắt đầu bằng http:// hoặc https://" in exc.value.messages[0]


@pytest.mark.parametrize(
    "value",
    [
        "https://thuvienphapluat.vn/van-ban/QD-318-2022",
        "http://example.org/a?b=c#d",
        "https://[2001:db8::1]/",
    ],
)
def test_http_addresses_pass(value):
    assert is_http_url(value)
    assert validate_http_url(f" {value} ") == value


def _workbook_with_source_url(fw, value) -> bytes:
    wb = load_workbook(io.BytesIO(export_workbook(selectors.spec_of(fw))))
    rules = wb[SHEET_RULES]
    header = [c.value for c in rules[1]]
    rules.cell(row=2, column=header.index("Đường dẫn nguồn") + 1, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.django_db
def test_workbook_import_refuses_a_javascript_source_url_naming_the_cell(frameworks, office):
    fw = selectors.framework_get("xa-ntm-2021")
    versions = Framework.objects.filter(code=fw.code).count()
    data = _workbook_with_source_url(fw, EVIL)
    for dry_run in (True, False):
        report = services.framework_import_excel(actor=office, file=io.BytesIO(data), dry_run=dry_run)
        assert not report.ok and report.framework is None
        bad = [e for e in report.errors if e["column"] == "Đường dẫn nguồn"]
        assert bad and bad[0]["sheet"] == SHEET_RULES and bad[0]["row"] == 2
        assert EVIL in bad[0]["message"] and "http://" in bad[0]["message"]
    assert Framework.objects.filter(code=fw.code).count() == versions
    assert not ThresholdRule.objects.filter(source_url__startswith="javascript").exists()


@pytest.mark.django_db
def test_workbook_import_through_the_page_shows_the_message(frameworks, client, office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fw = selectors.framework_get("xa-ntm-2021")
    client.force_login(office)
    upload = SimpleUploadedFile("bo-tieu-chi.xlsx", _workbook_with_source_url(fw, EVIL))
    page = client.post("/criteria/import/", {"file": upload, "reason": "thử"})
    text = page.content.decode()
    assert page.status_code in (200, 400, 422)
    assert "chỉ nhận địa chỉ web bắt đầu bằng http:// hoặc https://" in text
    assert 'href="javascript' not in text.lower()


@pytest.mark.django_db
def test_the_writer_refuses_a_bad_url_in_any_spec(frameworks, office):
    fw = selectors.framework_get("xa-ntm-2021")
    spec = selectors.spec_of(fw)
    spec["legal_url"] = EVIL
    with pytest.raises(ValidationError) as exc:
        services.framework_create_from_spec(actor=office, spec=spec, previous=fw, origin="import")
    assert "Nguồn căn cứ" in exc.value.messages[0]
    assert Framework.objects.filter(code=fw.code).count() == 1


@pytest.mark.django_db
def test_threshold_verify_refuses_a_bad_url(frameworks, office):
    rule = ThresholdRule.objects.filter(framework=selectors.framework_get("xa-ntm-2021")).first()
    with pytest.raises(ValidationError):
        services.threshold_verify(actor=office, rule=rule, source="QĐ 318/QĐ-BNN", source_url=EVIL)
    rule.refresh_from_db()
    assert rule.source_url != EVIL


@pytest.mark.django_db
def test_verify_form_refuses_a_javascript_url(frameworks, client, office):
    rule = ThresholdRule.objects.filter(framework=selectors.framework_get("xa-ntm-2021")).first()
    client.force_login(office)
    page = client.post(
        f"/criteria/rules/{rule.pk}/verify/",
        {"source": "QĐ 318", "source_url": EVIL, "version": rule.version},
    )
    assert page.status_code in (200, 400, 404, 422)
    rule.refresh_from_db()
    assert not rule.verified and rule.source_url != EVIL


@pytest.mark.django_db
def test_an_old_stored_javascript_url_is_never_rendered_as_a_link(frameworks, client, office):
    fw = selectors.framework_get("xa-ntm-2021")
    ThresholdRule.objects.filter(framework=fw).update(source_url=EVIL)  # stored before the check
    Framework.objects.filter(pk=fw.pk).update(legal_url=EVIL)
    client.force_login(office)
    page = client.get(f"/criteria/{fw.code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "javascript:alert" in text  # shown as text …
    assert 'href="javascript' not in text.lower()  # … never as a link


def test_filter_renders_text_for_anything_but_http():
    tpl = Template("{% load chungsuc_links %}{{ a|http_url }}|{{ b|http_url:'nguồn' }}")
    out = tpl.render(Context({"a": EVIL, "b": "https://example.org/x"}))
    bad, good = out.split("|")
    assert "<a" not in bad and "javascript:alert(document.cookie)" in bad
    assert good.startswith('<a href="https://example.org/x"') and ">nguồn</a>" in good
