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
