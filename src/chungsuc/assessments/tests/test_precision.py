"""Issue 10: a value is rounded to its indicator's stated precision when read — from the form, an Excel
workbook or the API — and what is stored, shown and compared with the threshold is that one value.

The test framework's 3.1 is a percentage with threshold ≥ 80; its precision is stated here (1 or 2
digits after the decimal point)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from chungsuc.assessments import excel, services
from chungsuc.assessments.evaluation import evaluate_one
from chungsuc.assessments.models import AssessmentValue
from chungsuc.assessments.tests.test_excel import col_of, district_workbook, row_of, upload

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")

VC = "30703"  # Xã Vĩnh Chánh (Thoại Sơn)

# (stated digits, typed in the form, the value stored and compared, as shown, met ≥ 80)
CASES = [
    (1, "79,996", 80.0, "80,0", True),
    (2, "79,996", 80.0, "80,00", True),
    (1, "79,94", 79.9, "79,9", False),
    (1, "79,95", 80.0, "80,0", True),  # half up, on the decimal as typed
    (2, "79,994", 79.99, "79,99", False),
]


def _state(framework, decimals: int) -> None:
    ind = framework.indicators.get(code="3.1")
    ind.decimals = decimals
    ind.save()
    framework.save()  # a new updated_at: the engine's framework is built again


@pytest.fixture
def dossier(workflows, users, framework, vinh_chanh):
    return services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
    )


def stored(a):
    return AssessmentValue.objects.get(assessment=a, indicator_code="3.1").value


def result_of(a):
    a.refresh_from_db()
    result = evaluate_one(a)
    return next(i for c in result.criteria for i in c.indicators if i.code == "3.1")


@pytest.mark.parametrize("decimals, typed, value, shown, met", CASES)
def test_the_form_stores_shows_and_compares_the_rounded_value(
    dossier, users, client, framework, decimals, typed, value, shown, met
):
    _state(framework, decimals)
    client.force_login(users["demo.vinhchanh"])
    response = client.post(f"/assessments/{dossier.pk}/values/", {"version": dossier.version, "v:3.1": typed})
    assert response.status_code == 302
    assert stored(dossier) == value
    page = client.get(f"/assessments/{dossier.pk}/").content.decode()
    assert f'name="v:3.1" value="{shown}"' in page
    r = result_of(dossier)
    assert (r.value, r.status) == (value, "met" if met else "not_met")
    # saving the page again as shown changes nothing (what it shows reads back as the same value)
    dossier.refresh_from_db()
    again = client.post(f"/assessments/{dossier.pk}/values/", {"version": dossier.version, "v:3.1": shown})
    assert again.status_code == 302
    dossier.refresh_from_db()
    assert dossier.version == 2 and stored(dossier) == value
    history = client.get(f"/assessments/{dossier.pk}/history/3.1/").content.decode()
    assert shown in history


@pytest.mark.parametrize("decimals, typed, value, shown, met", CASES)
def test_the_api_stores_and_compares_the_rounded_value(
    dossier, users, framework, decimals, typed, value, shown, met
):
    _state(framework, decimals)
    api = APIClient()
    api.force_authenticate(users["demo.vinhchanh"])
    number = float(typed.replace(",", "."))
    r = api.patch(
        f"/api/v1/assessments/{dossier.pk}/values/",
        {"version": dossier.version, "values": {"3.1": number}},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert stored(dossier) == value
    result = result_of(dossier)
    assert (result.value, result.status) == (value, "met" if met else "not_met")


@pytest.mark.parametrize("decimals, typed, value, shown, met", CASES)
def test_an_excel_import_stores_shows_and_compares_the_rounded_value(
    dossier, users, client, framework, decimals, typed, value, shown, met
):
    _state(framework, decimals)
    officer = users["demo.thoaison"]
    wb = district_workbook(client, officer, framework)
    ws = wb[excel.DATA_SHEET]
    cell = ws.cell(row_of(ws, VC), col_of(ws, "3.1"))
    # the stated precision is the cell's number format too
    assert cell.number_format == ("0.0" if decimals == 1 else "0.00")
    cell.value = float(typed.replace(",", "."))
    response = client.post("/assessments/import/", {"file": upload(wb)})
    plan = response.context["plan"]
    assert plan.errors == []
    row = next(p for p in plan.rows if p.unit_code == VC)
    assert row.changes["3.1"] == ["", shown]  # the dry run shows the value as it will be stored
    page = response.content.decode()
    assert shown in page
    r = client.post(f"/assessments/import/{response.context['token']}/commit/")
    assert r.status_code == 302
    assert stored(dossier) == value
    result = result_of(dossier)
    assert (result.value, result.status) == (value, "met" if met else "not_met")


def test_floating_point_noise_is_the_threshold_on_every_path(dossier, users, framework):
    """79.99999999999999 (what 0.8 × 100 can give in a spreadsheet) is 80 at the default precision."""
    services.assessment_values_save(
        actor=users["demo.vinhchanh"], assessment=dossier, values={"3.1": 79.99999999999999}
    )
    assert stored(dossier) == 80.0
    assert (result_of(dossier).value, result_of(dossier).status) == (80.0, "met")


def test_without_a_stated_precision_values_keep_two_digits_shown_without_trailing_zeros(
    dossier, users, client, framework
):
    client.force_login(users["demo.vinhchanh"])
    client.post(f"/assessments/{dossier.pk}/values/", {"version": 1, "v:3.1": "79,996", "v:10.1": "1.234,5"})
    assert stored(dossier) == 80.0
    page = client.get(f"/assessments/{dossier.pk}/").content.decode()
    # no thousands dot in a field: "1.234" could be read two ways, so the field shows 1234,5
    assert 'name="v:3.1" value="80"' in page and 'name="v:10.1" value="1234,5"' in page
