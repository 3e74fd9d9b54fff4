"""Language choice: Bahasa Indonesia first.

Pages speak Indonesian unless the user picked English with the language switch (a cookie); the
browser's Accept-Language is not consulted, since many phones in Bengkulu are set to English while
their users expect the portal in Indonesian. API clients, which ask explicitly, get the language of
their Accept-Language header.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class PortalLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if language not in SUPPORTED:
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
