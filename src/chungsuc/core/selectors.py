"""Reads owned by core. Scoping comes from accounts through the settings hook (core sits below it)."""

from django.db.models import Q, QuerySet

from chungsuc.core.models import AuditEntry, Notification
from chungsuc.core.scope import restrict


def audit_entries_visible_to(user, *, action: str | None = None, target_type: str | None = None) -> QuerySet:
    """Audit rows the user may read: those about units in their jurisdiction (the permission layer's
    "audit.view", computed in the database), and their own actions. Province-wide rows (no unit) are
    visible to province-level staff only."""
    base = AuditEntry.objects.select_related("actor")
    if not getattr(user, "is_authenticated", False):
        return base.none()
    if user.is_superuser:
        qs = base
    else:
        scoped = restrict(AuditEntry.objects.all(), user, "audit.view").values("pk")
        qs = base.filter(Q(actor=user) | Q(pk__in=scoped))
    if action:
        qs = qs.filter(action=action)
    if target_type:
        qs = qs.filter(target_type=target_type)
    return qs


def unread_notifications(user) -> QuerySet:
    return Notification.objects.filter(recipient=user, read_at__isnull=True)
