"""Writes of bookings: creating one (rules, fee, the database's no-overlap guarantee) and moving
it through its states.

Who may call these is decided by `equipment.access`; these functions check the data. Creating
a booking locks the item's row, so bookings of one item are checked and written one after the
other; the database refuses an overlap even so (`guard`). State changes lock the booking's row
and read "before" from it; `TRANSITIONS` is the only table of which move is allowed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Company
from bitgoeul.equipment import guard
from bitgoeul.equipment.enums import HOLDING_STATES, BookingState
from bitgoeul.equipment.fees import booking_fee
from bitgoeul.equipment.guard import BookingConflict
from bitgoeul.equipment.models import Booking, Item
from bitgoeul.equipment.rules import BookingRequest, Problem, check_booking

__all__ = ["BookingConflict", "BookingRefused", "booking_create", "booking_set_state"]

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


class BookingRefused(ValidationError):
    """The booking breaks one or more of the item's rules; `problems` names each."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__([p.message for p in problems], code="refused")
        self.problems = problems


class IllegalTransition(ValueError):
    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"a {current} booking cannot become {wanted}")


def _snapshot(booking: Booking) -> dict[str, Any]:
    return {
        "item": booking.item_id,
        "company": booking.company_id,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "state": booking.state,
        "fee_krw": booking.fee_krw,
        "override_reason": booking.override_reason,
    }


@transaction.atomic
def booking_create(
    *,
    item: Item,
    company: Company,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    actor: Any,
    purpose: str = "",
    override_reason: str = "",
    series_id: int | None = None,
    bundle: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Book `item` for `company` from `starts_at` to `ends_at`.

    Raises `BookingRefused` naming every rule broken, unless `override_reason` is given (host
    staff only: the caller checks `access.can_book_on_behalf`): then the booking is written,
    the rules it broke are recorded in its audit event and the reason is kept on it. Raises
    `BookingConflict` if the time (with the buffer) is taken: no override bypasses that. A
    booking of an item that needs approval waits for the host (PENDING), unless made by host
    staff on a company's behalf."""
    now = now or timezone.now()
    item = Item.objects.select_for_update().select_related("centre").get(pk=item.pk)
    problems = check_booking(
        BookingRequest(item=item, company=company, starts_at=starts_at, ends_at=ends_at, now=now)
    )
    if problems and not override_reason:
        raise BookingRefused(problems)
    fee, detail = booking_fee(item, company, starts_at, ends_at)
    pending = item.requires_approval and not override_reason
    booking = Booking(
        item=item,
        company=company,
        booked_by=actor if getattr(actor, "is_authenticated", False) else None,
        series_id=series_id,
        bundle=bundle,
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_until=ends_at + dt.timedelta(minutes=item.buffer_minutes),
        state=BookingState.PENDING if pending else BookingState.CONFIRMED,
        purpose=purpose,
        fee_krw=fee,
        fee_detail=detail,
        override_reason=override_reason,
        created_at=now,
        updated_at=now,
    )
    guard.hold(booking)
    after = _snapshot(booking)
    if override_reason:
        after["overridden_rules"] = [p.code for p in problems]
    audit_record(actor=actor, action="booking.create", obj=booking, after=after)
    return booking


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
