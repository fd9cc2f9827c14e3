"""Reads of the lifecycle area: who hears about a booking, the booking lists, the approval queue,
a booking's history and a company's monthly statement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from bitgoeul.accounts.models import User
from bitgoeul.accounts.selectors import organization_users
from bitgoeul.accounts.types import Viewer
from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.models import Company
from bitgoeul.equipment.access import (
    STAFF_ROLES,
    company_org_ids,
    managed_items_q,
)
from bitgoeul.equipment.enums import HOLDING_STATES, BookingState, WaitlistState
from bitgoeul.equipment.models import Booking, Item, WaitlistEntry

SEOUL = ZoneInfo("Asia/Seoul")

# --- recipients --------------------------------------------------------------------------------


def company_member_users(company: Company) -> list[User]:
    """The active members of the company (one query)."""
    return organization_users({company.pk})


def host_staff_users(item: Item) -> list[User]:
    """Staff and administrators of the item's host institution and of its centre's host: those
    who decide its bookings (one query)."""
    return organization_users({item.host_id, item.centre.host_id}, roles=STAFF_ROLES)


# --- lists -------------------------------------------------------------------------------------

LIST_RELATED = ("item", "item__centre", "company", "company__organization")


def company_bookings(user: Viewer) -> QuerySet[Booking]:
    """Bookings of the companies the user is a member of."""
    return Booking.objects.filter(company_id__in=company_org_ids(user)).select_related(
        *LIST_RELATED
    )


def company_upcoming_bookings(user: Viewer, *, now: dt.datetime, limit: int) -> list[Booking]:
    """The next bookings that hold a slot for the user's companies, soonest first, with only
    what the home shows (the item's name, the start, the state): one narrow query."""
    return list(
        Booking.objects.filter(
            company_id__in=company_org_ids(user), state__in=HOLDING_STATES, ends_at__gt=now
        )
        .select_related("item")
        .only("pk", "starts_at", "state", "item__name")
        .order_by("starts_at", "pk")[:limit]
    )


def hosted_bookings(user: Viewer) -> QuerySet[Booking]:
    """Bookings of the items the user manages (host staff; every booking for operator staff)."""
    items = Item.objects.filter(managed_items_q(user))
    return Booking.objects.filter(item__in=items).select_related(*LIST_RELATED)


def booking_list_filter(
    bookings: QuerySet[Booking],
    *,
    now: dt.datetime,
    when: str = "",
    state: str = "",
) -> QuerySet[Booking]:
    """Upcoming (not yet ended, soonest first) or past (ended, latest first) bookings, of a
    state."""
    if state:
        bookings = bookings.filter(state=state)
    if when == "past":
        return bookings.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    return bookings.filter(ends_at__gt=now).order_by("starts_at", "pk")


def approval_queue(user: Viewer) -> QuerySet[Booking]:
    """Bookings awaiting the user's approval, soonest first."""
    return hosted_bookings(user).filter(state=BookingState.PENDING).order_by("starts_at", "pk")


def waitlist_of_user(user: Viewer) -> QuerySet[WaitlistEntry]:
    """Open waitlist entries of the user's companies (waiting or offered)."""
    return (
        WaitlistEntry.objects.filter(
            company_id__in=company_org_ids(user),
            state__in=[WaitlistState.WAITING, WaitlistState.OFFERED],
        )
        .select_related("item", "company__organization")
        .order_by("starts_at", "pk")
    )


def booking_history(booking: Booking) -> QuerySet[AuditEvent]:
    """The booking's audit events, oldest first: the state history on its page."""
    return AuditEvent.objects.filter(
        object_type="equipment.booking", object_id=str(booking.pk)
    ).order_by("at", "id")


def offers_past_expiry(now: dt.datetime) -> int:
    """Waitlist offers the next `bitgoeul equipment release` lets lapse."""
    return WaitlistEntry.objects.filter(
        state=WaitlistState.OFFERED, offer_expires_at__lte=now
    ).count()


# --- statement ---------------------------------------------------------------------------------

# A booking that held its time is charged its fee (a no-show too: the time was kept for the
# company); a cancelled one only its late-cancellation charge; pending and rejected ones nothing.
CHARGED_STATES = (
    BookingState.CONFIRMED,
    BookingState.CHECKED_IN,
    BookingState.COMPLETED,
    BookingState.NO_SHOW,
)


@dataclass(frozen=True)
class StatementLine:
    booking: Booking
    fee_krw: int  # the fee charged for the use (0 for a cancelled booking)
    cancel_fee_krw: int  # the late-cancellation charge (0 unless cancelled late)

    @property
    def total_krw(self) -> int:
        return self.fee_krw + self.cancel_fee_krw


@dataclass(frozen=True)
class Statement:
    company: Company
    month: dt.date  # the first day of the month, Asia/Seoul
    lines: list[StatementLine]

    @property
    def fee_total(self) -> int:
        return sum(line.fee_krw for line in self.lines)

    @property
    def cancel_total(self) -> int:
        return sum(line.cancel_fee_krw for line in self.lines)

    @property
    def total(self) -> int:
        return self.fee_total + self.cancel_total


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first moment, first moment of the next month) of a month in Asia/Seoul."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return (
        dt.datetime.combine(first, dt.time(0), SEOUL),
        dt.datetime.combine(following, dt.time(0), SEOUL),
    )


def company_statement(company: Company, month: dt.date) -> Statement:
    """The company's charges for the bookings that start in `month` (Asia/Seoul), by start."""
    start, end = month_bounds(month)
    charged = Q(state__in=CHARGED_STATES) | Q(state=BookingState.CANCELLED, cancel_fee_krw__gt=0)
    bookings: Any = (
        Booking.objects.filter(charged, company=company, starts_at__gte=start, starts_at__lt=end)
        .select_related("item")
        .order_by("starts_at", "pk")
    )
    lines = [
        StatementLine(
            booking=booking,
            fee_krw=0 if booking.state == BookingState.CANCELLED else booking.fee_krw,
            cancel_fee_krw=booking.cancel_fee_krw if booking.state == BookingState.CANCELLED else 0,
        )
        for booking in bookings
    ]
    return Statement(company=company, month=month.replace(day=1), lines=lines)
