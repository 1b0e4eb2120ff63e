"""Reads of administrative units through time. The administrative map is public data; scoping of
officials' pages happens in accounts.selectors."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from chungsuc.geo.models import Unit, UnitVersion


def valid_on(date: dt.date, prefix: str = "") -> Q:
    """Rows whose [valid_from, valid_to] (inclusive, None = open) contains `date`."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": date})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": date})
    )


def versions_on(date: dt.date) -> QuerySet:
    """Every unit version valid on `date` (one per unit existing that day)."""
    return UnitVersion.objects.filter(valid_on(date)).select_related("unit", "parent")


def unit_by_code(code: str | int, on: dt.date) -> Unit | None:
    """The unit that bore national code `code` on `date` (codes are reused across time)."""
    version = UnitVersion.objects.filter(valid_on(on), code=str(code)).select_related("unit").first()
    return version.unit if version else None
