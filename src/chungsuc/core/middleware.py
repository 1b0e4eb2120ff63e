"""Language selection: Vietnamese first.

Django's LocaleMiddleware follows the browser's Accept-Language, so an official whose browser is in
English would get the English interface without asking. Here the interface is Vietnamese unless the
user chose another language with the switch (the `django_language` cookie set by /i18n/setlang/).
"""

from django.conf import settings
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
