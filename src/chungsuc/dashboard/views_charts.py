"""The officials' charts page: province → district → commune, as of any date; each chart with its
table, its text alternative and its Excel / CSV / JSON export."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from chungsuc.accounts import permissions
from chungsuc.core.tables import EXPORT_FORMATS, INT, display, export_response
from chungsuc.dashboard import charts


def parse_on(raw: str | None) -> tuple[dt.date, str]:
    """The as-of date from ?on= (dd/mm/yyyy or yyyy-mm-dd); today, with a message, when unreadable."""
    today = timezone.localdate()
    raw = (raw or "").strip()
    if not raw:
        return today, ""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        if day.year < 2000 or day > today + dt.timedelta(days=3650):
            break
        return day, ""
    return today, _("Ngày «%(v)s» không hợp lệ (nhập dd/mm/yyyy); đang hiển thị số liệu đến hôm nay.") % {
        "v": raw[:30]
    }


# A table on the page shows at most this many rows (a province-wide regression list at national
# scale is thousands); the exports beside it always hold every row, and the page says how many.
PAGE_ROWS = 50


@login_required
def chart_page(request):
    on, date_error = parse_on(request.GET.get("on"))
    ctx = charts.context_for(request.user, on=on, unit_id=request.GET.get("unit"))
    tables = charts.all_tables(ctx, page_rows=PAGE_ROWS)
    cards = []
    for key in charts.TABLES:
        if key not in tables:
            continue
        table = tables[key]
        totals = table.totals()
        shown = table.rows[:PAGE_ROWS]
        cards.append(
            {
                "table": table,
                "option": charts.chart_option(table),
                "alt": charts.text_alternative(table),
                "data_id": f"chart-data-{key}",
                "total_cells": [
                    (
                        (table.display(totals[c.key], c) if c.total else str(totals[c.key]))
                        if c.key in totals
                        else "",
                        c,
                    )
                    for c in table.columns
                ]
                if totals
                else None,
                "cells": [[(table.display(r.get(c.key), c), c, r) for c in table.columns] for r in shown],
                "rows_note": _(
                    "Bảng hiển thị %(shown)s trên %(total)s dòng; tải Excel, CSV hoặc JSON để xem đủ."
                )
                % {"shown": display(len(shown), INT), "total": display(len(table.rows), INT)}
                if len(shown) < len(table.rows)
                else "",
            }
        )
    return render(
        request,
        "dashboard/charts.html",
        {
            "ctx": ctx,
            "on": on,
            "date_error": date_error,
            "cards": cards,
            "breadcrumb": ctx.breadcrumb(),
            "query": {"on": on.isoformat(), "unit": ctx.root.pk},
            "formats": EXPORT_FORMATS,
        },
    )


@login_required
def chart_export(request, table: str, fmt: str):
    # "report.export" of the matrix: the roles that download the dashboard's tables (read over the
    # whole period); the tables themselves are then scoped to the user's units
    permissions.require(request.user, "report.export")
    if table not in charts.TABLES or fmt not in EXPORT_FORMATS:
        raise Http404("Không có bảng này")
    on, _err = parse_on(request.GET.get("on"))
    ctx = charts.context_for(request.user, on=on, unit_id=request.GET.get("unit"))
    data = charts.all_tables(ctx).get(table)
    if data is None:
        raise Http404("Không có bảng này")
    return export_response(data, fmt, f"{data.title} - {ctx.version.name} - {on:%d-%m-%Y}")


@login_required
def map_page(request):
    """The officials' map: communes in scope coloured by standard held or by criteria met."""
    from chungsuc.dashboard import maps

    on, date_error = parse_on(request.GET.get("on"))
    colour = _map_colour(request)
    ctx = charts.context_for(request.user, on=on, unit_id=request.GET.get("unit"))
    context = maps.map_context(ctx, colour)
    context.update({"ctx": ctx, "date_error": date_error, "colour": colour, "export_formats": EXPORT_FORMATS})
    return render(request, "dashboard/map.html", context)


def _map_colour(request) -> str:
    colour = request.GET.get("colour")
    return colour if colour in ("standard", "criteria") else "standard"


@login_required
def map_export(request, fmt: str):
    """The list under the officials' map, every row (the page shows the first ones)."""
    from chungsuc.dashboard import maps

    if fmt not in EXPORT_FORMATS:
        raise Http404("Không có định dạng này")
    on, _err = parse_on(request.GET.get("on"))
    ctx = charts.context_for(request.user, on=on, unit_id=request.GET.get("unit"))
    table, _year = maps.map_table(ctx, _map_colour(request))
    return export_response(table, fmt, f"{table.title} - {ctx.version.name} - {on:%d-%m-%Y}")
