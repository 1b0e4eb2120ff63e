"""Inspections: a team in the year's plan, findings against the checklist (data tied to the plan's
paragraphs), recommendations followed up with deadlines, the conclusion as a legal act."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from chungsuc.core.models import AuditEntry
from chungsuc.movements.models import Inspection
from chungsuc.movements.tests.conftest import client_for, unit


# Plan 861's officers of the district era: writes decided as of 31/12/2024, before the merger.
@pytest.mark.usefixtures("acting_in_2024")
def test_an_inspection_with_findings_a_follow_up_and_its_conclusion(plan861):
    assert [(i.code, i.section.number) for i in plan861.checklist.all()][:2] == [
        ("K1", "VI.2"),
        ("K2", "VII.5"),
    ]
    tinh, kiemtra = client_for("demo.tinh"), client_for("demo.kiemtra")
    inspector = get_user_model().objects.get(username="demo.kiemtra")
    cho_moi = unit("893")
    r = tinh.post(
        f"/movements/{plan861.pk}/inspections/",
        {
            "year": "2024",
            "team_name": "Đoàn kiểm tra số 1",
            "leader": "Trưởng đoàn thử",
            "unit": cho_moi.pk,
            "members": [inspector.pk],
            "planned_on": "15/10/2024",
        },
    )
    insp = Inspection.objects.get(movement=plan861)
    assert (
        r.status_code == 302
        and list(insp.members.all()) == [inspector]
        and insp.planned_on == dt.date(2024, 10, 15)
    )
    url = f"/movements/inspections/{insp.pk}/"
    # "not met" needs a note; nothing written
    r = kiemtra.post(url, {"action": "findings", "r:K1": "met", "r:K2": "not_met", "n:K2": ""}, follow=True)
    assert "«Không đạt» cần ghi nhận cụ thể" in r.content.decode()
    assert not insp.findings.exists()
    kiemtra.post(
        url,
        {
            "action": "findings",
            "r:K1": "met",
            "r:K2": "not_met",
            "n:K2": "Báo cáo 2023 nộp trễ",
            "r:K4": "partly",
            "inspected_on": "16/10/2024",
        },
    )
    insp.refresh_from_db()
    assert insp.state == "inspected" and insp.inspected_on == dt.date(2024, 10, 16)
    assert {f.item.code: f.result for f in insp.findings.all()} == {
        "K1": "met",
        "K2": "not_met",
        "K4": "partly",
    }
    kiemtra.post(url, {"action": "recommend", "text": "Nộp báo cáo đúng hạn", "due_date": "31/12/2024"})
    rec = insp.recommendations.get()
    # a district officer elsewhere cannot record the follow-up; Chợ Mới's officer can
    assert (
        client_for("demo.thoaison")
        .post(
            url, {"action": "follow_up", "recommendation": rec.pk, "follow_up": "x", "done_on": "01/12/2024"}
        )
        .status_code
        == 403
    )
    page = client_for("demo.tinh").get(url).content.decode()
    assert 'data-testid="rec-overdue"' in page  # 31/12/2024 has passed without a follow-up
    client_for("demo.chomoi").post(
        url,
        {
            "action": "follow_up",
            "recommendation": rec.pk,
            "follow_up": "Đã nộp báo cáo 2024",
            "done_on": "10/12/2024",
        },
    )
    rec.refresh_from_db()
    assert rec.done_on == dt.date(2024, 12, 10) and rec.status(dt.date(2026, 12, 1)) == "done"
    # the conclusion is a legal act; a plan symbol is refused for a conclusion
    r = tinh.post(
        url,
        {"action": "conclude", "number": "7", "symbol": "KH-UBND", "issued_on": "20/12/2024"},
        follow=True,
    )
    assert "phải bắt đầu bằng «KL-»" in r.content.decode()
    tinh.post(
        url,
        {
            "action": "conclude",
            "number": "7",
            "symbol": "KL-HĐTĐKT",
            "issued_on": "20/12/2024",
            "signer_name": "Người ký thử",
        },
    )
    insp.refresh_from_db()
    assert (
        insp.state == "concluded"
        and insp.conclusion.reference == "7/KL-HĐTĐKT"
        and insp.conclusion.kind == "ket_luan"
    )
    # concluded: findings are closed
    kiemtra.post(url, {"action": "findings", "r:K3": "met"})
    assert not insp.findings.filter(item__code="K3").exists()
    actions = set(
        AuditEntry.objects.filter(target_type="movements.inspection").values_list("action", flat=True)
    )
    assert {
        "movement.inspection_plan",
        "movement.inspection_findings",
        "movement.recommendation_add",
        "movement.recommendation_follow_up",
        "movement.inspection_conclude",
    } <= actions
    # an outsider sees nothing
    assert client_for("demo.so").get(url).status_code == 200  # a participant of the movement may read
