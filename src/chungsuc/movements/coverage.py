"""The register's coverage, said where the register is shown (issue 7 §8): how many records the
register holds beside the province's own reported counts (with their dates and sources), so that an
incomplete register is not read as the province's real figures. Read by the public list of
recognised units and the officials' dashboard; the figures are public facts, not scoped."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from chungsuc.geo.selectors import valid_on
from chungsuc.movements.models import ReportedCount
from chungsuc.movements.selectors import BASIS_LABELS, STANDARD_LABELS, basis_text, reported_label
from chungsuc.recognitions.models import RecognitionRecord


def _standards(level: str, standard: str) -> list[str]:
    # as the movement's progress page counts: an advanced or model commune also holds new-rural, a
    # district that "completed the task" (thị xã, thành phố) counts with the new-rural districts
    if level == "commune" and standard == "ntm":
        return ["ntm", "advanced", "model"]
    if level == "district" and standard == "ntm":
        return ["ntm", "task_completed"]
    return [standard]


def _in_register(level: str, standard: str, on: dt.date) -> int:
    """Units of `level` on `on` that hold the standard in the register on that day (one query)."""
    return (
        RecognitionRecord.objects.as_of(on)
        .filter(valid_on(on, "unit__versions__"), unit__versions__level=level)
        .filter(standard__in=_standards(level, standard))
        .values("unit_id")
        .distinct()
        .count()
    )


def register_coverage(on: dt.date | None = None) -> dict:
    """{"on", "total", "by_standard", "reported": [...]}: the register's records in force on `on`, and
    for each movement that carries reported counts, the latest count of each kind (level, standard,
    basis) dated on or before `on`, with what the register held on that date. Counts of communes that
    merely meet the criteria, and counts after the merger of 1/7/2025 (another denominator), are not
    compared."""
    on = on or timezone.localdate()
    register = RecognitionRecord.objects.as_of(on)
    by_standard = dict(register.order_by().values_list("standard").annotate(n=Count("id")))
    latest: dict[tuple, ReportedCount] = {}
    for rc in (
        ReportedCount.objects.filter(as_of__lte=on)
        .select_related("movement")
        .order_by("movement_id", "as_of")
    ):
        latest[(rc.movement_id, rc.level, rc.standard, rc.basis)] = rc
    reported = []
    for rc in sorted(
        latest.values(), key=lambda r: (r.movement_id, r.level != "commune", r.standard, r.basis)
    ):
        comparable = rc.basis != "meeting" and not rc.after_merger
        in_register = _in_register(rc.level, rc.standard, rc.as_of) if comparable else None
        reported.append(
            {
                "movement": rc.movement.name,
                "as_of": rc.as_of,
                "precision": rc.as_of_precision,
                "level": rc.level,
                "standard": rc.standard,
                "standard_label": STANDARD_LABELS.get(rc.standard, rc.standard),
                "label": reported_label(rc.level, rc.standard),  # in the interface's language
                "basis": rc.basis,
                "basis_label": BASIS_LABELS.get(rc.basis, rc.basis),
                "basis_text": basis_text(rc.basis),
                "count": rc.count,
                "denominator": rc.denominator,
                "source": rc.source,
                "verified": rc.verified,
                "comparable": comparable,
                "in_register": in_register,
            }
        )
    return {"on": on, "total": sum(by_standard.values()), "by_standard": by_standard, "reported": reported}
