"""Login throttling on django-axes: by username at an address, and by address alone.

Two counters, both over the cool-off period (`AXES_COOLOFF_TIME`):

- a username tried from one client address: `CHUNGSUC_LOGIN_FAILURE_LIMIT` failures (default 5) lock
  that pair — an official who mistypes is slowed, and nobody elsewhere can lock them out;
- one client address, whatever usernames it tries: `CHUNGSUC_LOGIN_ADDRESS_FAILURE_LIMIT` failures
  (default 20) lock the address — spraying many usernames from one place is slowed too.

The client address is the real one (`core.clientip.client_ip`, which reads X-Forwarded-For only from a
trusted proxy, `CHUNGSUC_TRUSTED_PROXIES`), so behind the README's reverse proxy users do not share a
counter. A locked-out login answers 429 with a Vietnamese message, on the login form (the page) and on
the API token endpoint (JSON), never a misleading "wrong password".
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

PAIR = ("username", "ip_address")
ADDRESS = "ip_address"


def lockout_parameters(request_or_attempt=None, credentials=None):
    """Axes' AXES_LOCKOUT_PARAMETERS: the username+address pair, and the address alone."""
    return [list(PAIR), ADDRESS]


def _limit_of(parameter) -> int:
    if parameter == ADDRESS:
        return int(settings.CHUNGSUC_LOGIN_ADDRESS_FAILURE_LIMIT)
    return int(settings.AXES_FAILURE_LIMIT)


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per lockout parameter.

    Axes compares the largest of the per-parameter failure counts with one limit
    (`AXES_FAILURE_LIMIT`); here each count is first scaled to that limit, so the address counter
    locks at its own (higher) limit.
    """

    def get_failures(self, request, credentials=None) -> int:
        from django.db.models import Sum

        base = int(settings.AXES_FAILURE_LIMIT)
        worst = 0
        parameters = lockout_parameters(request, credentials)
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            worst = max(worst, failures * base // max(_limit_of(parameter), 1))
        return worst

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful login clears that username's failures at that address, not the address's
        failures with other usernames (a sprayer logging into their own account resets nothing else)."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count


def lockout_message() -> str:
    minutes = int((get_cool_off() or 0).total_seconds() // 60) if get_cool_off() else 15
    return _(
        "Đăng nhập tạm thời bị khóa do sai tên đăng nhập hoặc mật khẩu quá nhiều lần (với tài khoản này "
        "hoặc từ địa chỉ mạng này). Vui lòng thử lại sau %(minutes)d phút hoặc liên hệ quản trị viên."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """Axes' AXES_LOCKOUT_CALLABLE: 429 with the Vietnamese message — JSON for the API, the page otherwise."""
    cool_off = get_cool_off(request)
    retry_after = str(int(cool_off.total_seconds())) if cool_off else "900"
    message = lockout_message()
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "accounts/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = retry_after
    return response
