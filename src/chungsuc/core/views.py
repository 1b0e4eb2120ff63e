"""Core views: health check and the scoped audit log viewer."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chungsuc.core import selectors


@never_cache
@require_GET
def healthz(request):
    """200 {"status": "ok"} once the database answers; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # pragma: no cover - exercised only when the database is down
        return JsonResponse({"status": "error", "detail": str(exc)}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
def audit_list(request):
    entries = selectors.audit_entries_visible_to(
        request.user,
        action=request.GET.get("action") or None,
        target_type=request.GET.get("target_type") or None,
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"page": page, "filters": request.GET})
