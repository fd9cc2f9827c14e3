from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.backends import ModelBackend

from bitgoeul.accounts.models import User

# The user read with the request's session (`accounts.session_store`), offered to `get_user`
# while `AuthenticationMiddleware` asks Django for the request's user; None otherwise.
_session_user: ContextVar[User | None] = ContextVar("session_user", default=None)


@contextlib.contextmanager
def session_user(user: User | None) -> Iterator[None]:
    """Offer `user` (read with the session) to `UserBackend.get_user` within the block."""
    token = _session_user.set(user)
    try:
        yield
    finally:
        _session_user.reset(token)


class UserBackend(ModelBackend):
    """Django's model backend, loading the reviewer profile with the user in one query (every
    page asks whether the user is a reviewer), or taking the user the session store read with
    the session when it is the one asked for."""

    def get_user(self, user_id: Any) -> User | None:
        user = _session_user.get()
        if user is None or user.pk != user_id:
            user = User.objects.select_related("reviewer_profile").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
