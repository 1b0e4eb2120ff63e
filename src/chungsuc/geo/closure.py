"""The derived tables the permission layer joins on: the unit tree's closure through time
(`UnitAncestor`) and who holds an ended unit's open business (`UnitHeir`).

Both are computed here from the units, their versions and the lineage, and written as a diff (rows
that did not change are not touched). `unit_data_load` rebuilds them once at the end of a load; saving
or deleting a unit, a version or a lineage link by other means (the Django admin, a test) rebuilds them
through the signals registered in `GeoConfig.ready`. Bulk writes that bypass signals (the bench's
generator) call `closure_rebuild()` themselves. The data is small (hundreds of units for a province,
about 11,000 at national scale), so a rebuild reads three tables once and computes in memory.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections import defaultdict

from django.db import transaction

_ONE_DAY = dt.timedelta(days=1)
_suspended: contextvars.ContextVar[bool] = contextvars.ContextVar("geo_closure_suspended", default=False)

Interval = tuple[dt.date | None, dt.date | None]


def intersect(a: Interval, b: Interval) -> Interval | None:
    """[from, to] ∩ [from, to] with None as open; None when they do not meet."""
    lo = a[0] if b[0] is None else b[0] if a[0] is None else max(a[0], b[0])
    hi = a[1] if b[1] is None else b[1] if a[1] is None else min(a[1], b[1])
    if lo is not None and hi is not None and lo > hi:
        return None
    return (lo, hi)


def _merge(intervals: list[Interval]) -> list[Interval]:
    """Overlapping or adjacent intervals joined."""
    key = [(dt.date.min if f is None else f, dt.date.max if t is None else t) for f, t in intervals]
    key.sort()
    out: list[list[dt.date]] = []
    for f, t in key:
        if out and (out[-1][1] == dt.date.max or f <= out[-1][1] + _ONE_DAY):
            out[-1][1] = max(out[-1][1], t)
        else:
            out.append([f, t])
    return [(None if f == dt.date.min else f, None if t == dt.date.max else t) for f, t in out]


def compute(
    units: dict[int, Interval],
    versions: list[tuple[int, int | None, dt.date | None, dt.date | None]],
    links: list[tuple[int, int]],
) -> tuple[set[tuple], set[tuple]]:
    """Pure: from units (id → lifetime), versions (unit, parent, from, to) and lineage links
    (predecessor, successor), the closure rows (ancestor, descendant, depth, from, to) and the heir
    rows (unit, heir, from, to)."""
    parents: dict[int, list[tuple[int, Interval]]] = defaultdict(list)
    for unit_id, parent_id, vf, vt in versions:
        if parent_id is not None:
            parents[unit_id].append((parent_id, (vf, vt)))
    successors: dict[int, set[int]] = defaultdict(set)
    for pred, succ in links:
        if pred != succ:
            successors[pred].add(succ)

    memo_up: dict[int, list[tuple[int, int, Interval]]] = {}

    def up(x: int, seen: frozenset = frozenset()) -> list[tuple[int, int, Interval]]:
        if x in memo_up:
            return memo_up[x]
        rows = [(x, 0, units.get(x, (None, None)))]
        if x not in seen:
            for parent_id, period in parents.get(x, ()):
                for a, d, iv in up(parent_id, seen | {x}):
                    met = intersect(iv, period)
                    if met is not None and a != x:
                        rows.append((a, d + 1, met))
        memo_up[x] = rows
        return rows

    ancestors: set[tuple] = set()
    for x in units:
        grouped: dict[tuple[int, int], list[Interval]] = defaultdict(list)
        for a, d, iv in up(x):
            grouped[(a, d)].append(iv)
        for (a, d), ivs in grouped.items():
            for f, t in _merge(ivs):
                ancestors.add((a, x, d, f, t))

    memo_heir: dict[int, list[tuple[int, Interval]]] = {}

    def heirs(x: int, seen: frozenset = frozenset()) -> list[tuple[int, Interval]]:
        if x in memo_heir:
            return memo_heir[x]
        life = units.get(x, (None, None))
        rows = [(x, (None, life[1]))]
        if life[1] is not None and x not in seen:
            after = (life[1] + _ONE_DAY, None)
            nxt = sorted(successors.get(x, ()))
            if not nxt:
                nxt = [p for p, (vf, vt) in parents.get(x, ()) if intersect((vf, vt), (life[1], life[1]))]
            for s in nxt:
                for h, iv in heirs(s, seen | {x}):
                    met = intersect(iv, after)
                    if met is not None:
                        rows.append((h, met))
        memo_heir[x] = rows
        return rows

    heir_rows: set[tuple] = set()
    for x in units:
        grouped_h: dict[int, list[Interval]] = defaultdict(list)
        for h, iv in heirs(x):
            grouped_h[h].append(iv)
        for h, ivs in grouped_h.items():
            for f, t in _merge(ivs):
                heir_rows.add((x, h, f, t))
    return ancestors, heir_rows


@transaction.atomic
def closure_rebuild(apps=None) -> dict[str, int]:
    """Bring `UnitAncestor` and `UnitHeir` in line with the units, versions and lineage; returns the
    number of rows added and removed. `apps` is a migration's app registry (the data migration)."""
    if apps is None:
        from chungsuc.geo.models import LineageLink, Unit, UnitAncestor, UnitHeir, UnitVersion
    else:
        LineageLink, Unit, UnitAncestor, UnitHeir, UnitVersion = (
            apps.get_model("geo", name)
            for name in ("LineageLink", "Unit", "UnitAncestor", "UnitHeir", "UnitVersion")
        )

    units = {
        pk: (vf, vt) for pk, vf, vt in Unit.objects.order_by().values_list("pk", "valid_from", "valid_to")
    }
    versions = list(
        UnitVersion.objects.order_by().values_list("unit_id", "parent_id", "valid_from", "valid_to")
    )
    links = list(LineageLink.objects.order_by().values_list("predecessor_id", "successor_id"))
    want_a, want_h = compute(units, versions, links)
    stats = {}
    for model, fields, want in (
        (UnitAncestor, ("ancestor_id", "descendant_id", "depth", "valid_from", "valid_to"), want_a),
        (UnitHeir, ("unit_id", "heir_id", "valid_from", "valid_to"), want_h),
    ):
        have: dict[tuple, list[int]] = defaultdict(list)
        for row in model.objects.order_by().values_list("pk", *fields):
            have[tuple(row[1:])].append(row[0])
        stale = [pk for key, pks in have.items() for pk in (pks if key not in want else pks[1:])]
        if stale:
            for i in range(0, len(stale), 500):
                model.objects.filter(pk__in=stale[i : i + 500]).delete()
        new = [model(**dict(zip(fields, key, strict=True))) for key in want if key not in have]
        model.objects.bulk_create(new, batch_size=2000)
        stats[model.__name__] = len(new) + len(stale)
    return stats


@contextlib.contextmanager
def suspended():
    """Inside, saving units, versions or links does not rebuild (the caller rebuilds once after)."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def on_change(sender, **kwargs) -> None:
    """Signal receiver: a unit, version or lineage link changed outside a bulk load."""
    if kwargs.get("raw") or _suspended.get():
        return
    closure_rebuild()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from chungsuc.geo.models import LineageLink, Unit, UnitVersion

    for model in (Unit, UnitVersion, LineageLink):
        post_save.connect(on_change, sender=model, dispatch_uid=f"geo-closure-save-{model.__name__}")
        post_delete.connect(on_change, sender=model, dispatch_uid=f"geo-closure-delete-{model.__name__}")
