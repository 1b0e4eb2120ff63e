"""Issue 10: an indicator's precision is part of its criteria set — the built-in data, the workbook and
the edit form set it — and the pure engine (hence the evaluate API and page) compares the value
rounded to it, the value an official sees."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from rest_framework.test import APIClient

from chungsuc.criteria import builtin, engine, selectors, services
from chungsuc.criteria.excel import SHEET_INDICATORS, SHEET_RULES, export_workbook
from chungsuc.criteria.models import Framework, Indicator, ThresholdRule

CTX = engine.Context(year=2024, region="dong_bang_song_cuu_long", kind="xa")


def _framework(decimals=None, value_type="percentage"):
    return engine.framework_from_dict(
        {
            "code": "t",
            "name": "t",
            "criteria": [
                {
                    "code": "3",
                    "name": "Thủy lợi",
                    "indicators": [
                        {
                            "code": "3.1",
                            "name": "Tỷ lệ tưới tiêu",
                            "value_type": value_type,
                            "decimals": decimals,
                            "rules": [{"comparator": "gte", "value": 80}],
                        }
                    ],
                }
            ],
        }
    )


def _one(fw, value):
    result = engine.evaluate(fw, CTX, {"3.1": value})
    return result.criteria[0].indicators[0]


@pytest.mark.parametrize(
    "decimals, value, compared, status",
    [
        (1, 79.996, 80.0, "met"),
        (2, 79.996, 80.0, "met"),
        (1, 79.94, 79.9, "not_met"),
        (None, 79.99999999999999, 80.0, "met"),
        (None, 79.994, 79.99, "not_met"),
        (0, 79.5, 80.0, "met"),  # half up, not to even
        (1, 79.95, 80.0, "met"),
        (2, 2.675, 2.68, "not_met"),  # the decimal as written, not the binary double just below it
    ],
)
def test_the_engine_compares_the_value_rounded_to_the_indicator_precision(decimals, value, compared, status):
    fw = _framework(decimals)
    res = _one(fw, value)
    assert (res.value, res.status) == (compared, status)
    # set-at-a-time gives the same answer on the raw value
    mr = engine.evaluate_matrix(fw, CTX, {"3.1": np.array([value])})
    assert engine.STATUS_NAMES[int(mr.status[0, 0])] == status


def test_round_value_and_round_array_agree_everywhere():
    rng = np.random.default_rng(10)
    values = np.concatenate([rng.uniform(0, 100, 20000), np.arange(0, 100, 0.005), [np.nan, 0.125, 1e16]])
    for decimals in (0, 1, 2):
        expected = np.array([engine.round_value(float(v), decimals) for v in values])
        got = engine.round_array(values, decimals)
        assert np.array_equal(got, expected, equal_nan=True)
    assert str(engine.round_value(-0.001, 2)) == "0.0"  # never -0.0


def test_the_result_carries_the_stated_precision():
    assert _framework(1).criteria[0].indicators[0].precision == 1
    assert _framework(None).criteria[0].indicators[0].precision == 2
    assert _framework(None, "count").criteria[0].indicators[0].precision == 0
    assert (
        engine.evaluate(_framework(1), CTX, {"3.1": 80}).to_dict()["criteria"][0]["indicators"][0]["decimals"]
        == 1
    )
    assert (
        "decimals"
        not in engine.evaluate(_framework(), CTX, {"3.1": 80}).to_dict()["criteria"][0]["indicators"][0]
    )


@pytest.mark.parametrize(
    "decimals, value_type, message",
    [
        (3, "percentage", "từ 0 đến 2"),
        (-1, "number", "từ 0 đến 2"),
        ("1", "percentage", "không hợp lệ"),
        (1, "count", "phải là 0"),
        (2, "pass_fail", "phải là 0"),
    ],
)
def test_an_impossible_precision_is_refused_naming_the_indicator(decimals, value_type, message):
    with pytest.raises(engine.EvaluationError) as exc:
        _framework(decimals, value_type)
    assert "Chỉ tiêu 3.1" in str(exc.value) and message in str(exc.value)


# --- the evaluate API and page ---------------------------------------------------------------------------


def _evaluate(values, framework="xa-ntm-2021-ag"):
    body = {
        "framework": framework,
        "year": 2025,
        "region": "dong_bang_song_cuu_long",
        "kind": "xa",
        "values": values,
    }
    return APIClient().post("/api/v1/evaluate/", body, format="json")


def _indicator(response, code="3.1"):
    assert response.status_code == 200, response.content
    return next(i for c in response.json()["criteria"] for i in c["indicators"] if i["code"] == code)


def test_the_evaluate_api_rounds_before_it_compares(frameworks):
    ind = _indicator(_evaluate({"3.1": 79.99999999999999}))
    assert (ind["value"], ind["threshold"], ind["status"]) == (80.0, 80.0, "met")
    assert _indicator(_evaluate({"3.1": 79.994}))["status"] == "not_met"
    assert _indicator(_evaluate({"3.1": 79.995}))["value"] == 80.0


def test_the_evaluate_api_uses_a_stated_precision(frameworks, office):
    rule = ThresholdRule.objects.get(framework=selectors.framework_get("xa-ntm-2021-ag"), key="3.1#1")
    services.threshold_update(
        actor=office, rule=rule, value=rule.value, comparator=rule.comparator, decimals=1, reason="QĐ 1260"
    )
    ind = _indicator(_evaluate({"3.1": 79.96}))
    assert (ind["value"], ind["decimals"], ind["status"]) == (80.0, 1, "met")
    ind = _indicator(_evaluate({"3.1": 79.94}))
    assert (ind["value"], ind["status"]) == (79.9, "not_met")


def test_the_evaluate_page_shows_the_value_with_the_stated_precision(frameworks, office, client):
    rule = ThresholdRule.objects.get(framework=selectors.framework_get("xa-ntm-2021-ag"), key="3.1#1")
    services.threshold_update(actor=office, rule=rule, value=80, decimals=1, reason="QĐ 1260")
    client.force_login(office)
    page = client.post(
        "/criteria/xa-ntm-2021-ag/evaluate/",
        {"year": "2025", "region": "dong_bang_song_cuu_long", "kind": "xa", "v:3.1": "79,96"},
    ).content.decode()
    row = page.split('data-code="3.1" data-status="met"', 1)[1].split("</tr>", 1)[0]
    assert "80,0 %" in row


# --- where the precision is set: the edit form, the workbook, the built-in data --------------------------


def test_the_office_states_a_precision_on_the_edit_form(frameworks, client, office):
    rule = ThresholdRule.objects.get(framework=selectors.framework_get("xa-ntm-2021"), key="3.1#1")
    assert rule.verified
    client.force_login(office)
    form = client.get(f"/criteria/rules/{rule.pk}/edit/").content.decode()
    assert 'name="decimals"' in form and "Số chữ số thập phân của chỉ tiêu" in form
    response = client.post(
        f"/criteria/rules/{rule.pk}/edit/",
        {
            "comparator": "gte",
            "value": "80",
            "decimals": "1",
            "reason": "Văn bản ghi 80,0 %",
            "version": rule.version,
        },
    )
    assert response.status_code == 302
    fw = selectors.framework_get("xa-ntm-2021")
    assert fw.version == 2 and Indicator.objects.get(framework=fw, code="3.1").decimals == 1
    new_rule = ThresholdRule.objects.get(framework=fw, key="3.1#1")
    assert new_rule.verified and new_rule.value == 80  # only the precision changed: still verified
    detail = client.get("/criteria/xa-ntm-2021/").content.decode()
    assert 'data-testid="precision-3.1"' in detail and "làm tròn đến 1 chữ số thập phân" in detail
    compare = client.get("/criteria/xa-ntm-2021/compare/?a=1&b=2").content.decode()
    assert (
        "<td>Chỉ tiêu</td><td>3.1</td><td>sửa</td><td>Số chữ số thập phân</td><td>—</td><td>1</td>" in compare
    )
    # a threshold form without the field keeps the precision
    client.post(
        f"/criteria/rules/{new_rule.pk}/edit/",
        {"comparator": "gte", "value": "85", "reason": "Sửa ngưỡng", "version": new_rule.version},
    )
    fw = selectors.framework_get("xa-ntm-2021")
    assert fw.version == 3 and Indicator.objects.get(framework=fw, code="3.1").decimals == 1
    assert not ThresholdRule.objects.get(framework=fw, key="3.1#1").verified  # the threshold changed


def test_an_impossible_precision_on_the_form_is_refused_and_nothing_written(frameworks, client, office):
    rule = ThresholdRule.objects.get(framework=selectors.framework_get("xa-ntm-2021"), key="3.1#1")
    with pytest.raises(ValidationError) as exc:
        services.threshold_update(actor=office, rule=rule, value=80, decimals="3", reason="x")
    assert "Chỉ tiêu 3.1" in exc.value.messages[0] and "từ 0 đến 2" in exc.value.messages[0]
    client.force_login(office)
    response = client.post(
        f"/criteria/rules/{rule.pk}/edit/",
        {"comparator": "gte", "value": "80", "decimals": "5", "reason": "x", "version": rule.version},
    )
    assert response.status_code == 200 and "5" in str(response.context["form"].errors)
    assert Framework.objects.filter(code="xa-ntm-2021").count() == 1


def test_pass_fail_and_counts_have_no_precision_field(frameworks, client, office):
    client.force_login(office)
    fw = selectors.framework_get("xa-ntm-2021")
    pass_fail = ThresholdRule.objects.filter(framework=fw, indicator__value_type="pass_fail").first()
    assert 'name="decimals"' not in client.get(f"/criteria/rules/{pass_fail.pk}/edit/").content.decode()


def _workbook_with(code, edit) -> bytes:
    fw = selectors.framework_get(code)
    wb = load_workbook(io.BytesIO(export_workbook(selectors.spec_of(fw), version=fw.version)))
    edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _set_decimals(value, indicator="3.1"):
    def edit(wb):
        ws = wb[SHEET_INDICATORS]
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            if row[header.index("Mã")].value == indicator:
                row[header.index("Số chữ số thập phân")].value = value

    return edit


def test_the_workbook_states_a_precision(frameworks, client, office):
    data = _workbook_with("xa-ntm-2021", _set_decimals(1))
    client.force_login(office)
    response = client.post("/criteria/import/", {"file": SimpleUploadedFile("bo.xlsx", data), "reason": "x"})
    page = response.content.decode()
    assert "<td>Chỉ tiêu</td><td>3.1</td><td>sửa</td><td>Số chữ số thập phân</td><td>—</td><td>1</td>" in page
    client.post("/criteria/import/", {"confirm": "1", "token": response.context["token"], "reason": "x"})
    fw = selectors.framework_get("xa-ntm-2021")
    assert fw.version == 2 and Indicator.objects.get(framework=fw, code="3.1").decimals == 1
    # and it goes out again in the export
    wb = load_workbook(io.BytesIO(export_workbook(selectors.spec_of(fw))))
    ws = wb[SHEET_INDICATORS]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[header.index("Mã")] == "3.1")
    assert row[header.index("Số chữ số thập phân")] == 1


@pytest.mark.parametrize(
    "value, message", [(3, "từ 0 đến 2"), ("một", "không phải số nguyên"), (1.5, "số nguyên")]
)
def test_an_impossible_precision_in_the_workbook_names_its_cell(frameworks, office, value, message):
    report = services.framework_import_excel(
        actor=office, file=io.BytesIO(_workbook_with("xa-ntm-2021", _set_decimals(value))), dry_run=True
    )
    assert not report.ok
    error = next(e for e in report.errors if e["column"] == "Số chữ số thập phân")
    assert error["sheet"] == SHEET_INDICATORS and error["row"] and message in error["message"]


def test_a_count_cannot_have_decimals_in_the_workbook(frameworks, office):
    fw = selectors.framework_get("xa-ntm-2021")
    count = Indicator.objects.filter(framework=fw, value_type="count").first()
    report = services.framework_import_excel(
        actor=office,
        file=io.BytesIO(_workbook_with("xa-ntm-2021", _set_decimals(1, count.code))),
        dry_run=True,
    )
    assert any(e["column"] == "Số chữ số thập phân" and "phải là 0" in e["message"] for e in report.errors)


def test_an_older_workbook_without_the_column_is_still_read(frameworks, office):
    def drop(wb):
        ws = wb[SHEET_INDICATORS]
        header = [c.value for c in ws[1]]
        ws.delete_cols(header.index("Số chữ số thập phân") + 1)

    report = services.framework_import_excel(
        actor=office, file=io.BytesIO(_workbook_with("xa-ntm-2021", drop)), dry_run=True
    )
    assert report.ok and report.changes == []


def test_the_builtin_data_states_a_precision(monkeypatch):
    raw = builtin._read("frameworks.yaml")
    entry = next(f for f in raw["frameworks"] if f["code"] == "xa-ntm-2021-ag")
    entry["decimals"] = {"3.1": 1}
    monkeypatch.setattr(builtin, "_read", lambda name: raw if name == "frameworks.yaml" else _orig(name))
    specs = {s["code"]: s for s in builtin.specs()}
    ind = next(i for c in specs["xa-ntm-2021-ag"]["criteria"] for i in c["indicators"] if i["code"] == "3.1")
    assert ind["decimals"] == 1
    assert engine.framework_from_dict(specs["xa-ntm-2021-ag"]).precisions["3.1"] == 1
    # the framework it is based on keeps the default, and no other indicator states one
    base = next(i for c in specs["xa-ntm-2021"]["criteria"] for i in c["indicators"] if i["code"] == "3.1")
    assert "decimals" not in base
    entry["decimals"] = {"99.9": 1}
    with pytest.raises(ValueError, match="99.9"):
        builtin.specs()


_orig = builtin._read


def test_the_shipped_data_states_no_precision_yet(specs):
    """No legal text of the built-in sets states a precision yet: every indicator keeps its type's (so
    loading this version writes no new framework version)."""
    assert not [
        (s["code"], i["code"])
        for s in specs.values()
        for c in s["criteria"]
        for i in c["indicators"]
        if "decimals" in i
    ]
    assert json.dumps(specs["xa-ntm-2021"]).count('"decimals"') == 0


def test_rule_keys_read_as_officials_name_them():
    from chungsuc.criteria.templatetags.criteria_tags import change_code

    assert change_code({"what": "rule", "code": "3.1#1"}) == "3.1 (ngưỡng 1)"
    assert change_code({"what": "rule", "code": "10#ag2"}) == "10 (ngưỡng 2)"
    assert change_code({"what": "indicator", "code": "3.1"}) == "3.1"


def test_the_import_report_never_shows_a_rule_key(frameworks, client, office):
    """Every kind of change in the dry run (a threshold, a verified flag, a rule the province added, a
    precision) is named and formatted as the compare page does: never '#1'."""

    def edit(wb):
        ws = wb[SHEET_RULES]
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            key = row[header.index("Khóa")].value
            if key == "3.1#1":
                row[header.index("Ngưỡng")].value = 82.5
            if key == "10#ag2":
                row[header.index("Đã kiểm chứng")].value = "không"
                row[header.index("Ngưỡng")].value = 1234.5
        _set_decimals(1)(wb)

    client.force_login(office)
    data = _workbook_with("xa-ntm-2021-ag", edit)
    response = client.post("/criteria/import/", {"file": SimpleUploadedFile("bo.xlsx", data), "reason": "x"})
    page = response.content.decode()
    assert response.context["report"].ok and len(response.context["report"].changes) >= 3
    assert "<td>3.1 (ngưỡng 1)</td><td>sửa</td><td>Ngưỡng</td><td>80</td><td>82,5</td>" in page
    assert "<td>10 (ngưỡng 2)</td>" in page and "1.234,5" in page
    assert "#1" not in page and "#ag" not in page and "3.1#" not in page
