"""The waitlist: a company joins for an item's time that is taken; whenever time of the item is
freed (a cancellation, a rejection, a no-show released, an offer lapsed) the time is offered in
order of joining (`created_at`) to each waiting entry whose whole time is now free and does not
overlap an offer already out. An offer holds nothing: it invites the company to book, and lapses
at `offer_expires_at` (`OFFER_VALID` after it is made, at the latest the entry's start).
Accepting books through `booking_create`, so every rule and the database's guarantee apply.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Company
from bitgoeul.equipment.enums import HOLDING_STATES, WaitlistState
from bitgoeul.equipment.guard import on_grid
from bitgoeul.equipment.models import Booking, Item, WaitlistEntry
from bitgoeul.equipment.services.bookings import booking_create

OFFER_VALID = dt.timedelta(hours=2)
OPEN_STATES = (WaitlistState.WAITING, WaitlistState.OFFERED)


def _taken_q(item: Item, starts_at: dt.datetime, ends_at: dt.datetime) -> Q:
    """Holding bookings of the item that overlap the time, with the buffer on both sides: a new
    booking would also keep `buffer_minutes` free after its end."""
    return Q(
        item=item,
        state__in=HOLDING_STATES,
        starts_at__lt=ends_at + dt.timedelta(minutes=item.buffer_minutes),
        blocked_until__gt=starts_at,
    )


def time_is_taken(item: Item, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    return Booking.objects.filter(_taken_q(item, starts_at, ends_at)).exists()


def _snapshot(entry: WaitlistEntry) -> dict[str, Any]:
    return {
        "item": entry.item_id,
        "company": entry.company_id,
        "starts_at": entry.starts_at,
        "ends_at": entry.ends_at,
        "state": entry.state,
    }


@transaction.atomic
def waitlist_join(
    *,
    item: Item,
    company: Company,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    actor: Any,
    purpose: str = "",
    now: dt.datetime | None = None,
) -> WaitlistEntry:
    """Put the company on the item's waitlist for the time. Raises `ValidationError` when the
    time is not on the booking grid, is past, is free (book it instead) or the company already
    waits for the same time. The caller checks `access.can_book_for`."""
    now = now or timezone.now()
    if not (on_grid(starts_at) and on_grid(ends_at)) or ends_at <= starts_at:
        raise ValidationError(
            _("Choose a start and an end on the quarter hour, the end after the start."),
            code="grid",
        )
    if starts_at <= now:
        raise ValidationError(_("Choose a time in the future."), code="past")
    if not time_is_taken(item, starts_at, ends_at):
        raise ValidationError(
            _("This time is free: book it instead of joining the waitlist."), code="free"
        )
    if WaitlistEntry.objects.filter(
        item=item, company=company, starts_at=starts_at, ends_at=ends_at, state__in=OPEN_STATES
    ).exists():
        raise ValidationError(
            _("Your company is already on the waitlist for this time."), code="duplicate"
        )
    entry = WaitlistEntry.objects.create(
        item=item,
        company=company,
        user=actor,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose,
        created_at=now,
    )
    audit_record(actor=actor, action="waitlist.join", obj=entry, after=_snapshot(entry))
    return entry


@transaction.atomic
def waitlist_withdraw(*, entry: WaitlistEntry, actor: Any) -> WaitlistEntry:
    current = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if current.state not in OPEN_STATES:
        raise ValidationError(_("This waitlist entry is no longer open."), code="closed")
    before = current.state
    current.state = WaitlistState.WITHDRAWN
    current.save(update_fields=["state"])
    entry.state = current.state
    audit_record(
        actor=actor,
        action="waitlist.withdraw",
        obj=current,
        before={"state": before},
        after={"state": current.state},
    )
    if before == WaitlistState.OFFERED:
        waitlist_offer_freed(item=current.item)
    return entry


def _overlaps(a: WaitlistEntry, b: WaitlistEntry) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


@transaction.atomic
def waitlist_offer_freed(*, item: Item, now: dt.datetime | None = None) -> list[WaitlistEntry]:
    """Offer the item's free time to its waitlist, in order of joining: each waiting entry
    whose time is free of holding bookings and does not overlap an offer already out gets an
    offer and a notice. Returns the entries offered. Entries locked by another transaction (being
    accepted or withdrawn right now) are left for the next freeing."""
    from bitgoeul.equipment.notification_kinds_lifecycle import waitlist_offered_notify

    now = now or timezone.now()
    out = list(
        WaitlistEntry.objects.filter(
            item=item, state=WaitlistState.OFFERED, offer_expires_at__gt=now
        )
    )
    waiting = (
        WaitlistEntry.objects.select_for_update(skip_locked=True)
        .filter(item=item, state=WaitlistState.WAITING, starts_at__gt=now)
        .order_by("created_at", "pk")
    )
    offered = []
    for entry in waiting:
        if any(_overlaps(entry, other) for other in out):
            continue
        if time_is_taken(item, entry.starts_at, entry.ends_at):
            continue
        entry.state = WaitlistState.OFFERED
        entry.offered_at = now
        entry.offer_expires_at = min(now + OFFER_VALID, entry.starts_at)
        entry.save(update_fields=["state", "offered_at", "offer_expires_at"])
        audit_record(
            actor=None,
            action="waitlist.offer",
            obj=entry,
            before={"state": WaitlistState.WAITING},
            after={"state": entry.state, "offer_expires_at": entry.offer_expires_at},
        )
        waitlist_offered_notify(entry=entry, actor=None)
        out.append(entry)
        offered.append(entry)
    return offered


@transaction.atomic
def waitlist_accept(*, entry: WaitlistEntry, actor: Any, now: dt.datetime | None = None) -> Booking:
    """Book the offered time for the waiting company through `booking_create` (its rules, fee,
    approval and the database's guarantee; a booking that needs approval is announced to the
    host's staff there). Raises `ValidationError` if the offer is not open,
    and whatever `booking_create` raises (`BookingRefused`, `BookingConflict`: someone booked
    the time directly), in which case nothing changes."""
    now = now or timezone.now()
    current = (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("item")
        .get(pk=entry.pk)
    )
    if current.state != WaitlistState.OFFERED or (
        current.offer_expires_at is not None and current.offer_expires_at <= now
    ):
        raise ValidationError(_("This offer is no longer open."), code="closed")
    booking = booking_create(
        item=current.item,
        company=current.company,
        starts_at=current.starts_at,
        ends_at=current.ends_at,
        actor=actor,
        purpose=current.purpose,
        now=now,
    )
    current.state = WaitlistState.ACCEPTED
    current.booking = booking
    current.save(update_fields=["state", "booking"])
    entry.state, entry.booking = current.state, booking
    audit_record(
        actor=actor,
        action="waitlist.accept",
        obj=current,
        before={"state": WaitlistState.OFFERED},
        after={"state": current.state, "booking": booking.pk},
    )
    return booking


def waitlist_offers_expire(*, now: dt.datetime | None = None) -> int:
    """Offers past `offer_expires_at` lapse (and their time goes to the next entry); waiting
    entries whose time has begun lapse too. Returns the number of offers that lapsed."""
    now = now or timezone.now()
    lapsed = 0
    items: set[int] = set()
    stale = Q(state=WaitlistState.OFFERED, offer_expires_at__lte=now) | Q(
        state=WaitlistState.WAITING, starts_at__lte=now
    )
    for entry in WaitlistEntry.objects.filter(stale):
        with transaction.atomic():
            current = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
            if current.state not in OPEN_STATES:
                continue
            before = current.state
            current.state = WaitlistState.EXPIRED
            current.save(update_fields=["state"])
            audit_record(
                actor=None,
                action="waitlist.expire",
                obj=current,
                before={"state": before},
                after={"state": current.state},
            )
            if before == WaitlistState.OFFERED:
                lapsed += 1
                items.add(current.item_id)
    for item in Item.objects.filter(pk__in=items):
        waitlist_offer_freed(item=item, now=now)
    return lapsed
