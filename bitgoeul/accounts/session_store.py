"""The database session store, reading the signed-in user in the same query as the session.

Every signed-in page needs both, and Django reads them one after the other: the session row,
then the user whose id the session holds. A signed-in browser's session has a `UserSession` row
(written at login, `accounts.sessions`) that links the two, so this store reads the session,
its user and the user's reviewer profile in one query, and `UserBackend.get_user` takes that
user instead of reading it again. Django's checks are unchanged: the user must be the one the
session names, active, and match the session's password hash (`django.contrib.auth.get_user`).
A session without such a row (a visitor's, or one whose row is not written yet) is read as
Django reads it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from bitgoeul.accounts.models import User, UserSession


class SessionStore(DatabaseSessionStore):
    # the user of the session's `UserSession` row, read with the session (None: not read)
    user: User | None = None

    def _get_session_from_db(self) -> Any:
        row = (
            UserSession.objects.select_related("session", "user__reviewer_profile")
            .filter(session_id=self.session_key, session__expire_date__gt=timezone.now())
            .first()
        )
        if row is None:
            self.user = None
            return super()._get_session_from_db()  # type: ignore[misc]
        self.user = row.user
        return row.session

    def session_user(self) -> User | None:
        """The user read with the session, loading the session first if it is not yet."""
        self.get(SESSION_KEY)  # the session loads once, on its first read
        return self.user
