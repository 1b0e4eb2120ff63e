"""Reads owned by core. Scoping comes from accounts through the settings hook (core sits below it)."""

from django.db.models import Q, QuerySet

from chungsuc.core.models import AuditEntry, Notification
from chungsuc.core.scope import scope_for


def audit_entries_visible_to(user, *, action: str | None = None, target_type: str | None = None) -> QuerySet:
    """Audit rows the user may read: those about units in their jurisdiction, and their own actions.
    Province-wide rows (no unit) are visible to province-level staff only."""
    scope = scope_for(user)
    qs = AuditEntry.objects.select_related("actor")
    if not scope.is_all:
        cond = Q(actor=user) | Q(unit_id__in=scope.unit_ids)
        if scope.province_wide:
            cond |= Q(unit_id__isnull=True)
        qs = qs.filter(cond)
    if action:
        qs = qs.filter(action=action)
    if target_type:
        qs = qs.filter(target_type=target_type)
    return qs


def unread_notifications(user) -> QuerySet:
    return Notification.objects.filter(recipient=user, read_at__isnull=True)
