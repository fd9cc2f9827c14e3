"""When an item is free: its opening hours, less blackouts, public holidays (when it closes on
them) and the time held by bookings (with their buffer). All intervals are half-open
[start, end) in aware datetimes; a viewer only ever learns that time is taken, never by whom.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from django.db.models import Q

from bitgoeul.equipment.enums import HOLDING_STATES, BlackoutRepeat
from bitgoeul.equipment.models import Blackout, Booking, Item, PublicHoliday

SEOUL = ZoneInfo("Asia/Seoul")
Interval = tuple[dt.datetime, dt.datetime]


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract(free: Sequence[Interval], busy: Sequence[Interval]) -> list[Interval]:
    """`free` less `busy`; both sorted and merged."""
    out: list[Interval] = []
    j = 0
    for start, end in free:
        cursor = start
        while j < len(busy) and busy[j][1] <= cursor:
            j += 1
        k = j
        while k < len(busy) and busy[k][0] < end:
            if busy[k][0] > cursor:
                out.append((cursor, busy[k][0]))
            cursor = max(cursor, busy[k][1])
            k += 1
        if cursor < end:
            out.append((cursor, end))
    return out


def _days(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    first = start.astimezone(SEOUL).date()
    last = end.astimezone(SEOUL).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def opening_intervals(
    item: Item, start: dt.datetime, end: dt.datetime, holidays: set[dt.date]
) -> list[Interval]:
    """The item's opening hours between start and end (Asia/Seoul days)."""
    spans: list[Interval] = []
    for day in _days(start, end):
        if item.closed_on_holidays and day in holidays:
            continue
        if item.always_open:
            day_start = dt.datetime.combine(day, dt.time(0), SEOUL)
            spans.append((day_start, day_start + dt.timedelta(days=1)))
            continue
        if day.weekday() not in item.open_days:
            continue
        spans.append(
            (
                dt.datetime.combine(day, item.open_from, SEOUL),
                dt.datetime.combine(day, item.open_until, SEOUL),
            )
        )
    clipped = [(max(s, start), min(e, end)) for s, e in spans]
    return _merge((s, e) for s, e in clipped if s < e)


def blackout_intervals(blackout: Blackout, start: dt.datetime, end: dt.datetime) -> list[Interval]:
    """The occurrences of a blackout that touch [start, end), clipped to it.

    A repeating blackout's occurrences fall on the same Asia/Seoul wall-clock time each week or
    year (Korea keeps no daylight saving time, so a week is always 7 × 24 hours). The first
    occurrence that may touch the range is computed, not reached by stepping from the first one
    ever, so an old weekly blackout costs the same as a new one."""
    length = blackout.ends_at - blackout.starts_at
    if blackout.repeat == BlackoutRepeat.NONE:
        occurrences = [(blackout.starts_at, blackout.ends_at)]
    else:
        occurrences = []
        first = blackout.starts_at.astimezone(SEOUL)
        week = dt.timedelta(weeks=1)
        if blackout.repeat == BlackoutRepeat.WEEKLY:
            n = max(0, (start - length - first) // week)
        else:
            n = max(0, start.astimezone(SEOUL).year - first.year - 1)
        while True:
            if blackout.repeat == BlackoutRepeat.WEEKLY:
                moment = first + n * week
            else:
                try:
                    moment = first.replace(year=first.year + n)
                except ValueError:  # 29 February: that year has no occurrence
                    n += 1
                    continue
            if moment >= end or (
                blackout.repeat_until is not None and moment.date() > blackout.repeat_until
            ):
                break
            if moment + length > start:
                occurrences.append((moment, moment + length))
            n += 1
    return [(max(s, start), min(e, end)) for s, e in occurrences if s < end and e > start]


def busy_by_item(
    items: Sequence[Item], start: dt.datetime, end: dt.datetime
) -> dict[int, list[Interval]]:
    """Held time (bookings with their buffer, and blackouts) per item id, merged. Two queries."""
    ids = [item.pk for item in items]
    busy: dict[int, list[Interval]] = defaultdict(list)
    held = Booking.objects.filter(
        item_id__in=ids, state__in=HOLDING_STATES, starts_at__lt=end, blocked_until__gt=start
    ).values_list("item_id", "starts_at", "blocked_until")
    for item_id, s, e in held:
        busy[item_id].append((max(s, start), min(e, end)))
    centre_ids = {item.centre_id for item in items}
    blackouts = Blackout.objects.filter(
        Q(item_id__in=ids) | Q(centre_id__in=centre_ids, item__isnull=True)
    ).filter(
        Q(repeat="", starts_at__lt=end, ends_at__gt=start) | (~Q(repeat="") & Q(starts_at__lt=end))
    )
    by_centre: dict[int, list[Blackout]] = defaultdict(list)
    for blackout in blackouts:
        if blackout.item_id is not None:
            busy[blackout.item_id].extend(blackout_intervals(blackout, start, end))
        elif blackout.centre_id is not None:
            by_centre[blackout.centre_id].append(blackout)
    for item in items:
        for blackout in by_centre.get(item.centre_id, ()):
            busy[item.pk].extend(blackout_intervals(blackout, start, end))
    return {item_id: _merge(spans) for item_id, spans in busy.items()}


def holidays_between(start: dt.datetime, end: dt.datetime) -> set[dt.date]:
    days = _days(start, end)
    return set(
        PublicHoliday.objects.filter(date__gte=days[0], date__lte=days[-1]).values_list(
            "date", flat=True
        )
    )


def _schedule(item: Item) -> tuple[object, ...]:
    """What an item's opening intervals depend on: items with the same schedule share them."""
    if item.always_open:
        return (True, item.closed_on_holidays)
    return (False, item.closed_on_holidays, item.open_from, item.open_until, tuple(item.open_days))


def free_by_item(
    items: Sequence[Item], start: dt.datetime, end: dt.datetime
) -> dict[int, list[Interval]]:
    """Free intervals per item id between start and end: three queries whatever the count.
    Opening hours are computed once per distinct schedule (most items of a centre share one)."""
    holidays = holidays_between(start, end)
    busy = busy_by_item(items, start, end)
    opening: dict[tuple[object, ...], list[Interval]] = {}
    free = {}
    for item in items:
        key = _schedule(item)
        if key not in opening:
            opening[key] = opening_intervals(item, start, end, holidays)
        spans = busy.get(item.pk)
        free[item.pk] = _subtract(opening[key], spans) if spans else list(opening[key])
    return free


def free_intervals(item: Item, start: dt.datetime, end: dt.datetime) -> list[Interval]:
    return free_by_item([item], start, end)[item.pk]
