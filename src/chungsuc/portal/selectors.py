"""Reads for the public portal: only published, public facts."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone

from chungsuc.assessments.models import Standard
from chungsuc.recognitions import selectors as recognition_selectors


def home_figures() -> dict:
    today = timezone.localdate()
    counts = Counter(recognition_selectors.register_as_of(today).values_list("standard", flat=True))
    return {
        "today": today,
        "recognised": [{"label": label, "count": counts.get(code, 0)} for code, label in Standard.choices],
        "consultations": list(recognition_selectors.open_consultations()[:10]),
    }
