"""Core views: health check, the scoped audit log viewer, the current user's notifications."""

import logging

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from chungsuc.core import notifications, selectors
from chungsuc.core.audit import action_label


@never_cache
@require_GET
def healthz(request):
    """200 {"status": "ok"} once the database answers and a page in the product's layout renders (its
    static files are in the build's manifest); 503 naming the failing part otherwise."""
    logger = logging.getLogger("chungsuc.health")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health check: database")
        return JsonResponse({"status": "error", "failing": "database"}, status=503)
    try:
        render_to_string(
            "core/error.html", {"status": 200, "title": "healthz", "message": ""}, request=request
        )
    except Exception:
        logger.exception("health check: page rendering")
        return JsonResponse({"status": "error", "failing": "pages"}, status=503)
    return JsonResponse({"status": "ok"})


def _target_label(target_type: str) -> str:
    try:
        return str(apps.get_model(target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return target_type


@login_required
def audit_list(request):
    action = request.GET.get("action") or None
    target_type = request.GET.get("target_type") or None
    entries = selectors.audit_entries_visible_to(request.user, action=action, target_type=target_type)
    visible = selectors.audit_entries_visible_to(request.user).order_by()
    actions = sorted(
        ((a, action_label(a)) for a in set(visible.values_list("action", flat=True).distinct())),
        key=lambda pair: pair[1],
    )
    target_types = sorted(
        ((t, _target_label(t)) for t in set(visible.values_list("target_type", flat=True).distinct()) if t),
        key=lambda pair: pair[1],
    )
    labels = dict(target_types)
    from chungsuc.core.audit_display import audit_table
    from chungsuc.core.tables import export_if_asked, export_query

    exported = export_if_asked(request, lambda: audit_table(entries, labels), "nhat-ky-thay-doi")
    if exported:
        return exported
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page:
        entry.action_label = action_label(entry.action)
        entry.target_label = labels.get(entry.target_type) or _target_label(entry.target_type)
    from chungsuc.core.audit_display import present

    present(page)
    return render(
        request,
        "core/audit_list.html",
        {
            "page": page,
            "filters": request.GET,
            "actions": actions,
            "target_types": target_types,
            "action": action or "",
            "target_type": target_type or "",
            "export_q": export_query(request),
        },
    )


def _safe_next(request, url: str) -> str | None:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


@login_required
@require_GET
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    items = notifications.notifications_for(request.user, unread_only=unread_only)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notification_list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread_total": notifications.notifications_for(request.user, unread_only=True).count(),
        },
    )


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one of the user's notifications read; `open=1` then follows its link (local links only)."""
    note = notifications.notification_for_user_or_404(request.user, pk)
    notifications.notification_mark_read(actor=request.user, notification=note)
    target = None
    if request.POST.get("open") == "1":
        target = _safe_next(request, note.url)
    target = target or _safe_next(request, request.POST.get("next", ""))
    if request.headers.get("HX-Request") and not target:
        return render(request, "core/notification_item.html", {"n": note})
    return redirect(target or "core:notification-list")


@login_required
@require_POST
def notification_read_all(request):
    notifications.notification_mark_all_read(actor=request.user)
    return redirect(_safe_next(request, request.POST.get("next", "")) or "core:notification-list")
