"""An item's calendar (day, week, month) as what each part of each day is: free, booked, in a
blackout, or closed. Built on the booking grid (`SLOT_MINUTES`), Asia/Seoul days.

A viewer learns that time is booked and nothing else (`access.BOOKING_FIELDS`), except of the
bookings the viewer sees in private (their company's, or all of an item they manage), which
carry the company's name and a link to the booking.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Case, Value, When

from bitgoeul.accounts.types import Viewer
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.equipment import access
from bitgoeul.equipment.availability import SEOUL, blackout_intervals, opening_intervals
from bitgoeul.equipment.enums import HOLDING_STATES
from bitgoeul.equipment.models import SLOT_MINUTES, Blackout, Booking, Item, PublicHoliday

SLOT = dt.timedelta(minutes=SLOT_MINUTES)
VIEWS = ("day", "week", "month")
FREE, BOOKED, BLACKOUT, CLOSED = "free", "booked", "blackout", "closed"


@dataclass
class Segment:
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str  # FREE, BOOKED, BLACKOUT, CLOSED
    company: str = ""  # only for bookings the viewer sees in private
    booking_id: int | None = None
    reason: str = ""  # a blackout's reason (the host's words, public)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass
class Day:
    date: dt.date
    segments: list[Segment] = field(default_factory=list)
    holiday: str = ""
    in_month: bool = True

    @property
    def free_minutes(self) -> int:
        return sum(s.minutes for s in self.segments if s.status == FREE)

    @property
    def open_minutes(self) -> int:
        return sum(s.minutes for s in self.segments if s.status != CLOSED)

    @property
    def summary(self) -> str:
        """ "closed", "full", "partly" or "free": the month view's colour of the day."""
        if not self.open_minutes:
            return "closed"
        if not self.free_minutes:
            return "full"
        return "free" if self.free_minutes == self.open_minutes else "partly"

    @property
    def visible(self) -> list[Segment]:
        """The segments worth listing: a closed night is not."""
        return [s for s in self.segments if s.status != CLOSED]


def calendar_range(view: str, anchor: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """(first day, last day, previous anchor, next anchor) of the view around `anchor`. A week
    starts on Monday; a month view shows whole weeks."""
    if view == "day":
        return anchor, anchor, anchor - dt.timedelta(days=1), anchor + dt.timedelta(days=1)
    if view == "week":
        first = anchor - dt.timedelta(days=anchor.weekday())
        return (
            first,
            first + dt.timedelta(days=6),
            anchor - dt.timedelta(weeks=1),
            anchor + dt.timedelta(weeks=1),
        )
    month_first = anchor.replace(day=1)
    next_month = (month_first + dt.timedelta(days=32)).replace(day=1)
    last_day = next_month - dt.timedelta(days=1)
    first = month_first - dt.timedelta(days=month_first.weekday())
    last = last_day + dt.timedelta(days=6 - last_day.weekday())
    previous = (month_first - dt.timedelta(days=1)).replace(day=1)
    return first, last, previous, next_month


def item_calendar(user: Viewer, item: Item, view: str, anchor: dt.date) -> list[Day]:
    """The days of the view with their segments. Three queries whatever the length
    (holidays, blackouts, bookings)."""
    first, last, _, _ = calendar_range(view, anchor)
    start = dt.datetime.combine(first, dt.time(0), SEOUL)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), SEOUL)
    slots = int((end - start) / SLOT)
    status = [CLOSED] * slots
    detail: list[tuple[str, int | None, str]] = [("", None, "")] * slots

    def index(moment: dt.datetime) -> int:
        return max(0, min(slots, int((moment - start) / SLOT)))

    names = dict(
        PublicHoliday.objects.filter(date__gte=first, date__lte=last).values_list("date", "name")
    )
    for s, e in opening_intervals(item, start, end, set(names)):
        for i in range(index(s), index(e)):
            status[i] = FREE
    blackouts = Blackout.objects.filter(item=item) | Blackout.objects.filter(
        centre_id=item.centre_id, item__isnull=True
    )
    for blackout in blackouts:
        for s, e in blackout_intervals(blackout, start, end):
            for i in range(index(s), index(e)):
                status[i], detail[i] = BLACKOUT, ("", None, blackout.reason)
    bookings = Booking.objects.filter(
        item=item, state__in=HOLDING_STATES, starts_at__lt=end, blocked_until__gt=start
    )
    # which bookings the viewer sees in private, in the same query (the rule as a filter;
    # operator staff get Q(), every booking, which When() cannot take)
    private = access.bookings_at_least(user, ViewLevel.PRIVATE)
    shown_q: Any = (
        Case(When(private, then=Value(True)), default=Value(False), output_field=BooleanField())
        if private
        else Value(True, output_field=BooleanField())
    )
    rows = bookings.annotate(shown=shown_q).values_list(
        "pk", "starts_at", "blocked_until", "shown", "company__organization__name"
    )
    for pk, starts_at, blocked_until, shown, company in rows:
        # the buffer after a booking is taken time too: show it as booked
        label = (company, pk, "") if shown else ("", None, "")
        for i in range(index(starts_at), index(blocked_until)):
            status[i], detail[i] = BOOKED, label
    days = []
    per_day = int(dt.timedelta(days=1) / SLOT)
    for n in range((last - first).days + 1):
        date = first + dt.timedelta(days=n)
        day = Day(
            date=date,
            holiday=names.get(date, ""),
            in_month=view != "month" or date.month == anchor.month,
        )
        for i in range(n * per_day, (n + 1) * per_day):
            moment = start + i * SLOT
            key = (status[i], *detail[i])
            previous = day.segments[-1] if day.segments else None
            if (
                previous is not None
                and (
                    previous.status,
                    previous.company,
                    previous.booking_id,
                    previous.reason,
                )
                == key
            ):
                previous.ends_at = moment + SLOT
            else:
                day.segments.append(Segment(moment, moment + SLOT, *key))
        days.append(day)
    return days


def weeks(days: list[Day]) -> list[list[Day]]:
    """The month view's rows."""
    return [days[i : i + 7] for i in range(0, len(days), 7)]
