"""Reads of administrative units through time. The administrative map is public data; scoping of
officials' pages happens in accounts.selectors (callers pass the unit ids a user may see)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Max, Q, QuerySet, Value, When

from chungsuc.geo.models import Boundary, ChangeEvent, LineageLink, Unit, UnitKind, UnitLevel, UnitVersion
from chungsuc.geo.unitdata import fold

LEVEL_RANK = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2}
KIND_ORDER = [k.value for k in UnitKind]


def valid_on(date: dt.date, prefix: str = "") -> Q:
    """Rows whose [valid_from, valid_to] (inclusive, None = open) contains `date`."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": date})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": date})
    )


def level_order() -> Case:
    return Case(
        *(When(level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()),
        default=Value(9),
        output_field=IntegerField(),
    )


def versions_on(date: dt.date) -> QuerySet:
    """Every unit version valid on `date` (one per unit existing that day)."""
    return UnitVersion.objects.filter(valid_on(date)).select_related("unit", "parent")


def unit_by_code(code: str | int, on: dt.date) -> Unit | None:
    """The unit that bore national code `code` on `date` (codes are reused across time)."""
    version = UnitVersion.objects.filter(valid_on(on), code=str(code)).select_related("unit").first()
    return version.unit if version else None


def code_ever_used(code: str | int) -> bool:
    """Whether any unit bore national code `code` at any date."""
    return UnitVersion.objects.filter(code=str(code)).exists()


def version_of(unit: Unit | int, on: dt.date) -> UnitVersion | None:
    """The unit's state on `date`, or None if it did not exist then."""
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    return UnitVersion.objects.filter(valid_on(on), unit_id=unit_id).select_related("parent").first()


def units_on(
    date: dt.date,
    *,
    parent: Unit | None = None,
    kind: str | None = None,
    level: str | None = None,
    unit_ids=None,
) -> QuerySet:
    """Versions valid on `date` (province, then district, then commune level; by code), optionally the
    children of `parent`, of one kind or level, or among `unit_ids`."""
    qs = versions_on(date)
    if parent is not None:
        qs = qs.filter(parent=parent)
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return qs.annotate(level_rank=level_order()).order_by("level_rank", "code", "unit_id")


def children_on(unit: Unit, date: dt.date, unit_ids=None) -> QuerySet:
    return units_on(date, parent=unit, unit_ids=unit_ids)


def codes_on(date: dt.date) -> dict[int, str]:
    """unit id → national code on `date` (to show a parent's code as it was that day)."""
    return dict(UnitVersion.objects.filter(valid_on(date)).values_list("unit_id", "code"))


def boundaries_on(date: dt.date, *, level: str | None = None) -> list[tuple[Boundary, UnitVersion]]:
    """(boundary, the unit's version) pairs valid on `date`, by code."""
    versions = {v.unit_id: v for v in units_on(date, level=level)}
    boundaries = Boundary.objects.filter(valid_on(date), unit_id__in=list(versions))
    pairs = [(b, versions[b.unit_id]) for b in boundaries]
    pairs.sort(key=lambda p: _sort_key(p[1]))
    return pairs


# ---------------------------------------------------------------------------------------------- tree


@dataclass
class TreeNode:
    version: UnitVersion
    children: list[TreeNode] = field(default_factory=list)
    matched: bool = True

    @property
    def unit(self) -> Unit:
        return self.version.unit

    def walk(self, depth: int = 0):
        yield self, depth
        for child in self.children:
            yield from child.walk(depth + 1)


def _sort_key(version: UnitVersion):
    return (LEVEL_RANK.get(version.level, 9), len(version.code), version.code)


def tree_on(
    date: dt.date,
    *,
    root: Unit | None = None,
    unit_ids=None,
    query: str = "",
) -> list[TreeNode]:
    """The administrative tree on `date`: a list of root nodes with their children.

    With `root`, only that unit's subtree; with `unit_ids` (ids or a subquery), only those units (the
    roots are then the visible units whose parent is not visible, e.g. a district for its officer).
    With `query`, only units whose name (with or without diacritics) or code contains it, and their
    ancestors.
    """
    qs = versions_on(date).select_related(None).select_related("unit")
    if unit_ids is not None:  # a subquery of the permission layer (or a few ids), kept in the database
        qs = qs.filter(unit_id__in=unit_ids)
    versions = list(qs)
    nodes = {v.unit_id: TreeNode(v) for v in versions}
    children: dict[int | None, list[TreeNode]] = defaultdict(list)
    for v in versions:
        children[v.parent_id if v.parent_id in nodes else None].append(nodes[v.unit_id])
    for node_list in children.values():
        node_list.sort(key=lambda n: _sort_key(n.version))
    for unit_id, node in nodes.items():
        node.children = children.get(unit_id, [])
    if root is not None:
        roots = [nodes[root.pk]] if root.pk in nodes else []
    else:
        roots = children.get(None, [])
    if query:
        needle = fold(query)

        def prune(node: TreeNode) -> bool:
            node.children = [c for c in node.children if prune(c)]
            node.matched = needle in fold(node.version.name) or needle in node.version.code
            return node.matched or bool(node.children)

        roots = [n for n in roots if prune(n)]
    return roots


def counts_by_kind(date: dt.date, root: Unit | None = None) -> dict[str, int]:
    """How many units of each kind exist on `date` (in `root`'s subtree, root included), in kind order."""
    counter: Counter = Counter()
    for tree in tree_on(date, root=root):
        for node, _depth in tree.walk():
            counter[node.version.kind] += 1
    return {kind: counter[kind] for kind in KIND_ORDER if counter[kind]}


def counts_by_level(date: dt.date, root: Unit | None = None) -> dict[str, int]:
    counter: Counter = Counter()
    for tree in tree_on(date, root=root):
        for node, _depth in tree.walk():
            counter[node.version.level] += 1
    return {level: counter[level] for level in LEVEL_RANK if counter[level]}


def last_valid_day(unit_ids) -> dt.date | None:
    """The last day on which any of the units existed (None if one of them still exists, or no units)."""
    qs = UnitVersion.objects.filter(unit_id__in=unit_ids)
    if not qs.exists() or qs.filter(valid_to__isnull=True).exists():
        return None
    return qs.aggregate(last=Max("valid_to"))["last"]


# ------------------------------------------------------------------------------------------- history


@dataclass
class VersionChange:
    """What changed between two consecutive versions of one unit."""

    date: dt.date | None
    before: UnitVersion
    after: UnitVersion
    fields: list[str]  # among "name", "kind", "code", "parent"


@dataclass
class UnitHistory:
    unit: Unit
    versions: list[UnitVersion]
    changes: list[VersionChange]
    events: list[ChangeEvent]
    predecessors: list[LineageLink]
    successors: list[LineageLink]

    @property
    def kind_changes(self) -> list[VersionChange]:
        return [c for c in self.changes if "kind" in c.fields]

    @property
    def name_changes(self) -> list[VersionChange]:
        return [c for c in self.changes if "name" in c.fields]

    @property
    def has_unverified(self) -> bool:
        return any(not link.verified for link in [*self.predecessors, *self.successors])


def unit_history(unit: Unit) -> UnitHistory:
    """A unit's versions, the kind/name/code/parent changes between them, the change events that
    affected it (with legal acts) and its predecessors and successors (with share and verification)."""
    versions = list(unit.versions.select_related("parent").order_by("valid_from"))
    versions.sort(key=lambda v: v.valid_from or dt.date.min)
    changes = []
    for before, after in zip(versions, versions[1:], strict=False):
        fields = [f for f in ("name", "kind", "code") if getattr(before, f) != getattr(after, f)]
        if before.parent_id != after.parent_id:
            fields.append("parent")
        changes.append(VersionChange(after.valid_from, before, after, fields))
    events = list(
        ChangeEvent.objects.filter(Q(units=unit) | Q(links__predecessor=unit) | Q(links__successor=unit))
        .distinct()
        .order_by("date", "id")
    )
    links = LineageLink.objects.select_related("event", "predecessor", "successor")
    predecessors = list(
        links.filter(successor=unit).exclude(predecessor=unit).order_by("-share", "predecessor__code")
    )
    successors = list(
        links.filter(predecessor=unit).exclude(successor=unit).order_by("-share", "successor__code")
    )
    return UnitHistory(unit, versions, changes, events, predecessors, successors)
