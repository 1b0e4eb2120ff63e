"""Forecast and risk for a movement's remaining years: a pure module (no Django).

For a year, a unit not yet holding the standard *could reach it* when its latest evaluation against the
standard's criteria shows at most `max_gaps` criteria not met ("thiếu tiêu chí 10 và 17") and its
roadmap does not put it later than that year. Units whose evaluation meets every criterion are "ready"
(awaiting appraisal and decision). Units with no evaluation are listed as "unknown" and never counted.
The forecast for the year is what has already been recognised in it plus the units that could reach
the standard; the target is at risk when that is below the year's target.

Later years (beyond the next) have no evaluation to go on: they are forecast from the roadmaps alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

READY = "ready"
CLOSE = "close"
FAR = "far"
UNKNOWN = "unknown"
LATER = "later"  # could, by its gaps, but its roadmap aims at a later year

DEFAULT_MAX_GAPS = 2


@dataclass(frozen=True)
class Candidate:
    unit_id: int
    name: str
    district: str = ""
    roadmap_year: int | None = None
    gaps: tuple[str, ...] | None = None  # None: no evaluation, or only counted (see gap_count)
    evaluated_year: int | None = None
    # the number of criteria not met when their codes were not read (a unit far from the standard:
    # only its count matters); None when `gaps` holds the codes or there is no evaluation
    gap_count: int | None = None

    @property
    def evaluated(self) -> bool:
        return self.gaps is not None or self.gap_count is not None

    @property
    def missing_criteria(self) -> int:
        """How many criteria its latest evaluation does not meet (0 without an evaluation)."""
        if self.gaps is not None:
            return len(self.gaps)
        return self.gap_count or 0


@dataclass(frozen=True)
class UnitOutlook:
    candidate: Candidate
    status: str
    behind_roadmap: bool = False

    @property
    def counted(self) -> bool:
        return self.status in (READY, CLOSE)

    @property
    def gaps_text(self) -> str:
        c = self.candidate
        if c.gaps is None and c.gap_count is not None:
            return f"thiếu {c.gap_count} tiêu chí"
        return gaps_text(c.gaps)


@dataclass
class YearForecast:
    year: int
    target: int
    achieved: int
    units: list[UnitOutlook] = field(default_factory=list)
    planned: int = 0  # roadmap entries for the year not yet recognised
    from_roadmap_only: bool = False

    @property
    def expected(self) -> int:
        if self.from_roadmap_only:
            return self.achieved + self.planned
        return self.achieved + sum(1 for u in self.units if u.counted)

    @property
    def shortfall(self) -> int:
        return max(0, self.target - self.expected)

    @property
    def at_risk(self) -> bool:
        return self.expected < self.target

    def with_status(self, status: str) -> list[UnitOutlook]:
        return [u for u in self.units if u.status == status]


def gaps_text(gaps: Sequence[str] | None) -> str:
    """('10', '17') → 'thiếu tiêu chí 10 và 17'; () → 'đạt tất cả tiêu chí'; None → 'chưa có đánh giá'."""
    if gaps is None:
        return "chưa có đánh giá"
    items = sorted(gaps, key=_criterion_key)
    if not items:
        return "đạt tất cả tiêu chí"
    if len(items) == 1:
        return f"thiếu tiêu chí {items[0]}"
    return f"thiếu tiêu chí {', '.join(items[:-1])} và {items[-1]}"


def _criterion_key(code: str):
    parts = str(code).split(".")
    return [(0, int(p)) if p.isdecimal() else (1, p) for p in parts]


def outlook(candidate: Candidate, year: int, *, max_gaps: int = DEFAULT_MAX_GAPS) -> UnitOutlook:
    behind = candidate.roadmap_year is not None and candidate.roadmap_year < year
    if not candidate.evaluated:
        return UnitOutlook(candidate, UNKNOWN, behind)
    n = candidate.missing_criteria
    if n > max_gaps:
        return UnitOutlook(candidate, FAR, behind)
    if candidate.roadmap_year is not None and candidate.roadmap_year > year and n > 0:
        return UnitOutlook(candidate, LATER, behind)
    return UnitOutlook(candidate, READY if n == 0 else CLOSE, behind)


_ORDER = {READY: 0, CLOSE: 1, LATER: 2, FAR: 3, UNKNOWN: 4}


def forecast_year(
    *,
    year: int,
    target: int,
    achieved: int,
    candidates: Iterable[Candidate],
    max_gaps: int = DEFAULT_MAX_GAPS,
) -> YearForecast:
    """The outlook of every candidate (units not yet holding the standard) for `year`."""
    units = [outlook(c, year, max_gaps=max_gaps) for c in candidates]
    units.sort(
        key=lambda u: (_ORDER[u.status], u.candidate.missing_criteria, u.candidate.district, u.candidate.name)
    )
    return YearForecast(year=year, target=target, achieved=achieved, units=units)


def forecast_years(
    *,
    years: Sequence[int],
    targets: dict[int, int],
    achieved: dict[int, int],
    candidates: Sequence[Candidate],
    max_gaps: int = DEFAULT_MAX_GAPS,
) -> list[YearForecast]:
    """The first of `years` from the evaluations' gaps; the following ones from the roadmaps only
    (units counted in an earlier year are not counted again)."""
    out: list[YearForecast] = []
    if not years:
        return out
    first = forecast_year(
        year=years[0],
        target=int(targets.get(years[0], 0)),
        achieved=int(achieved.get(years[0], 0)),
        candidates=candidates,
        max_gaps=max_gaps,
    )
    out.append(first)
    used = {u.candidate.unit_id for u in first.units if u.counted}
    for y in years[1:]:
        planned = sum(1 for c in candidates if c.roadmap_year == y and c.unit_id not in used)
        out.append(
            YearForecast(
                year=y,
                target=int(targets.get(y, 0)),
                achieved=int(achieved.get(y, 0)),
                planned=planned,
                from_roadmap_only=True,
            )
        )
    return out
