"""Pages of the unit browser (thin: parse, call selectors, render). Officials see the units their
organisation's jurisdiction covers (`unit.view`, filtered in the database by the permission layer
through `core.scope.restrict`); out of scope answers 404."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from chungsuc.core.scope import restrict, unit_or_404
from chungsuc.core.tables import export_if_asked, export_query, export_table
from chungsuc.geo import selectors, tables
from chungsuc.geo.models import Unit, UnitKind
from chungsuc.geo.unitdata import fmt_date


def _parse_day(raw: str | None) -> tuple[dt.date | None, str]:
    if not raw:
        return None, ""
    from chungsuc.core.forms import parse_day

    try:
        return parse_day(raw), ""
    except ValueError:
        return None, _("Ngày “%(value)s” không hợp lệ: nhập theo dạng dd/mm/yyyy.") % {"value": raw}


def _units(user, *, on: dt.date | None = None):
    """The units the user may see (on one day, if given), as a queryset of the permission layer."""
    return restrict(Unit.objects.all(), user, "unit.view", on=on)


@login_required
def unit_list(request):
    """The tree (province → district → commune) of the units the user may see on the chosen date."""
    today = timezone.localdate()
    day, error = _parse_day(request.GET.get("as_of"))
    notice = ""
    if day is None:
        day = today
        if not _units(request.user, on=day).exists():
            # e.g. a district officer after the district level was abolished: show their last day.
            last = selectors.last_valid_day(_units(request.user).values("pk"))
            if last and last < today:
                day = last
                notice = _(
                    "Hôm nay phạm vi của bạn không còn đơn vị nào; đang hiển thị ngày %(day)s, "
                    "ngày cuối cùng các đơn vị của bạn còn hiệu lực."
                ) % {"day": fmt_date(last)}
    query = (request.GET.get("q") or "").strip()
    roots = selectors.tree_on(day, unit_ids=_units(request.user, on=day).values("pk"), query=query)
    rows = [(node, depth) for root in roots for node, depth in root.walk()]
    labels = dict(UnitKind.choices)
    counts: dict[str, int] = {}
    for node, _depth in rows:
        if node.matched:
            counts[node.version.kind] = counts.get(node.version.kind, 0) + 1
    by_kind = [(labels[k], counts[k]) for k in UnitKind.values if k in counts]
    total = sum(counts.values())
    exported = export_if_asked(
        request,
        lambda: tables.tree_table(rows, day, query=query, counts=by_kind, total=total),
        f"don-vi-hanh-chinh-{day:%d-%m-%Y}",
    )
    if exported:
        return exported
    context = {
        "as_of": day,
        "query": query,
        "rows": rows,
        "counts": by_kind,
        "total": total,
        "error": error,
        "notice": notice,
        "export_q": export_query(request),
    }
    template = "geo/_unit_tree.html" if request.headers.get("HX-Request") else "geo/unit_list.html"
    return render(request, template, context)


@login_required
def unit_detail(request, pk: int):
    """One unit: its state on the chosen date, versions, change events, predecessors, successors and
    children on that date."""
    unit = unit_or_404(request.user, pk)
    day, error = _parse_day(request.GET.get("as_of"))
    if day is None:
        today = timezone.localdate()
        day = today
        if unit.valid_to and unit.valid_to < today:
            day = unit.valid_to
        elif unit.valid_from and unit.valid_from > today:
            day = unit.valid_from
    history = selectors.unit_history(unit)
    version = selectors.version_of(unit, day)
    children = list(selectors.children_on(unit, day, unit_ids=_units(request.user).values("pk")))
    exported = export_table(
        request,
        {
            "versions": lambda: tables.versions_table(unit, history, version),
            "events": lambda: tables.events_table(unit, history, version),
            "lineage": lambda: tables.lineage_table(unit, history, version),
            "children": lambda: tables.children_table(unit, children, day, version),
        },
        f"don-vi-{(version or unit).code}-{day:%d-%m-%Y}",
    )
    if exported:
        return exported
    # which of the other units the page names (parent, predecessors, successors) the user may open
    named = {version.parent_id if version else None}
    named |= {link.predecessor_id for link in history.predecessors}
    named |= {link.successor_id for link in history.successors}
    named.discard(None)
    visible_ids = (
        set(_units(request.user).filter(pk__in=named).values_list("pk", flat=True)) if named else set()
    )
    return render(
        request,
        "geo/unit_detail.html",
        {
            "unit": unit,
            "as_of": day,
            "version": version,
            "history": history,
            "children": children,
            "visible_ids": visible_ids,
            "error": error,
            "export_q": {
                key: export_query(request, table=key) for key in ("versions", "events", "lineage", "children")
            },
        },
    )
