from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from bitgoeul.audit.services import current_request_id

Handler = Callable[[HttpRequest], HttpResponse]
_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,36}$")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",  # KRDS bundles an icon font as a data: URI
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class RequestIdMiddleware:
    """Give every request an id (or keep a proxy's X-Request-ID), for logs and audit events."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else str(uuid.uuid4())
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ContentSecurityPolicyMiddleware:
    """No inline script or style anywhere: templates load static files only."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class UserLanguageMiddleware:
    """Korean unless the visitor chose otherwise: the language cookie (the header switch), else
    the signed-in user's preferred language, else Korean. Accept-Language is ignored on purpose:
    this is a Korean public service and must not change language with the browser."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supported = {code for code, _ in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        user: Any = getattr(request, "user", None)
        if language not in supported and user is not None and user.is_authenticated:
            language = user.language
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class ApiErrorShapeMiddleware:
    """Every 4xx under /api/ has the API's one error shape, including the ones Django itself
    answers (unknown path, wrong method, CSRF failure) before the API code runs."""

    CODES = {
        400: "bad_request",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
        414: "uri_too_long",
        429: "throttled",
    }

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/v1/")
            and 400 <= response.status_code < 500
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            from django.http import JsonResponse

            status = response.status_code
            code = self.CODES.get(status, "error")
            shaped = JsonResponse(
                {"error": {"code": code, "message": code.replace("_", " "), "field": None}},
                status=status,
            )
            if status == 405 and response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response


class QueryStringLimitMiddleware:
    """A request whose query string is longer than `MAX_QUERY_STRING` gets 414 before any view
    runs (gunicorn's own, HTML, limit is lifted in `serve`; ApiErrorShapeMiddleware gives it the
    API's JSON shape under /api/v1)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.META.get("QUERY_STRING", "")) > settings.MAX_QUERY_STRING:
            return HttpResponse("URI too long", status=414, content_type="text/plain")
        return self.get_response(request)
