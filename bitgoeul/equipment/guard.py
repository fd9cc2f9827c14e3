"""The database's guarantee that no two bookings of one item overlap (with the buffer).

PostgreSQL: the exclusion constraint `equipment_booking_no_overlap` (migration 0002) refuses a
booking whose [starts_at, blocked_until) overlaps another holding booking of the same item, at
insert time and whatever the application checked before. SQLite has no exclusion constraints,
so a holding booking also holds one `BookingSlot` row per `SLOT_MINUTES` slot of its range, and
the unique constraint on (item, slot) refuses the second booking of a slot. Both raise an
`IntegrityError`, which `hold` turns into `BookingConflict`. Writes on SQLite are also serialised
(`transaction_mode: IMMEDIATE`), but the guarantee does not rest on that.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection, transaction

from bitgoeul.equipment.models import SLOT_MINUTES, Booking, BookingSlot

SLOT = dt.timedelta(minutes=SLOT_MINUTES)


class BookingConflict(Exception):
    """The time (with the buffer) overlaps another booking of the item."""


def uses_slot_rows() -> bool:
    return connection.vendor != "postgresql"


def on_grid(moment: dt.datetime) -> bool:
    return moment.second == 0 and moment.microsecond == 0 and moment.minute % SLOT_MINUTES == 0


def slot_starts(starts_at: dt.datetime, until: dt.datetime) -> list[dt.datetime]:
    slots = []
    moment = starts_at
    while moment < until:
        slots.append(moment)
        moment += SLOT
    return slots


def hold(booking: Booking) -> None:
    """Save a new holding booking so that the database refuses it if its time is taken.

    Runs in a savepoint: on a conflict nothing of it is written, and the caller's transaction
    stays usable (a series skips the instance and goes on)."""
    try:
        with transaction.atomic():
            booking.save()
            if uses_slot_rows():
                BookingSlot.objects.bulk_create(
                    BookingSlot(booking=booking, item_id=booking.item_id, starts_at=moment)
                    for moment in slot_starts(booking.starts_at, booking.blocked_until)
                )
    except IntegrityError as error:
        booking.pk = None
        raise BookingConflict(str(error)) from error


def release(booking: Booking) -> None:
    """The booking no longer holds its time (cancelled, rejected, released, completed early)."""
    if uses_slot_rows():
        BookingSlot.objects.filter(booking=booking).delete()
