"""When an item is free: its opening hours, less blackouts, public holidays (when it closes on
them) and the time held by bookings (with their buffer). All intervals are half-open
[start, end) in aware datetimes; a viewer only ever learns that time is taken, never by whom.

Intervals come back in UTC, whatever zone the range was given in: comparing two aware datetimes
of different zones asks each for its offset (tens of microseconds with `ZoneInfo`), which was
most of the time of a month of 500 items; datetimes of one zone compare as plain numbers.
Days (opening hours, holidays, repeats) are still Asia/Seoul days.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import BigIntegerField, Func, Q
from django.db.models.sql.compiler import SQLCompiler

from bitgoeul.equipment.enums import HOLDING_STATES, BlackoutRepeat
from bitgoeul.equipment.models import Blackout, Booking, Item, PublicHoliday

SEOUL = ZoneInfo("Asia/Seoul")
UTC = dt.UTC  # the zone the database's datetimes come back in
Interval = tuple[dt.datetime, dt.datetime]
# What `free_by_item` reads of an item: callers that only need free time load just these.
AVAILABILITY_FIELDS = (
    "pk",
    "centre_id",
    "always_open",
    "open_from",
    "open_until",
    "open_days",
    "closed_on_holidays",
)


class EpochSeconds(Func):
    """A datetime column as whole seconds since 1970-01-01 UTC, computed by the database.

    A month of 500 items reads thousands of booking times, and Django's conversion of each
    datetime value (parse the text, make it aware) was most of the read's time; an integer
    arrives as it is and becomes a datetime in one C call. Written for both databases."""

    output_field = BigIntegerField()

    def as_sqlite(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> Any:
        # SQLite keeps UTC datetimes as text; julianday() reads them (no '%' to escape).
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND((julianday(%(expressions)s) - 2440587.5) * 86400) AS INTEGER)",
            **extra,
        )

    def as_postgresql(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)",
            **extra,
        )


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract(
    free: Sequence[Interval], busy: Sequence[Interval], ends: Sequence[dt.datetime] | None = None
) -> list[Interval]:
    """`free` less `busy`; both sorted and merged. `ends` (the ends of `free`, in order) may be
    given when many callers share one `free`: the free intervals that no busy interval touches
    are then found by bisection and copied in slices, so the cost grows with the busy
    intervals, not with the free ones (a month of opening hours, a few bookings)."""
    if not busy:
        return list(free)
    if ends is None:
        ends = [e for _, e in free]
    out: list[Interval] = []
    n = len(free)
    pos = 0  # free[pos:] not looked at yet
    current: Interval | None = None  # the free interval being cut (or what is left of it)
    for busy_start, busy_end in busy:
        while True:
            if current is None:
                if pos == n:
                    break
                k = bisect_right(ends, busy_start, pos)  # these end before the busy time
                out.extend(free[pos:k])
                pos = k
                if pos == n:
                    break
                current, pos = free[pos], pos + 1
            if current[1] <= busy_start:
                out.append(current)
                current = None
                continue
            break
        if current is None:
            break  # nothing free is left to cut
        if current[0] >= busy_end:
            continue  # this busy time falls in a gap; the next one may cut `current`
        if current[0] < busy_start:
            out.append((current[0], busy_start))
        if current[1] > busy_end:
            current = (busy_end, current[1])
            continue
        # the busy time runs past `current`: drop the free intervals it covers whole
        pos = bisect_right(ends, busy_end, pos)
        current = None
        if pos < n and free[pos][0] < busy_end:
            current, pos = (busy_end, free[pos][1]), pos + 1
    if current is not None:
        out.append(current)
    out.extend(free[pos:])
    return out


def _days(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    first = start.astimezone(SEOUL).date()
    last = end.astimezone(SEOUL).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def opening_intervals(
    item: Item, start: dt.datetime, end: dt.datetime, holidays: set[dt.date]
) -> list[Interval]:
    """The item's opening hours between start and end (Asia/Seoul days), in UTC."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    spans: list[Interval] = []
    for day in _days(start, end):
        if item.closed_on_holidays and day in holidays:
            continue
        if item.always_open:
            day_start = dt.datetime.combine(day, dt.time(0), SEOUL).astimezone(UTC)
            spans.append((day_start, day_start + dt.timedelta(days=1)))
            continue
        if day.weekday() not in item.open_days:
            continue
        spans.append(
            (
                dt.datetime.combine(day, item.open_from, SEOUL).astimezone(UTC),
                dt.datetime.combine(day, item.open_until, SEOUL).astimezone(UTC),
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
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    return [
        (max(s, start), min(e, end))
        for s, e in ((s.astimezone(UTC), e.astimezone(UTC)) for s, e in occurrences)
        if s < end and e > start
    ]


def busy_by_item(
    items: Sequence[Item], start: dt.datetime, end: dt.datetime
) -> dict[int, list[Interval]]:
    """Held time (bookings with their buffer, and blackouts) per item id, merged, in UTC. Two
    queries."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    ids = [item.pk for item in items]
    busy: dict[int, list[Interval]] = defaultdict(list)
    held = Booking.objects.filter(
        item_id__in=ids, state__in=HOLDING_STATES, starts_at__lt=end, blocked_until__gt=start
    ).values_list("item_id", EpochSeconds("starts_at"), EpochSeconds("blocked_until"))
    moment = dt.datetime.fromtimestamp
    for item_id, s, e in held:
        busy[item_id].append((max(moment(s, UTC), start), min(moment(e, UTC), end)))
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
    # a centre's blackouts are the same for each of its items: computed once per centre
    centre_spans = {
        centre_id: [span for b in blackouts for span in blackout_intervals(b, start, end)]
        for centre_id, blackouts in by_centre.items()
    }
    for item in items:
        if spans := centre_spans.get(item.centre_id):
            busy[item.pk].extend(spans)
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
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    holidays = holidays_between(start, end)
    busy = busy_by_item(items, start, end)
    opening: dict[tuple[object, ...], tuple[list[Interval], list[dt.datetime]]] = {}
    free = {}
    for item in items:
        key = _schedule(item)
        if key not in opening:
            spans = opening_intervals(item, start, end, holidays)
            opening[key] = (spans, [e for _, e in spans])
        hours, ends = opening[key]
        free[item.pk] = _subtract(hours, busy.get(item.pk, ()), ends)
    return free


def free_intervals(item: Item, start: dt.datetime, end: dt.datetime) -> list[Interval]:
    return free_by_item([item], start, end)[item.pk]
