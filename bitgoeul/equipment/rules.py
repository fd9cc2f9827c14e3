"""The booking rules of an item, checked before a booking is written.

Each rule is one function returning the problems it finds; `check_booking` runs them all so
that a refused booking names every rule it breaks, in words that say what to change. Rules read
only. The database's no-overlap guarantee (`guard`) is not a rule here: it holds whatever the
rules said, and a staff override never bypasses it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bitgoeul.companies.models import Company
from bitgoeul.equipment.guard import on_grid
from bitgoeul.equipment.models import SLOT_MINUTES, Item

SEOUL = ZoneInfo("Asia/Seoul")


@dataclass(frozen=True)
class Problem:
    code: str  # stable, for the API and tests: "notice", "too_long", ...
    message: str  # translated, says what to change


@dataclass(frozen=True)
class BookingRequest:
    item: Item
    company: Company
    starts_at: dt.datetime
    ends_at: dt.datetime
    now: dt.datetime


def check_times(request: BookingRequest) -> list[Problem]:
    if request.ends_at <= request.starts_at:
        return [Problem("order", _("The end must be after the start."))]
    if not (on_grid(request.starts_at) and on_grid(request.ends_at)):
        return [
            Problem(
                "grid",
                ngettext(
                    "Bookings start and end on the minute, in steps of %(n)d minute.",
                    "Bookings start and end on the minute, in steps of %(n)d minutes.",
                    SLOT_MINUTES,
                )
                % {"n": SLOT_MINUTES},
            )
        ]
    return []


def check_length(request: BookingRequest) -> list[Problem]:
    item = request.item
    minutes = (request.ends_at - request.starts_at).total_seconds() / 60
    if minutes < item.min_minutes:
        return [
            Problem(
                "too_short",
                _("A booking of this item lasts at least %(minutes)d minutes.")
                % {"minutes": item.min_minutes},
            )
        ]
    if minutes > item.max_minutes:
        return [
            Problem(
                "too_long",
                _("A booking of this item lasts at most %(minutes)d minutes.")
                % {"minutes": item.max_minutes},
            )
        ]
    return []


def check_notice(request: BookingRequest) -> list[Problem]:
    item = request.item
    if request.starts_at < request.now + dt.timedelta(minutes=item.notice_minutes):
        return [
            Problem(
                "notice",
                _("Book at least %(minutes)d minutes before the start.")
                % {"minutes": item.notice_minutes},
            )
        ]
    if request.starts_at > request.now + dt.timedelta(days=item.max_advance_days):
        return [
            Problem(
                "too_far",
                _("This item can be booked at most %(days)d days ahead.")
                % {"days": item.max_advance_days},
            )
        ]
    return []


RULES = [check_times, check_length, check_notice]


def check_booking(request: BookingRequest) -> list[Problem]:
    problems = check_times(request)
    if problems:
        return problems  # the other rules need a well-formed range
    for rule in RULES[1:]:
        problems.extend(rule(request))
    return problems
