"""What movements reads from the apps below it: the recognition register and the latest evaluations.

The register (`RecognitionRecord`) lives in `recognitions`; every read of it by this app goes through
here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    JSONField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)

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


def _versions_of(unit_ids) -> dict[int, list[tuple]]:
    """Every version of these units as (valid_from, valid_to, name, level, parent_id), oldest first."""
    out: dict[int, list[tuple]] = {}
    for unit_id, *rest in (
        UnitVersion.objects.filter(unit_id__in=_ids(unit_ids))
        .order_by("unit_id", "valid_from")
        .values_list("unit_id", "valid_from", "valid_to", "name", "level", "parent_id")
    ):
        out.setdefault(unit_id, []).append(tuple(rest))
    return out


def _at(versions: list[tuple] | None, day: dt.date) -> tuple | None:
    """The version valid on `day` (the latest starting one if several overlap), or None."""
    chosen = None
    for v in versions or ():
        valid = (v[0] is None or v[0] <= day) and (v[1] is None or v[1] >= day)
        later = chosen is None or (v[0] is not None and (chosen[0] is None or v[0] >= chosen[0]))
        if valid and later:
            chosen = v
    return chosen


def recognitions(unit_ids, start: dt.date, end: dt.date, standards: Iterable[str]) -> list[dict]:
    """Recognitions of these units decided in [start, end] (by the decision's date), with the unit's
    name, level and district at that date. One query on the register and one on the versions of the
    units (and of their parents not among them), matched by date in Python: correlated subqueries
    per record cost more than reading the versions once."""
    records = list(
        RecognitionRecord.objects.filter(
            unit_id__in=_ids(unit_ids), since__gte=start, since__lte=end, standard__in=list(standards)
        )
        .order_by()
        .values_list("unit_id", "standard", "since", "since_precision", "decision_text", "verified", "year")
    )
    if not records:
        return []
    versions = _versions_of(unit_ids if isinstance(unit_ids, QuerySet) else {r[0] for r in records})
    parents = {
        v[4] for r in records for v in versions.get(r[0], ()) if v[4] is not None and v[4] not in versions
    }
    if parents:
        versions.update(_versions_of(parents))
    out = []
    for unit_id, standard, since, precision, decision, verified, year in records:
        own = _at(versions.get(unit_id), since)
        if own is None:
            continue
        _f, _t, name, level, parent_id = own
        parent = _at(versions.get(parent_id), since) if parent_id is not None else None
        if level == UnitLevel.DISTRICT:
            district = name
        elif parent is not None and parent[3] == UnitLevel.DISTRICT:
            district = parent[2]
        else:
            district = NO_DISTRICT
        out.append(
            {
                "unit_id": unit_id,
                "standard": standard,
                "since": since,
                "since_precision": precision,
                "decision_text": decision,
                "verified": verified,
                "year": year,
                "unit_name": name,
                "level": level,
                "district": district,
            }
        )
    return out


def recognition_levels(unit_ids, start: dt.date, end: dt.date, standards: Iterable[str]) -> list[tuple]:
    """Recognitions of these units decided in [start, end], as (unit, standard, decision date, the
    unit's level on that date): what counting against the plan's targets needs, in one query. The
    level is the version valid on the decision's date, the latest starting one if several overlap (as
    `recognitions` chooses it); a record whose unit had no version that day is left out, as there."""
    from django.db.models import OuterRef, Subquery

    level = (
        UnitVersion.objects.filter(unit_id=OuterRef("unit_id"))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=OuterRef("since")))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("since")))
        .order_by(F("valid_from").desc(nulls_last=True))
        .values("level")[:1]
    )
    return [
        row
        for row in RecognitionRecord.objects.filter(
            unit_id__in=_ids(unit_ids), since__gte=start, since__lte=end, standard__in=list(standards)
        )
        .order_by()
        .annotate(level_then=Subquery(level))
        .values_list("unit_id", "standard", "since", "level_then")
        if row[3] is not None
    ]


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


def holders_by_standard(unit_ids, standards: Iterable[str], on: dt.date) -> dict[str, set[int]]:
    """Who holds each of `standards` on `on` (one query for all of them)."""
    out: dict[str, set[int]] = {s: set() for s in standards}
    for unit_id, standard in (
        RecognitionRecord.objects.as_of(on)
        .filter(unit_id__in=_ids(unit_ids), standard__in=list(out))
        .order_by()
        .values_list("unit_id", "standard")
    ):
        out[standard].add(unit_id)
    return out


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


def unit_ids_on(unit_ids, on: dt.date, level: str) -> list[int]:
    """The ids of the units of `level` among `unit_ids` valid on `on`."""
    return list(units_on_qs(unit_ids, on, level).values_list("unit_id", flat=True))


def units_on(unit_ids, on: dt.date, level: str) -> list[dict]:
    """The units of `level` among `unit_ids` valid on `on`, with their district's name."""
    rows = (
        UnitVersion.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
            unit_id__in=_ids(unit_ids),
            level=level,
        )
        .order_by()
        .values_list("unit_id", "name", "parent__level", "parent__name")
    )
    district = UnitLevel.DISTRICT
    return [
        {"unit_id": u, "name": name, "district": p_name if p_level == district else ""}
        for u, name, p_level, p_name in rows
    ]


def latest_gaps(
    unit_ids, standard: str, *, names_up_to: int | None = None, expected: Iterable[int] | None = None
) -> dict[int, tuple[int, int, tuple[str, ...] | None]]:
    """Per unit, its latest evaluation against a framework of `standard`: (year, number of criteria
    not met, their codes). The codes are read only for units with at most `names_up_to` criteria not
    met (None: for every unit) — the others are only counted, from the stored `criteria_total -
    criteria_met`, so the large JSON column is not read for them. `unit_ids` may be a subquery.

    Reads by year, newest first: one query for the latest evaluated year (most units' latest), then,
    only for the units of `expected` not found yet, the years before. Within an assessment the
    latest result wins (ordered by id)."""
    scoped = Assessment.objects.filter(unit_id__in=_ids(unit_ids), framework__standard=standard).order_by()
    gap = ExpressionWrapper(F("criteria_total") - F("criteria_met"), output_field=IntegerField())
    if names_up_to is None:
        names = F("criteria")
    else:
        names = Case(
            When(gap__lte=names_up_to, then=F("criteria")), default=Value(None), output_field=JSONField()
        )
    out: dict[int, tuple[int, int, tuple[str, ...] | None]] = {}

    def read(assessments) -> None:
        found: dict[int, tuple[int, int, object]] = {}
        rows = (
            EvaluationResult.objects.filter(assessment__in=assessments)
            .annotate(gap=gap, names=names)
            .order_by("assessment__year", "id")
            .values_list("assessment__unit_id", "assessment__year", "gap", "names")
        )
        for unit_id, year, count, criteria in rows:
            found[unit_id] = (year, count, criteria)
        for unit_id, (year, count, criteria) in found.items():
            codes = None
            if criteria is not None:
                codes = tuple(c for c, st in criteria.items() if st != "met")
            out[unit_id] = (year, len(codes) if codes is not None else int(count), codes)

    # the newest year evaluated against this standard anywhere (an indexed read, no join to the
    # units): units without a result that year are read from the earlier years below
    latest = (
        EvaluationResult.objects.filter(assessment__framework__standard=standard)
        .order_by()
        .aggregate(y=Max("assessment__year"))["y"]
    )
    if latest is None:
        return out
    read(scoped.filter(year=latest))
    missing = None if expected is None else set(expected) - out.keys()
    if missing is None or len(missing) > 500:
        # the earlier years of the units without a result in `latest`, as a subquery
        done = EvaluationResult.objects.filter(assessment__in=scoped.filter(year=latest)).values(
            "assessment__unit_id"
        )
        read(scoped.filter(year__lt=latest).exclude(unit_id__in=done))
    elif missing:
        read(scoped.filter(year__lt=latest, unit_id__in=sorted(missing)))
    return out


def unit_names(unit_ids: Iterable[int]) -> dict[int, str]:
    return dict(Unit.objects.filter(pk__in=list(unit_ids)).values_list("pk", "name"))
