"""Issue 12 §4: every table an official sees has its Excel / CSV / JSON download beside it, holding
every row of the page's filter and scope (not only the page shown), with labels and dd/mm/yyyy in
Excel: the register, the regression watch, the dossiers' list and the audit log."""

import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook


def _login(client, username):
    client.force_login(get_user_model().objects.get(username=username))


def _json(response) -> dict:
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)


def test_the_register_exports_every_record_of_its_filter(an_giang, demo, client):
    from chungsuc.recognitions.models import RecognitionRecord

    _login(client, "demo.nnptnt")
    on = dt.date(2024, 6, 1)
    page = client.get("/recognitions/register/", {"on": "01/06/2024", "standard": "ntm"})
    body = page.content.decode()
    assert 'data-testid="export-register-xlsx"' in body and "standard=ntm" in body
    data = _json(
        client.get("/recognitions/register/", {"on": "01/06/2024", "standard": "ntm", "format": "json"})
    )
    expected = RecognitionRecord.objects.as_of(on).filter(standard="ntm")
    assert len(data["rows"]) == expected.count() > 10
    assert {r["standard"] for r in data["rows"]} == {"Nông thôn mới"}
    # each commune's district on its recognition date (the old province's districts in 2024)
    assert any(r["district"] == "Huyện Thoại Sơn" for r in data["rows"])
    wb = load_workbook(
        io.BytesIO(client.get("/recognitions/register/", {"on": "01/06/2024", "format": "xlsx"}).content)
    )
    cells = [c.value for row in wb.active.iter_rows() for c in row if c.value is not None]
    assert "Sổ công nhận" in cells and "Các công nhận còn hiệu lực đến ngày 01/06/2024" in cells


def test_the_dossiers_list_exports_the_scope_and_the_filter(an_giang, demo, client):
    from chungsuc.assessments import demo as assessment_demo
    from chungsuc.assessments.models import Assessment

    assessment_demo.load()
    _login(client, "demo.thoaison")
    data = _json(client.get("/assessments/", {"format": "json"}))
    units = {r["unit"] for r in data["rows"]}
    # the district officer's export holds the district's dossiers only (the page's scope)
    assert units and "Xã Vĩnh Chánh" in units
    _login(client, "demo.chomoi")
    other = {r["unit"] for r in _json(client.get("/assessments/", {"format": "json"}))["rows"]}
    assert "Xã Vĩnh Chánh" not in other
    _login(client, "demo.tinh")
    year = _json(client.get("/assessments/", {"year": "2024", "format": "json"}))["rows"]
    assert year and {r["year"] for r in year} == {2024}
    assert len(year) == Assessment.objects.filter(year=2024).count()


def test_the_audit_log_exports_labels_never_codes(an_giang, demo, client):
    from chungsuc.core.audit import audit_record
    from chungsuc.geo.selectors import unit_by_code

    unit = unit_by_code("30703", dt.date(2024, 12, 31))
    tinh = get_user_model().objects.get(username="demo.tinh")
    audit_record(
        actor=tinh,
        action="movement.inspection_plan",
        target=unit,
        unit_id=unit.pk,
        changes={"verified": [False, True], "state": ["district_review", "district_approved"]},
    )
    _login(client, "demo.tinh")
    assert 'data-testid="export-audit-csv"' in client.get("/audit/").content.decode()
    rows = _json(client.get("/audit/", {"format": "json"}))["rows"]
    row = next(r for r in rows if r["target"] == str(unit))
    assert "Kiểm chứng" in row["changes"] and "False" not in row["changes"]
    assert row["action"] == "Lập kế hoạch kiểm tra"
    assert row["at"].count("/") == 2  # dd/mm/yyyy hh:mm
    csv_text = client.get("/audit/", {"format": "csv"}).content.decode("utf-8-sig")
    # CSV for machines: the column keys, then the same labelled rows
    assert csv_text.splitlines()[0] == "at,actor,action,target,target_type,changes,reason"
    assert "Lập kế hoạch kiểm tra" in csv_text and "movement.inspection_plan" not in csv_text


@pytest.mark.usefixtures("acting_in_2024")
def test_the_regression_watch_exports_every_row(an_giang, demo, client):
    _login(client, "demo.tinh")
    page = client.get("/recognitions/watch/")
    assert page.status_code == 200 and 'data-testid="export-watch-xlsx"' in page.content.decode()
    data = _json(client.get("/recognitions/watch/", {"format": "json"}))
    assert [c["key"] for c in data["columns"]][:4] == ["unit", "code", "standard", "year"]
    assert len(data["rows"]) == len(page.context["page"].paginator.object_list)


def test_the_public_recognised_list_links_its_open_data_on_the_same_date(an_giang, client):
    body = client.get("/public/recognised/", {"on": "01/06/2024"}).content.decode()
    link = "/public/open-data/register.csv?on=2024-06-01"
    assert link in body
    data = _json(client.get("/public/open-data/register.json", {"on": "2024-06-01"}))
    from chungsuc.recognitions.models import RecognitionRecord

    assert len(data["rows"]) == RecognitionRecord.objects.as_of(dt.date(2024, 6, 1)).count()


def test_the_public_progress_page_downloads_its_figures(an_giang, client):
    import io as _io

    from chungsuc.movements import builtin
    from chungsuc.movements.models import Movement
    from chungsuc.movements.selectors import progress_data

    builtin.load(stdout=_io.StringIO())
    plan = Movement.objects.get(code="kh-861-2022")
    page = client.get(f"/public/progress/{plan.pk}/", {"on": "31/12/2024"})
    assert 'data-testid="export-progress-csv"' in page.content.decode()
    data = _json(client.get(f"/public/progress/{plan.pk}/", {"on": "31/12/2024", "format": "json"}))
    figures = progress_data(plan, on=dt.date(2024, 12, 31))
    first = figures["targets"][0]
    mine = [r for r in data["rows"] if r["target_code"] == first["code"]]
    assert [r["planned"] for r in mine] == [r["target"] for r in first["rows"]]
    assert [r["achieved"] for r in mine if r["year"] <= 2024] == [
        r["actual"] for r in first["rows"] if r["year"] <= 2024
    ]
    assert all(r["achieved"] is None for r in mine if r["year"] > 2024)  # not yet: no achievement shown
    # Plan 861 section II 2.1: 33 more new-rural communes over 2021–2025
    assert first["code"] == "2.1" and sum(r["planned"] or 0 for r in mine) == 33


def test_the_criteria_sets_download_with_their_threshold_gaps(an_giang, demo, client):
    from chungsuc.criteria import selectors

    _login(client, "demo.nnptnt")
    assert 'data-testid="export-frameworks-xlsx"' in client.get("/criteria/").content.decode()
    rows = {r["code"]: r for r in _json(client.get("/criteria/", {"format": "json"}))["rows"]}
    gaps = selectors.threshold_gaps()
    for fw in selectors.frameworks_current():
        row = rows[fw.code]
        assert (row["version"], row["missing"], row["thresholds"]) == (
            fw.version,
            gaps.get(fw.pk, {}).get("missing", 0),
            gaps.get(fw.pk, {}).get("total", 0),
        )
    assert any(r["missing"] for r in rows.values())  # the built-in data is honest: thresholds are missing
