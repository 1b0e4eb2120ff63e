"""Reads for the officials' dashboard, every one scoped through accounts.selectors."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils import timezone

from chungsuc.accounts import selectors as account_selectors
from chungsuc.assessments import selectors as assessment_selectors
from chungsuc.assessments.models import Standard
from chungsuc.geo.models import UnitLevel


def overview(user, *, on: dt.date | None = None) -> dict:
    """What an official sees first: their organisations and scope, the recognised units in scope by
    standard, the assessments in scope by workflow state, and the regression watch."""
    on = on or timezone.localdate()
    scope = account_selectors.scope_for(user)
    units = account_selectors.visible_units(user)
    register = assessment_selectors.register_as_of(on)
    if not scope.is_all:
        register = register.filter(unit_id__in=scope.unit_ids)
    by_standard = Counter(register.values_list("standard", flat=True))
    states = Counter()
    for name in assessment_selectors.assessments_for(user).values_list("state_name", flat=True):
        states[name or "—"] += 1
    return {
        "on": on,
        "organisations": list(account_selectors.organisations_of(user)),
        "scope": scope,
        "unit_count": units.count(),
        "commune_count": units.filter(level=UnitLevel.COMMUNE).count(),
        "recognised": [
            {"code": code, "label": label, "count": by_standard.get(code, 0)}
            for code, label in Standard.choices
        ],
        "assessment_states": sorted(states.items()),
        "watch": assessment_selectors.regression_watch(user, on),
    }
