"""Plan amendments (VII.8): a participant proposes, Sở Nội vụ records the decision, which creates a new
version of the plan; versions side by side; progress against the version in force at the date."""

import datetime as dt

from chungsuc.core.models import AuditEntry
from chungsuc.movements import selectors
from chungsuc.movements.models import Amendment
from chungsuc.movements.tests.conftest import client_for


def test_an_amendment_produces_a_new_version_and_progress_follows_the_version_in_force(plan861):
    so, tinh = client_for("demo.so"), client_for("demo.tinh")
    participant = plan861.participants.get(organisation__code="so-tttt")
    r = so.post(
        f"/movements/{plan861.pk}/amendments/",
        {
            "action": "propose",
            "participant": participant.pk,
            "reason": "Sáp nhập tỉnh, giảm số xã",
            "c:2.1:2025": "4",
            "c:2.2:2025": "3",
        },
    )
    assert r.status_code == 302
    a = Amendment.objects.get(movement=plan861)
    assert a.changes == {"2.1": {"2025": 4}} and a.proposed_by == participant  # unchanged 2.2 is not a change
    # the participant cannot decide; a decision with a bad number is refused, nothing written
    assert so.post(
        f"/movements/{plan861.pk}/amendments/", {"action": "approve", "amendment": a.pk}
    ).status_code in (302, 403)
    a.refresh_from_db()
    assert a.state == "proposed"
    # a participant's proposal goes through Sở Nội vụ's consolidation before the decision
    r = tinh.post(
        f"/movements/{plan861.pk}/amendments/",
        {
            "action": "approve",
            "amendment": a.pk,
            "number": "1250",
            "symbol": "QĐ-UBND",
            "issued_on": "01/06/2025",
        },
        follow=True,
    )
    assert "cần được Sở Nội vụ tổng hợp" in r.content.decode() and plan861.versions.count() == 1
    assert 'data-testid="consolidate-form"' in r.content.decode()
    assert so.post(
        f"/movements/{plan861.pk}/amendments/", {"action": "consolidate", "amendments": [a.pk]}
    ).status_code in (302, 403)
    a.refresh_from_db()
    assert a.state == "proposed"
    tinh.post(
        f"/movements/{plan861.pk}/amendments/",
        {"action": "consolidate", "amendments": [a.pk], "consolidation_note": "Thống nhất đề nghị"},
    )
    a.refresh_from_db()
    assert a.state == "consolidated" and a.consolidation_note == "Thống nhất đề nghị" and a.consolidated_at
    assert AuditEntry.objects.filter(action="movement.amendment_consolidate", target_id=str(a.pk)).exists()
    r = tinh.post(
        f"/movements/{plan861.pk}/amendments/",
        {
            "action": "approve",
            "amendment": a.pk,
            "number": "12a",
            "symbol": "QĐ-UBND",
            "issued_on": "01/06/2025",
        },
        follow=True,
    )
    assert "phải là số" in r.content.decode()
    assert plan861.versions.count() == 1
    tinh.post(
        f"/movements/{plan861.pk}/amendments/",
        {
            "action": "approve",
            "amendment": a.pk,
            "number": "1250",
            "symbol": "QĐ-UBND",
            "issued_on": "01/06/2025",
            "valid_from": "01/06/2025",
            "signer_name": "Người ký thử",
        },
    )
    a.refresh_from_db()
    assert a.state == "decided" and a.decision.reference == "1250/QĐ-UBND" and a.version.number == 2
    import json

    compare = json.loads(tinh.get(f"/movements/{plan861.pk}/amendments/", {"format": "json"}).content)
    row = next(r for r in compare["rows"] if r["code"] == "2.1" and r["year"] == 2025)
    assert (row["v1"], row["v2"], row["changed"]) == (6, 4, "có")
    v2 = plan861.versions.get(number=2)
    assert v2.valid_from == dt.date(2025, 6, 1) and v2.decision_text == "1250/QĐ-UBND"
    t21 = {ty.year: ty.count for ty in v2.targets.get(code="2.1").years.all()}
    assert t21 == {2021: 8, 2022: 6, 2023: 8, 2024: 5, 2025: 4}
    assert v2.targets.count() == 4 and v2.targets.get(code="2.1").section.number == "II.2.1"
    # version 1 is untouched; progress uses the version in force at the date
    assert {ty.year: ty.count for ty in plan861.versions.get(number=1).targets.get(code="2.1").years.all()}[
        2025
    ] == 6
    late = {
        t["code"]: t["total_target"]
        for t in selectors.progress_data(plan861, on=dt.date(2026, 12, 1))["targets"]
    }
    early = {
        t["code"]: t["total_target"]
        for t in selectors.progress_data(plan861, on=dt.date(2025, 1, 1))["targets"]
    }
    assert (late["2.1"], early["2.1"]) == (31, 33)
    compare = selectors.versions_compared(plan861)
    changed = [(r["code"], r["year"], r["values"]) for r in compare["rows"] if r["changed"]]
    assert changed == [("2.1", 2025, [6, 4])]
    page = tinh.get(f"/movements/{plan861.pk}/amendments/").content.decode()
    assert "1250/QĐ-UBND" in page and 'data-testid="version-compare"' in page
    assert AuditEntry.objects.filter(action="movement.amendment_decide", target_id=str(a.pk)).exists()
    assert AuditEntry.objects.filter(action="legal_act.create").exists()


def test_a_rejection_needs_a_reason_and_a_proposal_needs_changes(plan861):
    tinh = client_for("demo.tinh")
    r = tinh.post(
        f"/movements/{plan861.pk}/amendments/", {"action": "propose", "reason": "Không đổi gì"}, follow=True
    )
    assert "Cần đề nghị ít nhất một số đơn vị mới" in r.content.decode()
    r = tinh.post(
        f"/movements/{plan861.pk}/amendments/",
        {"action": "propose", "reason": "", "c:2.4:2023": "2"},
        follow=True,
    )
    assert "Cần nêu lý do" in r.content.decode()
    r = tinh.post(
        f"/movements/{plan861.pk}/amendments/",
        {"action": "propose", "reason": "x", "c:2.4:2023": "hai"},
        follow=True,
    )
    assert "«hai» không phải số nguyên không âm" in r.content.decode()
    assert not Amendment.objects.filter(movement=plan861).exists()
    tinh.post(
        f"/movements/{plan861.pk}/amendments/",
        {"action": "propose", "reason": "Thêm huyện", "c:2.4:2023": "2"},
    )
    a = Amendment.objects.get(movement=plan861)
    r = tinh.post(
        f"/movements/{plan861.pk}/amendments/", {"action": "reject", "amendment": a.pk}, follow=True
    )
    assert "Cần ghi lý do không chấp thuận" in r.content.decode()
    tinh.post(
        f"/movements/{plan861.pk}/amendments/",
        {"action": "reject", "amendment": a.pk, "note": "Không đủ căn cứ"},
    )
    a.refresh_from_db()
    assert a.state == "rejected" and plan861.versions.count() == 1
