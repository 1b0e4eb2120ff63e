"""What movements reads from the apps below it: the recognition register and the latest evaluations.

The register (`RecognitionRecord`) lives in `recognitions`; every read of it by this app goes through
here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Max, Q

from chungsuc.assessments.models import Assessment, EvaluationResult
from chungsuc.geo.models import Unit, UnitLevel, UnitVersion
from chungsuc.recognitions.models import RecognitionRecord

NO_DISTRICT = "Sau sáp nhập (không còn cấp huyện)"


def movement_unit_ids(province_id: int, start: dt.date, end: dt.date) -> set[int]:
    """Every unit under the province at some date of [start, end]. Old units keep counting toward the
    plan of their period after they were merged (their recognitions stay theirs); the merged units,
    which belong to another province's tree, count toward that province's movements."""
    from chungsuc.accounts.selectors import subtree_unit_ids

    return subtree_unit_ids(province_id, start, end)


def _versions_by_unit(unit_ids: Iterable[int]) -> dict[int, list[UnitVersion]]:
    out: dict[int, list[UnitVersion]] = {}
    for v in (
        UnitVersion.objects.filter(unit_id__in=list(unit_ids))
        .select_related("parent")
        .order_by("unit_id", "valid_from")
    ):
        out.setdefault(v.unit_id, []).append(v)
    return out


def _version_on(versions: list[UnitVersion], date: dt.date) -> UnitVersion | None:
    chosen = None
    for v in versions:
        if (v.valid_from is None or v.valid_from <= date) and (v.valid_to is None or v.valid_to >= date):
            chosen = v
    return chosen or (versions[-1] if versions else None)


def recognitions(unit_ids: set[int], start: dt.date, end: dt.date, standards: Iterable[str]) -> list[dict]:
    """Recognitions of these units decided in [start, end] (by the decision's date), with the unit's
    name, level and district at that date."""
    rows = list(
        RecognitionRecord.objects.filter(
            unit_id__in=unit_ids, since__gte=start, since__lte=end, standard__in=list(standards)
        )
        .order_by()
        .values("unit_id", "standard", "since", "since_precision", "decision_text", "verified", "year")
    )
    versions = _versions_by_unit({r["unit_id"] for r in rows})
    parent_ids = {v.parent_id for vs in versions.values() for v in vs if v.parent_id}
    versions.update(_versions_by_unit(parent_ids - set(versions)))
    out = []
    for r in rows:
        v = _version_on(versions.get(r["unit_id"], []), r["since"])
        if v is None:
            continue
        if v.level == UnitLevel.DISTRICT:
            district = v.name
        elif v.parent is not None and v.parent.level == UnitLevel.DISTRICT:
            parent_version = _version_on(versions.get(v.parent_id, []), r["since"])
            district = parent_version.name if parent_version else v.parent.name
        else:
            district = NO_DISTRICT
        out.append(
            {
                **r,
                "unit_name": v.name,
                "level": v.level,
                "district": district,
            }
        )
    return out


def register_count_as_of(unit_ids: set[int], *, level: str, standards: Iterable[str], on: dt.date) -> int:
    """How many of these units hold one of `standards` in the register on `on` (not revoked)."""
    level_units = UnitVersion.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on),
        Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        unit_id__in=unit_ids,
        level=level,
    ).values("unit_id")
    return (
        RecognitionRecord.objects.as_of(on)
        .filter(unit_id__in=level_units, standard__in=list(standards))
        .values("unit_id")
        .distinct()
        .count()
    )


def holders(unit_ids: set[int], standards: Iterable[str], on: dt.date) -> set[int]:
    return set(
        RecognitionRecord.objects.as_of(on)
        .filter(unit_id__in=unit_ids, standard__in=list(standards))
        .values_list("unit_id", flat=True)
    )


def units_on(unit_ids: set[int], on: dt.date, level: str) -> list[dict]:
    """The units of `level` among `unit_ids` valid on `on`, with their district's name."""
    rows = list(
        UnitVersion.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
            unit_id__in=unit_ids,
            level=level,
        )
        .order_by()
        .values("unit_id", "name", "parent_id", "parent__level", "parent__name")
    )
    return [
        {
            "unit_id": r["unit_id"],
            "name": r["name"],
            "district": r["parent__name"] if r["parent__level"] == UnitLevel.DISTRICT else "",
        }
        for r in rows
    ]


def latest_gaps(unit_ids: Iterable[int], standard: str) -> dict[int, tuple[int, tuple[str, ...]]]:
    """Per unit, the latest evaluation against a framework of `standard`: (year, criteria not met)."""
    unit_ids = list(unit_ids)
    latest_year = dict(
        Assessment.objects.filter(unit_id__in=unit_ids, framework__standard=standard, results__isnull=False)
        .order_by()
        .values("unit_id")
        .annotate(y=Max("year"))
        .values_list("unit_id", "y")
    )
    if not latest_year:
        return {}
    assessments = {
        a_id: (unit_id, year)
        for a_id, unit_id, year in Assessment.objects.filter(
            unit_id__in=list(latest_year), framework__standard=standard
        ).values_list("id", "unit_id", "year")
        if latest_year.get(unit_id) == year
    }
    latest_result = dict(
        EvaluationResult.objects.filter(assessment_id__in=list(assessments))
        .order_by()
        .values("assessment_id")
        .annotate(m=Max("id"))
        .values_list("assessment_id", "m")
    )
    out: dict[int, tuple[int, tuple[str, ...]]] = {}
    for result in EvaluationResult.objects.filter(id__in=list(latest_result.values())).only(
        "assessment_id", "criteria"
    ):
        unit_id, year = assessments[result.assessment_id]
        failing = tuple(c for c, s in (result.criteria or {}).items() if s != "met")
        out[unit_id] = (year, failing)
    return out


def unit_names(unit_ids: Iterable[int]) -> dict[int, str]:
    return dict(Unit.objects.filter(pk__in=list(unit_ids)).values_list("pk", "name"))
