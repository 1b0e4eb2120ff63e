"""Timeliness of what participants owe: a pure module (no Django)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

ON_TIME = "on_time"
LATE = "late"
MISSING = "missing"
PENDING = "pending"

LABELS = {
    ON_TIME: "Đúng hạn",
    LATE: "Trễ hạn",
    MISSING: "Chưa nộp (quá hạn)",
    PENDING: "Chưa đến hạn",
}


def timeliness(
    *, due: dt.date, first_submitted: dt.date | None, today: dt.date, late_mark: bool = False
) -> str:
    """on_time / late / missing / pending. The late mark stays: a report first submitted after its
    due date, or one the scheduled job marked missed, is late even once accepted."""
    if first_submitted is not None:
        return LATE if (late_mark or first_submitted > due) else ON_TIME
    return MISSING if today > due else PENDING


@dataclass
class Completeness:
    owed: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0

    def add(self, status: str) -> None:
        self.owed += 1
        setattr(self, status, getattr(self, status) + 1)

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def share_submitted(self) -> float | None:
        due = self.owed - self.pending
        return None if due <= 0 else 100.0 * self.submitted / due


def completeness(statuses: Iterable[str]) -> Completeness:
    c = Completeness()
    for s in statuses:
        c.add(s)
    return c


def due_from_template(template: str, year: int) -> dt.date:
    """'{year}-12-15' → date(year, 12, 15); also accepts a fixed ISO date."""
    return dt.date.fromisoformat(str(template).replace("{year}", str(year)))


def reminder_kind(*, due: dt.date, today: dt.date, days_before: int) -> str | None:
    """'before' within `days_before` days ahead of the due date, 'overdue' after it, else None."""
    if today > due:
        return "overdue"
    if (due - today).days <= days_before:
        return "before"
    return None
