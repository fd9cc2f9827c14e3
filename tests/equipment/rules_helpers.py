"""Fixed times and small builders for the tests of the rules area (booking rules, booking
creation, series). Times are in a week of December 2026 so that every test reads the same
calendar: Monday 7 December 2026 is `at(7, …)`; "now" is Tuesday 1 December, midnight."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from bitgoeul.companies.models import Company
from bitgoeul.equipment.models import Item
from bitgoeul.equipment.rules import BookingRequest, check_booking

SEOUL = ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2026, 12, 1, 0, 0, tzinfo=SEOUL)


def at(day: int, hour: int, minute: int = 0, month: int = 12, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SEOUL)


def request(
    item: Item,
    company: Company,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    *,
    now: dt.datetime = NOW,
    accessories: Mapping[int, int] | None = None,
    planned: tuple[tuple[dt.datetime, dt.datetime], ...] = (),
) -> BookingRequest:
    return BookingRequest(
        item=item,
        company=company,
        starts_at=starts_at,
        ends_at=ends_at,
        now=now,
        accessories=accessories or {},
        planned=planned,
    )


def codes(
    item: Item,
    company: Company,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    *,
    now: dt.datetime = NOW,
    accessories: Mapping[int, int] | None = None,
    planned: tuple[tuple[dt.datetime, dt.datetime], ...] = (),
) -> list[str]:
    """The codes of the problems `check_booking` finds, in order."""
    found = check_booking(
        request(
            item, company, starts_at, ends_at, now=now, accessories=accessories, planned=planned
        )
    )
    return [p.code for p in found]
