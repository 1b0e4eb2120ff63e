"""Reads for the public portal: only published, public facts."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone

from chungsuc.assessments import selectors as assessment_selectors
from chungsuc.assessments.models import Standard


def home_figures() -> dict:
    today = timezone.localdate()
    counts = Counter(assessment_selectors.register_as_of(today).values_list("standard", flat=True))
    return {
        "today": today,
        "recognised": [{"label": label, "count": counts.get(code, 0)} for code, label in Standard.choices],
        "consultations": list(assessment_selectors.open_consultations()[:10]),
    }
