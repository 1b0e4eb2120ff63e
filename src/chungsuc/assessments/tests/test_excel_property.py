"""What the dry run accepts, the commit writes (unless someone changed the data in between), and what
it refuses writes nothing: a property test over workbooks filled at random from the product's own
template; and the same workbook through the API (dry run, then commit), scoped to the caller."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from chungsuc.assessments import excel, services
from chungsuc.assessments.models import Assessment, AssessmentValue
from chungsuc.assessments.tests.test_excel import col_of, district_workbook, row_of
from chungsuc.core.models import AuditEntry

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")

VC = "30703"
KEYS = ["1.1", "3.1", "3.2", "10.1", "10.2"]
CELL = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "Đạt",
            "Không đạt",
            "Có",
            "x",
            "85%",
            "85 %",
            "1.234,5",
            "1.234",
            "1,234.5",
            "12,5",
            "nhiều",
            "",
            "  ",
        ]
    ),
    st.integers(min_value=-5, max_value=150),
    st.floats(min_value=-1, max_value=150, allow_nan=False, allow_infinity=False),
    st.tuples(st.floats(min_value=0, max_value=1.5, allow_nan=False), st.just("0%")),
    st.just(dt.date(2024, 5, 1)),
)
CODE = st.sampled_from([VC, VC, VC, VC, int(VC), "30682", "99999", "30715"])
PASS_FAIL = st.sampled_from(["Đạt", "Không đạt", "Có", "x", " Không ", None])
VALID = {
    "1.1": PASS_FAIL,
    "3.2": PASS_FAIL,
    "3.1": st.one_of(
        st.integers(0, 100),
        st.floats(0, 100, allow_nan=False),
        st.sampled_from(["85%", "85 %", "79,9"]),
        st.tuples(st.floats(0, 1, allow_nan=False), st.just("0%")),
    ),
    "10.1": st.one_of(st.floats(0, 5000, allow_nan=False), st.sampled_from(["1.234,5", "12,5", "65.5"])),
    "10.2": st.one_of(st.integers(0, 50), st.just("12")),
}
# mostly what the column takes, sometimes anything: both outcomes are exercised (about half each)
ROW = st.tuples(*[st.integers(0, 8).flatmap(lambda i, k=k: CELL if i == 0 else VALID[k]) for k in KEYS])


@pytest.fixture
def base(workflows, users, framework, vinh_chanh, client):
    a = services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
    )
    services.assessment_values_save(
        actor=users["demo.vinhchanh"], assessment=a, values={"3.1": 70, "1.1": "Đạt"}
    )
    officer = users["demo.thoaison"]
    wb = district_workbook(client, officer, framework)
    buf = io.BytesIO()
    wb.save(buf)
    return officer, buf.getvalue()


def snapshot():
    return (
        Assessment.objects.count(),
        sorted(AssessmentValue.objects.values_list("assessment__unit__code", "indicator_code", "value")),
        AuditEntry.objects.count(),
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=CODE, cells=ROW)
def test_what_the_dry_run_accepts_the_commit_writes(base, code, cells):
    officer, data = base
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[excel.DATA_SHEET]
    r = row_of(ws, VC)
    ws.cell(r, 1).value = code
    for key, value in zip(KEYS, cells, strict=True):
        cell = ws.cell(r, col_of(ws, key))
        if isinstance(value, tuple):
            cell.value, cell.number_format = value
        else:
            cell.value = value
    buf = io.BytesIO()
    wb.save(buf)
    with transaction.atomic():
        before = snapshot()
        plan = excel.dry_run(actor=officer, upload=SimpleUploadedFile("p.xlsx", buf.getvalue()))
        assert snapshot() == before  # the dry run writes nothing
        event("refused" if plan.errors else "accepted")
        if plan.errors:
            transaction.set_rollback(True)
            return
        expected = {(row.unit_code, k): v for row in plan.rows for k, v in row.values.items()}
        written = excel.commit(actor=officer, plan=plan)
        assert written == len(expected)
        for (unit_code, key), value in expected.items():
            stored = AssessmentValue.objects.get(
                assessment__unit__code=unit_code, assessment__year=2024, indicator_code=key
            ).value
            assert stored == value
        transaction.set_rollback(True)


def test_the_workbook_through_the_api_dry_run_then_commit_scoped(base, client, users):
    from rest_framework.test import APIClient

    officer, data = base
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[excel.DATA_SHEET]
    ws.cell(row_of(ws, VC), col_of(ws, "3.1")).value = 0.9
    ws.cell(row_of(ws, VC), col_of(ws, "3.1")).number_format = "0%"
    buf = io.BytesIO()
    wb.save(buf)
    api = APIClient()
    api.force_authenticate(officer)
    r = api.post(
        "/api/v1/assessments/import/",
        {"file": SimpleUploadedFile("so-lieu.xlsx", buf.getvalue())},
        format="multipart",
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["dry_run"] is True and body["written"] == 0
    change = next(c for c in body["changes"] if c["unit_code"] == VC and c["indicator"] == "3.1")
    assert (change["old"], change["new"], change["conflict"]) == ("70", "90", False)
    a = Assessment.objects.get(unit__code=VC, year=2024)
    assert AssessmentValue.objects.get(assessment=a, indicator_code="3.1").value == 70
    r = api.post(
        "/api/v1/assessments/import/",
        {"file": SimpleUploadedFile("so-lieu.xlsx", buf.getvalue()), "dry_run": "false"},
        format="multipart",
    )
    assert r.status_code == 201, r.json()
    assert r.json()["written"] == 1
    assert AssessmentValue.objects.get(assessment=a, indicator_code="3.1").value == 90
    # another district's officer: every row is out of their area, nothing is written
    outsider = APIClient()
    outsider.force_authenticate(users["demo.chomoi"])
    before = snapshot()
    r = outsider.post(
        "/api/v1/assessments/import/",
        {"file": SimpleUploadedFile("so-lieu.xlsx", buf.getvalue()), "dry_run": "false"},
        format="multipart",
    )
    assert r.status_code == 400
    assert any("không có hoặc không thuộc địa bàn của bạn" in e for e in r.json()["errors"])
    assert snapshot() == before
    r = api.post("/api/v1/assessments/import/", {}, format="multipart")
    assert r.status_code == 400 and "file" in r.json()
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/assessments/import/" in schema and "AssessmentImportResult" in schema
