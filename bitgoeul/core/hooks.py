"""Named events that a foundation app announces and other apps act on, without the foundation
importing them (accounts must not import companies; see tests/test_layering.py).

An app subscribes from its `AppConfig.ready`; the announcing service calls `publish` inside its
own transaction, so every subscriber's writes commit or roll back with the change that caused
them. Subscribers are plain functions taking keyword arguments; they run in the order they were
subscribed, and an exception in one aborts the announcing service. This is the only such
registry: each event is listed here with the arguments it carries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# A company organisation was created (sign-up, an import): organization, actor.
ORGANIZATION_CREATED = "organization.created"
# Someone left an organisation or lost a role (removed, role changed, account deleted): user,
# organization, actor. Subscribers drop what the user may no longer keep (e.g. watchlists).
MEMBERSHIP_ENDED = "membership.ended"

EVENTS = {ORGANIZATION_CREATED, MEMBERSHIP_ENDED}

Subscriber = Callable[..., None]
_SUBSCRIBERS: dict[str, list[Subscriber]] = {}


def subscribe(event: str) -> Callable[[Subscriber], Subscriber]:
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")

    def register(fn: Subscriber) -> Subscriber:
        listeners = _SUBSCRIBERS.setdefault(event, [])
        if fn not in listeners:
            listeners.append(fn)
        return fn

    return register


def publish(event: str, **arguments: Any) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    for fn in _SUBSCRIBERS.get(event, []):
        fn(**arguments)
