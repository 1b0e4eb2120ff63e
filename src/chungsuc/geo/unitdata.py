"""Administrative unit data: from the built-in files to validated, normalized records (pure: no Django).

Input files (in `data/geo/`): `an_giang_units.yaml` (old An Giang, three snapshots, the merged province's
102 units, an unverified old→new mapping), `an_giang_units_supplement.yaml` (the few facts the snapshots
cannot say: the provinces, the states before the first snapshot, who absorbed whom, which communes were
split, known misspellings, boundary attributions), `crosswalk_pre2025_post2025_overlap.csv` (area shares)
and the boundary GeoJSON files.

How the data is read:

- Old province: code "89", kind tinh, region dong_bang_song_cuu_long, valid until 2025-06-30. Merged
  province: code "91" "Tỉnh An Giang" from 2025-07-01, same region. One `merge` event on 2025-07-01
  (NQ 202/2025/QH15 + NQ 1654/NQ-UBTVQH15, from meta.admin_changes) links 89 → 91. Kiên Giang's old units
  are not loaded. The district level of old An Giang ends on 2025-06-30 (a `dissolve` event on 2025-07-01
  naming every district), and so does every old commune.
- A snapshot "YYYY-MM" is observed at the end of that month. The state it shows begins on the date of the
  one admin change (meta.admin_changes) falling after the previous snapshot and no later than this one;
  the first snapshot's state begins "always" (valid_from None) unless the supplement gives an earlier
  state: Vĩnh Thạnh Trung, Cô Tô and Vĩnh Bình were xã until 2020-12-31 and thị trấn from 2021-01-01
  (NQ 1107/NQ-UBTVQH14), a `reclassify` event each.
- Changes are found by diffing consecutive states of each code (name, kind, district), never from a
  hard-coded list: kind changed → `reclassify`, only the name → `rename`, only the district → `transfer`
  (each links the unit to itself); a code that disappears → `merge` into the unit the supplement names
  (Phường Đông Xuyên 30285 → Phường Mỹ Xuyên 30286 on 2025-01-01, NQ 1285/NQ-UBTVQH15) or `dissolve`;
  a code that appears → `create`. So on 2023-04-10 (NQ 721/NQ-UBTVQH15) Huyện Tịnh Biên becomes Thị xã
  Tịnh Biên (same unit, a new version), its xã/thị trấn become phường, Đa Phước and Hội An become thị trấn.
- The 102 units of the merged province are new units (parent 91, from 2025-07-01; xã, phường, đặc khu).
  Each old commune links to its `successor_2025` (verified=False: a third-party mapping). The communes the
  supplement lists as split (30334, 30358, 30692) link instead to every unit that holds at least
  `min_share` of their area in the crosswalk, with that share (percent), also unverified.
- A known misspelling (30298 "Phường Mỹ Qúy" → "Phường Mỹ Quý") is fixed at load time and the fix is
  recorded in the unit's note. All names are NFC-normalized.
- National codes are reused across time (30292 was Phường Bình Khánh; from 2025-07-01 it is the merged
  Phường Bình Đức), so a unit's natural `key` is its code when it existed before the data begins, and
  "code@first-day" otherwise ("30292@2025-07-01", "91@2025-07-01").

`validate()` refuses a duplicate code on overlapping dates, a parent that does not exist at that date, a
cycle, an unknown kind and bad dates with a `UnitDataError` whose Vietnamese message names the record.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from chungsuc.core.text import fold  # noqa: F401  (pure; re-exported for geo callers)

# Unit kinds (values of geo.models.UnitKind) and their levels, with the Vietnamese words the data uses.
KIND_LEVEL = {
    "tinh": "province",
    "thanh_pho_tw": "province",
    "huyen": "district",
    "thi_xa": "district",
    "thanh_pho": "district",
    "xa": "commune",
    "phuong": "commune",
    "thi_tran": "commune",
    "dac_khu": "commune",
}
KIND_WORDS = {
    "tỉnh": "tinh",
    "thành phố trực thuộc trung ương": "thanh_pho_tw",
    "huyện": "huyen",
    "thị xã": "thi_xa",
    "thành phố": "thanh_pho",
    "xã": "xa",
    "phường": "phuong",
    "thị trấn": "thi_tran",
    "đặc khu": "dac_khu",
}
KIND_LABEL = {v: k for k, v in KIND_WORDS.items()}
LEVEL_RANK = {"province": 0, "district": 1, "commune": 2}
EVENT_KINDS = {"create", "dissolve", "rename", "reclassify", "merge", "split", "transfer"}

UNITS_FILE = "an_giang_units.yaml"
SUPPLEMENT_FILE = "an_giang_units_supplement.yaml"
CROSSWALK_FILE = "crosswalk_pre2025_post2025_overlap.csv"

ONE_DAY = dt.timedelta(days=1)


class UnitDataError(ValueError):
    """Bad administrative unit data. The message (Vietnamese) names the record and the reason."""


# --------------------------------------------------------------------------------------------- text


def fmt_date(value: dt.date | None, open_text: str = "…") -> str:
    return value.strftime("%d/%m/%Y") if value else open_text


def _nfc(text: Any) -> str:
    return unicodedata.normalize("NFC", str(text)).strip()


# ------------------------------------------------------------------------------------------ records


@dataclass
class VersionRecord:
    code: str
    name: str
    kind: str
    parent_code: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    level: str = ""
    parent_key: str | None = None  # resolved by validate()

    def __post_init__(self) -> None:
        if not self.level:
            self.level = KIND_LEVEL.get(self.kind, "")

    def label(self) -> str:
        return f"{self.name} (mã {self.code}, {fmt_date(self.valid_from)}–{fmt_date(self.valid_to)})"

    def contains(self, day: dt.date | None) -> bool:
        """True if `day` (None = the open beginning of time) falls in this version's period."""
        if day is None:
            return self.valid_from is None
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass
class UnitRecord:
    key: str
    versions: list[VersionRecord]
    region: str = ""
    verified: bool = True
    note: str = ""
    source: str = ""

    @property
    def latest(self) -> VersionRecord:
        return self.versions[-1]

    @property
    def code(self) -> str:
        return self.latest.code

    @property
    def name(self) -> str:
        return self.latest.name

    @property
    def kind(self) -> str:
        return self.latest.kind

    @property
    def level(self) -> str:
        return self.latest.level

    @property
    def valid_from(self) -> dt.date | None:
        return self.versions[0].valid_from

    @property
    def valid_to(self) -> dt.date | None:
        return self.versions[-1].valid_to

    def version_on(self, day: dt.date | None) -> VersionRecord | None:
        return next((v for v in self.versions if v.contains(day)), None)

    def label(self) -> str:
        return f"{self.name} (mã {self.code}, {fmt_date(self.valid_from)}–{fmt_date(self.valid_to)})"


@dataclass
class LinkRecord:
    predecessor: str  # unit keys
    successor: str
    share: Decimal | None = None  # percent of the predecessor's area, where known
    verified: bool = True
    note: str = ""


@dataclass
class EventRecord:
    key: str
    date: dt.date
    kind: str
    legal_act: str
    description: str = ""
    source: str = ""
    verified: bool = True
    units: list[str] = field(default_factory=list)  # keys of the units it affects
    links: list[LinkRecord] = field(default_factory=list)


@dataclass
class BoundaryRecord:
    unit_key: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    geometry: dict
    source: str


@dataclass
class UnitDataset:
    units: list[UnitRecord]
    events: list[EventRecord] = field(default_factory=list)
    boundaries: list[BoundaryRecord] = field(default_factory=list)

    def unit(self, key: str) -> UnitRecord:
        return next(u for u in self.units if u.key == key)


def unit_key(code: str, valid_from: dt.date | None) -> str:
    return code if valid_from is None else f"{code}@{valid_from.isoformat()}"


# ------------------------------------------------------------------------------------------ parsing


def _date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise UnitDataError(f"{where}: ngày '{value}' không hợp lệ (cần dạng YYYY-MM-DD).")


def _kind(word: Any, where: str) -> str:
    text = _nfc(word).lower() if word is not None else ""
    if text in KIND_WORDS:
        return KIND_WORDS[text]
    if text in KIND_LEVEL:
        return text
    allowed = ", ".join(KIND_WORDS)
    raise UnitDataError(f"{where}: loại đơn vị '{word}' không hợp lệ (loại hợp lệ: {allowed}).")


def _snapshot_end(label: str, where: str) -> dt.date:
    match = re.fullmatch(r"(\d{4})[-_](\d{2})", str(label).strip())
    if not match:
        raise UnitDataError(f"{where}: nhãn ảnh chụp '{label}' không hợp lệ (cần dạng YYYY-MM).")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise UnitDataError(f"{where}: nhãn ảnh chụp '{label}' không hợp lệ (tháng {month}).")
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class _AdminChange:
    date: dt.date
    act: str
    change: str
    source: str


def _admin_changes(doc: dict) -> list[_AdminChange]:
    out = []
    for i, raw in enumerate((doc.get("meta") or {}).get("admin_changes") or [], start=1):
        where = f"meta.admin_changes mục {i}"
        day = _date(raw.get("date"), where)
        if day is None or not raw.get("act"):
            raise UnitDataError(f"{where}: thiếu ngày hoặc văn bản (act).")
        out.append(
            _AdminChange(day, _nfc(raw["act"]), _nfc(raw.get("change", "")), _nfc(raw.get("source", "")))
        )
    return sorted(out, key=lambda c: c.date)


def _change_on(changes: list[_AdminChange], day: dt.date, where: str) -> _AdminChange:
    found = [c for c in changes if c.date == day]
    if not found:
        raise UnitDataError(
            f"{where}: không có văn bản nào trong meta.admin_changes có hiệu lực ngày {fmt_date(day)}."
        )
    return found[0]


State = tuple[str, str, str | None]  # (name, kind, parent code)


@dataclass
class _Timeline:
    """One code's states over time: [(start, state or None)], start None = the open beginning."""

    code: str
    steps: list[tuple[dt.date | None, State | None]]


def _versions_and_changes(
    tl: _Timeline, end: dt.date | None
) -> tuple[list[VersionRecord], list[tuple[dt.date, State | None, State | None]]]:
    versions: list[VersionRecord] = []
    changes: list[tuple[dt.date, State | None, State | None]] = []
    (started, current), rest = tl.steps[0], tl.steps[1:]
    for start, state in rest:
        if state == current:
            continue
        if current is not None:
            versions.append(
                VersionRecord(tl.code, current[0], current[1], current[2], started, start - ONE_DAY)
            )
        changes.append((start, current, state))
        current, started = state, start
    if current is not None:
        versions.append(VersionRecord(tl.code, current[0], current[1], current[2], started, end))
    return versions, changes


def parse(
    doc: dict,
    supplement: dict,
    crosswalk: list[dict] | None = None,
    geojson: dict[str, dict] | None = None,
) -> UnitDataset:
    """Turn the raw documents into unit, event and boundary records (not yet validated)."""
    crosswalk = crosswalk or []
    geojson = geojson or {}
    changes = _admin_changes(doc)
    corrections = {}
    for c in supplement.get("corrections") or []:
        corrections[(str(c["code"]), _nfc(c["wrong"]))] = (_nfc(c["right"]), _nfc(c.get("source", "")))
    notes: dict[str, list[str]] = defaultdict(list)

    def name_of(code: str, raw: Any) -> str:
        name = _nfc(raw or "")
        fix = corrections.get((code, name))
        if fix:
            note = f"Sửa lỗi chính tả khi nạp: “{name}” → “{fix[0]}” (nguồn: {fix[1]})."
            if note not in notes[code]:
                notes[code].append(note)
            return fix[0]
        return name

    # ---- provinces
    provinces: dict[str, dict] = {}
    units: list[UnitRecord] = []
    for i, raw in enumerate(supplement.get("provinces") or [], start=1):
        code = str(raw.get("code", "")).strip()
        where = f"Tỉnh mục {i} ({raw.get('name')}, mã {code})"
        vf, vt = _date(raw.get("valid_from"), where), _date(raw.get("valid_to"), where)
        version = VersionRecord(code, _nfc(raw.get("name", "")), _kind(raw.get("kind"), where), None, vf, vt)
        provinces[code] = raw
        units.append(
            UnitRecord(
                unit_key(code, vf),
                [version],
                region=str(raw.get("region") or ""),
                verified=bool(raw.get("verified", True)),
                note=_nfc(raw.get("note", "")),
                source=_nfc(raw.get("source", "")),
            )
        )
    old_code = str((doc.get("meta") or {}).get("province", {}).get("code", "89"))
    new_doc = doc.get("new_province_2025") or {}
    new_code = str(new_doc.get("code", "91"))
    if old_code not in provinces:
        raise UnitDataError(f"Thiếu bản ghi tỉnh mã {old_code} trong tệp bổ sung ({SUPPLEMENT_FILE}).")
    old_end = _date(provinces[old_code].get("valid_to"), f"Tỉnh mã {old_code}")

    # ---- snapshots and the date each begins
    snapshot_keys = sorted(k for k in doc if re.fullmatch(r"districts_\d{4}_\d{2}", k))
    labels = sorted({k.removeprefix("districts_").replace("_", "-") for k in snapshot_keys})
    for commune in doc.get("communes") or []:
        for h in commune.get("history") or []:
            label = str(h.get("snapshot", ""))
            if label and label not in labels:
                labels.append(label)
    labels.sort()
    if not labels:
        raise UnitDataError("Dữ liệu đơn vị không có ảnh chụp nào (districts_YYYY_MM, communes[].history).")
    ends = [_snapshot_end(label, f"Ảnh chụp {label}") for label in labels]
    starts: list[dt.date | None] = [None]
    for prev_end, this_end, label in zip(ends, ends[1:], labels[1:], strict=False):
        window = [c for c in changes if prev_end < c.date <= this_end]
        if len(window) != 1:
            raise UnitDataError(
                f"Ảnh chụp {label}: cần đúng một thay đổi trong meta.admin_changes có hiệu lực sau "
                f"{fmt_date(prev_end)} và không muộn hơn {fmt_date(this_end)}, nhưng có {len(window)}."
            )
        starts.append(window[0].date)

    earlier: dict[str, dict] = {}
    for raw in supplement.get("earlier_states") or []:
        earlier[str(raw["code"])] = raw
    earlier_source = _nfc(supplement.get("earlier_states_source", ""))

    def timeline(code: str, states: list[State | None], where: str) -> _Timeline:
        steps: list[tuple[dt.date | None, State | None]] = list(zip(starts, states, strict=True))
        if code in earlier:
            raw = earlier[code]
            until = _date(raw.get("valid_to"), f"{where} (trạng thái trước)")
            if until is None:
                raise UnitDataError(f"{where}: trạng thái trước ảnh chụp đầu tiên thiếu ngày kết thúc.")
            prior: State = (
                name_of(code, raw.get("name")),
                _kind(raw.get("type"), f"{where} (trạng thái trước)"),
                str(raw.get("district_code") or "") or None,
            )
            steps = [(None, prior), (until + ONE_DAY, steps[0][1]), *steps[1:]]
        return _Timeline(code, steps)

    # ---- districts
    timelines: list[tuple[_Timeline, str]] = []
    district_states: dict[str, list[State | None]] = defaultdict(lambda: [None] * len(labels))
    for key in snapshot_keys:
        idx = labels.index(key.removeprefix("districts_").replace("_", "-"))
        for raw in doc[key] or []:
            code = str(raw.get("code", "")).strip()
            where = f"{key}: {raw.get('name')} (mã {code})"
            if not code:
                raise UnitDataError(f"{where}: thiếu mã.")
            district_states[code][idx] = (
                name_of(code, raw.get("name")),
                _kind(raw.get("type"), where),
                old_code,
            )
    for code, states in district_states.items():
        timelines.append((timeline(code, states, f"Đơn vị cấp huyện mã {code}"), "district"))

    # ---- communes
    commune_docs: dict[str, dict] = {}
    for raw in doc.get("communes") or []:
        code = str(raw.get("code", "")).strip()
        where = f"communes: {raw.get('name')} (mã {code})"
        if not code:
            raise UnitDataError(f"{where}: thiếu mã.")
        commune_docs[code] = raw
        states: list[State | None] = [None] * len(labels)
        for h in raw.get("history") or []:
            label = str(h.get("snapshot", ""))
            if h.get("present", True) is False:
                continue
            hwhere = f"{where}, ảnh chụp {label}"
            states[labels.index(label)] = (
                name_of(code, h.get("name")),
                _kind(h.get("type"), hwhere),
                str(h.get("district_code") or "").strip() or None,
            )
        timelines.append((timeline(code, states, where), "commune"))

    absorbed = {str(a["code"]): a for a in supplement.get("absorbed") or []}
    events: list[EventRecord] = []
    key_of_old: dict[str, str] = {}
    for tl, _level in timelines:
        versions, diffs = _versions_and_changes(tl, old_end)
        if not versions:
            continue
        source = "an_giang_units.yaml (vietnam-provinces 0.4.3 / 0.5.0 / 0.5.8)"
        if tl.code in earlier and earlier_source:
            source += f"; trạng thái trước 2021: {earlier_source}"
        record = UnitRecord(unit_key(tl.code, versions[0].valid_from), versions, source=source)
        record.note = " ".join(notes.get(tl.code, []))
        units.append(record)
        key_of_old[tl.code] = record.key
        for day, before, after in diffs:
            act = _change_on(changes, day, f"Thay đổi của {record.label()}")
            events.append(_diff_event(record, day, before, after, act, absorbed))

    # Merges into units found later: resolve the absorbing unit's key now that every old unit exists.
    for event in events:
        for link in event.links:
            if link.successor.startswith("?"):
                target = link.successor[1:]
                if target not in key_of_old:
                    raise UnitDataError(
                        f"Sự kiện {event.key}: đơn vị nhận sáp nhập mã {target} không có trong dữ liệu."
                    )
                link.successor = key_of_old[target]
                event.units.append(link.successor)

    # ---- the merged province and its units
    if new_code in provinces:
        new_start = _date(provinces[new_code].get("valid_from"), f"Tỉnh mã {new_code}")
        new_key = unit_key(new_code, new_start)
        merge_raw = supplement.get("province_merge") or {}
        merge_day = _date(merge_raw.get("date"), "province_merge") or new_start
        act = _change_on(changes, merge_day, "Hợp nhất tỉnh")
        old_keys = [unit_key(str(c), None) for c in merge_raw.get("predecessors") or [old_code]]
        events.append(
            EventRecord(
                key=f"{merge_day.isoformat()}/merge/{old_code}",
                date=merge_day,
                kind="merge",
                legal_act=act.act,
                description=_nfc(merge_raw.get("description", act.change)),
                source=act.source,
                units=[*old_keys, new_key],
                links=[LinkRecord(k, new_key) for k in old_keys],
            )
        )
        district_keys = [key_of_old[c] for c in district_states if key_of_old.get(c)]
        if district_keys:
            events.append(
                EventRecord(
                    key=f"{merge_day.isoformat()}/dissolve/districts-{old_code}",
                    date=merge_day,
                    kind="dissolve",
                    legal_act=act.act,
                    description="Bỏ cấp huyện: các đơn vị hành chính cấp huyện của tỉnh cũ kết thúc ngày "
                    f"{fmt_date(merge_day - ONE_DAY)}.",
                    source=act.source,
                    units=district_keys,
                )
            )
        new_units: dict[str, UnitRecord] = {}
        for raw in new_doc.get("units") or []:
            code = str(raw.get("code", "")).strip()
            where = f"new_province_2025: {raw.get('name')} (mã {code})"
            if not code:
                raise UnitDataError(f"{where}: thiếu mã.")
            version = VersionRecord(
                code, name_of(code, raw.get("name")), _kind(raw.get("type"), where), new_code, new_start, None
            )
            record = UnitRecord(
                unit_key(code, new_start),
                [version],
                source=f"an_giang_units.yaml new_province_2025 ({_nfc(new_doc.get('source', ''))})",
            )
            if code in new_units:
                other = new_units[code]
                raise UnitDataError(
                    f"Mã {code} bị trùng trong cùng thời gian: {other.latest.label()} và {version.label()}."
                )
            new_units[code] = record
            units.append(record)
        events.extend(
            _lineage_2025(
                commune_docs,
                key_of_old,
                new_units,
                {u.code: u.valid_to for u in units if u.key in key_of_old.values()},
                supplement,
                crosswalk,
                act,
                merge_day,
            )
        )

    dataset = UnitDataset(units=units, events=events)
    dataset.boundaries = _boundaries(dataset, supplement, geojson, absorbed, key_of_old)
    return dataset


def _diff_event(
    record: UnitRecord,
    day: dt.date,
    before: State | None,
    after: State | None,
    act: _AdminChange,
    absorbed: dict[str, dict],
) -> EventRecord:
    code = record.code
    key_base = f"{day.isoformat()}/{{kind}}/{code}"
    if before is None:
        return EventRecord(
            key_base.format(kind="create"),
            day,
            "create",
            act.act,
            f"Thành lập {after[0]}.",
            act.source,
            units=[record.key],
        )
    if after is None:
        target = absorbed.get(code)
        if target:
            into = str(target["into"])
            return EventRecord(
                key_base.format(kind="merge"),
                day,
                "merge",
                act.act,
                f"{before[0]} (mã {code}) nhập vào đơn vị mã {into}.",
                "; ".join(filter(None, [act.source, _nfc(target.get("source", ""))])),
                verified=bool(target.get("verified", True)),
                units=[record.key],
                links=[LinkRecord(record.key, f"?{into}", verified=bool(target.get("verified", True)))],
            )
        return EventRecord(
            key_base.format(kind="dissolve"),
            day,
            "dissolve",
            act.act,
            f"Giải thể {before[0]} (mã {code}).",
            act.source,
            units=[record.key],
        )
    if before[1] != after[1]:
        kind = "reclassify"
    elif before[0] != after[0]:
        kind = "rename"
    else:
        kind = "transfer"
    parts = [f"{before[0]} → {after[0]}"]
    if before[2] != after[2]:
        parts.append(f"đơn vị cấp trên: mã {before[2]} → mã {after[2]}")
    return EventRecord(
        key_base.format(kind=kind),
        day,
        kind,
        act.act,
        "; ".join(parts) + ".",
        act.source,
        units=[record.key],
        links=[LinkRecord(record.key, record.key)],
    )


def _lineage_2025(
    commune_docs: dict[str, dict],
    key_of_old: dict[str, str],
    new_units: dict[str, UnitRecord],
    ended: dict[str, dt.date | None],
    supplement: dict,
    crosswalk: list[dict],
    act: _AdminChange,
    day: dt.date,
) -> list[EventRecord]:
    split_cfg = supplement.get("splits") or {}
    split_codes = {str(c) for c in split_cfg.get("codes") or []}
    min_share = Decimal(str(split_cfg.get("min_share", 0)))
    shares: dict[tuple[str, str], Decimal] = {}
    for i, row in enumerate(crosswalk, start=2):
        try:
            shares[(str(row["code_pre2025"]).strip(), str(row["code_post2025"]).strip())] = Decimal(
                str(row["share_of_pre_area"]).strip()
            )
        except (KeyError, ArithmeticError, ValueError):
            raise UnitDataError(f"{CROSSWALK_FILE} dòng {i}: thiếu mã hoặc tỉ lệ diện tích không hợp lệ.")
    mapping_note = "Ánh xạ của bên thứ ba, chưa kiểm chứng (mapping UNVERIFIED)."
    incoming: dict[str, list[LinkRecord]] = defaultdict(list)
    split_events: list[EventRecord] = []

    def percent(value: Decimal | None) -> Decimal | None:
        return None if value is None else (value * 100).quantize(Decimal("0.01"))

    def shown(value: Decimal | None) -> str:
        return f"{value:.1f}".replace(".", ",")

    for code, raw in commune_docs.items():
        if code not in key_of_old or (ended.get(code) or day) < day - ONE_DAY:
            continue  # gone before the merger (e.g. absorbed on 1/1/2025)
        succ = raw.get("successor_2025") or {}
        target = str(succ.get("code_2025") or "").strip()
        verified = "UNVERIFIED" not in str(succ.get("status", "UNVERIFIED")).upper()
        old_key = key_of_old[code]
        if code in split_codes:
            parts = sorted(
                (
                    (post, share)
                    for (pre, post), share in shares.items()
                    if pre == code and share >= min_share
                ),
                key=lambda p: -p[1],
            )
            if len(parts) < 2:
                raise UnitDataError(
                    f"Xã bị chia mã {code} ({raw.get('name')}): {CROSSWALK_FILE} không có ít nhất hai đơn vị "
                    f"kế thừa với tỉ lệ ≥ {min_share}."
                )
            links = []
            for post, share in parts:
                if post not in new_units:
                    raise UnitDataError(
                        f"Xã bị chia mã {code}: đơn vị kế thừa mã {post} không có trong tỉnh mới."
                    )
                links.append(
                    LinkRecord(
                        old_key,
                        new_units[post].key,
                        percent(share),
                        False,
                        f"Một phần diện tích (~{shown(percent(share))}%). {mapping_note}",
                    )
                )
            split_events.append(
                EventRecord(
                    key=f"{day.isoformat()}/split/{code}",
                    date=day,
                    kind="split",
                    legal_act=act.act,
                    description=f"{_nfc(raw.get('name'))} (mã {code}) được chia cho: "
                    + ", ".join(f"{new_units[p].name} (~{shown(percent(s))}%)" for p, s in parts)
                    + ". Tỉ lệ diện tích gần đúng (theo ranh giới), chưa kiểm chứng.",
                    source=_nfc(split_cfg.get("source", "")),
                    verified=False,
                    units=[old_key, *(new_units[p].key for p, _ in parts)],
                    links=links,
                )
            )
            for post, _share in parts:
                incoming[post].append(LinkRecord(old_key, new_units[post].key, None, False, "split"))
            continue
        if not target:
            raise UnitDataError(
                f"{_nfc(raw.get('name'))} (mã {code}, đến {fmt_date(day - ONE_DAY)}): thiếu đơn vị kế thừa "
                "successor_2025.code_2025."
            )
        if target not in new_units:
            raise UnitDataError(
                f"{_nfc(raw.get('name'))} (mã {code}): đơn vị kế thừa mã {target} không có trong tỉnh mới."
            )
        incoming[target].append(
            LinkRecord(
                old_key,
                new_units[target].key,
                percent(shares.get((code, target))),
                verified,
                mapping_note if not verified else "",
            )
        )
    events = []
    source = _nfc(supplement.get("mapping_source") or "") or "an_giang_units.yaml communes[].successor_2025"
    for code, record in new_units.items():
        links = incoming.get(code, [])
        if not links:
            continue
        names = []
        for link in links:
            pre_code = link.predecessor.split("@")[0]
            pre_name = _nfc(commune_docs[pre_code].get("name")) if pre_code in commune_docs else pre_code
            names.append(f"{pre_name} (một phần)" if link.note == "split" else pre_name)
        own_links = [link for link in links if link.note != "split"]
        events.append(
            EventRecord(
                key=f"{day.isoformat()}/arrange/{code}",
                date=day,
                kind="merge" if len(links) > 1 else "create",
                legal_act=act.act,
                description=f"{record.name} (mã {code}) từ: {', '.join(names)}. {mapping_note}",
                source=f"{source}; {act.source}",
                verified=False,
                units=[*(link.predecessor for link in links), record.key],
                links=own_links,
            )
        )
    return [*split_events, *events]


def _as_multipolygon(geometry: dict) -> list:
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["coordinates"])
    raise UnitDataError(
        f"Hình học loại '{geometry.get('type')}' không được hỗ trợ (cần Polygon/MultiPolygon)."
    )


def _boundaries(
    dataset: UnitDataset,
    supplement: dict,
    geojson: dict[str, dict],
    absorbed: dict[str, dict],
    key_of_old: dict[str, str],
) -> list[BoundaryRecord]:
    out: list[BoundaryRecord] = []
    by_key = {u.key: u for u in dataset.units}
    for cfg in supplement.get("boundaries") or []:
        fc = geojson.get(cfg["file"])
        if fc is None:
            continue
        vf = _date(cfg.get("valid_from"), cfg["file"])
        vt = _date(cfg.get("valid_to"), cfg["file"])
        level = cfg.get("level")
        attribution = _nfc(cfg.get("attribution", ""))
        geoms: dict[str, dict] = {}
        for i, feature in enumerate(fc.get("features") or [], start=1):
            code = str((feature.get("properties") or {}).get("code", "")).strip()
            matches = [
                u
                for u in dataset.units
                if u.level == level
                and any(v.code == code for v in u.versions)
                and (vf is None or u.valid_to is None or u.valid_to >= vf)
                and (vt is None or u.valid_from is None or u.valid_from <= vt)
            ]
            if len(matches) != 1:
                raise UnitDataError(
                    f"{cfg['file']} đối tượng {i} (mã {code}): không xác định được đúng một đơn vị "
                    f"{level} có mã này ({len(matches)} đơn vị)."
                )
            geoms[matches[0].key] = feature["geometry"]
        for key, geometry in geoms.items():
            unit = by_key[key]
            start = max(filter(None, [vf, unit.valid_from]), default=None)
            end = min(filter(None, [vt, unit.valid_to]), default=None)
            joined = [
                (a, by_key[key_of_old[str(a["code"])]])
                for a in absorbed.values()
                if str(a["into"]) == unit.code and key_of_old.get(str(a["code"])) in geoms
            ]
            for _raw, absorbed_unit in joined:
                cut = absorbed_unit.valid_to
                if cut is None:
                    continue
                out.append(BoundaryRecord(key, start, cut, geometry, attribution))
                start = cut + ONE_DAY
                geometry = {
                    "type": "MultiPolygon",
                    "coordinates": _as_multipolygon(geometry) + _as_multipolygon(geoms[absorbed_unit.key]),
                }
                attribution_note = f" Gồm cả {absorbed_unit.name} (mã {absorbed_unit.code}) đã nhập vào."
                attribution = (
                    attribution + attribution_note if attribution_note not in attribution else attribution
                )
            out.append(BoundaryRecord(key, start, end, geometry, attribution))
            attribution = _nfc(cfg.get("attribution", ""))
    return out


# ----------------------------------------------------------------------------------------- validate


def _overlaps(a: VersionRecord, b: VersionRecord) -> bool:
    a_from = a.valid_from or dt.date.min
    b_from = b.valid_from or dt.date.min
    a_to = a.valid_to or dt.date.max
    b_to = b.valid_to or dt.date.max
    return a_from <= b_to and b_from <= a_to


def _covers(
    versions: list[VersionRecord], start: dt.date | None, end: dt.date | None
) -> dt.date | None | bool:
    """True if the versions' periods together cover [start, end]; else the first day not covered."""
    day = start or dt.date.min
    last = end or dt.date.max
    for v in sorted(versions, key=lambda v: v.valid_from or dt.date.min):
        v_from = v.valid_from or dt.date.min
        v_to = v.valid_to or dt.date.max
        if v_from > day:
            break
        if v_to >= day:
            if v_to >= last:
                return True
            day = v_to + ONE_DAY
    return day


def validate(dataset: UnitDataset) -> UnitDataset:
    """Check the records and resolve each version's parent; raise `UnitDataError` on the first problem."""
    keys: dict[str, UnitRecord] = {}
    for unit in dataset.units:
        if not unit.versions:
            raise UnitDataError(f"Đơn vị khóa {unit.key}: không có trạng thái nào.")
        keys.setdefault(unit.key, unit)
        for v in unit.versions:
            if not v.code or not v.name:
                raise UnitDataError(f"Bản ghi {v.label()}: thiếu mã hoặc tên.")
            if v.kind not in KIND_LEVEL:
                raise UnitDataError(
                    f"Bản ghi {v.label()}: loại đơn vị '{v.kind}' không hợp lệ "
                    f"(loại hợp lệ: {', '.join(KIND_LEVEL)})."
                )
            if v.level != KIND_LEVEL[v.kind]:
                raise UnitDataError(f"Bản ghi {v.label()}: cấp '{v.level}' không khớp với loại '{v.kind}'.")
            for day in (v.valid_from, v.valid_to):
                if day is not None and not isinstance(day, dt.date):
                    raise UnitDataError(f"Bản ghi {v.label()}: ngày '{day}' không hợp lệ.")
            if v.valid_from and v.valid_to and v.valid_to < v.valid_from:
                raise UnitDataError(
                    f"Bản ghi {v.label()}: ngày hết hiệu lực ({fmt_date(v.valid_to)}) trước ngày bắt đầu "
                    f"({fmt_date(v.valid_from)})."
                )
        ordered = sorted(unit.versions, key=lambda v: v.valid_from or dt.date.min)
        for a, b in zip(ordered, ordered[1:], strict=False):
            if _overlaps(a, b):
                raise UnitDataError(
                    f"Hai trạng thái của cùng một đơn vị chồng lấn thời gian: {a.label()} và {b.label()}."
                )
        unit.versions = ordered

    # A national code is unique among versions whose periods overlap.
    by_code: dict[str, list[tuple[UnitRecord, VersionRecord]]] = defaultdict(list)
    for unit in dataset.units:
        for v in unit.versions:
            by_code[v.code].append((unit, v))
    for code, items in by_code.items():
        items.sort(key=lambda item: item[1].valid_from or dt.date.min)
        for i, (unit_a, a) in enumerate(items):
            for unit_b, b in items[i + 1 :]:
                if (b.valid_from or dt.date.min) > (a.valid_to or dt.date.max):
                    break
                if unit_a is not unit_b and _overlaps(a, b):
                    raise UnitDataError(
                        f"Mã {code} bị trùng trong cùng thời gian: {a.label()} và {b.label()}."
                    )

    seen: dict[str, UnitRecord] = {}
    for unit in dataset.units:
        if unit.key in seen:
            raise UnitDataError(
                f"Khóa đơn vị {unit.key} bị trùng: {seen[unit.key].label()} và {unit.label()}."
            )
        seen[unit.key] = unit

    # Parents: the unit bearing the parent code on the child's first day, alive for the child's whole period.
    for unit in dataset.units:
        for v in unit.versions:
            v.parent_key = None
            if not v.parent_code:
                continue
            holders = [u for u, pv in by_code.get(v.parent_code, []) if pv.contains(v.valid_from)]
            if not holders:
                raise UnitDataError(
                    f"Bản ghi {v.label()}: đơn vị cấp trên mã {v.parent_code} không tồn tại vào ngày "
                    f"{fmt_date(v.valid_from, 'bắt đầu')}."
                )
            parent = holders[0]
            gap = _covers(parent.versions, v.valid_from, v.valid_to)
            if gap is not True:
                raise UnitDataError(
                    f"Bản ghi {v.label()}: đơn vị cấp trên {parent.label()} không tồn tại vào ngày "
                    f"{fmt_date(gap)}."
                )
            v.parent_key = parent.key

    # No cycles in the parent graph (over all dates).
    graph = {u.key: {v.parent_key for v in u.versions if v.parent_key} for u in dataset.units}
    state: dict[str, int] = {}

    def visit(key: str, path: list[str]) -> None:
        state[key] = 1
        for parent in sorted(graph.get(key, ())):
            if state.get(parent) == 1:
                cycle = path[path.index(parent) :] + [parent] if parent in path else [key, parent]
                chain = " → ".join(keys[k].label() for k in cycle)
                raise UnitDataError(f"Vòng lặp cấp trên – cấp dưới: {chain}.")
            if parent not in state:
                visit(parent, [*path, parent])
        state[key] = 2

    for key in graph:
        if key not in state:
            visit(key, [key])

    for unit in dataset.units:
        for v in unit.versions:
            if (
                v.parent_key
                and LEVEL_RANK[keys[v.parent_key].version_on(v.valid_from).level] >= LEVEL_RANK[v.level]
            ):
                raise UnitDataError(
                    f"Bản ghi {v.label()}: đơn vị cấp trên {keys[v.parent_key].label()} không ở cấp cao hơn."
                )

    event_keys: set[str] = set()
    for event in dataset.events:
        where = f"Sự kiện {event.key} ({fmt_date(event.date)})"
        if event.key in event_keys:
            raise UnitDataError(f"{where}: khóa sự kiện bị trùng.")
        event_keys.add(event.key)
        if not isinstance(event.date, dt.date):
            raise UnitDataError(f"{where}: ngày không hợp lệ.")
        if event.kind not in EVENT_KINDS:
            raise UnitDataError(f"{where}: loại thay đổi '{event.kind}' không hợp lệ.")
        if not event.legal_act:
            raise UnitDataError(f"{where}: thiếu văn bản pháp lý.")
        for key in [*event.units, *(k for link in event.links for k in (link.predecessor, link.successor))]:
            if key not in keys:
                raise UnitDataError(f"{where}: đơn vị khóa {key} không có trong dữ liệu.")
        for link in event.links:
            if link.share is not None and not (0 <= link.share <= 100):
                raise UnitDataError(f"{where}: tỉ lệ {link.share} ngoài khoảng 0–100.")
    for b in dataset.boundaries:
        if b.unit_key not in keys:
            raise UnitDataError(f"Ranh giới: đơn vị khóa {b.unit_key} không có trong dữ liệu.")
    return dataset


# ------------------------------------------------------------------------------------------ reading

_CACHE: dict[tuple, UnitDataset] = {}


def _read_yaml(path: Path) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=loader) or {}
    except yaml.YAMLError as exc:
        raise UnitDataError(f"Tệp {path.name}: không đọc được YAML ({exc}).")


def read_sources(data_dir: Path) -> tuple[dict, dict, list[dict], dict[str, dict]]:
    """The raw documents from `data_dir` (the project's data/geo folder)."""
    units_path = data_dir / UNITS_FILE
    if not units_path.exists():
        raise UnitDataError(f"Không tìm thấy tệp dữ liệu đơn vị {units_path}.")
    doc = _read_yaml(units_path)
    supp_path = data_dir / SUPPLEMENT_FILE
    supplement = _read_yaml(supp_path) if supp_path.exists() else {}
    crosswalk: list[dict] = []
    cw_path = data_dir / CROSSWALK_FILE
    if cw_path.exists():
        with cw_path.open(encoding="utf-8", newline="") as fh:
            crosswalk = list(csv.DictReader(fh))
    geojson = {}
    for cfg in supplement.get("boundaries") or []:
        path = data_dir / cfg["file"]
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                geojson[cfg["file"]] = json.load(fh)
    return doc, supplement, crosswalk, geojson


def load_dataset(data_dir: Path) -> UnitDataset:
    """Read, parse and validate the files in `data_dir`; memoized on the files' modification times."""
    files = sorted(p for p in data_dir.iterdir() if p.suffix in {".yaml", ".csv", ".geojson"})
    stamp = (str(data_dir), tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files))
    if stamp not in _CACHE:
        _CACHE.clear()
        _CACHE[stamp] = validate(parse(*read_sources(data_dir)))
    return _CACHE[stamp]
