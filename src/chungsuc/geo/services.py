"""Writes of administrative unit data. One transaction each, with its audit row.

The unit map is reference data loaded from the project's `data/geo/` files (see `geo.unitdata` for how
the files are read); `unit_data_load` upserts it by natural keys, so running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from chungsuc.core.audit import audit_record
from chungsuc.geo import closure
from chungsuc.geo.models import Boundary, ChangeEvent, LineageLink, Unit, UnitVersion
from chungsuc.geo.unitdata import UnitDataset, fold, validate

UNIT_FIELDS = [
    "code",
    "name",
    "kind",
    "level",
    "valid_from",
    "valid_to",
    "region",
    "search_name",
    "verified",
    "note",
    "source",
]
VERSION_FIELDS = ["code", "name", "kind", "level", "parent_id", "valid_to"]
EVENT_FIELDS = ["date", "kind", "legal_act", "description", "source", "verified"]
LINK_FIELDS = ["share", "verified", "note"]
BOUNDARY_FIELDS = ["valid_to", "geometry", "source"]


@dataclass
class LoadStats:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, created: int = 0, updated: int = 0, deleted: int = 0) -> None:
        for bucket, n in ((self.created, created), (self.updated, updated), (self.deleted, deleted)):
            if n:
                bucket[what] = bucket.get(what, 0) + n

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def _sync(model, existing: dict, desired: dict, fields: list[str], stats: LoadStats, label: str) -> dict:
    """Make the rows keyed in `existing` match `desired` (key → unsaved instance). Returns key → row."""
    to_create, to_update = [], []
    for key, want in desired.items():
        have = existing.get(key)
        if have is None:
            to_create.append(want)
            continue
        if any(getattr(have, f) != getattr(want, f) for f in fields):
            for f in fields:
                setattr(have, f, getattr(want, f))
            to_update.append(have)
    stale = [row.pk for key, row in existing.items() if key not in desired]
    if stale:
        model.objects.filter(pk__in=stale).delete()
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=500)
    if to_create:
        model.objects.bulk_create(to_create, batch_size=500)
    stats.add(label, len(to_create), len(to_update), len(stale))
    return {key: existing.get(key) or desired[key] for key in desired}


@transaction.atomic
def unit_data_load(*, actor, dataset: UnitDataset) -> LoadStats:
    """Upsert units, versions, change events, lineage links and boundaries from `dataset`.

    The dataset is validated before anything is written; on a `UnitDataError` nothing is written. Rows
    of the loaded units that the data no longer contains are removed; units the data does not name
    (entered by hand) are left alone. Writes one audit row if anything changed. `actor` None is the
    system (the built-in loader); a person must be a superuser (the map is national reference data).
    """
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Chỉ quản trị hệ thống được nạp dữ liệu đơn vị hành chính.")
    validate(dataset)
    with closure.suspended():
        stats = _load(actor, dataset)
    closure.closure_rebuild()
    return stats


def _load(actor, dataset: UnitDataset) -> LoadStats:
    stats = LoadStats()

    # Units, by natural key.
    desired_units = {}
    for rec in dataset.units:
        names = list(dict.fromkeys(fold(v.name) for v in reversed(rec.versions)))
        desired_units[rec.key] = Unit(
            key=rec.key,
            code=rec.code,
            name=rec.name,
            kind=rec.kind,
            level=rec.level,
            valid_from=rec.valid_from,
            valid_to=rec.valid_to,
            region=rec.region,
            search_name=" | ".join(names)[:200],
            verified=rec.verified,
            note=rec.note,
            source=rec.source,
        )
    existing_units = {u.key: u for u in Unit.objects.filter(key__in=desired_units)}
    _sync(Unit, existing_units, desired_units, UNIT_FIELDS, stats, "units")
    unit_id = dict(Unit.objects.filter(key__in=desired_units).values_list("key", "id"))
    loaded_ids = list(unit_id.values())

    # Versions, by (unit, valid_from).
    desired_versions = {}
    for rec in dataset.units:
        for v in rec.versions:
            desired_versions[(unit_id[rec.key], v.valid_from)] = UnitVersion(
                unit_id=unit_id[rec.key],
                code=v.code,
                name=v.name,
                kind=v.kind,
                level=v.level,
                parent_id=unit_id[v.parent_key] if v.parent_key else None,
                valid_from=v.valid_from,
                valid_to=v.valid_to,
            )
    existing_versions = {
        (v.unit_id, v.valid_from): v for v in UnitVersion.objects.filter(unit_id__in=loaded_ids)
    }
    _sync(UnitVersion, existing_versions, desired_versions, VERSION_FIELDS, stats, "versions")

    # Change events, by key (events without a key were entered by hand and are left alone).
    desired_events = {
        e.key: ChangeEvent(
            key=e.key,
            date=e.date,
            kind=e.kind,
            legal_act=e.legal_act[:300],
            description=e.description,
            source=e.source,
            verified=e.verified,
        )
        for e in dataset.events
    }
    # Existing: the data's events, and keyed events about the loaded units that the data no longer has.
    existing_events = {
        e.key: e
        for e in ChangeEvent.objects.filter(
            Q(key__in=list(desired_events)) | Q(key__isnull=False, units__in=loaded_ids)
        ).distinct()
    }
    _sync(ChangeEvent, existing_events, desired_events, EVENT_FIELDS, stats, "events")
    event_id = dict(ChangeEvent.objects.filter(key__in=desired_events).values_list("key", "id"))

    # Units each event affects (the many-to-many table).
    Through = ChangeEvent.units.through
    desired_members = {
        (event_id[e.key], unit_id[k]): Through(changeevent_id=event_id[e.key], unit_id=unit_id[k])
        for e in dataset.events
        for k in e.units
    }
    existing_members = {
        (t.changeevent_id, t.unit_id): t for t in Through.objects.filter(changeevent_id__in=event_id.values())
    }
    _sync(Through, existing_members, desired_members, [], stats, "event_units")

    # Lineage links, by (event, predecessor, successor).
    desired_links = {}
    for e in dataset.events:
        for link in e.links:
            k = (event_id[e.key], unit_id[link.predecessor], unit_id[link.successor])
            desired_links[k] = LineageLink(
                event_id=k[0],
                predecessor_id=k[1],
                successor_id=k[2],
                share=link.share,
                verified=link.verified,
                note=link.note,
            )
    existing_links = {
        (x.event_id, x.predecessor_id, x.successor_id): x
        for x in LineageLink.objects.filter(event_id__in=event_id.values())
    }
    _sync(LineageLink, existing_links, desired_links, LINK_FIELDS, stats, "links")

    # Boundaries, by (unit, valid_from).
    desired_boundaries = {
        (unit_id[b.unit_key], b.valid_from): Boundary(
            unit_id=unit_id[b.unit_key],
            valid_from=b.valid_from,
            valid_to=b.valid_to,
            geometry=b.geometry,
            source=b.source,
        )
        for b in dataset.boundaries
    }
    existing_boundaries = {
        (b.unit_id, b.valid_from): b for b in Boundary.objects.filter(unit_id__in=loaded_ids)
    }
    _sync(Boundary, existing_boundaries, desired_boundaries, BOUNDARY_FIELDS, stats, "boundaries")

    if stats.changed:
        audit_record(
            actor=actor,
            action="geo.unit_data_load",
            target_type="geo.unit",
            target_repr="Đơn vị hành chính (dữ liệu có sẵn)",
            changes={"created": stats.created, "updated": stats.updated, "deleted": stats.deleted},
            reason="Nạp dữ liệu đơn vị hành chính có sẵn (data/geo).",
        )
    return stats


@transaction.atomic
def unit_commune_group_set(*, actor, unit: Unit, group: int | None, reason: str) -> Unit:
    """Set a commune's group (nhóm xã 1/2/3 of QĐ 51/2025, which picks its 2026–2030 thresholds), with
    a reason, audited. The province classifies its communes; built-in loaders act as the system."""
    from django.core.exceptions import ValidationError

    from chungsuc.core.scope import can

    # geo sits below accounts: the permission layer is reached through the settings hook
    if actor is not None and not can(actor, "unit.commune_group.set", unit):
        raise PermissionDenied("Chỉ cấp tỉnh phân nhóm xã.")
    if group is not None and group not in (1, 2, 3):
        raise ValidationError({"group": f"Nhóm xã «{group}» không hợp lệ: cần 1, 2 hoặc 3."})
    if not (reason or "").strip():
        raise ValidationError({"reason": "Cần nêu căn cứ phân nhóm xã."})
    before = unit.commune_group
    Unit.objects.filter(pk=unit.pk).update(commune_group=group)
    unit.commune_group = group
    audit_record(
        actor=actor,
        action="unit.commune_group",
        target=unit,
        unit_id=unit.pk,
        before={"commune_group": before},
        after={"commune_group": group},
        reason=reason.strip(),
    )
    return unit
