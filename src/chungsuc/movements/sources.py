"""What movements reads from the apps below it: the recognition register and the latest evaluations.

The register (`RecognitionRecord`) lives in `recognitions`; every read of it by this app goes through
here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery

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


def _overlap(start: dt.date, end: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=end)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    )


def movement_units_qs(province_id: int, start: dt.date, end: dt.date) -> QuerySet:
    """The same units as `movement_unit_ids`, as a subquery (no list of ids sent to the database:
    at national scale an IN list of 10,000 ids costs more than the query itself). Province →
    district → commune at most, or province → commune after the two-tier reform."""
    level1 = (
        UnitVersion.objects.filter(_overlap(start, end), parent_id=province_id).order_by().values("unit_id")
    )
    level2 = (
        UnitVersion.objects.filter(_overlap(start, end), parent_id__in=level1).order_by().values("unit_id")
    )
    return (
        Unit.objects.filter(Q(pk=province_id) | Q(pk__in=level1) | Q(pk__in=level2)).order_by().values("pk")
    )


def _ids(units):
    """A subquery as it is, or a list for a Python collection of ids."""
    return units if isinstance(units, QuerySet) else list(units)


def _versions_by_unit(unit_ids) -> dict[int, list[UnitVersion]]:
    out: dict[int, list[UnitVersion]] = {}
    for v in (
        UnitVersion.objects.filter(unit_id__in=_ids(unit_ids))
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


def _valid_at(unit_ref: str, date_ref: str) -> QuerySet:
    """The version of the unit `unit_ref` valid at the date `date_ref` (outer references)."""
    return (
        UnitVersion.objects.filter(unit_id=OuterRef(unit_ref))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=OuterRef(date_ref)))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef(date_ref)))
        .order_by("-valid_from")
    )


def recognitions(unit_ids, start: dt.date, end: dt.date, standards: Iterable[str]) -> list[dict]:
    """Recognitions of these units decided in [start, end] (by the decision's date), with the unit's
    name, level and district at that date — one query (correlated subqueries for the versions)."""
    own = _valid_at("unit_id", "since")
    parent = _valid_at("v_parent", "since")
    rows = (
        RecognitionRecord.objects.filter(
            unit_id__in=_ids(unit_ids), since__gte=start, since__lte=end, standard__in=list(standards)
        )
        .order_by()
        .annotate(
            v_name=Subquery(own.values("name")[:1]),
            v_level=Subquery(own.values("level")[:1]),
            v_parent=Subquery(own.values("parent_id")[:1]),
        )
        .annotate(p_name=Subquery(parent.values("name")[:1]), p_level=Subquery(parent.values("level")[:1]))
        .values(
            "unit_id",
            "standard",
            "since",
            "since_precision",
            "decision_text",
            "verified",
            "year",
            "v_name",
            "v_level",
            "p_name",
            "p_level",
        )
    )
    out = []
    for r in rows:
        if r["v_name"] is None:
            continue
        if r["v_level"] == UnitLevel.DISTRICT:
            district = r["v_name"]
        elif r["p_level"] == UnitLevel.DISTRICT:
            district = r["p_name"]
        else:
            district = NO_DISTRICT
        out.append(
            {
                "unit_id": r["unit_id"],
                "standard": r["standard"],
                "since": r["since"],
                "since_precision": r["since_precision"],
                "decision_text": r["decision_text"],
                "verified": r["verified"],
                "year": r["year"],
                "unit_name": r["v_name"],
                "level": r["v_level"],
                "district": district,
            }
        )
    return out


def register_count_as_of(unit_ids, *, level: str, standards: Iterable[str], on: dt.date) -> int:
    """How many of these units hold one of `standards` in the register on `on` (not revoked)."""
    level_units = UnitVersion.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on),
        Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        unit_id__in=_ids(unit_ids),
        level=level,
    ).values("unit_id")
    return (
        RecognitionRecord.objects.as_of(on)
        .filter(unit_id__in=level_units, standard__in=list(standards))
        .values("unit_id")
        .distinct()
        .count()
    )


def holders(unit_ids, standards: Iterable[str], on: dt.date) -> set[int]:
    return set(
        RecognitionRecord.objects.as_of(on)
        .filter(unit_id__in=_ids(unit_ids), standard__in=list(standards))
        .order_by()
        .values_list("unit_id", flat=True)
    )


def units_on_qs(unit_ids, on: dt.date, level: str) -> QuerySet:
    return (
        UnitVersion.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
            unit_id__in=_ids(unit_ids),
            level=level,
        )
        .order_by()
        .values("unit_id")
    )


def units_on(unit_ids, on: dt.date, level: str) -> list[dict]:
    """The units of `level` among `unit_ids` valid on `on`, with their district's name."""
    rows = list(
        UnitVersion.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
            unit_id__in=_ids(unit_ids),
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


def latest_gaps(unit_ids, standard: str) -> dict[int, tuple[int, tuple[str, ...]]]:
    """Per unit, the latest evaluation against a framework of `standard`: (year, criteria not met).
    `unit_ids` may be a subquery (no id list is sent to the database)."""
    scoped = Assessment.objects.filter(unit_id__in=_ids(unit_ids), framework__standard=standard).order_by()
    latest_year = dict(
        scoped.filter(results__isnull=False)
        .values("unit_id")
        .annotate(y=Max("year"))
        .values_list("unit_id", "y")
    )
    if not latest_year:
        return {}
    assessments = {
        a_id: (unit_id, year)
        for a_id, unit_id, year in scoped.values_list("id", "unit_id", "year")
        if latest_year.get(unit_id) == year
    }
    latest_result = (
        EvaluationResult.objects.filter(assessment__in=scoped)
        .order_by()
        .values("assessment_id")
        .annotate(m=Max("id"))
    )
    out: dict[int, tuple[int, tuple[str, ...]]] = {}
    for result in EvaluationResult.objects.filter(id__in=latest_result.values("m")).only(
        "assessment_id", "criteria"
    ):
        if result.assessment_id not in assessments:
            continue
        unit_id, year = assessments[result.assessment_id]
        failing = tuple(c for c, s in (result.criteria or {}).items() if s != "met")
        out[unit_id] = (year, failing)
    return out


def unit_names(unit_ids: Iterable[int]) -> dict[int, str]:
    return dict(Unit.objects.filter(pk__in=list(unit_ids)).values_list("pk", "name"))
