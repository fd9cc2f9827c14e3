"""Moving a booking through its states: approval, check-in, cancellation, release of no-shows,
completion. Each change locks the booking's row and reads "before" from it; `TRANSITIONS` is
the only table of which move is allowed. Leaving a holding state frees the time (`guard`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from bitgoeul.audit.services import audit_record
from bitgoeul.equipment import guard
from bitgoeul.equipment.enums import HOLDING_STATES, BookingState
from bitgoeul.equipment.models import Booking

TRANSITIONS: dict[str, set[str]] = {
    BookingState.PENDING: {BookingState.CONFIRMED, BookingState.REJECTED, BookingState.CANCELLED},
    BookingState.CONFIRMED: {
        BookingState.CHECKED_IN,
        BookingState.CANCELLED,
        BookingState.NO_SHOW,
    },
    BookingState.CHECKED_IN: {BookingState.COMPLETED},
    BookingState.COMPLETED: set(),
    BookingState.CANCELLED: set(),
    BookingState.REJECTED: set(),
    BookingState.NO_SHOW: set(),
}


class IllegalTransition(ValueError):
    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"a {current} booking cannot become {wanted}")


@transaction.atomic
def booking_set_state(
    *,
    booking: Booking,
    state: str,
    actor: Any,
    note: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """Move the booking along `TRANSITIONS`, recording who and when; leaving a holding state
    frees its time. The instance passed in is brought up to date."""
    now = now or timezone.now()
    current = Booking.objects.select_for_update().get(pk=booking.pk)
    before = current.state
    if state not in TRANSITIONS[before]:
        raise IllegalTransition(before, state)
    current.state = state
    current.updated_at = now
    user = actor if getattr(actor, "is_authenticated", False) else None
    if state in (BookingState.CONFIRMED, BookingState.REJECTED):
        current.decided_by, current.decided_at, current.decision_note = user, now, note
    elif state == BookingState.CHECKED_IN:
        current.checked_in_by, current.checked_in_at = user, now
    elif state == BookingState.CANCELLED:
        current.cancelled_by, current.cancelled_at, current.cancel_reason = user, now, note
    current.save()
    if before in HOLDING_STATES and state not in HOLDING_STATES:
        guard.release(current)
    for field in (
        "state",
        "updated_at",
        "decided_by",
        "decided_at",
        "decision_note",
        "checked_in_by",
        "checked_in_at",
        "cancelled_by",
        "cancelled_at",
        "cancel_reason",
    ):
        setattr(booking, field, getattr(current, field))
    audit_record(
        actor=actor,
        action="booking.set_state",
        obj=current,
        before={"state": before},
        after={"state": state, "note": note},
    )
    return booking
