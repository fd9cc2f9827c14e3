"""The HTTP API: /api/v1, OpenAPI at /api/v1/docs (and /api/docs). Every 4xx has one shape:
{"error": {"code": ..., "message": ..., "field": ...}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from bitgoeul.accounts.api import router as accounts_router
from bitgoeul.accounts.api_auth import ScopeError, SessionAuth, TokenAuth
from bitgoeul.accounts.services import ApiTokenExpired

api = NinjaAPI(
    title="Bitgoeul API",
    version="1",
    urls_namespace="api-1",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    description=(
        "Bitgoeul's API for machines and scripts. Authenticate with a personal API token "
        "(`Authorization: Bearer bgl_…`, made on the API tokens page) or a browser session."
    ),
)


def error(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, "field": field}}, status=status
    )


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first: dict[str, Any] = exc.errors[0] if exc.errors else {}
    location = [
        str(part) for part in first.get("loc", []) if part not in {"body", "payload", "query"}
    ]
    field = ".".join(location) or None
    message = str(first.get("msg", "invalid input"))
    return error(request, 422, "invalid", f"{field}: {message}" if field else message, field)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error(request, 401, "unauthenticated", "log in or send a valid API token")


@api.exception_handler(ApiTokenExpired)
def on_token_expired(request: HttpRequest, exc: ApiTokenExpired) -> HttpResponse:
    expires_at = exc.token.expires_at.isoformat() if exc.token.expires_at else ""
    return error(
        request,
        401,
        "token_expired",
        f"this token expired at {expires_at}: make a new one on the API tokens page",
    )


@api.exception_handler(ScopeError)
def on_scope_error(request: HttpRequest, exc: ScopeError) -> HttpResponse:
    return error(request, 403, "read_only_token", "this token may only read: make a write token")


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error(request, 403, "forbidden", "you may not do this")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, "not_found", "no such object, or not yours to see")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    field = (
        message.split(":", 1)[0] if ":" in message and " " not in message.split(":", 1)[0] else None
    )
    codes = {
        400: "bad_request",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        422: "invalid",
        429: "throttled",
    }
    return error(request, exc.status_code, codes.get(exc.status_code, "error"), message, field)


api.add_router("/", accounts_router)
api.add_router("/", "bitgoeul.companies.api.router")
api.add_router("/", "bitgoeul.programs.api.router")
api.add_router("/", "bitgoeul.equipment.api.router")
api.add_router("/", "bitgoeul.demonstrations.api.router")
api.add_router("/", "bitgoeul.promotion.api.events.router")
api.add_router("/", "bitgoeul.promotion.api.news.router")
api.add_router("/", "bitgoeul.matchmaking.api.router")
api.add_router("/", "bitgoeul.compute.api.rounds.router")
api.add_router("/", "bitgoeul.compute.api.usage.router")
api.add_router("/", "bitgoeul.compute.api.pools.router")
api.add_router("/", "bitgoeul.compute.api.burn.router")
