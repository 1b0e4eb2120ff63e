"""Unit history and lineage through the selectors: Tịnh Biên, Đông Xuyên / Mỹ Xuyên, a split commune,
a reused code."""

import datetime as dt

import pytest

from chungsuc.geo import selectors
from chungsuc.geo.models import Unit

pytestmark = pytest.mark.django_db


def test_tinh_bien_history(geo_units):
    unit = selectors.unit_by_code("890", dt.date(2021, 6, 30))
    history = selectors.unit_history(unit)
    assert [(v.name, v.kind) for v in history.versions] == [
        ("Huyện Tịnh Biên", "huyen"),
        ("Thị xã Tịnh Biên", "thi_xa"),
    ]
    (change,) = history.kind_changes
    assert change.date == dt.date(2023, 4, 10)
    events = [(e.date, e.kind) for e in history.events]
    assert (dt.date(2023, 4, 10), "reclassify") in events
    assert (dt.date(2025, 7, 1), "dissolve") in events  # district level abolished
    assert selectors.unit_by_code("890", dt.date(2023, 6, 30)) == unit


def test_dong_xuyen_merged_into_my_xuyen(geo_units):
    dong_xuyen = Unit.objects.get(key="30285")
    my_xuyen = Unit.objects.get(key="30286")
    assert dong_xuyen.valid_to == dt.date(2024, 12, 31)
    assert selectors.unit_by_code("30285", dt.date(2024, 12, 31)) == dong_xuyen
    assert selectors.unit_by_code("30285", dt.date(2025, 1, 1)) is None
    (link,) = selectors.unit_history(dong_xuyen).successors
    assert link.successor == my_xuyen and link.event.kind == "merge" and link.verified
    assert link.event.legal_act.startswith("NQ 1285/NQ-UBTVQH15") and link.event.date == dt.date(2025, 1, 1)
    preds = selectors.unit_history(my_xuyen).predecessors
    assert dong_xuyen in [p.predecessor for p in preds]
    # Mỹ Xuyên then went on into Phường Long Xuyên (unverified mapping).
    (succ,) = selectors.unit_history(my_xuyen).successors
    assert (succ.successor.code, succ.successor.name, succ.verified) == ("30307", "Phường Long Xuyên", False)


def test_split_commune_has_several_unverified_successors(geo_units):
    vinh_chau = Unit.objects.get(key="30334")
    history = selectors.unit_history(vinh_chau)
    assert [(s.successor.name, float(s.share), s.verified) for s in history.successors] == [
        ("Phường Vĩnh Tế", 69.5, False),
        ("Phường Châu Đốc", 29.6, False),
    ]
    assert history.has_unverified
    assert "split" in [e.kind for e in history.events]
    vinh_te = Unit.objects.get(key="30325@2025-07-01")
    assert vinh_chau in [p.predecessor for p in selectors.unit_history(vinh_te).predecessors]


def test_reused_code_means_different_units_at_different_dates(geo_units):
    old = selectors.unit_by_code("30292", dt.date(2025, 6, 30))
    new = selectors.unit_by_code("30292", dt.date(2025, 7, 1))
    assert (old.name, new.name) == ("Phường Bình Khánh", "Phường Bình Đức")
    assert old != new
    preds = {p.predecessor.name for p in selectors.unit_history(new).predecessors}
    assert {"Phường Bình Khánh", "Phường Bình Đức"} <= preds


def test_reclassified_before_the_first_snapshot(geo_units):
    on_2020 = selectors.version_of(Unit.objects.get(key="30478"), dt.date(2020, 12, 31))
    on_2021 = selectors.version_of(Unit.objects.get(key="30478"), dt.date(2021, 1, 1))
    assert (on_2020.name, on_2020.kind) == ("Xã Vĩnh Thạnh Trung", "xa")
    assert (on_2021.name, on_2021.kind) == ("Thị trấn Vĩnh Thạnh Trung", "thi_tran")


def test_tree_and_counts(geo_units):
    province = selectors.unit_by_code("89", dt.date(2021, 6, 30))
    counts = selectors.counts_by_kind(dt.date(2021, 6, 30), root=province)
    assert counts == {
        "tinh": 1,
        "huyen": 8,
        "thi_xa": 1,
        "thanh_pho": 2,
        "xa": 116,
        "phuong": 21,
        "thi_tran": 19,
    }
    (root,) = selectors.tree_on(dt.date(2021, 6, 30), root=province)
    assert [c.version.code for c in root.children][:3] == ["883", "884", "886"]
    found = selectors.tree_on(dt.date(2021, 6, 30), query="vinh chanh")
    rows = [(n.version.name, n.matched) for r in found for n, _ in r.walk()]
    assert rows == [("Tỉnh An Giang", False), ("Huyện Thoại Sơn", False), ("Xã Vĩnh Chánh", True)]
    assert selectors.counts_by_level(dt.date(2025, 7, 1)) == {"province": 1, "commune": 102}
