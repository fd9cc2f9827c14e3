"""Error views Django cannot pick by template name alone (the 400/403/404/500 pages are the
templates of the same names in bitgoeul/templates)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views import defaults


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token (expired session, cookies off): the site's own
    error page with a way back, not Django's English debug page. `reason` is for logs only."""
    return render(request, "403_csrf.html", status=403)


def _language(request: HttpRequest) -> str:
    """The visitor's language for an error raised before UserLanguageMiddleware ran (a refused
    host, a broken middleware): the language cookie, else Korean, never the language that the
    thread's previous request left active."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    with translation.override(getattr(request, "LANGUAGE_CODE", None) or _language(request)):
        return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    # Renders 500.html without a request context: nothing here may touch the database.
    with translation.override(getattr(request, "LANGUAGE_CODE", None) or _language(request)):
        return defaults.server_error(request)
