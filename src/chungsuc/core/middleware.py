"""Language selection: Vietnamese first.

Django's LocaleMiddleware follows the browser's Accept-Language, so an official whose browser is in
English would get the English interface without asking. Here the interface is Vietnamese unless the
user chose another language with the switch (the `django_language` cookie set by /i18n/setlang/).
"""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# Third-party reference pages (Swagger UI, Redoc) build their pages with inline script and style.
RELAXED_PREFIXES = ("/api/v1/docs/", "/api/v1/redoc/")
RELAXED_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every answer (settings.CHUNGSUC_CSP,
    settings.CHUNGSUC_PERMISSIONS_POLICY): a stored link or text that slipped past validation still
    cannot run script in an official's browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        relaxed = request.path.startswith(RELAXED_PREFIXES)
        policy = RELAXED_CSP if relaxed else settings.CHUNGSUC_CSP
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", settings.CHUNGSUC_PERMISSIONS_POLICY)
        return response


class NulCharacter(BadRequest):
    """A request carried a NUL character (U+0000) in `field`: answered 400 naming it (core.errors)."""

    def __init__(self, field: str):
        from django.utils.translation import gettext as _

        self.field = field
        super().__init__(
            _("«%(field)s» chứa ký tự điều khiển không hợp lệ (ký tự rỗng); hãy xóa ký tự đó rồi gửi lại.")
            % {"field": field}
        )


def _address() -> str:
    from django.utils.translation import gettext as _

    return _("địa chỉ")


def _body() -> str:
    from django.utils.translation import gettext as _

    return _("nội dung gửi lên")


def _nul_in(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_nul_in(k) or _nul_in(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_nul_in(v) for v in value)
    return False


class RefuseNulCharacterMiddleware:
    """PostgreSQL can neither store nor compare text holding a NUL character: a request carrying one in
    its address, its query, its form fields (not its files) or its JSON body is refused before any view
    with a 400 naming the field — on SQLite it would have been read, on PostgreSQL it was a 500 (issue 9:
    schemathesis found it in the register import's unit codes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = self._field(request)
        if field is not None:
            raise NulCharacter(field)
        return self.get_response(request)

    @staticmethod
    def _field(request) -> str | None:
        if "\x00" in request.path:
            return _address()
        for key, values in request.GET.lists():
            if _nul_in(key) or _nul_in(values):
                return key.replace("\x00", "")
        content_type = request.content_type or ""
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if request.method == "POST":
                for key, values in request.POST.lists():
                    if _nul_in(key) or _nul_in(values):
                        return key.replace("\x00", "")
        elif content_type.endswith("json"):
            try:
                body = request.body
            except Exception:  # too large, or already read: the view answers for it
                return None
            if b"\\u0000" in body.lower() or b"\x00" in body:
                import json

                try:
                    data = json.loads(body)
                except ValueError:
                    return None  # not JSON: the parser's 400
                if isinstance(data, dict):
                    for key, value in data.items():
                        if _nul_in(key) or _nul_in(value):
                            return key.replace("\x00", "")
                return _body() if _nul_in(data) else None
        return None
