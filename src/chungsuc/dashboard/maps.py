"""The officials' map values: each commune in scope on a date, by standard held (register) or by the
number of criteria met (latest stored evaluation of the year)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from chungsuc.assessments.models import Standard
from chungsuc.core.tables import INT, TEXT, Column, DataTable, display
from chungsuc.geo.mapdata import boundaries_for
from chungsuc.recognitions import selectors as recognition_selectors

STANDARD_VALUE = {Standard.NTM: 1, Standard.TASK_COMPLETED: 1, Standard.ADVANCED: 2, Standard.MODEL: 3}


def standard_legend() -> list[dict]:
    return [
        {"value": 0, "label": _("Chưa được công nhận")},
        {"value": 1, "label": _("Nông thôn mới")},
        {"value": 2, "label": _("Nông thôn mới nâng cao")},
        {"value": 3, "label": _("Nông thôn mới kiểu mẫu")},
    ]


# The lists under the map (the communes with no boundary, every commune with its status) show at most
# this many rows; the export beside them holds every row (`map_table`).
LIST_ROWS = 200


def map_table(ctx, colour: str) -> tuple[DataTable, int | None]:
    """Each commune in scope on the as-of date with its parent and its status: the list under the map
    and its Excel / CSV / JSON export; with the evaluation year read (criteria met) or None."""
    from chungsuc.dashboard import charts

    rows = []
    versions = ctx.versions
    communes = sorted((versions[u] for u in ctx.communes if u in versions), key=lambda v: v.code)
    year = None
    if colour == "criteria":
        year = charts.evaluation_year(ctx)
        met = {r.unit_id: r for r in charts._latest_results(ctx, year, with_criteria=False)}
        none = _("Chưa có kết quả đánh giá")
        for v in communes:
            r = met.get(v.unit_id)
            rows.append(
                {
                    "unit": v.name,
                    "unit_id": v.unit_id,
                    "parent": versions[v.parent_id].name if v.parent_id in versions else "",
                    "value": r.criteria_met if r else None,
                    "total": r.criteria_total if r else None,
                    "label": (_("%(m)s/%(t)s tiêu chí") % {"m": r.criteria_met, "t": r.criteria_total})
                    if r
                    else none,
                }
            )
    else:
        best = recognition_selectors.highest_standards(ctx.on)
        labels = {x["value"]: x["label"] for x in standard_legend()}
        for v in communes:
            rec = best.get(v.unit_id)
            value = STANDARD_VALUE.get(rec.standard, 1) if rec else 0
            rows.append(
                {
                    "unit": v.name,
                    "unit_id": v.unit_id,
                    "parent": versions[v.parent_id].name if v.parent_id in versions else "",
                    "value": value,
                    "label": labels[value],
                }
            )
    columns = [
        Column("unit", _("Đơn vị"), TEXT),
        Column("parent", _("Trực thuộc"), TEXT),
        Column("label", _("Tình trạng"), TEXT),
    ]
    if colour == "criteria":
        columns.insert(2, Column("value", _("Số tiêu chí đạt"), INT, _("tiêu chí")))
    return DataTable(
        key="map",
        title=_("Các xã trên bản đồ"),
        subtitle=(
            _("%(unit)s — số tiêu chí đạt theo kết quả đánh giá mới nhất năm %(y)s")
            % {"unit": ctx.version.name, "y": year}
            if colour == "criteria"
            else _("%(unit)s — mức đạt chuẩn theo sổ công nhận đến ngày %(d)s")
            % {"unit": ctx.version.name, "d": ctx.on.strftime("%d/%m/%Y")}
        ),
        columns=columns,
        rows=rows,
    ), year


def map_context(ctx, colour: str) -> dict:
    on = ctx.on
    table, year = map_table(ctx, colour)
    max_value = None
    if colour == "criteria":
        max_value = max((r["total"] for r in table.rows if r.get("total")), default=19) or 19
    bounds = boundaries_for(on)
    drawn = bounds.unit_ids
    charts_url = reverse("dashboard:charts")
    values = [
        {
            "id": r["unit_id"],
            "name": r["unit"],
            "parent": r["parent"],
            "value": r["value"],
            "label": r["label"],
            "url": f"{charts_url}?unit={r['unit_id']}&on={on.isoformat()}",
        }
        for r in table.rows[:LIST_ROWS]
    ]
    missing_rows = [r for r in table.rows if r["unit_id"] not in drawn]
    payload = {
        "on": on.isoformat(),
        "colour": colour,
        "legend": None if colour == "criteria" else standard_legend(),
        "max": max_value,
        # only what the script draws: the communes that have a boundary that day
        "values": [
            {"id": r["unit_id"], "value": r["value"], "label": r["label"]}
            for r in table.rows
            if r["unit_id"] in drawn and (r["value"] is not None or colour == "criteria")
        ],
        "unit_url": charts_url + "?unit={id}&on=" + on.isoformat(),
    }
    shown = len(table.rows) - len(missing_rows)
    return {
        "on": on,
        "year": year,
        "payload": payload,
        "values": values,
        "values_total": len(table.rows),
        "missing": [
            {"id": r["unit_id"], "name": r["unit"], "label": r["label"]} for r in missing_rows[:LIST_ROWS]
        ],
        "missing_total": len(missing_rows),
        "list_note": _(
            "Danh sách hiển thị %(shown)s trên %(total)s đơn vị; tải Excel, CSV hoặc JSON để xem đủ."
        )
        % {"shown": display(min(LIST_ROWS, len(table.rows)), INT), "total": display(len(table.rows), INT)}
        if len(table.rows) > LIST_ROWS
        else "",
        "missing_note": _("và %(n)s đơn vị khác (xem trong tệp tải về).")
        % {"n": display(len(missing_rows) - LIST_ROWS, INT)}
        if len(missing_rows) > LIST_ROWS
        else "",
        "attribution": bounds.attribution,
        "boundary_bytes": len(bounds.body),
        "boundary_gzip_bytes": len(bounds.gzipped),
        "map_alt": _("Bản đồ %(n)s xã; màu theo %(what)s. Danh sách đầy đủ ở bảng bên dưới.")
        % {"n": shown, "what": _("số tiêu chí đạt") if colour == "criteria" else _("mức đạt chuẩn")},
    }
