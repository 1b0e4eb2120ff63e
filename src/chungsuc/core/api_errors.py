"""Vietnamese answers for the REST framework's own errors.

DRF's built-in messages ("Invalid page.", "JSON parse error - …", "Not found.", "Unsupported media
type …") are English and its Vietnamese catalogue covers only a handful of them. `exception_handler`
replaces the framework's default messages with Vietnamese msgids (translated to English through the
project's .po files like everything else); messages our own code raised are left as they are.

Use it project-wide with `REST_FRAMEWORK["EXCEPTION_HANDLER"] = "chungsuc.core.api_errors.exception_handler"`;
until then views opt in through `VietnameseErrorsMixin`.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework import serializers as drf_serializers
from rest_framework.views import exception_handler as drf_exception_handler

_JSON_POSITION = re.compile(r"line (\d+) column (\d+)")


def _message(exc: exceptions.APIException) -> str | None:
    """The Vietnamese message for one of DRF's own exceptions, None to keep the detail as raised."""
    if isinstance(exc, exceptions.ParseError):
        text = str(exc.detail)
        if text.startswith("JSON parse error"):
            where = _JSON_POSITION.search(text)
            if where:
                return _("Nội dung JSON không hợp lệ (dòng %(line)s, cột %(column)s).") % {
                    "line": where.group(1),
                    "column": where.group(2),
                }
            if "Out of range float" in text:
                return _("Nội dung JSON không hợp lệ: NaN và Infinity không phải là số JSON.")
            return _("Nội dung JSON không hợp lệ.")
        if text == str(exceptions.ParseError.default_detail):
            return _("Nội dung yêu cầu không đọc được.")
        return None
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _("Kiểu nội dung không được hỗ trợ; gửi JSON với Content-Type: application/json.")
    defaults = {
        exceptions.NotFound: _("Không tìm thấy."),
        exceptions.NotAuthenticated: _("Cần đăng nhập (phiên hoặc mã thông báo) để dùng mục này."),
        exceptions.AuthenticationFailed: _("Thông tin xác thực không đúng."),
        exceptions.PermissionDenied: _("Bạn không có quyền thực hiện thao tác này."),
        exceptions.NotAcceptable: _("Không thể trả lời theo định dạng được yêu cầu (Accept)."),
    }
    if isinstance(exc, exceptions.AuthenticationFailed):
        token_messages = {
            "Invalid token.": _("Mã thông báo (token) không hợp lệ."),
            "User inactive or deleted.": _("Tài khoản đã bị khóa hoặc không còn."),
            "Invalid token header. No credentials provided.": _(
                "Tiêu đề Authorization không hợp lệ: thiếu mã thông báo sau chữ Token."
            ),
            "Invalid token header. Token string should not contain spaces.": _(
                "Tiêu đề Authorization không hợp lệ: mã thông báo không được chứa dấu cách."
            ),
            "Invalid token header. Token string should not contain invalid characters.": _(
                "Tiêu đề Authorization không hợp lệ: mã thông báo chứa ký tự không hợp lệ."
            ),
        }
        if str(exc.detail) in token_messages:
            return token_messages[str(exc.detail)]
    for cls, text in defaults.items():
        if isinstance(exc, cls) and str(exc.detail) == str(cls.default_detail):
            return text
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("Phương thức không được phép cho địa chỉ này.")
    if isinstance(exc, exceptions.Throttled):
        return _("Quá nhiều yêu cầu; hãy thử lại sau %(seconds)s giây.") % {"seconds": exc.wait or 1}
    return None


def exception_handler(exc, context):
    """DRF's handler, with the framework's English default messages replaced by Vietnamese ones."""
    from django.http import Http404

    if isinstance(exc, Http404 | exceptions.NotFound) and str(getattr(exc, "detail", exc)).isascii():
        # Django's and DRF's English "No Evidence matches the given query." / "Not found." become the
        # one Vietnamese message that scoped lookups also answer (out of scope = missing): no oracle.
        exc = exceptions.NotFound(_("Không tìm thấy."))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        text = _message(exc)
        if text is not None:
            response.data = {"detail": text}
    return response


class VietnameseErrorsMixin:
    """For an APIView: answer the framework's own errors in Vietnamese (see module docstring)."""

    def get_exception_handler(self):
        return exception_handler


class ProblemSerializer(drf_serializers.Serializer):
    """An error: `detail` for the whole request, or a list of messages per field/parameter."""

    detail = drf_serializers.CharField(required=False, help_text="Thông báo lỗi (tiếng Việt).")
