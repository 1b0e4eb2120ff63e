"""Progress of a movement's targets against what was achieved: a pure module (no Django).

A target (section II.2.x of a plan) asks for a number of *additional* units reaching a standard each
year. An achievement is one unit's recognition from the register, counted in the year of its decision.
Each unit counts once per target (its first recognition inside the period), whatever became of the unit
later (a commune recognised in 2023 and merged in 2025 still counts toward the 2021–2025 plan).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TargetSpec:
    code: str
    name: str
    level: str  # "commune" | "district"
    standards: tuple[str, ...]
    by_year: dict[int, int]
    section: str = ""
    note: str = ""

    @property
    def total(self) -> int:
        return sum(self.by_year.values())


@dataclass(frozen=True)
class Achievement:
    unit_id: int
    unit_name: str
    level: str
    standard: str
    date: dt.date
    district: str = ""
    decision: str = ""
    verified: bool = True
    year_only: bool = False

    @property
    def year(self) -> int:
        return self.date.year


@dataclass
class YearRow:
    year: int
    target: int
    actual: int
    cumulative_target: int
    cumulative_actual: int
    units: list[Achievement] = field(default_factory=list)

    @property
    def difference(self) -> int:
        return self.actual - self.target

    @property
    def cumulative_difference(self) -> int:
        return self.cumulative_actual - self.cumulative_target

    @property
    def met(self) -> bool:
        return self.actual >= self.target


@dataclass
class DistrictRow:
    district: str
    by_year: dict[int, int]
    total: int


@dataclass
class TargetProgress:
    target: TargetSpec
    rows: list[YearRow]
    by_district: list[DistrictRow]

    @property
    def total_target(self) -> int:
        return self.target.total

    @property
    def total_actual(self) -> int:
        return sum(r.actual for r in self.rows)

    @property
    def share(self) -> float | None:
        """Achieved as a percentage of the whole period's target (None when the target is 0)."""
        return None if not self.total_target else 100.0 * self.total_actual / self.total_target


def matches(target: TargetSpec, achievement: Achievement) -> bool:
    return achievement.level == target.level and achievement.standard in target.standards


def target_progress(
    target: TargetSpec, achievements: Iterable[Achievement], years: Iterable[int]
) -> TargetProgress:
    years = sorted(years)
    first: dict[int, Achievement] = {}
    for a in sorted(achievements, key=lambda a: (a.date, a.unit_id)):
        if not matches(target, a) or a.year not in years:
            continue
        first.setdefault(a.unit_id, a)
    per_year: dict[int, list[Achievement]] = {y: [] for y in years}
    for a in first.values():
        per_year[a.year].append(a)
    rows: list[YearRow] = []
    cum_t = cum_a = 0
    for y in years:
        t = int(target.by_year.get(y, 0))
        units = sorted(per_year[y], key=lambda a: (a.district, a.unit_name))
        cum_t += t
        cum_a += len(units)
        rows.append(
            YearRow(
                year=y,
                target=t,
                actual=len(units),
                cumulative_target=cum_t,
                cumulative_actual=cum_a,
                units=units,
            )
        )
    districts: dict[str, dict[int, int]] = {}
    for a in first.values():
        districts.setdefault(a.district, dict.fromkeys(years, 0))[a.year] += 1
    by_district = [
        DistrictRow(district=name, by_year=counts, total=sum(counts.values()))
        for name, counts in sorted(districts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    ]
    return TargetProgress(target=target, rows=rows, by_district=by_district)


def movement_progress(
    targets: Iterable[TargetSpec], achievements: Iterable[Achievement], years: Iterable[int]
) -> list[TargetProgress]:
    achievements = list(achievements)
    years = list(years)
    return [target_progress(t, achievements, years) for t in targets]


@dataclass(frozen=True)
class Coverage:
    """How much of a reported count the register holds at the same date."""

    reported: int
    in_register: int
    comparable: bool = True

    @property
    def share(self) -> float | None:
        if not self.comparable or not self.reported:
            return None
        return 100.0 * self.in_register / self.reported

    @property
    def missing(self) -> int:
        return max(0, self.reported - self.in_register) if self.comparable else 0


def parse_counts(text: str, years: list[int]) -> dict[int, int]:
    """'8, 6, 8, 5, 6' (one number per year of the period, in order) → {2021: 8, ...}.

    Raises ValueError with a Vietnamese message naming what is wrong."""
    raw = [p.strip() for p in str(text or "").replace(";", ",").split(",")]
    if raw == [""]:
        raise ValueError("chưa nhập số đơn vị của từng năm")
    if len(raw) != len(years):
        raise ValueError(
            f"cần {len(years)} số, mỗi năm {years[0]}–{years[-1]} một số, cách nhau bằng dấu phẩy "
            f"(đã nhập {len(raw)})"
        )
    out: dict[int, int] = {}
    for year, part in zip(years, raw, strict=True):
        if part == "":
            part = "0"
        if not part.isdecimal():
            raise ValueError(f"năm {year}: «{part}» không phải số nguyên không âm")
        out[year] = int(part)
    return out
