"""In-app notifications and their e-mail copies.

`notify` writes one `Notification` per recipient inside the caller's transaction and sends the e-mail
copies through Django's e-mail backend only after that transaction commits (a rolled-back transition
sends nothing). Reads for the notification page are here too.

Marking one's own notification as read changes the reader's inbox, not an official record, so it is
not written to the audit log; the creation of a notification is traced by the audited action that
caused it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from chungsuc.core.models import Notification

log = logging.getLogger(__name__)

EMAIL_SUBJECT_PREFIX = "[Chung Sức] "


def _send_emails(messages: list[tuple[str, str, str]]) -> None:
    if not messages:
        return
    try:
        connection = get_connection(fail_silently=False)
        connection.send_messages(
            [
                EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
                for subject, body, to in messages
            ]
        )
    except Exception:  # the in-app notification stands; a mail server outage must not break the action
        log.exception("Could not send %d notification e-mail(s)", len(messages))


def _absolute(url: str) -> str:
    base = getattr(settings, "CHUNGSUC_SITE_URL", "").rstrip("/")
    return f"{base}{url}" if base and url.startswith("/") else url


def notify(
    *,
    recipients: Iterable,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
    exclude=None,
) -> list[Notification]:
    """Notify each distinct active recipient (skipping `exclude`, usually the actor) in-app and by e-mail."""
    seen: set[int] = set()
    skip = getattr(exclude, "pk", None)
    rows: list[Notification] = []
    for user in recipients:
        if user is None or user.pk in seen or user.pk == skip or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, title=str(title)[:300], body=str(body), url=str(url)[:500]))
    created = Notification.objects.bulk_create(rows)
    if email:
        mails = []
        for note in created:
            address = note.recipient.email
            if not address:
                continue
            text = note.body
            if note.url:
                text = f"{text}\n\n{_absolute(note.url)}".strip()
            mails.append((EMAIL_SUBJECT_PREFIX + note.title, text, address))
        if mails:
            transaction.on_commit(lambda: _send_emails(mails))
    return created


# --- reads -------------------------------------------------------------------------------------


def notifications_for(user, *, unread_only: bool = False) -> QuerySet:
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def notification_for_user_or_404(user, pk) -> Notification:
    """The user's own notification; anyone else's (or a missing one) is 404."""
    try:
        return Notification.objects.get(pk=int(pk), recipient=user)
    except (Notification.DoesNotExist, TypeError, ValueError):
        raise Http404("Không tìm thấy thông báo") from None


# --- writes ------------------------------------------------------------------------------------


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    """Mark the actor's own notification as read (idempotent)."""
    if notification.recipient_id != actor.pk:
        raise Http404("Không tìm thấy thông báo")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor as read; returns how many changed."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
