"""Reads for the officials' dashboard, every one scoped through accounts.selectors."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Q
from django.utils import timezone

from chungsuc.accounts import selectors as account_selectors
from chungsuc.assessments import selectors as assessment_selectors
from chungsuc.assessments.models import Standard
from chungsuc.geo.models import Unit, UnitLevel
from chungsuc.recognitions import selectors as recognition_selectors


def overview(user, *, on: dt.date | None = None) -> dict:
    """What an official sees first: their organisations and scope, the recognised units in scope by
    standard, the assessments in scope by workflow state, and the regression watch."""
    on = on or timezone.localdate()
    scope = account_selectors.scope_for(user)
    everything = assessment_selectors.covers_every_unit(scope)
    register = recognition_selectors.register_as_of(on)
    if not everything:
        register = register.filter(unit_id__in=scope.unit_ids)
    # Counted by the database (GROUP BY), not by iterating rows in Python: at national scale (10,000
    # communes, 50,000 assessments) row iteration was most of the page's time.
    by_standard = dict(register.order_by().values_list("standard").annotate(n=Count("id")))
    states = Counter()
    for name, n in assessment_selectors.assessment_counts_by_state(user).items():
        states[name or "—"] += n
    if everything:
        # every unit is in scope: no IN list of their ids
        counts = Unit.objects.aggregate(
            total=Count("id"), communes=Count("id", filter=Q(level=UnitLevel.COMMUNE))
        )
    else:
        # the scope's ids are unit ids read from the database: count them in Python rather than send
        # ten thousand ids back as an IN list (building such a list costs Django ~20 ms each time)
        communes = Unit.objects.filter(level=UnitLevel.COMMUNE).values_list("id", flat=True)
        counts = {"total": len(scope.unit_ids), "communes": sum(1 for i in communes if i in scope.unit_ids)}
    return {
        "on": on,
        "organisations": list(account_selectors.organisations_of(user)),
        "scope": scope,
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
    }


def threshold_work(user) -> list[dict]:
    """The programme office's work list on its dashboard: frameworks in force with thresholds missing
    or unverified (others do not edit criteria, so they do not get the card)."""
    from chungsuc.criteria import selectors as criteria_selectors
    from chungsuc.criteria.services import can_edit

    if not can_edit(user):
        return []
    return criteria_selectors.threshold_gaps_summary()
