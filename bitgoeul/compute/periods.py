"""Periods: calendar months in Asia/Seoul written "YYYY-MM", as in the engine's files."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")
PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def is_period(text: str) -> bool:
    return bool(PERIOD.match(text))


def period_bounds(period: str) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of the month and of the next one, in Asia/Seoul."""
    match = PERIOD.match(period)
    if match is None:
        raise ValueError(f"not a period (YYYY-MM): {period!r}")
    year, month = int(match.group(1)), int(match.group(2))
    start = dt.datetime(year, month, 1, tzinfo=SEOUL)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=SEOUL)
    return start, end


def period_hours(period: str) -> int:
    start, _ = period_bounds(period)
    return calendar.monthrange(start.year, start.month)[1] * 24


def period_of(moment: dt.datetime) -> str:
    """The period an instant falls in (Asia/Seoul)."""
    return moment.astimezone(SEOUL).strftime("%Y-%m")


def periods_between(first: str, last: str) -> list[str]:
    """`first` … `last` inclusive (empty when last is before first)."""
    out: list[str] = []
    start, _ = period_bounds(first)
    end, _ = period_bounds(last)
    while start <= end:
        out.append(start.strftime("%Y-%m"))
        start = period_bounds(out[-1])[1]
    return out


def next_periods(moment: dt.datetime, count: int) -> list[str]:
    """The `count` periods starting with the one `moment` falls in."""
    out = [period_of(moment)]
    while len(out) < count:
        out.append(period_bounds(out[-1])[1].strftime("%Y-%m"))
    return out
