"""Error answers in the product's layout (HTML) or as JSON under /api/, in the interface language.

Django's handlers are replaced in the root URL conf (`handler400` … `handler500`):
- 403 keeps its reason (the Vietnamese message of the `PermissionDenied` a service raised);
- 404 always reads the same, whether the record does not exist or is outside the user's scope, so the
  message is no oracle for which ids exist;
- 500 never shows internals; the page renders without the database (no menu, no user lookups) so that
  it still answers when the database is what failed.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found_message() -> str:
    return _("Không tìm thấy.")


def _reason(exception) -> str:
    if exception is None:
        return ""
    message = exception.args[0] if getattr(exception, "args", None) else ""
    message = str(message) if message else ""
    # Django's and DRF's own English defaults are no reason to show an official.
    if not message or message.isascii():
        return ""
    return message


def _page(request, status: int, title: str, message: str, *, minimal: bool = False):
    context = {"status": status, "title": title, "message": message}
    if minimal:
        # 500: no context processors (they query the database), no request-dependent tags.
        html = loader.get_template("core/error_minimal.html").render(context)
        from django.http import HttpResponse

        return HttpResponse(html, status=status)
    return TemplateResponse(request, "core/error.html", context, status=status).render()


def bad_request(request, exception=None):
    # A reason our own code gave (e.g. core.concurrency.VersionRequired, naming the missing field) is kept.
    message = _reason(exception) or _("Yêu cầu không hợp lệ; hãy quay lại trang trước và thử lại.")
    if _is_api(request):
        field = getattr(exception, "field", None)
        return JsonResponse(
            {field: [message], "detail": message} if field else {"detail": message}, status=400
        )
    return _page(request, 400, _("Yêu cầu không hợp lệ"), message)


def permission_denied(request, exception=None):
    message = _reason(exception) or _("Bạn không có quyền thực hiện thao tác này.")
    if _is_api(request):
        return JsonResponse({"detail": message}, status=403)
    return _page(request, 403, _("Không có quyền"), message)


def page_not_found(request, exception=None):
    message = not_found_message()
    if _is_api(request):
        return JsonResponse({"detail": message}, status=404)
    return _page(
        request,
        404,
        _("Không tìm thấy"),
        _(
            "Không tìm thấy trang hoặc mục bạn tìm (có thể địa chỉ sai, mục đã bị xóa, hoặc không thuộc "
            "phạm vi của bạn)."
        ),
    )


def server_error(request):
    message = _("Hệ thống gặp lỗi khi xử lý yêu cầu; lỗi đã được ghi lại. Vui lòng thử lại sau.")
    if _is_api(request):
        return JsonResponse({"detail": message}, status=500)
    try:
        return _page(request, 500, _("Lỗi hệ thống"), message, minimal=True)
    except Exception:  # the last resort must not fail
        from django.http import HttpResponseServerError

        return HttpResponseServerError(message, content_type="text/plain; charset=utf-8")


def csrf_failure(request, reason=""):
    message = _(
        "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ (thiếu mã bảo vệ CSRF). Hãy tải lại trang "
        "rồi gửi lại."
    )
    if _is_api(request):
        return JsonResponse({"detail": message}, status=403)
    return _page(request, 403, _("Không gửi được biểu mẫu"), message)
