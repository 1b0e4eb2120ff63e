"""Ranking within an emulation cluster or block for a year: a pure module (no Django).

Each member scores itself (self-scoring) and the other members (cross-scoring) against the scoring
table. A member's ranking score is the average of the totals the *other* members gave it (the cross
scores); its self score is shown beside it. A member nobody else has scored yet is ranked after those
who have, by its self score, and flagged. Ties share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ScoreLine:
    scored: int
    scorer: int
    criterion: str
    points: float


@dataclass
class Standing:
    member: int
    self_total: float | None
    cross_average: float | None
    cross_scorers: int
    rank: int = 0

    @property
    def score(self) -> float:
        return self.cross_average if self.cross_average is not None else (self.self_total or 0.0)

    @property
    def only_self(self) -> bool:
        return self.cross_average is None


def standings(members: Iterable[int], lines: Iterable[ScoreLine]) -> list[Standing]:
    members = list(members)
    totals: dict[tuple[int, int], float] = {}
    for line in lines:
        if line.scored in members and line.scorer in members:
            key = (line.scored, line.scorer)
            totals[key] = totals.get(key, 0.0) + float(line.points)
    out = []
    for m in members:
        cross = [t for (scored, scorer), t in totals.items() if scored == m and scorer != m]
        out.append(
            Standing(
                member=m,
                self_total=totals.get((m, m)),
                cross_average=(sum(cross) / len(cross)) if cross else None,
                cross_scorers=len(cross),
            )
        )
    out.sort(key=lambda s: (s.only_self, -s.score, -(s.self_total or 0.0), s.member))
    previous = None
    for i, s in enumerate(out, start=1):
        key = (s.only_self, round(s.score, 6))
        s.rank = previous[1] if previous and previous[0] == key else i
        previous = (key, s.rank)
    return out
