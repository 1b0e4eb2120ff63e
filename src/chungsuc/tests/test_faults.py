"""Faults (issue 9): a database error in the middle of an import commit or a workflow transition leaves
nothing half-written; a background document job killed half-way leaves no partial file and finishes
when run again."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from unittest import mock

import pytest
from django.db import DatabaseError

from chungsuc.assessments.tests.conftest import *  # noqa: F401,F403  (framework, users, vinh_chanh, workflows)

# The history of 2021–2025 (Xã Vĩnh Chánh, Huyện Thoại Sơn): writes decided as of 31/12/2024.
pytestmark = pytest.mark.usefixtures("acting_in_2024")


def _counts():
    from chungsuc.assessments.models import Assessment, AssessmentValue, EvaluationResult
    from chungsuc.core.models import AuditEntry, Notification
    from chungsuc.core.workflow_models import WorkflowCase, WorkflowEvent
    from chungsuc.recognitions.models import RecognitionRecord

    models = [
        Assessment,
        AssessmentValue,
        AssessmentValue.history.model,
        EvaluationResult,
        AuditEntry,
        Notification,
        WorkflowCase,
        WorkflowEvent,
        RecognitionRecord,
    ]
    counts = {m.__name__: m.objects.count() for m in models}
    counts["versions"] = sum(Assessment.objects.values_list("version", flat=True))
    counts["hashes"] = sorted(Assessment.objects.values_list("values_hash", flat=True))
    return counts


def _failing_after(n, real):
    """A stand-in that lets the first `n` calls through, then raises a database error."""
    calls = {"n": 0}

    def fake(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > n:
            raise DatabaseError("injected: the database went away")
        return real(*args, **kwargs)

    return fake


# --- the assessment workbook ----------------------------------------------------------------------


@pytest.fixture
def import_plan(workflows, users, framework, vinh_chanh, client):
    """A checked district workbook changing two communes' values (one dossier exists, one is created)."""
    from chungsuc.assessments import excel, services
    from chungsuc.assessments.tests.test_excel import col_of, district_workbook, row_of, upload

    a = services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
    )
    services.assessment_values_save(actor=users["demo.vinhchanh"], assessment=a, values={"3.1": 70})
    officer = users["demo.thoaison"]
    wb = district_workbook(client, officer, framework)
    ws = wb[excel.DATA_SHEET]
    ws.cell(row_of(ws, "30703"), col_of(ws, "3.1")).value = 85
    other = next(
        r for r in range(excel.FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value not in (None, "30703")
    )
    ws.cell(other, col_of(ws, "3.2")).value = "Không đạt"
    response = client.post("/assessments/import/", {"file": upload(wb)})
    plan = response.context["plan"]
    assert plan.change_count == 2
    return officer, plan


@pytest.mark.parametrize(
    "where",
    [
        "chungsuc.assessments.services._write_values",
        "chungsuc.assessments.services._insert_audits",
        "chungsuc.assessments.evaluation.evaluate_many",
    ],
)
def test_assessment_import_commit_fails_whole(import_plan, where):
    from chungsuc.assessments import services

    officer, plan = import_plan
    before = _counts()
    module, name = where.rsplit(".", 1)
    import importlib

    real = getattr(importlib.import_module(module), name)
    with mock.patch(where, side_effect=_failing_after(0, real)), pytest.raises(DatabaseError):
        services.assessment_import_commit(actor=officer, plan=copy.deepcopy(plan))
    assert _counts() == before
    # and the staged plan (as the commit page reads it again) commits once the database is back
    assert services.assessment_import_commit(actor=officer, plan=copy.deepcopy(plan)) == 2
    from chungsuc.assessments.models import AssessmentValue

    assert AssessmentValue.objects.get(assessment__unit__code="30703", indicator_code="3.1").value == 85
    assert _counts()["Assessment"] == before["Assessment"] + 1  # the dossier the file created


# --- the register workbook ------------------------------------------------------------------------


def test_register_import_fails_whole_when_the_second_entry_cannot_be_written(users):
    from chungsuc.recognitions import services
    from chungsuc.recognitions.models import RecognitionRecord

    rows = [
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
        },
        {
            "unit_code": "30706",
            "standard": "ntm",
            "year": 2019,
            "since": "2019-12-20",
            "decision_number": "3121/QĐ-UBND",
            "decision_date": "2019-12-20",
            "signer": "Chủ tịch UBND tỉnh",
            "source": "https://example.invalid/qd2",
            "verified": True,
        },
    ]
    before = _counts()
    real = services.audit_record
    with (
        mock.patch.object(services, "audit_record", side_effect=_failing_after(1, real)),
        pytest.raises(DatabaseError),
    ):
        services.recognition_import(actor=users["demo.tinh"], rows=rows, file_name="so.xlsx")
    assert _counts() == before
    assert not RecognitionRecord.objects.filter(unit__code__in=["30703", "30706"], year=2019).exists()
    assert services.recognition_import(actor=users["demo.tinh"], rows=rows, file_name="so.xlsx") == 2


# --- a workflow transition ------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["audit_record", "_notify_next"])
def test_a_transition_that_fails_midway_leaves_the_case_where_it_was(
    workflows, users, framework, vinh_chanh, where
):
    from chungsuc.assessments import services
    from chungsuc.core import workflow
    from chungsuc.core.workflow import case_for

    a = services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
    )
    case = case_for(a)
    state, version = case.state.code, case.version
    before = _counts()
    real = getattr(workflow, where)
    with (
        mock.patch.object(workflow, where, side_effect=_failing_after(0, real)),
        pytest.raises(DatabaseError),
    ):
        services.assessment_transition(actor=users["demo.vinhchanh"], assessment=a, transition_code="submit")
    case = case_for(a)
    assert (case.state.code, case.version) == (state, version)
    assert _counts() == before
    services.assessment_transition(actor=users["demo.vinhchanh"], assessment=a, transition_code="submit")
    assert case_for(a).state.code != state


# --- a background document job --------------------------------------------------------------------


@pytest.fixture
def document(users, settings, tmp_path):
    from chungsuc.reports.models import GeneratedDocument

    settings.MEDIA_ROOT = str(tmp_path)
    return GeneratedDocument.objects.create(
        kind="recognised_list",
        fmt="docx",
        requested_by=users["demo.tinh"],
        params={"on": "2024-12-31", "standard": "ntm", "level": "commune", "options": {}},
        title="Danh sách thử",
    )


def _files(root) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file())


class Killed(BaseException):
    """What a worker's shutdown raises in the job (not an Exception: the job does not record it)."""


def test_a_document_job_killed_while_writing_leaves_no_partial_file_and_can_run_again(document, tmp_path):
    from chungsuc.reports import services, storage
    from chungsuc.reports.models import DocumentStatus

    def half_then_killed(handle, content):
        data = b"".join(content.chunks())
        handle.write(data[: len(data) // 2])
        raise Killed

    with mock.patch.object(storage, "_write", side_effect=half_then_killed), pytest.raises(Killed):
        services.document_generate(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.RUNNING and not document.file
    assert _files(tmp_path) == []  # nothing under a final name, no temporary left
    # a hard kill (no exception handler runs) leaves its temporary file: the next run sweeps it
    leftover = tmp_path / storage.PARTIAL_DIR / f"{document.pk}-0123.partial"
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"PK\x03\x04 half a docx")

    services.document_generate(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE, document.error
    files = _files(tmp_path)
    assert files == [tmp_path / document.file.name]
    data = files[0].read_bytes()
    assert hashlib.sha256(data).hexdigest() == document.sha256 and len(data) == document.size
    from chungsuc.reports.tests.conftest import docx_text

    assert "DANH SÁCH" in docx_text(data)


def test_a_document_whose_row_cannot_be_saved_leaves_no_orphan_file(document, tmp_path):
    from chungsuc.reports import services
    from chungsuc.reports.models import DocumentStatus

    with mock.patch.object(services, "audit_record", side_effect=DatabaseError("injected")):
        services.document_generate(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED and not document.file
    assert _files(tmp_path) == []
