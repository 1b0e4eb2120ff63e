"""Reads for the officials' dashboard, every one scoped through the permission layer of accounts."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Q
from django.utils import timezone

from chungsuc.accounts import permissions
from chungsuc.accounts import selectors as account_selectors
from chungsuc.assessments import selectors as assessment_selectors
from chungsuc.assessments.models import Standard
from chungsuc.geo.models import Unit, UnitLevel
from chungsuc.movements.coverage import register_coverage
from chungsuc.recognitions import selectors as recognition_selectors


def overview(user, *, on: dt.date | None = None) -> dict:
    """What an official sees first: their organisations and scope, the recognised units in scope by
    standard, the assessments in scope by workflow state, and the regression watch."""
    on = on or timezone.localdate()
    # Filtered and counted by the database through the permission layer (a join on the unit closure,
    # never an IN list of ten thousand ids), with GROUP BYs rather than iterating rows in Python.
    register = permissions.restrict(recognition_selectors.register_as_of(on), user, "recognition.view")
    by_standard = dict(register.order_by().values_list("standard").annotate(n=Count("id")))
    states = Counter()
    for name, n in assessment_selectors.assessment_counts_by_state(user).items():
        states[name or "—"] += n
    counts = permissions.restrict(Unit.objects.order_by(), user, "unit.view").aggregate(
        total=Count("id"), communes=Count("id", filter=Q(level=UnitLevel.COMMUNE))
    )
    return {
        "on": on,
        "organisations": list(account_selectors.organisations_of(user)),
        "unit_count": counts["total"],
        "commune_count": counts["communes"],
        "recognised": [
            {"code": code, "label": label, "count": by_standard.get(code, 0)}
            for code, label in Standard.choices
        ],
        "assessment_states": sorted(states.items()),
        # the page shows the first ten (the full list is on the watch page)
        "watch": recognition_selectors.regression_watch(user, on, limit=10),
        "threshold_gaps": threshold_work(user),
        # the register beside the province's own reported counts (issue 7 §8)
        "coverage": register_coverage(on),
    }


def threshold_work(user) -> list[dict]:
    """The programme office's work list on its dashboard: frameworks in force with thresholds missing
    or unverified (others do not edit criteria, so they do not get the card)."""
    from chungsuc.criteria import selectors as criteria_selectors
    from chungsuc.criteria.services import can_edit

    if not can_edit(user):
        return []
    return criteria_selectors.threshold_gaps_summary()
