"""Roadmaps: a commune registers the year it aims for a standard; totals against the targets year by
year; a unit past its year without recognition is flagged."""

import datetime as dt

import pytest

from chungsuc.core.models import AuditEntry
from chungsuc.movements import selectors
from chungsuc.movements.models import Roadmap
from chungsuc.movements.tests.conftest import client_for, record, unit


# Plan 861's officers of the district era: writes decided as of 31/12/2024, before the merger.
@pytest.mark.usefixtures("acting_in_2024")
def test_a_commune_registers_its_roadmap_and_is_flagged_when_behind(plan861, register_fixture):
    vinh_chanh, other = unit("30703"), unit("30658")
    c = client_for("demo.vinhchanh")
    r = c.post(
        f"/movements/{plan861.pk}/roadmaps/", {"unit": vinh_chanh.pk, "standard": "advanced", "year": "2024"}
    )
    assert r.status_code == 302
    assert Roadmap.objects.get(movement=plan861, unit=vinh_chanh).year == 2024
    assert AuditEntry.objects.filter(action="movement.roadmap", unit_id=vinh_chanh.pk).exists()
    # not for another commune
    r = c.post(
        f"/movements/{plan861.pk}/roadmaps/", {"unit": other.pk, "standard": "advanced", "year": "2024"}
    )
    assert r.status_code == 403
    assert not Roadmap.objects.filter(movement=plan861, unit=other).exists()
    # a year outside the plan's period is refused, with the message on the page
    r = c.post(
        f"/movements/{plan861.pk}/roadmaps/",
        {"unit": vinh_chanh.pk, "standard": "advanced", "year": "2028"},
        follow=True,
    )
    assert "Năm phấn đấu phải trong giai đoạn 2021–2025" in r.content.decode()
    assert Roadmap.objects.get(movement=plan861, unit=vinh_chanh).year == 2024
    # the province administrator registers Nhơn Mỹ advanced for 2025
    client_for("demo.tinh").post(
        f"/movements/{plan861.pk}/roadmaps/", {"unit": other.pk, "standard": "advanced", "year": "2025"}
    )
    data = selectors.roadmap_data(plan861, on=dt.date(2026, 12, 1))
    adv = next(s for s in data["by_standard"] if s["standard"] == "advanced")
    assert [(y["year"], y["target"], y["planned"], y["short"]) for y in adv["years"]][3:] == [
        (2024, 3, 1, 2),
        (2025, 3, 1, 2),
    ]
    units = {u["name"]: u for u in data["units"]}
    assert units["Xã Vĩnh Chánh"]["behind"] and units["Xã Nhơn Mỹ"]["behind"]
    # recognised: no longer behind
    record("30703", "advanced", dt.date(2024, 11, 1))
    data = selectors.roadmap_data(plan861, on=dt.date(2026, 12, 1))
    units = {u["name"]: u for u in data["units"]}
    assert units["Xã Vĩnh Chánh"]["recognised"] and not units["Xã Vĩnh Chánh"]["behind"]
    page = (
        client_for("demo.tinh")
        .get(f"/movements/{plan861.pk}/roadmaps/", {"on": "01/12/2026"})
        .content.decode()
    )
    assert f'data-testid="behind-{other.pk}"' in page and 'data-testid="roadmap-advanced-2024"' in page
