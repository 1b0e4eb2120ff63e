"""The DEMO 2026–2030 movement of the merged province, created through the services the interface
uses; its progress, forecast, obligations and groups pages; an administrator reassigns a group."""

import datetime as dt

import pytest
from django.db.models import Count

from chungsuc.core.models import AuditEntry
from chungsuc.movements import demo as movements_demo
from chungsuc.movements import selectors
from chungsuc.movements.models import Movement, UnitGroup
from chungsuc.movements.tests.conftest import client_for


@pytest.fixture
def demo_movement(demo):
    movements_demo.load()
    return Movement.objects.get(code=movements_demo.DEMO_CODE)


def test_the_demo_movement_is_labelled_and_built_through_the_services(demo_movement):
    m = demo_movement
    assert m.is_demo and m.name.startswith("DEMO") and m.province.code == "91"
    assert (m.period_start, m.period_end) == (2026, 2030)
    assert AuditEntry.objects.get(action="movement.create", target_id=str(m.pk)).actor.username == "demo.tinh"
    target = m.versions.get().targets.get()
    assert {y.year: y.count for y in target.years.all()} == movements_demo.DEMO_TARGETS
    kinds = {p.kind for p in m.participants.all()}
    assert kinds == {"department", "front", "mass_org", "commune_committee"}  # two tiers: no district
    communes = m.participants.filter(kind="commune_committee")
    assert communes.count() == 102 and all(p.unit.valid_from == dt.date(2025, 7, 1) for p in communes)
    owed = {(o.kind, o.year) for o in m.participants.get(organisation__code="so-tttt").obligations.all()}
    assert ("plan", 2026) in owed and ("midterm_review", 2028) in owed and ("final_review", 2030) in owed
    groups = dict(UnitGroup.objects.filter(movement=m).values_list("group").annotate(n=Count("id")))
    assert groups.get(2, 0) > 0 and set(groups) <= {1, 2, 3}
    assert all("DEMO" in g.basis for g in UnitGroup.objects.filter(movement=m))
    # loading again creates nothing twice
    before = (
        m.participants.count(),
        UnitGroup.objects.filter(movement=m).count(),
        AuditEntry.objects.count(),
    )
    movements_demo.load()
    assert (
        m.participants.count(),
        UnitGroup.objects.filter(movement=m).count(),
        AuditEntry.objects.count(),
    ) == before
    assert Movement.objects.filter(code=movements_demo.DEMO_CODE).count() == 1


def test_the_demo_pages_work_on_the_merged_province(demo_movement):
    m = demo_movement
    c = client_for("demo.tinh")
    for path in ["", "progress/", "forecast/", "obligations/", "consolidation/", "groups/"]:
        r = c.get(f"/movements/{m.pk}/{path}", {"on": "01/12/2026"})
        assert r.status_code == 200, path
        assert 'data-testid="demo-badge"' in r.content.decode(), path
    data = selectors.obligations_data(m, year=2026, today=dt.date(2026, 12, 1))
    statuses = {(i["participant"], i["kind"]): i["status"] for i in data["items"]}
    assert statuses[("Sở NN&PTNT", "plan")] == "on_time"
    assert statuses[("UBMTTQ tỉnh", "plan")] == "late"  # submitted 10/4/2026, due 31/3/2026
    assert statuses[("Sở NN&PTNT", "annual_report")] == "pending"  # due 15/12/2026
    fc = selectors.forecast_data(m, on=dt.date(2026, 12, 1))
    assert fc["remaining"] == [2026, 2027, 2028, 2029, 2030]
    assert fc["targets"][0]["years"][0]["target"] == movements_demo.DEMO_TARGETS[2026]


def test_an_administrator_reassigns_a_commune_group_audited(demo_movement):
    m = demo_movement
    g = UnitGroup.objects.filter(movement=m, group=2).first()
    c = client_for("demo.tinh")
    r = c.post(f"/movements/{m.pk}/groups/", {"unit": g.unit_id, "group": "1", "basis": "Liền kề đô thị"})
    assert r.status_code == 302
    g.refresh_from_db()
    assert g.group == 1
    entry = AuditEntry.objects.filter(action="movement.unit_group", unit_id=g.unit_id).latest("id")
    assert entry.changes["group"] == [2, 1]
    # a participant officer may not
    r = client_for("demo.so").post(f"/movements/{m.pk}/groups/", {"unit": g.unit_id, "group": "3"})
    assert r.status_code == 403
    g.refresh_from_db()
    assert g.group == 1
    # a group outside 1–3 is refused with a message, nothing written
    r = c.post(f"/movements/{m.pk}/groups/", {"unit": g.unit_id, "group": "7"}, follow=True)
    assert "Nhóm xã phải là 1, 2 hoặc 3" in r.content.decode()
    g.refresh_from_db()
    assert g.group == 1
