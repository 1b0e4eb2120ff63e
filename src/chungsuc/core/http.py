"""The two blocks every thin view repeats, written once.

Pages: a POST calls a service; a refusal (`ValidationError`, `PermissionDenied`) becomes error messages
shown where the user acted, success a message; then a redirect.

    with service_errors(request):
        services.evidence_remove(actor=request.user, evidence=ev)
        messages.success(request, _("Đã xóa minh chứng."))
    return redirect(assessment.get_absolute_url())

or, for the plain case, `return post_service(request, lambda: services.x(...), success=..., next_url=...)`.

API: a service's refusal becomes its HTTP status, the same way everywhere — a stale version 409,
no permission 403 (including the workflow's own permission error), anything else the user must fix 400
with the messages by field when the service named fields:

    @api_service_errors
    def post(self, request, pk): ...          # or: return api_error_response(exc)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect

from chungsuc.core.concurrency import ConflictError

__all__ = [
    "SERVICE_ERRORS",
    "api_error_response",
    "api_service_errors",
    "error_messages",
    "flash_errors",
    "flash_form_errors",
    "post_service",
    "service_errors",
]

SERVICE_ERRORS = (ValidationError, PermissionDenied)


def error_messages(exc: Exception) -> list[str]:
    """The user-facing messages of a service's refusal (every field's, for a keyed ValidationError)."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return [m for msgs in exc.message_dict.values() for m in msgs]
        return list(exc.messages)
    return [str(exc)]


def flash_errors(request, exc: Exception) -> None:
    for message in error_messages(exc):
        messages.error(request, message)


def flash_form_errors(request, form, *, labels: bool = True) -> None:
    """A refused form's errors as error messages where the user acted: one per field, "Nhãn: lỗi"
    (a form-wide error or a field without a label: its words alone); with `labels=False`, every
    error alone (the upload forms, whose one field's errors say what is wrong)."""
    from django.utils.translation import gettext as _

    for field, errs in form.errors.items():
        if not labels:
            for m in errs:
                messages.error(request, m)
            continue
        label = form.fields[field].label if field in form.fields else ""
        text = " ".join(errs)
        if label:
            text = _("%(field)s: %(errors)s") % {"field": label, "errors": text}
        messages.error(request, text)


@contextmanager
def service_errors(request, *, catch: tuple[type[Exception], ...] = SERVICE_ERRORS) -> Iterator[None]:
    """Run the block; a ValidationError or PermissionDenied it raises becomes error messages (`catch`
    narrows it: `catch=(ValidationError,)` lets a PermissionDenied answer 403)."""
    try:
        yield
    except catch as exc:
        flash_errors(request, exc)


def post_service(
    request,
    call: Callable[[], Any],
    *,
    next_url: str | Callable[[Any], str],
    success: str | Callable[[Any], str] | None = None,
    error_url: str | None = None,
    catch: tuple[type[Exception], ...] = SERVICE_ERRORS,
):
    """Call the service; flash `success` (or its result's message) or the refusal; redirect to
    `next_url` (or `error_url` after a refusal, when given)."""
    try:
        result = call()
    except catch as exc:
        flash_errors(request, exc)
        if error_url is not None:
            return redirect(error_url)
        return redirect(next_url if isinstance(next_url, str) else next_url(None))
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(next_url(result) if callable(next_url) else next_url)


def api_error_response(exc: Exception):
    """The REST answer for a service's refusal, or None for an exception that is not one."""
    from rest_framework.response import Response

    if isinstance(exc, ConflictError):
        return Response({"detail": exc.messages}, status=409)
    if isinstance(exc, PermissionDenied):
        return Response({"detail": str(exc)}, status=403)
    if isinstance(exc, ValidationError):
        from chungsuc.core.workflow import WorkflowPermissionError

        if isinstance(exc, WorkflowPermissionError):
            return Response({"detail": exc.messages}, status=403)
        if hasattr(exc, "message_dict"):
            return Response(exc.message_dict, status=400)
        return Response({"detail": exc.messages}, status=400)
    return None


def api_service_errors(method: Callable) -> Callable:
    """Decorate an API view method: a service's refusal becomes its status (see api_error_response)."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except SERVICE_ERRORS as exc:
            response = api_error_response(exc)
            if response is None:
                raise
            return response

    return wrapper
