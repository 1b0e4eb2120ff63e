"""The officials' map values: each commune in scope on a date, by standard held (register) or by the
number of criteria met (latest stored evaluation of the year)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from chungsuc.assessments.models import Assessment, Standard
from chungsuc.geo.mapdata import boundaries_for
from chungsuc.geo.models import UnitVersion
from chungsuc.geo.selectors import valid_on
from chungsuc.recognitions import selectors as recognition_selectors

STANDARD_VALUE = {Standard.NTM: 1, Standard.TASK_COMPLETED: 1, Standard.ADVANCED: 2, Standard.MODEL: 3}


def standard_legend() -> list[dict]:
    return [
        {"value": 0, "label": _("Chưa được công nhận")},
        {"value": 1, "label": _("Nông thôn mới")},
        {"value": 2, "label": _("Nông thôn mới nâng cao")},
        {"value": 3, "label": _("Nông thôn mới kiểu mẫu")},
    ]


def _communes(on: dt.date, unit_ids) -> list[UnitVersion]:
    return list(
        UnitVersion.objects.filter(valid_on(on), unit_id__in=unit_ids)
        .select_related("parent")
        .order_by("code")
    )


def map_context(ctx, colour: str) -> dict:
    from chungsuc.dashboard import charts

    on = ctx.on
    communes = _communes(on, ctx.communes)
    values = []
    max_value = None
    year = None
    if colour == "criteria":
        year = charts.evaluation_year(ctx)
        results = charts._latest_results(ctx, year)
        unit_of = dict(
            Assessment.objects.filter(pk__in=[r.assessment_id for r in results]).values_list("id", "unit_id")
        )
        met = {unit_of[r.assessment_id]: r for r in results if r.assessment_id in unit_of}
        max_value = max((r.criteria_total for r in results), default=19) or 19
        for v in communes:
            r = met.get(v.unit_id)
            values.append(
                {
                    "id": v.unit_id,
                    "name": v.name,
                    "parent": v.parent.name if v.parent_id else "",
                    "value": r.criteria_met if r else None,
                    "url": f"{reverse('dashboard:charts')}?unit={v.unit_id}&on={on.isoformat()}",
                    "label": (_("%(m)s/%(t)s tiêu chí") % {"m": r.criteria_met, "t": r.criteria_total})
                    if r
                    else _("Chưa có kết quả đánh giá"),
                }
            )
        legend = None
    else:
        best = recognition_selectors.highest_standards(on)
        labels = {x["value"]: x["label"] for x in standard_legend()}
        for v in communes:
            rec = best.get(v.unit_id)
            value = STANDARD_VALUE.get(rec.standard, 1) if rec else 0
            values.append(
                {
                    "id": v.unit_id,
                    "name": v.name,
                    "parent": v.parent.name if v.parent_id else "",
                    "value": value,
                    "label": labels[value],
                    "url": f"{reverse('dashboard:charts')}?unit={v.unit_id}&on={on.isoformat()}",
                }
            )
        legend = standard_legend()
    bounds = boundaries_for(on)
    missing = [
        {"id": v["id"], "name": v["name"], "label": v["label"]}
        for v in values
        if v["id"] not in bounds.unit_ids
    ]
    payload = {
        "on": on.isoformat(),
        "colour": colour,
        "legend": legend,
        "max": max_value,
        "values": [v for v in values if v["value"] is not None or colour == "criteria"],
        "unit_url": "/dashboard/charts/?unit={id}&on=" + on.isoformat(),
    }
    shown = sum(1 for v in values if v["id"] in bounds.unit_ids)
    return {
        "on": on,
        "year": year,
        "payload": payload,
        "values": values,
        "missing": missing,
        "attribution": bounds.attribution,
        "boundary_bytes": len(bounds.body),
        "boundary_gzip_bytes": len(bounds.gzipped),
        "map_alt": _("Bản đồ %(n)s xã; màu theo %(what)s. Danh sách đầy đủ ở bảng bên dưới.")
        % {"n": shown, "what": _("số tiêu chí đạt") if colour == "criteria" else _("mức đạt chuẩn")},
    }
