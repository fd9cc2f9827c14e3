"""One slot booked from 50 threads at once: exactly one wins, the 49 others get
`BookingConflict` (the API answers it with 409). Written for any database: the lead runs it on
PostgreSQL, where the exclusion constraint decides; on SQLite the slot rows' unique constraint
does."""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import OperationalError, close_old_connections, connections

from bitgoeul.equipment.enums import HOLDING_STATES
from bitgoeul.equipment.guard import BookingConflict
from bitgoeul.equipment.models import Booking
from bitgoeul.equipment.services.bookings import booking_create
from tests.equipment.factories import ItemFactory
from tests.equipment.rules_helpers import NOW, at
from tests.factories import CompanyRecordFactory

THREADS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_threads_booking_one_slot_exactly_one_wins() -> None:
    item = ItemFactory.create()
    companies = [CompanyRecordFactory.create() for _ in range(THREADS)]
    barrier = Barrier(THREADS)

    def attempt(n: int) -> str:
        close_old_connections()
        try:
            barrier.wait()
            # SQLite's shared in-memory test database answers "locked" instead of waiting
            # while another thread writes: try again, as a busy server would wait, after a
            # random pause (the 49 losers retrying in step kept locking each other out on a
            # busy machine) and for at most a minute.
            rng = random.Random(n)  # nosec B311  # retry jitter, not a secret
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    booking_create(
                        item=item,
                        company=companies[n],
                        starts_at=at(7, 10),
                        ends_at=at(7, 12),
                        actor=None,
                        now=NOW,
                    )
                    return "won"
                except BookingConflict:
                    return "conflict"
                except OperationalError as error:
                    if "locked" not in str(error):
                        raise
                    time.sleep(rng.uniform(0.001, 0.03))
            return "gave up"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(attempt, range(THREADS)))
    assert (outcomes.count("won"), outcomes.count("conflict")) == (1, THREADS - 1)
    assert Booking.objects.filter(item=item, state__in=HOLDING_STATES).count() == 1
