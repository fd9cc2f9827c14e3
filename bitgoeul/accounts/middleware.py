from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import auth
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from bitgoeul.accounts.backends import session_user
from bitgoeul.accounts.models import Membership
from bitgoeul.accounts.selectors import user_memberships
from bitgoeul.accounts.session_store import SessionStore
from bitgoeul.accounts.sessions import LAST_SEEN_EVERY, user_session_seen
from bitgoeul.core.http import client_ip

SESSION_KEY = "active_organization"
# [session key, POSIX time] of the last "seen" written for this session; the key is kept
# because a login gives the session a new key while keeping its data.
SEEN_SESSION_KEY = "_bitgoeul_seen"


def active_membership(request: HttpRequest) -> Membership | None:
    """The membership the user acts through: the one chosen in the header switcher, else the
    first one (operators first, then association, chapters, companies)."""
    user: Any = request.user
    if not user.is_authenticated:
        return None
    memberships = user_memberships(user)
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.organization_id == chosen:
            return membership
    order = ["operator", "association", "chapter", "institution", "company"]
    return min(memberships, key=lambda m: order.index(m.organization.kind), default=None)


class ActiveOrganizationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = SimpleLazyObject(lambda: active_membership(request))  # type: ignore[attr-defined]
        return self.get_response(request)


class UserSessionMiddleware:
    """Keep the signed-in user's `UserSession` row (browser, address, last seen) up to date:
    written on the session's first request and then at most every `LAST_SEEN_EVERY`, so most
    requests cost nothing more than the session read Django does anyway."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only browser logins (an API token sets request.user without one), and the user is
        # loaded only when a write is due: most requests read nothing more than the session.
        if session is None or session.session_key is None or not session.get(AUTH_SESSION_KEY):
            return response
        seen = session.get(SEEN_SESSION_KEY)
        if (
            isinstance(seen, list)
            and len(seen) == 2
            and seen[0] == session.session_key
            and timezone.now().timestamp() - float(seen[1]) < LAST_SEEN_EVERY.total_seconds()
        ):
            return response
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        _record(request, user, session.session_key)
        return response


def _record(request: HttpRequest, user: Any, session_key: str) -> None:
    user_session_seen(
        session_key=session_key,
        user=user,
        user_agent=request.headers.get("User-Agent", ""),
        ip=client_ip(request),
    )
    request.session[SEEN_SESSION_KEY] = [session_key, timezone.now().timestamp()]


def session_record_login(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """`user_logged_in` receiver: the session gets its row at login (Django has just given it a
    new key), so the requests after it need no write."""
    session = getattr(request, "session", None)
    if request is None or session is None:
        return
    if session.session_key is None:
        session.save()
    if session.session_key is not None:
        _record(request, user, session.session_key)


def _request_user(request: HttpRequest) -> Any:
    """Django's `get_user(request)`, with the user the session store read offered to the
    backend (`accounts.session_store`)."""
    if not hasattr(request, "_cached_user"):
        store = request.session
        with session_user(store.session_user() if isinstance(store, SessionStore) else None):
            request._cached_user = auth.get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, taking the user read with the session instead of reading it again."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _request_user(request))  # type: ignore[assignment]
