from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from bitgoeul.accounts.models import Membership
from bitgoeul.accounts.selectors import user_memberships

SESSION_KEY = "active_organization"


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
