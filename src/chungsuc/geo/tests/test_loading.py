"""Loading the built-in unit data: idempotent, audited, and refusing bad input with a message that names
the record while writing nothing."""

import datetime as dt
import shutil

import pytest
import yaml

from chungsuc.core.models import AuditEntry
from chungsuc.geo import builtin
from chungsuc.geo.models import Boundary, ChangeEvent, LineageLink, Unit, UnitVersion
from chungsuc.geo.services import unit_data_load
from chungsuc.geo.unitdata import (
    SUPPLEMENT_FILE,
    UNITS_FILE,
    UnitDataError,
    VersionRecord,
    fold,
    parse,
    validate,
)

MODELS = [Unit, UnitVersion, ChangeEvent, ChangeEvent.units.through, LineageLink, Boundary, AuditEntry]


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def _commune(doc, code):
    return next(c for c in doc["communes"] if c["code"] == code)


# ------------------------------------------------------------------------------ loading and idempotency


def _renamed(dataset, prefix: str):
    """The dataset under other natural keys, so that loading it creates every row afresh."""
    for unit in dataset.units:
        unit.key = prefix + unit.key
    for event in dataset.events:
        event.key = prefix + event.key
        event.units = [prefix + k for k in event.units]
        for link in event.links:
            link.predecessor, link.successor = prefix + link.predecessor, prefix + link.successor
    for boundary in dataset.boundaries:
        boundary.unit_key = prefix + boundary.unit_key
    return dataset


@pytest.mark.django_db
def test_load_twice_gives_the_same_rows_and_one_audit_row(geo_units, dataset):
    dataset = _renamed(dataset, "t:")
    audits = AuditEntry.objects.filter(action="geo.unit_data_load")
    before, audits_before = counts(), audits.count()
    stats = unit_data_load(actor=None, dataset=dataset)
    assert stats.created == {
        "units": 271,
        "versions": 284,
        "events": 73,
        "event_units": 249,
        "links": 173,
        "boundaries": 270,
    }  # 89, 11 districts, 156 communes, 91 and its 102 units
    assert stats.updated == {} and stats.deleted == {}
    first = counts()
    assert first["Unit"] == before["Unit"] + 271
    assert audits.count() == audits_before + 1
    entry = audits.order_by("-id").first()
    assert entry.actor is None and entry.changes["created"]["units"] == 271
    assert not unit_data_load(actor=None, dataset=dataset).changed
    builtin.load()
    assert counts() == first  # nothing changed, so no new audit row either


@pytest.mark.django_db
def test_reload_repairs_an_edited_row_and_audits_it(geo_units):
    unit = Unit.objects.get(key="30703")
    Unit.objects.filter(pk=unit.pk).update(name="Sai tên")
    UnitVersion.objects.filter(unit=unit).delete()
    audits = AuditEntry.objects.filter(action="geo.unit_data_load")
    before = audits.count()
    builtin.load()
    unit.refresh_from_db()
    assert unit.name == "Xã Vĩnh Chánh"
    assert unit.versions.count() == 1
    assert audits.count() == before + 1
    assert audits.order_by("-id").first().changes == {
        "created": {"versions": 1},
        "updated": {"units": 1},
        "deleted": {},
    }


@pytest.mark.django_db
def test_only_a_superuser_may_load(geo_units, dataset, user_factory):
    from django.core.exceptions import PermissionDenied

    before = counts()
    with pytest.raises(PermissionDenied):
        unit_data_load(actor=user_factory("officer"), dataset=dataset)
    assert counts() == before


def test_fold_matches_with_and_without_diacritics():
    assert fold("Xã Vĩnh Chánh") == "xa vinh chanh"
    assert fold("Phường Đông  Xuyên") == "phuong dong xuyen"


# ------------------------------------------------------------------------------------------- bad input


def _assert_refused(call, *fragments):
    with pytest.raises(UnitDataError) as exc:
        call()
    message = str(exc.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


@pytest.fixture
def bad_dir(tmp_path, raw):
    """Write (a possibly edited) units yaml and the supplement into a scratch data folder."""
    src = builtin.data_dir()

    def make(doc=None, supplement=None):
        doc_, supplement_, _crosswalk, _geojson = raw
        (tmp_path / UNITS_FILE).write_text(yaml.safe_dump(doc or doc_, allow_unicode=True), encoding="utf-8")
        (tmp_path / SUPPLEMENT_FILE).write_text(
            yaml.safe_dump(supplement or supplement_, allow_unicode=True), encoding="utf-8"
        )
        shutil.copy(src / "crosswalk_pre2025_post2025_overlap.csv", tmp_path)
        return tmp_path

    return make


@pytest.mark.django_db
def test_duplicate_code_on_overlapping_dates_loads_nothing(geo_units, raw, bad_dir):
    doc = raw[0]
    twin = {**_commune(doc, 30703), "name": "Xã Trùng Mã", "code": 30280}
    twin["history"] = [{**h, "name": "Xã Trùng Mã"} for h in twin["history"]]
    doc["communes"].append(twin)
    before = counts()
    _assert_refused(
        lambda: builtin.load(directory=bad_dir(doc)),
        "Mã 30280 bị trùng",
        "Phường Mỹ Bình (mã 30280",
        "Xã Trùng Mã (mã 30280",
    )
    assert counts() == before


@pytest.mark.django_db
def test_parent_missing_at_that_date_loads_nothing(geo_units, raw, bad_dir):
    before = counts()
    doc = raw[0]
    history = _commune(doc, 30703)["history"]
    history[1]["district_code"] = 885  # no such district in 2023
    _assert_refused(
        lambda: builtin.load(directory=bad_dir(doc)),
        "Xã Vĩnh Chánh (mã 30703, 10/04/2023",
        "cấp trên mã 885 không tồn tại vào ngày 10/04/2023",
    )
    assert counts() == before


@pytest.mark.django_db
def test_parent_that_ended_before_the_child_loads_nothing(geo_units, dataset):
    new_unit = dataset.unit("30292@2025-07-01")
    new_unit.versions[0].parent_code = "89"  # the old province ended on 30/06/2025
    before = counts()
    _assert_refused(
        lambda: unit_data_load(actor=None, dataset=dataset),
        "Phường Bình Đức (mã 30292, 01/07/2025",
        "cấp trên mã 89 không tồn tại vào ngày 01/07/2025",
    )
    assert counts() == before


@pytest.mark.django_db
def test_cycle_loads_nothing(geo_units, dataset):
    dataset.unit("89").versions[0].parent_code = "883"  # province under its own city
    before = counts()
    _assert_refused(
        lambda: unit_data_load(actor=None, dataset=dataset),
        "Vòng lặp",
        "Tỉnh An Giang (mã 89",
        "Thành phố Long Xuyên (mã 883",
    )
    assert counts() == before


@pytest.mark.django_db
def test_unknown_kind_loads_nothing(geo_units, raw, bad_dir):
    doc = raw[0]
    _commune(doc, 30703)["history"][0]["type"] = "làng"
    before = counts()
    _assert_refused(
        lambda: builtin.load(directory=bad_dir(doc)),
        "Xã Vĩnh Chánh (mã 30703)",
        "2021-02",
        "loại đơn vị 'làng' không hợp lệ",
    )
    assert counts() == before


def test_unknown_kind_in_records_is_refused(dataset):
    dataset.unit("30703").versions[0].kind = "lang"
    _assert_refused(lambda: validate(dataset), "Xã Vĩnh Chánh (mã 30703", "'lang' không hợp lệ")


def test_bad_dates_are_refused(dataset, raw):
    version = dataset.unit("30478").versions[1]
    version.valid_to = dt.date(2020, 1, 1)
    _assert_refused(
        lambda: validate(dataset), "Thị trấn Vĩnh Thạnh Trung (mã 30478", "trước ngày bắt đầu (01/01/2021)"
    )
    doc, supplement, crosswalk, _geo = raw
    supplement["earlier_states"][0]["valid_to"] = "2020-02-30"
    _assert_refused(lambda: parse(doc, supplement, crosswalk), "mã 30478", "'2020-02-30' không hợp lệ")


def test_overlapping_versions_of_one_unit_are_refused(dataset):
    unit = dataset.unit("890")
    unit.versions.append(VersionRecord("890", "Thị xã Tịnh Biên", "thi_xa", "89", dt.date(2024, 1, 1), None))
    _assert_refused(lambda: validate(dataset), "chồng lấn", "Thị xã Tịnh Biên (mã 890")


# --------------------------------------------------------------------------------------------- reading


def test_snapshot_diffs_give_the_change_events(dataset):
    kinds = {}
    for event in dataset.events:
        kinds.setdefault((event.date.isoformat(), event.kind), []).append(event)
    reclassified_2023 = {e.key.rsplit("/", 1)[1] for e in kinds[("2023-04-10", "reclassify")]}
    # Tịnh Biên and its 7 phường, plus Đa Phước and Hội An.
    assert reclassified_2023 == {
        "890",
        "30502",
        "30505",
        "30508",
        "30511",
        "30514",
        "30517",
        "30520",
        "30373",
        "30673",
    }
    assert {e.key.rsplit("/", 1)[1] for e in kinds[("2021-01-01", "reclassify")]} == {
        "30478",
        "30580",
        "30604",
    }
    (merge_2025,) = kinds[("2025-01-01", "merge")]
    assert merge_2025.legal_act.startswith("NQ 1285/NQ-UBTVQH15")
    assert [(link.predecessor, link.successor) for link in merge_2025.links] == [("30285", "30286")]


def test_known_misspelling_is_fixed_and_noted(raw):
    doc, supplement, crosswalk, _geo = raw
    commune = _commune(doc, 30298)
    commune["name"] = "Phường Mỹ Qúy"
    for h in commune["history"]:
        h["name"] = "Phường Mỹ Qúy"
    unit = validate(parse(doc, supplement, crosswalk)).unit("30298")
    assert {v.name for v in unit.versions} == {"Phường Mỹ Quý"}
    assert "Phường Mỹ Qúy" in unit.note and "Phường Mỹ Quý" in unit.note


def test_boundaries_follow_the_units(dataset):
    spans = [
        (b.valid_from, b.valid_to, b.geometry["type"]) for b in dataset.boundaries if b.unit_key == "30286"
    ]
    # Mỹ Xuyên alone until 2024-12-31, then together with Đông Xuyên which it absorbed.
    assert spans == [
        (None, dt.date(2024, 12, 31), "Polygon"),
        (dt.date(2025, 1, 1), dt.date(2025, 6, 30), "MultiPolygon"),
    ]
    new = [b for b in dataset.boundaries if b.unit_key.endswith("@2025-07-01")]
    assert len(new) == 102 and all(b.valid_from == dt.date(2025, 7, 1) for b in new)
    assert "Thang Le Quoc" in new[0].source
