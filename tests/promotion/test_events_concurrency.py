"""Registrations and cancellations from many threads at once never oversell the seats, and the
seats freed go to the first of the waitlist, once each. Written for any database: the lead runs
it on PostgreSQL, where the event's row lock (SELECT … FOR UPDATE, `_lock_event`) is what
serialises them — without it two transactions count the same free seat. On SQLite the
database lets one writer commit at a time and the shared in-memory test database answers
"locked" instead of waiting, so a thread tries again, as a busy server would wait."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import pytest
from django.db import OperationalError, close_old_connections, connections

from bitgoeul.promotion.enums import RegistrationState
from bitgoeul.promotion.models import Registration
from bitgoeul.promotion.services.registrations import (
    registration_create,
    registration_set_state,
)
from tests.factories import OrganizationFactory, UserFactory
from tests.promotion.events_helpers import make_event

THREADS = 20


def _retrying(work: Callable[[], Any]) -> str:
    close_old_connections()
    try:
        for _ in range(4000):
            try:
                work()
                return "done"
            except OperationalError as error:
                if "locked" not in str(error):
                    raise
                time.sleep(0.005)
        return "gave up"
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_twenty_people_registering_at_once_fill_five_seats_exactly() -> None:
    event = make_event(OrganizationFactory.create(kind="operator"), capacity=5)
    people = [UserFactory.create() for _ in range(THREADS)]
    barrier = Barrier(THREADS)

    def attempt(n: int) -> str:
        def work() -> None:
            registration_create(event=event, user=people[n], actor=people[n])

        barrier.wait()
        return _retrying(work)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(attempt, range(THREADS)))
    assert outcomes == ["done"] * THREADS
    states = list(Registration.objects.filter(event=event).values_list("state", flat=True))
    assert (states.count("confirmed"), states.count("waitlisted")) == (5, THREADS - 5)


@pytest.mark.django_db(transaction=True)
def test_cancellations_at_once_promote_as_many_as_they_free() -> None:
    event = make_event(OrganizationFactory.create(kind="operator"), capacity=5)
    people = [UserFactory.create() for _ in range(12)]
    registrations = [registration_create(event=event, user=p, actor=p) for p in people]
    leaving = [r for r in registrations if r.state == RegistrationState.CONFIRMED][:4]
    barrier = Barrier(len(leaving))

    def attempt(n: int) -> str:
        def work() -> None:
            registration_set_state(
                registration=leaving[n], state=RegistrationState.CANCELLED, actor=None
            )

        barrier.wait()
        return _retrying(work)

    with ThreadPoolExecutor(max_workers=len(leaving)) as pool:
        outcomes = list(pool.map(attempt, range(len(leaving))))
    assert outcomes == ["done"] * len(leaving)
    confirmed = list(
        Registration.objects.filter(event=event, state=RegistrationState.CONFIRMED)
        .order_by("created_at", "pk")
        .values_list("user_id", flat=True)
    )
    # the four promoted are the first four of the waitlist, in the order they joined
    assert confirmed == [p.pk for p in people[4:9]]
