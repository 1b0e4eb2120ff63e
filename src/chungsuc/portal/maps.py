"""The map's values: what colours each commune on a date. Public values (the standard held, from the
register) for the portal; the dashboard adds criteria met (officials only, scoped)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from chungsuc.assessments.models import Standard
from chungsuc.geo.mapdata import boundaries_for
from chungsuc.geo.models import UnitLevel, UnitVersion
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


def communes_on(on: dt.date, unit_ids=None) -> list[UnitVersion]:
    qs = UnitVersion.objects.filter(valid_on(on), level=UnitLevel.COMMUNE).select_related("parent")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return list(qs.order_by("code"))


def standards_values(on: dt.date, unit_ids=None) -> list[dict]:
    """Every commune valid on `on` with the highest standard it holds that day (public facts)."""
    best = recognition_selectors.highest_standards(on)
    legend = {x["value"]: x["label"] for x in standard_legend()}
    out = []
    for v in communes_on(on, unit_ids):
        rec = best.get(v.unit_id)
        value = STANDARD_VALUE.get(rec.standard, 1) if rec else 0
        out.append(
            {
                "id": v.unit_id,
                "code": v.code,
                "name": v.name,
                "parent": v.parent.name if v.parent_id else "",
                "value": value,
                "url": reverse("portal:unit", args=[v.unit_id]),
                "label": legend[value],
                "since": rec.since.isoformat() if rec else None,
                "year": rec.year if rec else None,
            }
        )
    return out


def map_payload(
    on: dt.date, values: list[dict], *, colour: str, legend: list[dict] | None, max_value=None
) -> dict:
    """What the map script needs besides the boundaries: values, legend, and the communes with no
    boundary on that date (shown as a list)."""
    bounds = boundaries_for(on)
    missing = [v for v in values if v["id"] not in bounds.unit_ids]
    return {
        "on": on.isoformat(),
        "colour": colour,
        "legend": legend,
        "max": max_value,
        "values": values,
        "missing": [{"id": v["id"], "name": v["name"], "label": v["label"]} for v in missing],
        "attribution": list(bounds.attribution),
    }
