"""Pilot units of Plan 861: the best available list, marked unverified; the administrator corrects it
(audited); the register tells which reached the standard."""

import datetime as dt

from chungsuc.core.models import AuditEntry
from chungsuc.movements import builtin, selectors
from chungsuc.movements.models import PilotUnit
from chungsuc.movements.tests.conftest import client_for


def test_the_best_available_pilot_list_is_loaded_unverified(plan861):
    pilots = PilotUnit.objects.filter(movement=plan861)
    kinds = {
        k: pilots.filter(kind=k).count()
        for k in ["pilot_commune", "added_commune", "pilot_district", "advanced_district"]
    }
    assert kinds == {"pilot_commune": 28, "added_commune": 6, "pilot_district": 3, "advanced_district": 1}
    assert not pilots.filter(verified=True).exists()
    hbt = pilots.get(unit__name="Xã Hòa Bình Thạnh")
    assert hbt.year == 2021 and "QĐ 785/QĐ-UBND" in hbt.instrument
    assert pilots.get(kind="advanced_district").unit.name == "Huyện Thoại Sơn"
    # loading again keeps an administrator's correction
    PilotUnit.objects.filter(pk=hbt.pk).update(year=2022, verified=True, note="QĐ 2872 (đã đối chiếu)")
    builtin.load()
    hbt.refresh_from_db()
    assert (hbt.year, hbt.verified) == (2022, True) and pilots.count() == 38


def test_the_administrator_corrects_a_pilot_audited_and_the_register_shows_who_reached_it(
    plan861, register_fixture
):
    nhon_my = PilotUnit.objects.get(movement=plan861, unit__key="30658")
    data = {i["id"]: i for i in selectors.pilots_data(plan861, on=dt.date(2026, 12, 1))["items"]}
    assert data[nhon_my.pk]["reached"] == dt.date(2023, 4, 12) and data[nhon_my.pk]["late"]  # aimed at 2022
    c = client_for("demo.tinh")
    # verified needs a basis
    r = c.post(
        f"/movements/{plan861.pk}/pilots/",
        {"pilot": nhon_my.pk, "year": "2022", "verified": "1", "active": "1"},
        follow=True,
    )
    assert "cần ghi căn cứ" in r.content.decode()
    nhon_my.refresh_from_db()
    assert not nhon_my.verified
    c.post(
        f"/movements/{plan861.pk}/pilots/",
        {
            "pilot": nhon_my.pk,
            "year": "2023",
            "verified": "1",
            "active": "1",
            "note": "QĐ 2872/QĐ-UBND, bản giấy",
        },
    )
    nhon_my.refresh_from_db()
    assert (nhon_my.year, nhon_my.verified, nhon_my.note) == (2023, True, "QĐ 2872/QĐ-UBND, bản giấy")
    entry = AuditEntry.objects.filter(action="movement.pilot_update", unit_id=nhon_my.unit_id).latest("id")
    assert entry.changes["year"] == [2022, 2023] and entry.actor.username == "demo.tinh"
    # a district officer sees the list but cannot change it
    officer = client_for("demo.chomoi")
    page = officer.get(f"/movements/{plan861.pk}/pilots/").content.decode()
    assert 'data-testid="pilots-unverified"' in page and "Xã Nhơn Mỹ" in page
    assert (
        officer.post(
            f"/movements/{plan861.pk}/pilots/", {"pilot": nhon_my.pk, "year": "2025", "active": "1"}
        ).status_code
        == 403
    )
