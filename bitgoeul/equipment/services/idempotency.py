"""`Idempotency-Key` for API writes (draft-ietf-httpapi-idempotency-key-header).

A client that sends a key with a write and retries after a lost answer gets the first answer
again instead of a second booking. Per user, a key is remembered for `KEY_LIFETIME` with the
hash of the request it came with and the answer given (success or refusal alike):

- same key, same request: the stored answer, status and body, and nothing is written again;
- same key, another request: refused with 422 (`IdempotencyKeyReused`): the draft's status for
  a key reused with another payload, because the request is well-formed but cannot be processed
  as sent: the client has a bug (one key for two operations), and retrying will not help;
- same key while the first request is still being answered: 409 (`IdempotencyKeyInUse`), the
  draft's status for a conflict the client resolves by retrying later. The first write and its
  record commit together, so on PostgreSQL the second request waits on the unique index and then
  replays the first answer; SQLite serialises writes, so this is rare in practice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bitgoeul.accounts.models import User
from bitgoeul.equipment.models import IdempotencyRecord

KEY_LIFETIME = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    replayed: bool = False


class IdempotencyKeyReused(Exception):
    """The key was used before with another request."""


class IdempotencyKeyInUse(Exception):
    """The first request with this key is still being answered."""


class _Lost(Exception):
    """Another request stored its answer under the key first: undo ours."""


def key_is_valid(key: str) -> bool:
    """1 to 200 visible ASCII characters (a UUID is the usual choice)."""
    return 0 < len(key) <= MAX_KEY_LENGTH and all(33 <= ord(c) <= 126 for c in key)


def request_hash(method: str, path: str, body: Any) -> str:
    """The request as the key remembers it: method, path and the JSON body with its keys
    sorted, so that the same JSON written with other spacing or key order is the same request."""
    canonical = json.dumps(
        [method.upper(), path, body], sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _stored(user: User, key: str, digest: str, now: dt.datetime) -> Answer | None:
    record = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if record is None:
        return None
    if record.created_at < now - KEY_LIFETIME:
        record.delete()  # forgotten: the key may be used afresh
        return None
    if record.request_hash != digest:
        raise IdempotencyKeyReused
    return Answer(record.status_code, record.response, replayed=True)


def idempotent_answer(
    *,
    user: User,
    key: str,
    digest: str,
    answer: Callable[[], Answer],
    now: dt.datetime | None = None,
) -> Answer:
    """The answer stored under (user, key), or `answer()` run now and stored with `digest` in
    the same transaction: either both the write and its record commit, or neither.

    `answer` must leave nothing written when it answers with a refusal (run its write in a
    savepoint, as `booking_create` does)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            found = _stored(user, key, digest, now)
            if found is not None:
                return found
            result = answer()
            try:
                with transaction.atomic():
                    IdempotencyRecord.objects.create(
                        user=user,
                        key=key,
                        request_hash=digest,
                        status_code=result.status,
                        response=json.loads(json.dumps(result.body, default=str)),
                        created_at=now,
                    )
            except IntegrityError:
                raise _Lost from None
            return result
    except _Lost:
        # Another request with this key committed first; ours is undone. Give its answer.
        found = _stored(user, key, digest, now)
        if found is None:
            raise IdempotencyKeyInUse from None
        return found
