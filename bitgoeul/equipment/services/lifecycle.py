"""Moving a booking through its states: approval, check-in, cancellation, release of no-shows,
completion, and the reminder the day before. Each change locks the booking's row and reads
"before" from it; `TRANSITIONS` is the only table of which move is allowed. Leaving a holding
state frees the time (`guard`) and offers it to the waitlist (`services.waitlist`).

Who may call what is decided by `equipment.access` (`can_decide_booking`, `can_cancel_booking`,
`can_check_in`); these functions check the data and the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

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

# How long a reminder is sent ahead of the start ("the day before"); `bitgoeul equipment remind`
# may run every hour: `reminded_at` keeps it to once per booking.
REMIND_AHEAD = dt.timedelta(hours=24)


class IllegalTransition(ValueError):
    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"a {current} booking cannot become {wanted}")


def cancel_charge(booking: Booking, now: dt.datetime) -> int:
    """What cancelling now costs, in KRW: nothing until `free_cancel_hours` before the start,
    then `late_cancel_percent` of the booking's fee (rounded down). A booking still awaiting
    approval is never charged: the host had not given the time yet."""
    if booking.state == BookingState.PENDING:
        return 0
    item = booking.item
    free_until = booking.starts_at - dt.timedelta(hours=item.free_cancel_hours)
    if now < free_until or not item.late_cancel_percent:
        return 0
    return booking.fee_krw * item.late_cancel_percent // 100


@transaction.atomic
def booking_set_state(
    *,
    booking: Booking,
    state: str,
    actor: Any,
    note: str = "",
    now: dt.datetime | None = None,
    follow_bundle: bool = True,
) -> Booking:
    """Move the booking along `TRANSITIONS`, recording who and when. The instance passed in is
    brought up to date. Side effects, in the same transaction:
    - CANCELLED/REJECTED of a booking made with others (`bundle`: items booked together): the
      others that still hold their time and may be cancelled are cancelled too, each with its
      own charge, audit event and notices — the items are only lent together;
    - CONFIRMED/REJECTED: who decided, when and the note; the company's members are notified;
    - CHECKED_IN: who checked in and when;
    - CANCELLED: who, when, the reason and the late-cancellation charge (`cancel_charge`, kept
      in `cancel_fee_krw`); the company's members and the host's staff are notified;
    - NO_SHOW: the company's members are notified;
    - leaving a holding state frees the time and offers it to the item's waitlist;
    - one audit event `booking.set_state` (before read from the locked row)."""
    from bitgoeul.equipment import notification_kinds_lifecycle as notices
    from bitgoeul.equipment.services.waitlist import waitlist_offer_freed

    now = now or timezone.now()
    current = (
        Booking.objects.select_for_update(of=("self",)).select_related("item").get(pk=booking.pk)
    )
    before = current.state
    if state not in TRANSITIONS[before]:
        raise IllegalTransition(before, state)
    charge = cancel_charge(current, now) if state == BookingState.CANCELLED else 0
    current.state = state
    current.updated_at = now
    user = actor if getattr(actor, "is_authenticated", False) else None
    if state in (BookingState.CONFIRMED, BookingState.REJECTED):
        current.decided_by, current.decided_at, current.decision_note = user, now, note
    elif state == BookingState.CHECKED_IN:
        current.checked_in_by, current.checked_in_at = user, now
    elif state == BookingState.CANCELLED:
        current.cancel_fee_krw = charge
        current.cancelled_by, current.cancelled_at, current.cancel_reason = user, now, note
    current.save(update_fields=_CHANGED_FIELDS)
    freed = before in HOLDING_STATES and state not in HOLDING_STATES
    if freed:
        guard.release(current)
    for field in _CHANGED_FIELDS:
        setattr(booking, field, getattr(current, field))
    after: dict[str, Any] = {"state": state, "note": note}
    if state == BookingState.CANCELLED:
        after["cancel_fee_krw"] = current.cancel_fee_krw
    audit_record(
        actor=actor,
        action="booking.set_state",
        obj=current,
        before={"state": before},
        after=after,
    )
    if state in (BookingState.CONFIRMED, BookingState.REJECTED):
        notices.booking_decided_notify(
            booking=current, approved=state == BookingState.CONFIRMED, note=note, actor=actor
        )
    elif state == BookingState.CANCELLED:
        notices.booking_cancelled_notify(
            booking=current, reason=note, charge=current.cancel_fee_krw, actor=actor
        )
    elif state == BookingState.NO_SHOW:
        notices.booking_released_notify(booking=current, actor=actor)
    if freed:
        waitlist_offer_freed(item=current.item, now=now)
    if follow_bundle and current.bundle is not None and state in _ENDS_A_BUNDLE:
        partners = Booking.objects.filter(
            bundle=current.bundle, state__in=(BookingState.PENDING, BookingState.CONFIRMED)
        ).exclude(pk=current.pk)
        for partner in partners.order_by("pk"):
            booking_set_state(
                booking=partner,
                state=BookingState.CANCELLED,
                actor=actor,
                note=note,
                now=now,
                follow_bundle=False,
            )
    return booking


_ENDS_A_BUNDLE = (BookingState.CANCELLED, BookingState.REJECTED)


_CHANGED_FIELDS = (
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
    "cancel_fee_krw",
)


# --- the clock: no-shows, completion, reminders ------------------------------------------------


@dataclass(frozen=True)
class ReleaseSummary:
    no_shows: int
    completed: int
    lapsed: int  # awaiting approval when they started: rejected
    offers_expired: int


# stored as a code (the note is kept as written), shown in the reader's language
LAPSED_NOTE = "not decided before the start"


def note_text(note: str) -> str:
    """A decision note as shown: the system's own note translated, a person's as written."""
    if note == LAPSED_NOTE:
        return gettext("The host did not decide before the start, so the booking lapsed.")
    return note


def bookings_release(*, now: dt.datetime | None = None, dry_run: bool = False) -> ReleaseSummary:
    """What `bitgoeul equipment release` does every few minutes:
    - a confirmed booking nobody checked in within the item's `check_in_grace_minutes` after
      its start becomes NO_SHOW, which frees the rest of its time for the waitlist;
    - a checked-in booking whose end (and buffer after it) has passed becomes COMPLETED;
    - a booking still awaiting approval when it starts is rejected ("not decided before the
      start");
    - waitlist offers past their expiry lapse and the time goes to the next entry.
    Each booking changes in its own transaction, so one failure does not undo the others."""
    from bitgoeul.equipment.services.waitlist import waitlist_offers_expire

    now = now or timezone.now()
    started = Booking.objects.filter(state=BookingState.CONFIRMED, starts_at__lte=now)
    # the grace differs per item: few rows reach here (released ones leave the state)
    no_shows = [
        booking
        for booking in started.select_related("item")
        if booking.starts_at + dt.timedelta(minutes=booking.item.check_in_grace_minutes) <= now
    ]
    # completed once its buffer has passed too: completing frees the time, buffer included
    ended = list(Booking.objects.filter(state=BookingState.CHECKED_IN, blocked_until__lte=now))
    lapsed = list(Booking.objects.filter(state=BookingState.PENDING, starts_at__lte=now))
    if dry_run:
        from bitgoeul.equipment.selectors_lifecycle import offers_past_expiry

        return ReleaseSummary(len(no_shows), len(ended), len(lapsed), offers_past_expiry(now))
    released = sum(clock_move(booking, BookingState.NO_SHOW, now) for booking in no_shows)
    completed = sum(clock_move(booking, BookingState.COMPLETED, now) for booking in ended)
    rejected = sum(
        clock_move(booking, BookingState.REJECTED, now, note=LAPSED_NOTE) for booking in lapsed
    )
    expired = waitlist_offers_expire(now=now)
    return ReleaseSummary(released, completed, rejected, expired)


def clock_move(booking: Booking, state: str, now: dt.datetime, note: str = "") -> bool:
    """One move made by the clock; False when a person moved the booking first (checked in,
    approved, cancelled between the read and the lock), which is left as they made it."""
    try:
        booking_set_state(booking=booking, state=state, actor=None, note=note, now=now)
    except IllegalTransition:
        return False
    return True


def reminders_due(now: dt.datetime) -> QuerySet[Booking]:
    return Booking.objects.filter(
        state=BookingState.CONFIRMED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMIND_AHEAD,
    )


def booking_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind (in-app and by e-mail, as each person's preferences say) of every confirmed
    booking starting within `REMIND_AHEAD`, at most once per booking: the row is claimed by
    setting `reminded_at` where it is still empty, so two runs at once send one reminder."""
    from bitgoeul.equipment.notification_kinds_lifecycle import booking_reminder_notify

    now = now or timezone.now()
    sent = 0
    for booking in reminders_due(now).select_related("item", "item__centre", "company"):
        with transaction.atomic():
            claimed = Booking.objects.filter(pk=booking.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if claimed:
                booking_reminder_notify(booking=booking)
                sent += 1
    return sent
