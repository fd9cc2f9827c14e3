"""API authentication: the browser session (with CSRF) or a personal bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from bitgoeul.accounts.access import is_operator_staff
from bitgoeul.accounts.enums import TokenScope
from bitgoeul.accounts.services import api_token_authenticate

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ScopeError(Exception):
    """A read-only token was used to change something."""


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_authenticate(token)
        if found is None or found.scope == TokenScope.USAGE:
            # a machine's usage token opens only the usage endpoint (`UsageTokenAuth`)
            return None
        if request.method not in SAFE_METHODS and found.scope != TokenScope.WRITE:
            raise ScopeError
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class UsageTokenAuth(HttpBearer):
    """A machine's token limited to posting GPU usage (`TokenScope.USAGE`): accepted by the
    usage ingestion endpoint only, and refused by every other endpoint (`TokenAuth`). Only the
    operator's staff may hold one (the ledger burns and charges every company's grant), checked
    again at each use."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_authenticate(token)
        if found is None or found.scope != TokenScope.USAGE:
            return None
        if not is_operator_staff(found.user):  # no longer staff since the token was made
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser user; unsafe methods need the CSRF token as usual."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user: Any = request.user
        return user if user.is_authenticated else None
