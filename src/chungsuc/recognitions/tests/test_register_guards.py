"""Issue 7 §7: the register is never silently overwritten or wrongly accepted — `load_builtin` leaves
rows that did not come from the built-in file alone (and audits what it changes); the register import
shows old and new values, refuses to overwrite a sourced entry without confirmation, and refuses
implausible rows."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from chungsuc.core.models import AuditEntry
from chungsuc.recognitions import builtin, register_import, services
from chungsuc.recognitions.models import RecognitionRecord


def tan_an():
    return RecognitionRecord.objects.get(unit__code="30388", standard="ntm", year=2018)


def test_load_builtin_leaves_a_decided_row_alone(an_giang):
    rec = tan_an()
    RecognitionRecord.objects.filter(pk=rec.pk).update(
        origin=RecognitionRecord.Origin.DECISION,
        decision_text="2401/QĐ-UBND ngày 20/11/2018",
        fact="Quyết định",
    )
    imported = RecognitionRecord.objects.get(unit__code="894", standard="advanced")
    RecognitionRecord.objects.filter(pk=imported.pk).update(
        origin=RecognitionRecord.Origin.IMPORT, uncertainty="Đã đối chiếu bản gốc"
    )
    before = AuditEntry.objects.count()
    builtin.load()
    rec.refresh_from_db()
    imported.refresh_from_db()
    assert rec.decision_text == "2401/QĐ-UBND ngày 20/11/2018" and rec.fact == "Quyết định"
    assert imported.uncertainty == "Đã đối chiếu bản gốc"
    assert AuditEntry.objects.count() == before  # nothing of its own changed: nothing written


def test_load_builtin_restores_its_own_rows_and_audits_the_change(an_giang):
    rec = tan_an()
    original = rec.fact
    RecognitionRecord.objects.filter(pk=rec.pk).update(fact="sửa tay")
    builtin.load()
    rec.refresh_from_db()
    assert rec.fact == original
    entry = AuditEntry.objects.filter(action="recognition.builtin", target_id=str(rec.pk)).latest("id")
    assert entry.changes["fact"] == ["sửa tay", original] and entry.actor is None


def _row(**kw):
    return {"unit_code": "30703", "standard": "ntm", "year": 2019, "source": "Báo cáo UBND huyện"} | kw


def test_a_unit_recognised_again_for_the_same_standard_without_revocation_is_refused(users, an_giang):
    nnptnt = users["demo.nnptnt"]
    # Phú Bình (30445) holds NTM since 2016 in the built-in register
    plan = register_import.check_rows(actor=nnptnt, rows=[_row(unit_code="30445", year=2020)])
    assert len(plan.errors) == 1 and "chưa bị thu hồi" in plan.errors[0] and "2016" in plan.errors[0]
    # twice in the same file
    plan = register_import.check_rows(
        actor=nnptnt, rows=[_row(year=2019), _row(year=2021, since="01/06/2021")]
    )
    assert len(plan.errors) == 1 and "dòng 2 của tệp" in plan.errors[0]
    # after a revocation, a new recognition is plausible
    rec = RecognitionRecord.objects.filter(unit__code="30445", standard="ntm").first()
    services.revocation_record(
        actor=users["demo.tinh"],
        record=rec,
        number="88/QĐ-UBND",
        date=dt.date(2019, 5, 1),
        signer="Chủ tịch UBND tỉnh",
        reason="Không duy trì tiêu chí",
    )
    plan = register_import.check_rows(actor=nnptnt, rows=[_row(unit_code="30445", year=2020)])
    assert plan.errors == [] and plan.new_count == 1


def test_a_ward_under_a_commune_standard_is_refused(users, an_giang):
    plan = register_import.check_rows(
        actor=users["demo.nnptnt"], rows=[_row(unit_code="30280", year=2020, since="01/06/2020")]
    )
    assert len(plan.errors) == 1 and "phường" in plan.errors[0] and "Phường Mỹ Bình" in plan.errors[0]
    with pytest.raises(ValidationError):
        services.recognition_import(
            actor=users["demo.nnptnt"], rows=[_row(unit_code="30280", year=2020, since="01/06/2020")]
        )
    assert not RecognitionRecord.objects.filter(unit__code="30280").exists()


def test_overwriting_a_sourced_entry_needs_confirmation_and_shows_old_and_new(users, an_giang):
    nnptnt = users["demo.nnptnt"]
    rec = tan_an()
    row = _row(unit_code="30388", year=2018, since="20/11/2018", source="Công văn 12/SNN", uncertainty="mới")
    plan = register_import.check_rows(actor=nnptnt, rows=[row])
    (entry,) = plan.entries
    assert entry.action == "update" and entry.needs_confirmation and plan.confirm_count == 1
    shown = {c["field"]: (c["old"], c["new"]) for c in entry.changes}
    assert shown["Nguồn"] == (rec.source, "Công văn 12/SNN")
    assert shown["Nguồn gốc mục"] == ("Dữ liệu có nguồn (nạp sẵn)", "Nhập từ tệp")
    with pytest.raises(ValidationError) as exc:
        services.recognition_import(actor=nnptnt, rows=[row])
    assert "xác nhận ghi đè" in exc.value.messages[0]
    rec.refresh_from_db()
    assert rec.source != "Công văn 12/SNN"
    assert services.recognition_import(actor=nnptnt, rows=[row], confirm_overwrite=True) == 1
    rec.refresh_from_db()
    assert rec.source == "Công văn 12/SNN"
    audit = AuditEntry.objects.filter(action="recognition.import", target_id=str(rec.pk)).latest("id")
    assert audit.changes["source"][1] == "Công văn 12/SNN" and audit.changes["source"][0] != "Công văn 12/SNN"


def test_the_api_asks_for_the_confirmation_too(users, an_giang):
    client = APIClient()
    client.force_authenticate(users["demo.nnptnt"])
    row = _row(unit_code="30388", year=2018, since="2018-11-20", source="Công văn 12/SNN")
    dry = client.post("/api/v1/recognitions/import/", {"dry_run": True, "rows": [row]}, format="json").json()
    assert dry["needs_confirmation"] == 1
    assert dry["entries"][0]["before"]["source"] != dry["entries"][0]["after"]["source"] == "Công văn 12/SNN"
    r = client.post("/api/v1/recognitions/import/", {"rows": [row]}, format="json")
    assert r.status_code == 400 and "xác nhận ghi đè" in " ".join(r.json()["errors"])
    r = client.post("/api/v1/recognitions/import/", {"rows": [row], "confirm_overwrite": True}, format="json")
    assert r.status_code == 201 and r.json()["written"] == 1
