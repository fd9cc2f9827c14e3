"""Signed-in sessions: which browser sessions a user has, and ending them.

Sessions live in the database (`django.contrib.sessions.backends.db`), so ending one deletes
its row and a copied cookie is worth nothing afterwards. Each session of a signed-in user has a
`UserSession` row (browser, address, created, last seen), written by `UserSessionMiddleware`;
deleting the session deletes that row too (a cascade from Django's session table).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.utils import timezone

from bitgoeul.accounts.models import User, UserSession
from bitgoeul.audit.services import audit_record

# "Last seen" is written at most this often per session: a write on every request would cost
# more than the list is worth.
LAST_SEEN_EVERY = dt.timedelta(minutes=5)


def user_session_seen(*, session_key: str, user: User, user_agent: str, ip: str) -> None:
    """Record that the session was used now (creating its row on the first request)."""
    now = timezone.now()
    values = {"user_agent": user_agent[:300], "ip": ip, "last_seen_at": now}
    if UserSession.objects.filter(session_id=session_key, user=user).update(**values):
        return
    try:
        with transaction.atomic():
            UserSession.objects.create(session_id=session_key, user=user, created_at=now, **values)
    except IntegrityError:
        # Either the session was ended meanwhile (nothing to record), or its key has an old
        # row of another user: that must never list this session under someone else.
        with transaction.atomic():
            UserSession.objects.filter(session_id=session_key).exclude(user=user).delete()
            if Session.objects.filter(session_key=session_key).exists():
                UserSession.objects.create(
                    session_id=session_key, user=user, created_at=now, **values
                )


@transaction.atomic
def user_sessions_end(
    *, user: User, actor: User | None, keep_session_key: str | None = None, reason: str
) -> int:
    """End every session of the user except `keep_session_key` (the one making the request,
    if it stays signed in); returns how many ended. Sessions without a `UserSession` row
    (signed in before this was deployed) are not found here, but Django ends those on the
    password change anyway: their stored password hash no longer matches."""
    keys = UserSession.objects.filter(user=user).values_list("session_id", flat=True)
    if keep_session_key:
        keys = keys.exclude(session_id=keep_session_key)
    _total, by_model = Session.objects.filter(session_key__in=list(keys)).delete()
    count = by_model.get(Session._meta.label, 0)
    audit_record(
        actor=actor,
        action="user.sessions_end",
        obj=user,
        after={"count": count, "reason": reason},
    )
    return count


@transaction.atomic
def user_session_end(*, user_session: UserSession, actor: User) -> None:
    """End one session of the user (from the list of their sessions)."""
    before = {
        "user_agent": user_session.user_agent,
        "ip": user_session.ip,
        "created_at": user_session.created_at.isoformat(),
    }
    Session.objects.filter(session_key=user_session.session_id).delete()
    audit_record(
        actor=actor, action="user.session_end", obj=user_session.user, before=before, after=None
    )
