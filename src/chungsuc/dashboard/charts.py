"""The figures behind the officials' charts: recognitions by year, communes by band of criteria met,
the achievement rate of each criterion, regressions, and the same figures for each unit one level down
(the drill-down province → district → commune). Every read is scoped to the user and taken "as of" a
date, on the administrative tree valid that day (old province before 1/7/2025, merged after).

Each function returns a `core.tables.DataTable` (what the page's table shows and every export
downloads) and the chart's ECharts option is built from that same table, so chart, table, export and
text alternative never disagree.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from chungsuc.accounts import permissions
from chungsuc.assessments.models import EvaluationResult, Standard
from chungsuc.assessments.selectors import criteria_text, decode_criteria, is_latest_result
from chungsuc.core.tables import FLOAT, INT, PERCENT, TEXT, YEAR, Column, DataTable
from chungsuc.geo.models import LineageLink, Unit, UnitAncestor, UnitLevel, UnitVersion
from chungsuc.geo.selectors import valid_on
from chungsuc.recognitions import selectors as recognition_selectors
from chungsuc.recognitions.models import RecognitionRecord

FIRST_YEAR = 2021  # Plan 861/KH-UBND covers 2021–2025
STANDARDS = [(Standard.NTM, "ntm"), (Standard.ADVANCED, "advanced"), (Standard.MODEL, "model")]
BANDS = [
    ("full", "Đạt đủ tiêu chí"),
    ("15", "Từ 15 tiêu chí trở lên"),
    ("10", "Từ 10 đến 14 tiêu chí"),
    ("5", "Từ 5 đến 9 tiêu chí"),
    ("0", "Dưới 5 tiêu chí"),
]


class Node(NamedTuple):
    """A unit's version valid on a day, as the charts read it (plain values: at national scale the tree
    is 10,000 rows, read several times a page; model instances cost ten times more)."""

    unit_id: int
    code: str
    name: str
    level: str
    parent_id: int | None


class Result(NamedTuple):
    """A commune's latest evaluation result of a year (plain values, with its unit)."""

    assessment_id: int
    unit_id: int
    criteria_met: int
    criteria_total: int
    criteria: dict
    framework_code: str
    standard_met: bool


@dataclass
class Context:
    """Who is looking, at which unit, on which day."""

    user: object
    on: dt.date
    root: Unit
    version: Node
    # every commune-level unit under root on `on`, that the user may see
    communes: set[int] = field(default_factory=set)
    # versions valid on `on` by unit id (the whole tree that day)
    versions: dict[int, Node] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=dict)
    # the units of the day's tree the user may see (None: every unit, a superuser)
    visible_ids: frozenset | None = None
    # trees of other days read during this page (recognitions by year reads one per year)
    trees: dict = field(default_factory=dict)
    # register rows (unit, standard, since, until) of the communes ever under root, read once a page
    register: list | None = None
    # `communes` are the communes under `root` (False for a commune's peers, under its parent)
    under_root: bool = True
    # what the user may see of each tree read (by the tree's identity)
    seen: dict = field(default_factory=dict)

    def visible(self, unit_id: int) -> bool:
        return self.visible_ids is None or unit_id in self.visible_ids

    def breadcrumb(self) -> list[UnitVersion]:
        chain, cur = [], self.version
        while cur is not None:
            chain.append(cur)
            cur = self.versions.get(cur.parent_id) if cur.parent_id else None
        return [v for v in reversed(chain) if self.visible(v.unit_id)]


def _tree(on: dt.date) -> tuple[dict[int, Node], dict[int, list[int]]]:
    versions = {
        row[0]: Node(*row)
        for row in UnitVersion.objects.filter(valid_on(on))
        .order_by("code")
        .values_list("unit_id", "code", "name", "level", "parent_id")
    }
    return versions, _children(versions)


def _children(versions: dict[int, Node]) -> dict[int, list[int]]:
    """Each unit's children in a day's tree (in the versions' order: by code)."""
    children: dict[int, list[int]] = defaultdict(list)
    for v in versions.values():
        if v.parent_id in versions:
            children[v.parent_id].append(v.unit_id)
    return children


def _prefetch_trees(ctx: Context, days: list[dt.date]) -> None:
    """Read the trees of several days in one query: the versions valid at some point between the first
    day and the as-of date; days between which no version starts or ends share one tree (the tree of the
    as-of date itself where they share its), so a page asking for six year-ends builds one or two."""
    days = sorted({d for d in days if d not in ctx.trees and d != ctx.on})
    if not days:
        return
    lo = days[0]
    rows = list(
        UnitVersion.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=lo))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=ctx.on))
        .order_by("code")
        .values_list("unit_id", "code", "name", "level", "parent_id", "valid_from", "valid_to")
    )
    # the days on which the tree changes: a version starts, or the day after one ends
    changes = sorted(
        {r[5] for r in rows if r[5] is not None and r[5] > lo}
        | {r[6] + dt.timedelta(days=1) for r in rows if r[6] is not None and r[6] >= lo}
    )

    def epoch(day):
        return bisect_right(changes, day)

    built: dict[int, tuple] = {epoch(ctx.on): (ctx.versions, ctx.children)}
    for day in days:
        e = epoch(day)
        if e not in built:
            versions = {
                r[0]: Node(*r[:5])
                for r in rows
                if (r[5] is None or r[5] <= day) and (r[6] is None or r[6] >= day)
            }
            built[e] = (versions, _children(versions))
        ctx.trees[day] = built[e]


def _descendant_communes(root_id: int, versions, children) -> set[int]:
    out, stack = set(), [root_id]
    while stack:
        uid = stack.pop()
        v = versions.get(uid)
        if v is None:
            continue
        if v.level == UnitLevel.COMMUNE:
            out.add(uid)
        stack.extend(children.get(uid, ()))
    return out


def context_for(user, *, on: dt.date, unit_id=None) -> Context:
    """The drill-down context; `unit_id` None = the user's widest unit valid on `on` (the province for
    a province-wide official). A unit the user may not see, or that did not exist that day, is a 404."""
    versions, children = _tree(on)
    visible_ids = _visible_among(user, on)

    def visible(uid):
        return visible_ids is None or uid in visible_ids

    if unit_id in (None, ""):
        candidates = [v for v in versions.values() if visible(v.unit_id)]
        rank = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2}
        candidates.sort(key=lambda v: (rank.get(v.level, 9), v.code))
        if not candidates:
            raise Http404(_("Không có đơn vị nào trong phạm vi phụ trách vào ngày này"))
        version = candidates[0]
    else:
        try:
            uid = int(unit_id)
        except (TypeError, ValueError):
            raise Http404(_("Không tìm thấy đơn vị"))
        version = versions.get(uid)
        if version is None or not visible(uid):
            raise Http404(_("Không tìm thấy đơn vị"))
    communes = {c for c in _descendant_communes(version.unit_id, versions, children) if visible(c)}
    return Context(
        user=user,
        on=on,
        root=Unit.objects.get(pk=version.unit_id),
        version=version,
        communes=communes,
        versions=versions,
        children=children,
        visible_ids=visible_ids,
    )


def _visible_among(user, day: dt.date) -> frozenset | None:
    """Which units of the tree valid on `day` the user may see (`unit.view`, over their jurisdictions'
    whole period), asked of the permission layer in one query; None for a superuser (every unit)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return None
    tree = UnitVersion.objects.filter(valid_on(day)).values("unit_id")
    return frozenset(permissions.reached(user, "unit.view", tree))


def _communes_at(ctx: Context, day: dt.date) -> set[int]:
    """The communes under the root (or its predecessors, across a merger) on another day."""
    if day == ctx.on:
        return ctx.communes
    if day not in ctx.trees:
        ctx.trees[day] = _tree(day)
    versions, children = ctx.trees[day]
    if versions is ctx.versions:  # the same tree as the as-of date's: the same communes
        return ctx.communes
    roots = {ctx.root.pk} if ctx.root.pk in versions else set()
    if not roots:
        frontier = {ctx.root.pk}
        for _step in range(3):
            preds = set(
                LineageLink.objects.filter(successor_id__in=frontier).values_list("predecessor_id", flat=True)
            )
            roots |= {p for p in preds if p in versions}
            frontier = preds - roots
            if roots or not frontier:
                break
    out: set[int] = set()
    for r in roots:
        out |= _descendant_communes(r, versions, children)
    if not out:
        return out
    # days sharing a tree share what the user may see of it (`unit.view` is over the whole period)
    key = id(versions)
    if key not in ctx.seen:
        ctx.seen[key] = _visible_among(ctx.user, day)
    seen = ctx.seen[key]
    return out if seen is None else out & seen


def _register_counts(ctx: Context, unit_ids: set[int], day: dt.date) -> Counter:
    """Records in force on `day` by standard, among `unit_ids`: counted in memory from the register's
    rows read once a page (a page asks for one count per year of the plan)."""
    if ctx.register is None:
        ctx.register = list(
            RecognitionRecord.objects.filter(since__lte=ctx.on)
            .order_by()
            .values_list("unit_id", "standard", "since", "until")
        )
    return Counter(
        standard
        for unit_id, standard, since, until in ctx.register
        if unit_id in unit_ids and since <= day and (until is None or until >= day)
    )


# --- 1. recognitions by year -------------------------------------------------------------------------


def recognitions_by_year(ctx: Context) -> DataTable:
    """Communes holding each standard at the end of each year of the plan (the last year: on the as-of
    date), with the plan's target where one is recorded."""
    rows = []
    _prefetch_trees(ctx, [min(dt.date(y, 12, 31), ctx.on) for y in range(FIRST_YEAR, ctx.on.year + 1)])
    for year in range(FIRST_YEAR, ctx.on.year + 1):
        day = min(dt.date(year, 12, 31), ctx.on)
        ids = _communes_at(ctx, day)
        counts = _register_counts(ctx, ids, day) if ids else Counter()
        rows.append(
            {
                "year": year,
                "as_of": day,
                "communes": len(ids),
                **{key: counts.get(code, 0) for code, key in STANDARDS},
            }
        )
    return DataTable(
        key="recognitions",
        title=_("Số xã đạt chuẩn theo năm"),
        subtitle=_("%(unit)s — lũy kế đến cuối mỗi năm (năm cuối: đến ngày %(d)s)")
        % {"unit": ctx.version.name, "d": ctx.on.strftime("%d/%m/%Y")},
        columns=[
            Column("year", _("Năm"), YEAR),
            Column("communes", _("Số xã"), INT, _("xã")),
            Column("ntm", _("Đạt chuẩn nông thôn mới"), INT, _("xã")),
            Column("advanced", _("Nông thôn mới nâng cao"), INT, _("xã")),
            Column("model", _("Nông thôn mới kiểu mẫu"), INT, _("xã")),
        ],
        rows=rows,
        note=_("Nguồn: sổ công nhận trên hệ thống (quyết định công nhận còn hiệu lực)."),
    )


# --- latest evaluation results ----------------------------------------------------------------------


# Above this many communes a read is filtered by a join on the closure of the tree (the units under the
# root that day) and the scope applied in memory, rather than by thousands of ids in the statement.
CLOSURE_FROM = 500


def _units_filter(ctx: Context, field: str) -> Q:
    """`field` among the context's communes: their ids, or, for a wide root, the units under the root
    on the as-of date (a superset the caller narrows to `ctx.communes`)."""
    if ctx.under_root and len(ctx.communes) > CLOSURE_FROM:
        under = UnitAncestor.objects.filter(valid_on(ctx.on), ancestor_id=ctx.root.pk).values("descendant_id")
        return Q(**{f"{field}__in": under})
    return Q(**{f"{field}__in": ctx.communes})


def _latest_results(ctx: Context, year: int, *, with_criteria: bool = True) -> list[Result]:
    """The latest result of each commune's assessment of `year` (the criteria's statuses decoded only
    when asked: at national scale decoding them is most of the read)."""
    if not ctx.communes:
        return []
    qs = EvaluationResult.objects.filter(
        _units_filter(ctx, "assessment__unit_id"),
        is_latest_result(),
        assessment__year=year,
        assessment__framework__standard=Standard.NTM,
    ).order_by()
    fields = ["assessment_id", "assessment__unit_id", "criteria_met", "criteria_total"]
    rest = ["framework_code", "standard_met"]
    if with_criteria:
        rows = (
            Result(a, u, m, t, decode_criteria(c), f, s)
            for a, u, m, t, c, f, s in qs.annotate(criteria_json=criteria_text()).values_list(
                *fields, "criteria_json", *rest
            )
        )
    else:
        rows = (Result(a, u, m, t, None, f, s) for a, u, m, t, f, s in qs.values_list(*fields, *rest))
    return [r for r in rows if r.unit_id in ctx.communes]


def evaluation_year(ctx: Context) -> int:
    """The latest year up to the as-of date with a stored evaluation under the root (or the as-of year).
    Asked year by year, newest first, as an EXISTS each (one or two short queries; a MAX over every
    result under a province scanned them all: 42 ms at 10,000 communes on PostgreSQL)."""
    if not ctx.communes:
        return ctx.on.year
    under = _units_filter(ctx, "assessment__unit_id")
    for year in range(ctx.on.year, FIRST_YEAR - 6, -1):
        if EvaluationResult.objects.filter(under, assessment__year=year).exists():
            return year
    return ctx.on.year


def _band(met: int, total: int) -> str:
    if total and met >= total:
        return "full"
    if met >= 15:
        return "15"
    if met >= 10:
        return "10"
    if met >= 5:
        return "5"
    return "0"


def communes_by_band(ctx: Context, year: int, results=None) -> DataTable:
    results = _latest_results(ctx, year) if results is None else results
    counts = Counter(_band(r.criteria_met, r.criteria_total) for r in results)
    n = len(results)
    rows = [
        {
            "band": label,
            "communes": counts.get(key, 0),
            "share": (100 * counts.get(key, 0) / n) if n else None,
        }
        for key, label in BANDS
    ]
    return DataTable(
        key="bands",
        title=_("Số xã theo số tiêu chí đạt"),
        subtitle=_(
            "%(unit)s — kết quả đánh giá mới nhất năm %(y)s; %(n)s xã có kết quả; %(all)s xã trong phạm vi"
        )
        % {"unit": ctx.version.name, "y": year, "n": n, "all": len(ctx.communes)},
        columns=[
            Column("band", _("Nhóm"), TEXT),
            Column("communes", _("Số xã"), INT, _("xã"), total=True),
            Column("share", _("Tỷ lệ"), PERCENT, "%"),
        ],
        rows=rows,
        note=_("Theo bộ tiêu chí xã nông thôn mới; xã chưa có kết quả đánh giá không được tính."),
    )


def criteria_rates(ctx: Context, year: int, results=None) -> DataTable:
    """For each criterion: communes evaluated, met, and the rate (lowest first: the hardest)."""
    from chungsuc.criteria.models import Criterion

    results = _latest_results(ctx, year) if results is None else results
    met: Counter = Counter()
    seen: Counter = Counter()
    frameworks = set()
    for r in results:
        frameworks.add(r.framework_code)
        for code, status in (r.criteria or {}).items():
            if status == "missing":
                continue
            seen[code] += 1
            if status == "met":
                met[code] += 1
    names = {}
    order = {}
    for c in Criterion.objects.filter(framework__code__in=frameworks).order_by("framework__version", "order"):
        names[c.code] = c.name
        order.setdefault(c.code, c.order)
    rows = [
        {
            "code": code,
            "name": names.get(code, ""),
            "evaluated": seen[code],
            "met": met[code],
            "rate": 100 * met[code] / seen[code] if seen[code] else None,
        }
        for code in sorted(seen, key=lambda c: (order.get(c, 999), c))
    ]
    return DataTable(
        key="criteria",
        title=_("Tỷ lệ xã đạt từng tiêu chí"),
        subtitle=_("%(unit)s — kết quả đánh giá mới nhất năm %(y)s") % {"unit": ctx.version.name, "y": year},
        columns=[
            Column("code", _("Tiêu chí"), TEXT),
            Column("name", _("Tên tiêu chí"), TEXT),
            Column("evaluated", _("Số xã được đánh giá"), INT, _("xã")),
            Column("met", _("Số xã đạt"), INT, _("xã")),
            Column("rate", _("Tỷ lệ đạt"), PERCENT, "%"),
        ],
        rows=rows,
        note=_("Tiêu chí chưa đủ dữ liệu ở một xã không được tính cho xã đó."),
    )


def regressions(ctx: Context, *, detail: int | None = None) -> DataTable:
    """Recognised communes whose latest result no longer meets their standard. With `detail`, only the
    first `detail` rows (those a page shows) name their failing criteria; the export names them all."""
    watch = [
        w
        for w in recognition_selectors.regression_rows(ctx.user, ctx.on, failing=detail is None)
        if w["unit_id"] in ctx.communes
    ]
    watch.sort(key=lambda w: (ctx.versions[w["unit_id"]].code, w["year"]))
    if detail is not None:  # the statuses of the rows shown only, read by their results' ids
        failing = recognition_selectors.failing_criteria(w["result_id"] for w in watch[:detail])
        for w in watch:
            w["failing"] = failing.get(w["result_id"])
    labels = {k: str(v) for k, v in Standard.choices}  # once a page (lazy labels do not serialise)
    rows = [
        {
            "unit": ctx.versions[w["unit_id"]].name,
            "unit_id": w["unit_id"],
            "standard": labels.get(w["standard"], w["standard"]),
            "year": w["year"],
            "failing": None if w["failing"] is None else ", ".join(w["failing"]),
        }
        for w in watch
    ]
    return DataTable(
        key="regressions",
        title=_("Xã đã công nhận nhưng kết quả mới nhất không còn đạt"),
        subtitle=_("%(unit)s — đến ngày %(d)s")
        % {"unit": ctx.version.name, "d": ctx.on.strftime("%d/%m/%Y")},
        columns=[
            Column("unit", _("Đơn vị"), TEXT),
            Column("standard", _("Chuẩn đang giữ"), TEXT),
            Column("year", _("Năm đánh giá"), YEAR),
            Column("failing", _("Tiêu chí không đạt"), TEXT),
        ],
        rows=rows,
    )


def by_unit(ctx: Context, year: int, results=None) -> DataTable:
    """One row per unit one level down (districts of a province, communes of a district)."""
    results = _latest_results(ctx, year) if results is None else results
    met_of = {r.unit_id: r.criteria_met for r in results}
    held: dict[int, set] = defaultdict(set)
    if ctx.communes:
        _register_counts(ctx, set(), ctx.on)  # reads the register's rows once
        for uid, std, since, until in ctx.register:
            if uid in ctx.communes and since <= ctx.on and (until is None or until >= ctx.on):
                held[uid].add(std)
    rows = []
    for child_id in ctx.children.get(ctx.root.pk, []):
        if not ctx.visible(child_id):
            continue
        v = ctx.versions[child_id]
        ids = _descendant_communes(child_id, ctx.versions, ctx.children) & ctx.communes
        mets = [met_of[i] for i in ids if i in met_of]
        rows.append(
            {
                "unit": v.name,
                "unit_id": child_id,
                "level": v.level,
                "communes": len(ids),
                **{key: sum(1 for i in ids if code in held[i]) for code, key in STANDARDS},
                "avg_met": sum(mets) / len(mets) if mets else None,
            }
        )
    return DataTable(
        key="units",
        title=_("Theo đơn vị trực thuộc"),
        subtitle=_("%(unit)s — đến ngày %(d)s; tiêu chí bình quân theo kết quả năm %(y)s")
        % {"unit": ctx.version.name, "d": ctx.on.strftime("%d/%m/%Y"), "y": year},
        columns=[
            Column("unit", _("Đơn vị"), TEXT),
            Column("communes", _("Số xã"), INT, _("xã"), total=True),
            Column("ntm", _("Đạt chuẩn nông thôn mới"), INT, _("xã"), total=True),
            Column("advanced", _("Nông thôn mới nâng cao"), INT, _("xã"), total=True),
            Column("model", _("Nông thôn mới kiểu mẫu"), INT, _("xã"), total=True),
            Column("avg_met", _("Số tiêu chí đạt bình quân"), FLOAT, _("tiêu chí")),
        ],
        rows=rows,
    )


STATUS_LABELS = {"met": "Đạt", "not_met": "Không đạt", "missing": "Chưa đủ dữ liệu"}


def commune_gaps(ctx: Context, year: int, results) -> DataTable:
    """A commune's criteria in its latest evaluation: which are met, which are its gaps."""
    from chungsuc.criteria.models import Criterion

    result = results[0] if results else None
    names = {}
    if result is not None:
        names = dict(
            Criterion.objects.filter(framework__code=result.framework_code).values_list("code", "name")
        )
    order = {"not_met": 0, "missing": 1, "met": 2}
    items = sorted(
        (result.criteria or {}).items() if result else [], key=lambda kv: (order.get(kv[1], 3), kv[0])
    )
    return DataTable(
        key="gaps",
        title=_("Các tiêu chí của xã"),
        subtitle=_("%(unit)s — kết quả đánh giá mới nhất năm %(y)s") % {"unit": ctx.version.name, "y": year},
        columns=[
            Column("code", _("Tiêu chí"), TEXT),
            Column("name", _("Tên tiêu chí"), TEXT),
            Column("status", _("Kết quả"), TEXT),
        ],
        rows=[{"code": c, "name": names.get(c, ""), "status": STATUS_LABELS.get(st, st)} for c, st in items],
    )


def commune_peers(ctx: Context, year: int) -> DataTable:
    """The commune among the communes of the same parent: criteria met in the latest evaluation."""
    parent = ctx.version.parent_id
    peers = [uid for uid in (ctx.children.get(parent, []) if parent else [ctx.root.pk]) if ctx.visible(uid)]
    peer_ctx = Context(
        user=ctx.user,
        on=ctx.on,
        root=ctx.root,
        version=ctx.version,
        communes=set(peers),
        versions=ctx.versions,
        children=ctx.children,
        visible_ids=ctx.visible_ids,
        under_root=False,
    )
    results = _latest_results(peer_ctx, year)
    met = {r.unit_id: r.criteria_met for r in results}
    ranked = sorted(
        peers, key=lambda u: (-(met.get(u) if met.get(u) is not None else -1), ctx.versions[u].code)
    )
    rows = []
    for i, uid in enumerate(ranked, start=1):
        rows.append(
            {
                "rank": i if uid in met else None,
                "unit": ctx.versions[uid].name,
                "unit_id": uid,
                "met": met.get(uid),
                "self": "◀" if uid == ctx.root.pk else "",
            }
        )
    return DataTable(
        key="peers",
        title=_("Vị trí so với các xã cùng đơn vị cấp trên"),
        subtitle=_("Số tiêu chí đạt theo kết quả đánh giá mới nhất năm %(y)s") % {"y": year},
        columns=[
            Column("rank", _("Thứ tự"), INT),
            Column("unit", _("Đơn vị"), TEXT),
            Column("met", _("Số tiêu chí đạt"), INT, _("tiêu chí")),
            Column("self", _("Xã đang xem"), TEXT),
        ],
        rows=rows,
    )


def _movement_for(ctx: Context):
    """The movement run by the root province (none for a district or a commune root)."""
    if ctx.version.level != UnitLevel.PROVINCE:
        return None
    from chungsuc.movements.selectors import movements_for

    return movements_for(ctx.user).filter(province_id=ctx.root.pk, is_demo=False).first()


def participants_reporting(ctx: Context, movement, consolidations: list[dict]) -> DataTable:
    rows = []
    for c in consolidations:
        late = c["late"]
        rows.append(
            {
                "year": c["year"],
                "owed": c["owed"],
                "included": c["included"],
                "late": late,
                "completeness": 100 * c["included"] / c["owed"] if c["owed"] else None,
                "on_time": 100 * (c["included"] - late) / c["owed"] if c["owed"] else None,
            }
        )
    return DataTable(
        key="reporting",
        title=_("Báo cáo của các đơn vị tham gia"),
        subtitle=_("%(m)s — báo cáo năm đã nộp và được tổng hợp") % {"m": movement},
        columns=[
            Column("year", _("Năm"), YEAR),
            Column("owed", _("Số báo cáo phải nộp"), INT, _("báo cáo"), total=True),
            Column("included", _("Đã nộp"), INT, _("báo cáo"), total=True),
            Column("late", _("Nộp trễ hạn"), INT, _("báo cáo"), total=True),
            Column("completeness", _("Tỷ lệ đầy đủ"), PERCENT, "%"),
            Column("on_time", _("Tỷ lệ đúng hạn"), PERCENT, "%"),
        ],
        rows=rows,
    )


def resources_by_source(ctx: Context, movement, consolidations: list[dict]) -> DataTable:
    labels: dict[str, str] = {}
    rows = []
    for c in consolidations:
        row = {"year": c["year"]}
        for s in c["by_source"]:
            labels[s["source"]] = s["label"]
            row[s["source"]] = s["amount"] or 0
        row["total"] = sum(v for k, v in row.items() if k != "year")
        rows.append(row)
    return DataTable(
        key="resources",
        title=_("Nguồn lực huy động theo nguồn"),
        subtitle=_("%(m)s — theo báo cáo của các đơn vị tham gia") % {"m": movement},
        columns=[Column("year", _("Năm"), YEAR)]
        + [Column(k, label, INT, _("đồng"), total=True) for k, label in labels.items()]
        + [Column("total", _("Tổng cộng"), INT, _("đồng"), total=True)],
        rows=rows,
        total_label=_("Cả giai đoạn"),
    )


def targets_by_year(ctx: Context, movement, progress: dict) -> DataTable:
    """The plan's yearly targets (section II) beside what the register achieved that year (units
    counted in the year of their decision, as the movement's progress page counts them). A year after
    the as-of date has its target and no achievement yet."""
    targets = progress["targets"]
    rows = []
    for i, year in enumerate(progress["years"]):
        row = {"year": year}
        for t in targets:
            r = t["rows"][i]
            row[f"t{t['code']}"] = r["target"]
            row[f"a{t['code']}"] = None if year > ctx.on.year else r["actual"]
        rows.append(row)
    columns = [Column("year", _("Năm"), YEAR)]
    for t in targets:
        unit = _("huyện") if t["level"] == "district" else _("xã")
        columns.append(
            Column(
                f"t{t['code']}",
                _("%(c)s %(n)s: kế hoạch") % {"c": t["code"], "n": t["name"]},
                INT,
                unit,
                True,
            )
        )
        columns.append(
            Column(f"a{t['code']}", _("%(c)s %(n)s: đạt") % {"c": t["code"], "n": t["name"]}, INT, unit, True)
        )
    return DataTable(
        key="targets",
        title=_("Kết quả so với chỉ tiêu của kế hoạch"),
        subtitle=_(
            "%(m)s — số đơn vị được công nhận thêm trong năm (theo năm của quyết định), đến ngày %(d)s"
        )
        % {"m": movement, "d": ctx.on.strftime("%d/%m/%Y")},
        columns=columns,
        rows=rows,
        note=_("Chỉ tiêu theo phiên bản kế hoạch có hiệu lực; số đạt lấy từ sổ công nhận trên hệ thống."),
        total_label=_("Cả giai đoạn"),
    )


TABLES = (
    "recognitions",
    "targets",
    "bands",
    "criteria",
    "regressions",
    "units",
    "reporting",
    "resources",
    "gaps",
    "peers",
)


def all_tables(ctx: Context, *, page_rows: int | None = None) -> dict[str, DataTable]:
    """Every table of the page. `page_rows`: the page shows that many rows of a long table, so the
    regressions name the failing criteria of those rows only (an export passes None: every row)."""
    year = evaluation_year(ctx)
    results = _latest_results(ctx, year)
    tables = {
        "recognitions": recognitions_by_year(ctx),
        "bands": communes_by_band(ctx, year, results),
        "criteria": criteria_rates(ctx, year, results),
        "regressions": regressions(ctx, detail=page_rows),
        "units": by_unit(ctx, year, results),
    }
    movement = _movement_for(ctx)
    if movement is not None:
        from chungsuc.movements.selectors import reporting_summary, target_counts

        tables["targets"] = targets_by_year(ctx, movement, target_counts(movement, on=ctx.on))
        years = [y for y in movement.years if y <= ctx.on.year]
        consolidations = reporting_summary(movement, years=years)
        tables["reporting"] = participants_reporting(ctx, movement, consolidations)
        tables["resources"] = resources_by_source(ctx, movement, consolidations)
    if ctx.version.level == UnitLevel.COMMUNE:
        # a commune's page: its criteria and gaps, its place among its peers (no per-unit breakdown)
        del tables["units"], tables["bands"]
        tables["gaps"] = commune_gaps(ctx, year, results)
        tables["peers"] = commune_peers(ctx, year)
    return tables


# --- ECharts options and text alternatives (plain data; the static script draws them) ------------------


def chart_option(table: DataTable) -> dict | None:
    if table.key == "recognitions":
        years = [str(r["year"]) for r in table.rows]
        return {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 40, "right": 10, "top": 40, "bottom": 30},
            "xAxis": {"type": "category", "data": years},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [
                {"name": c.label, "type": "bar", "data": [r[c.key] for r in table.rows]}
                for c in table.columns
                if c.key in ("ntm", "advanced", "model")
            ],
        }
    if table.key == "targets":
        years = [str(r["year"]) for r in table.rows]
        series = []
        for c in table.columns:
            if c.key.startswith("a"):
                series.append({"name": c.label, "type": "bar", "data": [r[c.key] for r in table.rows]})
            elif c.key.startswith("t"):
                series.append(
                    {
                        "name": c.label,
                        "type": "line",
                        "lineStyle": {"type": "dashed"},
                        "symbol": "diamond",
                        "data": [r[c.key] for r in table.rows],
                    }
                )
        return {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0, "type": "scroll"},
            "grid": {"left": 40, "right": 10, "top": 40, "bottom": 30},
            "xAxis": {"type": "category", "data": years},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": series,
        }
    if table.key == "bands":
        return {
            "tooltip": {"trigger": "item"},
            "grid": {"left": 10, "right": 20, "top": 10, "bottom": 30, "containLabel": True},
            "xAxis": {"type": "value", "minInterval": 1},
            "yAxis": {"type": "category", "inverse": True, "data": [r["band"] for r in table.rows]},
            "series": [{"type": "bar", "name": table.title, "data": [r["communes"] for r in table.rows]}],
        }
    if table.key == "criteria":
        rows = [r for r in table.rows if r["rate"] is not None]
        return {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 40, "right": 10, "top": 20, "bottom": 30},
            "xAxis": {"type": "category", "data": [r["code"] for r in rows]},
            "yAxis": {"type": "value", "max": 100},
            "series": [{"type": "bar", "name": table.title, "data": [round(r["rate"], 1) for r in rows]}],
        }
    if table.key == "reporting":
        return {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 40, "right": 10, "top": 40, "bottom": 30},
            "xAxis": {"type": "category", "data": [str(r["year"]) for r in table.rows]},
            "yAxis": {"type": "value", "max": 100},
            "series": [
                {"name": c.label, "type": "bar", "data": [round(r[c.key] or 0, 1) for r in table.rows]}
                for c in table.columns
                if c.key in ("completeness", "on_time")
            ],
        }
    if table.key == "resources":
        return {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 10, "right": 10, "top": 60, "bottom": 30, "containLabel": True},
            "xAxis": {"type": "category", "data": [str(r["year"]) for r in table.rows]},
            "yAxis": {"type": "value"},
            "series": [
                {
                    "name": c.label,
                    "type": "bar",
                    "stack": "sources",
                    "data": [r.get(c.key, 0) for r in table.rows],
                }
                for c in table.columns
                if c.key not in ("year", "total")
            ],
        }
    if table.key == "units":
        # grouped, not stacked: a commune holding "nâng cao" also holds "nông thôn mới"
        return {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 10, "right": 20, "top": 60, "bottom": 30, "containLabel": True},
            "yAxis": {"type": "category", "inverse": True, "data": [r["unit"] for r in table.rows]},
            "xAxis": {"type": "value", "minInterval": 1},
            "series": [
                {"name": c.label, "type": "bar", "data": [r[c.key] for r in table.rows]}
                for c in table.columns
                if c.key in ("ntm", "advanced", "model")
            ],
        }
    return None


def text_alternative(table: DataTable) -> str:
    """One or two sentences saying what the chart shows, for screen readers and for the page."""
    from chungsuc.core.tables import display

    if not table.rows:
        return _("Chưa có số liệu.")
    if table.key == "recognitions":
        last = table.rows[-1]
        first = table.rows[0]
        return _(
            "Đến %(d)s có %(ntm)s xã đạt chuẩn nông thôn mới, %(adv)s xã nâng cao, %(model)s xã kiểu mẫu "
            "(cuối năm %(y0)s: %(ntm0)s xã đạt chuẩn nông thôn mới)."
        ) % {
            "d": last["as_of"].strftime("%d/%m/%Y"),
            "ntm": last["ntm"],
            "adv": last["advanced"],
            "model": last["model"],
            "y0": first["year"],
            "ntm0": first["ntm"],
        }
    if table.key == "targets":
        parts = []
        for c in table.columns:
            if not c.key.startswith("a"):
                continue
            code = c.key[1:]
            done = [r for r in table.rows if r[c.key] is not None]
            achieved = sum(r[c.key] for r in done)
            planned = sum(r[f"t{code}"] for r in done)
            parts.append(
                _("chỉ tiêu %(c)s: đạt %(a)s trên kế hoạch %(t)s của các năm đến nay")
                % {"c": code, "a": achieved, "t": planned}
            )
        return (_("Theo năm của quyết định công nhận, ") + "; ".join(parts) + ".") if parts else ""
    if table.key == "bands":
        parts = [f"{r['band']}: {r['communes']} xã" for r in table.rows if r["communes"]]
        return "; ".join(parts) + "." if parts else _("Chưa có xã nào có kết quả đánh giá.")
    if table.key == "criteria":
        rated = [r for r in table.rows if r["rate"] is not None]
        if not rated:
            return _("Chưa có kết quả đánh giá theo tiêu chí.")
        hardest = min(rated, key=lambda r: r["rate"])
        if hardest["rate"] >= 100:
            return _("Mọi tiêu chí được đánh giá đều đạt ở tất cả các xã có kết quả.")
        return _("Tiêu chí khó đạt nhất: %(code)s %(name)s (%(rate)s số xã đạt).") % {
            "code": hardest["code"],
            "name": hardest["name"],
            "rate": display(hardest["rate"], PERCENT),
        }
    if table.key == "units":
        best = max(table.rows, key=lambda r: r["ntm"])
        return _("%(n)s đơn vị trực thuộc; nhiều xã đạt chuẩn nông thôn mới nhất: %(u)s (%(k)s xã).") % {
            "n": len(table.rows),
            "u": best["unit"],
            "k": best["ntm"],
        }
    if table.key == "reporting":
        owed = sum(r["owed"] for r in table.rows)
        done = sum(r["included"] for r in table.rows)
        late = sum(r["late"] for r in table.rows)
        return _("%(done)s/%(owed)s báo cáo đã nộp, %(late)s báo cáo nộp trễ hạn.") % {
            "done": done,
            "owed": owed,
            "late": late,
        }
    if table.key == "resources":
        total = sum(r["total"] for r in table.rows)
        return _("Tổng nguồn lực huy động theo báo cáo: %(t)s đồng.") % {"t": display(total, INT)}
    if table.key == "regressions":
        return _("%(n)s xã đã công nhận có kết quả mới nhất không còn đạt chuẩn.") % {"n": len(table.rows)}
    return ""
