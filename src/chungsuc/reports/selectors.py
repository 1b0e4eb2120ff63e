"""Reads of the reports app, each taking the user (scoped through accounts)."""

from __future__ import annotations

import datetime as dt

from chungsuc.accounts import permissions
from chungsuc.reports.models import GeneratedDocument


def documents_for(user, *, limit: int = 50):
    """The documents the user asked for, newest first."""
    if not getattr(user, "is_authenticated", False):
        return GeneratedDocument.objects.none()
    return GeneratedDocument.objects.filter(requested_by=user).select_related("unit")[:limit]


def document_or_404(user, pk) -> GeneratedDocument:
    """A document the user asked for, or one about a unit in their scope; 404 otherwise (same words)."""
    return permissions.get_or_404(
        GeneratedDocument.objects.select_related("unit", "requested_by"),
        user,
        "report.view",
        pk,
        message="Không tìm thấy văn bản",
    )


def recognised_records(user, *, on: dt.date, standard: str = "", level: str = "") -> tuple[list, dict]:
    """Register rows valid on `on` for the units in the user's scope (one standard / level if given),
    with the labels the list's title uses."""
    from chungsuc.assessments.models import Standard
    from chungsuc.geo.models import UnitLevel
    from chungsuc.recognitions import selectors as recognition_selectors

    qs = permissions.restrict(
        recognition_selectors.register_as_of(on, standard=standard), user, "recognition.view"
    )
    if level:
        qs = qs.filter(unit__level=level)
    records = list(qs.select_related("unit", "decision"))
    standard_label = dict(Standard.choices).get(standard, "") if standard else ""
    level_label = {
        UnitLevel.COMMUNE: "Các xã",
        UnitLevel.DISTRICT: "Các huyện, thị xã, thành phố",
        UnitLevel.PROVINCE: "Tỉnh",
    }.get(level, "Các đơn vị")
    scope_name = "toàn tỉnh" if permissions.province_wide(user) else "trong phạm vi phụ trách"
    return records, {"standard_label": standard_label, "level_label": level_label, "scope_name": scope_name}


def assessments_to_sheet(user, *, limit: int = 300):
    """Assessments the user may print an evaluation sheet for (latest years first)."""
    from chungsuc.assessments import selectors as assessment_selectors

    return assessment_selectors.assessments_for(user).order_by("-year", "unit__code")[:limit]
