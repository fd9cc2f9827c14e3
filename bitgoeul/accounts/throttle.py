"""Login throttling: attempts are counted per e-mail address and per client address.

An attempt is *taken* before the password is checked and *given back* when the login succeeds,
so what stays counted are failures and attempts still in flight. Taking one is a single
conditional UPDATE (or the INSERT of the key's first row), so ten concurrent wrong passwords
against a limit of five get exactly five checks, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bitgoeul.accounts.models import LoginThrottle

# One client address may serve a whole office: it gets this many times the per-account limit.
IP_LIMIT_FACTOR = 4


def _email_key(email: str) -> str:
    return f"email:{email.strip().lower()}"


def _ip_key(ip: str) -> str:
    return f"ip:{ip}"


def _take(key: str, *, limit: int) -> bool:
    """Count one attempt for `key` unless `limit` attempts are counted in the current window;
    True when the attempt may go ahead."""
    now = timezone.now()
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    window_began_after = now - window
    rows = LoginThrottle.objects.filter(key=key)
    seen = False
    for _ in range(3):  # a concurrent INSERT or window reset can make us look again
        if rows.filter(window_start__gt=window_began_after, attempts__lt=limit).update(
            attempts=F("attempts") + 1
        ):
            return True
        if rows.filter(window_start__lte=window_began_after).update(attempts=1, window_start=now):
            return True
        if rows.exists():
            if seen:
                return False  # the window is current and full
            # The row may have been created by a concurrent request after our UPDATEs looked:
            # look once more before refusing.
            seen = True
            continue
        try:
            with transaction.atomic():
                LoginThrottle.objects.create(key=key, attempts=1, window_start=now)
        except IntegrityError:
            continue  # another request created the row first: count against it
        # A new key (made-up addresses make many): rows of windows long over go, so the table
        # holds only the keys tried in the last two windows.
        LoginThrottle.objects.filter(window_start__lt=window_began_after - window).delete()
        return True
    return False


def _give_back(key: str) -> None:
    LoginThrottle.objects.filter(key=key, attempts__gt=0).update(attempts=F("attempts") - 1)


def login_attempt_take(*, email: str, ip: str) -> bool:
    """Count a login attempt for the account and the client address; False (nothing counted)
    when either has used up its attempts in the window, and the login must be refused."""
    limit = settings.LOGIN_FAILURE_LIMIT
    if not _take(_ip_key(ip), limit=limit * IP_LIMIT_FACTOR):
        return False
    if not _take(_email_key(email), limit=limit):
        _give_back(_ip_key(ip))
        return False
    return True


def login_attempt_succeeded(*, email: str, ip: str) -> None:
    """The attempt was right: the account starts afresh and the address gets its attempt back."""
    LoginThrottle.objects.filter(key=_email_key(email)).delete()
    _give_back(_ip_key(ip))


def login_throttle_clear(*, email: str) -> None:
    """Lift the account's lock (after a password reset: whoever reset it owns the mailbox)."""
    LoginThrottle.objects.filter(key=_email_key(email)).delete()
