"""Writes of bookings: creating one (rules, fee, the database's no-overlap guarantee). Moving a
booking through its states is `services.lifecycle`.

Who may call these is decided by `equipment.access`; these functions check the data. Creating
a booking locks the item's row, so bookings of one item are checked and written one after the
other; the database refuses an overlap even so (`guard`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Company
from bitgoeul.equipment import guard
from bitgoeul.equipment.enums import BookingState
from bitgoeul.equipment.fees import booking_fee
from bitgoeul.equipment.guard import BookingConflict
from bitgoeul.equipment.models import Booking, BookingAccessory, Item
from bitgoeul.equipment.rules import BookingRequest, Problem, active_award, check_bundle

__all__ = ["BookingConflict", "BookingRefused", "booking_create"]


class BookingRefused(ValidationError):
    """The booking breaks one or more of the item's rules; `problems` names each."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__([p.message for p in problems], code="refused")
        self.problems = problems


def _snapshot(booking: Booking) -> dict[str, Any]:
    return {
        "item": booking.item_id,
        "company": booking.company_id,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "state": booking.state,
        "fee_krw": booking.fee_krw,
        "override_reason": booking.override_reason,
        "bundle": str(booking.bundle) if booking.bundle else "",
        "series": booking.series_id,
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
    on_behalf: bool = False,
    accessories: Mapping[int, int] | None = None,
    series_id: int | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Book `item` for `company` from `starts_at` to `ends_at`, with `accessories` (accessory
    id -> quantity) lent with it, and return the booking.

    Items the item is booked together with (`Item.bundled_with`) are booked for the same time
    under one `bundle` id, all or nothing: a problem or a conflict of any of them refuses the
    whole booking and nothing is written. The rows of all those items are locked, in primary
    key order so that two bookers of overlapping bundles cannot deadlock.

    Raises `BookingRefused` naming every rule broken, unless `override_reason` is given (host
    staff only: the caller checks `access.can_book_on_behalf`): then the booking is written,
    the rules it broke are recorded in its audit event and the reason is kept on it. Raises
    `BookingConflict` if the time (with the buffer) is taken: no override bypasses that. A
    booking of an item that needs approval waits for the host (PENDING), unless made by host
    staff on a company's behalf (`on_behalf`: the caller checked `access.can_book_on_behalf`)
    or with an override. An item that needs a programme award records the company's
    award in delivery on the booking."""
    now = now or timezone.now()
    accessories = {pk: qty for pk, qty in (accessories or {}).items() if qty}
    partner_ids = sorted(item.bundled_with.values_list("pk", flat=True))
    locked = {
        locked_item.pk: locked_item
        for locked_item in Item.objects.select_for_update()
        .select_related("centre")
        .filter(pk__in=sorted({item.pk, *partner_ids}))
        .order_by("pk")
    }
    head = locked[item.pk]
    members = [head, *(locked[pk] for pk in partner_ids if pk in locked)]
    problems = check_bundle(
        BookingRequest(
            item=head,
            company=company,
            starts_at=starts_at,
            ends_at=ends_at,
            now=now,
            accessories=accessories,
        ),
        members[1:],
    )
    if problems and not override_reason:
        raise BookingRefused(problems)
    bundle = uuid.uuid4() if len(members) > 1 else None
    bookings = [
        _hold(
            member,
            company=company,
            starts_at=starts_at,
            ends_at=ends_at,
            actor=actor,
            purpose=purpose,
            override_reason=override_reason,
            pending=member.requires_approval and not (override_reason or on_behalf),
            series_id=series_id,
            bundle=bundle,
            now=now,
        )
        for member in members
    ]
    booking = bookings[0]
    BookingAccessory.objects.bulk_create(
        BookingAccessory(booking=booking, accessory_id=pk, quantity=qty)
        for pk, qty in sorted(accessories.items())
    )
    for written in bookings:
        after = _snapshot(written)
        if written is booking and accessories:
            after["accessories"] = {str(pk): qty for pk, qty in sorted(accessories.items())}
        if override_reason:
            after["overridden_rules"] = sorted({p.code for p in problems})
        audit_record(actor=actor, action="booking.create", obj=written, after=after)
    if booking.state == BookingState.PENDING and series_id is None:
        # a series announces itself once (`series_create`), not once per booking
        from bitgoeul.equipment.notification_kinds_lifecycle import booking_pending_notify

        booking_pending_notify(booking=booking, actor=actor)
    return booking


def _hold(
    item: Item,
    *,
    company: Company,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    actor: Any,
    purpose: str,
    override_reason: str,
    pending: bool,
    series_id: int | None,
    bundle: uuid.UUID | None,
    now: dt.datetime,
) -> Booking:
    fee, detail = booking_fee(item, company, starts_at, ends_at)
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
        award=active_award(company) if item.requires_award else None,
        fee_krw=fee,
        fee_detail=detail,
        override_reason=override_reason,
        created_at=now,
        updated_at=now,
    )
    guard.hold(booking)
    return booking
