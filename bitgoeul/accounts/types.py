"""The types views and services use for people, instead of `Any`."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from bitgoeul.accounts.models import ApiToken, Membership, User

# Whoever looks at a page or calls the API: signed in or not (None where no request is behind
# the call, e.g. a management command listing what the public sees).
Viewer: TypeAlias = User | AnonymousUser | None
# Who made a change: None for the platform itself (demo data, a command-line import).
Actor: TypeAlias = User | None


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind `login_required` (django-stubs' pattern): `user` is a signed-in `User`,
    `membership` the organisation they act for (`ActiveOrganizationMiddleware`, lazy)."""

    user: User
    membership: Membership | None


class ApiRequest(HttpRequest):
    """A request the API's token authentication let through (`api_auth.py`)."""

    api_token: ApiToken
