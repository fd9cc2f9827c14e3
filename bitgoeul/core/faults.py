"""Faults of the outside world answered clearly: a database that refuses writes (read-only for
maintenance, a standby after a fail-over) and a full disk. The request's transaction has been
rolled back by then, so nothing was half-saved; the person is told that their change was not
saved and why, in their language, instead of a bare 500."""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

READ_ONLY_SQLSTATE = "25006"  # PostgreSQL: read_only_sql_transaction


def is_read_only_error(exc: BaseException) -> bool:
    if not isinstance(exc, DatabaseError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) == READ_ONLY_SQLSTATE:
        return True
    text = str(exc).lower()
    return "readonly database" in text or "read-only" in text or "read only" in text


def is_disk_full_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def fault_message(exc: BaseException) -> tuple[int, str, str] | None:
    """(status, code, translated message) for a fault of the outside world, else None."""
    if is_read_only_error(exc):
        return (
            503,
            "read_only",
            _(
                "The database accepts no changes at the moment (maintenance). Your change was "
                "not saved; please try again later."
            ),
        )
    if is_disk_full_error(exc):
        return (
            507,
            "disk_full",
            _(
                "The server has no room left to store files. Nothing was saved; please try "
                "again later or tell the operators."
            ),
        )
    return None


class FaultMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        fault = fault_message(exc)
        if fault is None:
            return None
        status, code, message = fault
        logger.error("%s %s failed: %s", request.method, request.path, code, exc_info=exc)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"error": {"code": code, "message": message, "field": None}}, status=status
            )
        body = format_html(
            '<!doctype html><html lang="{}"><meta charset="utf-8"><title>{}</title>'
            '<main><h1>{}</h1><p role="alert">{}</p><p><a href="/">{}</a></p></main></html>',
            getattr(request, "LANGUAGE_CODE", "ko"),
            _("Not saved"),
            _("Not saved"),
            message,
            _("Back to the home page"),
        )
        return HttpResponse(body, status=status)
