"""Free time per item, checked against a plain slot-by-slot scan (property tests), and the
repeating blackouts computed from their first occurrence."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bitgoeul.equipment.availability import (
    SEOUL,
    Interval,
    _merge,
    _subtract,
    blackout_intervals,
    free_by_item,
)
from bitgoeul.equipment.enums import BlackoutKind, BlackoutRepeat
from bitgoeul.equipment.models import Blackout, PublicHoliday
from tests.equipment.factories import BookingFactory, ItemFactory

BASE = dt.datetime(2026, 3, 9, tzinfo=SEOUL)  # a Monday of a week without public holidays
STEP = dt.timedelta(minutes=15)


def _slots(intervals: list[Interval], n: int) -> set[int]:
    out: set[int] = set()
    for s, e in intervals:
        out.update(range(int((s - BASE) / STEP), int((e - BASE) / STEP)))
    return {i for i in out if 0 <= i < n}


spans = st.lists(
    st.tuples(st.integers(0, 200), st.integers(1, 40)).map(
        lambda t: (BASE + t[0] * STEP, BASE + (t[0] + t[1]) * STEP)
    ),
    max_size=12,
)


@settings(deadline=None)  # a pure function; a busy shared machine must not fail it on time
@given(free=spans, busy=spans)
def test_subtract_equals_a_slot_scan(free: list[Interval], busy: list[Interval]) -> None:
    merged_free, merged_busy = _merge(free), _merge(busy)
    result = _subtract(merged_free, merged_busy)
    assert _slots(result, 400) == _slots(merged_free, 400) - _slots(merged_busy, 400)
    # sorted, disjoint, non-empty
    assert all(s < e for s, e in result)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(result))


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    bookings=st.lists(st.tuples(st.integers(0, 6 * 96), st.integers(1, 16)), max_size=6),
    buffer=st.sampled_from([0, 15, 60]),
    always_open=st.booleans(),
    holiday=st.booleans(),
)
def test_free_by_item_equals_a_naive_scan(
    bookings: list[tuple[int, int]], buffer: int, always_open: bool, holiday: bool
) -> None:
    item = ItemFactory.create(
        always_open=always_open,
        open_from=dt.time(9),
        open_until=dt.time(18),
        open_days=[0, 1, 2, 3, 4],
        closed_on_holidays=True,
    )
    if holiday:
        PublicHoliday.objects.get_or_create(date=dt.date(2026, 3, 10), defaults={"name": "시험"})
    else:
        PublicHoliday.objects.filter(date=dt.date(2026, 3, 10)).delete()
    # bookings that hold their time never overlap (the database refuses it on PostgreSQL):
    # keep those that fit beside the ones already kept, buffer included
    kept: list[tuple[int, int]] = []
    for start, length in bookings:
        if all(
            start + length + buffer // 15 <= s or s + ln + buffer // 15 <= start for s, ln in kept
        ):
            kept.append((start, length))
    bookings = kept
    for start, length in bookings:
        starts = BASE + start * STEP
        ends = starts + length * STEP
        BookingFactory.create(
            item=item,
            starts_at=starts,
            ends_at=ends,
            blocked_until=ends + dt.timedelta(minutes=buffer),
        )
    end = BASE + dt.timedelta(days=7)
    n = int((end - BASE) / STEP)
    expected = set()
    for i in range(n):
        moment = BASE + i * STEP
        if holiday and moment.date() == dt.date(2026, 3, 10):
            continue
        if not always_open and (moment.weekday() > 4 or not 9 <= moment.hour < 18):
            continue
        if any(
            BASE + s * STEP <= moment < BASE + (s + ln) * STEP + dt.timedelta(minutes=buffer)
            for s, ln in bookings
        ):
            continue
        expected.add(i)
    assert _slots(free_by_item([item], BASE, end)[item.pk], n) == expected
    item.bookings.all().delete()


def _stepped(blackout: Blackout, start: dt.datetime, end: dt.datetime) -> list[Interval]:
    """The occurrences reached by stepping from the first one (the old way)."""
    out = []
    length = blackout.ends_at - blackout.starts_at
    n = 0
    while True:
        moment = blackout.starts_at + dt.timedelta(weeks=n)
        if moment >= end:
            break
        if moment + length > start:
            out.append((max(moment, start), min(moment + length, end)))
        n += 1
    return out


@pytest.mark.parametrize("weeks_ago", [0, 1, 3, 150])
@pytest.mark.parametrize("hours", [2, 24 * 3])
def test_weekly_blackout_jumps_to_the_first_occurrence_in_range(weeks_ago: int, hours: int) -> None:
    first = BASE - dt.timedelta(weeks=weeks_ago) + dt.timedelta(hours=10)
    blackout = Blackout(
        kind=BlackoutKind.MAINTENANCE,
        starts_at=first,
        ends_at=first + dt.timedelta(hours=hours),
        repeat=BlackoutRepeat.WEEKLY,
    )
    start, end = BASE + dt.timedelta(hours=11), BASE + dt.timedelta(days=30)
    assert blackout_intervals(blackout, start, end) == _stepped(blackout, start, end)


def test_yearly_blackout_stops_at_its_last_repeat() -> None:
    first = dt.datetime(2020, 5, 5, tzinfo=SEOUL)
    blackout = Blackout(
        kind=BlackoutKind.CLOSURE,
        starts_at=first,
        ends_at=first + dt.timedelta(days=1),
        repeat=BlackoutRepeat.YEARLY,
        repeat_until=dt.date(2026, 5, 5),
    )
    in_2026 = blackout_intervals(
        blackout, dt.datetime(2026, 1, 1, tzinfo=SEOUL), dt.datetime(2027, 1, 1, tzinfo=SEOUL)
    )
    in_2027 = blackout_intervals(
        blackout, dt.datetime(2027, 1, 1, tzinfo=SEOUL), dt.datetime(2028, 1, 1, tzinfo=SEOUL)
    )
    day = dt.datetime(2026, 5, 5, tzinfo=SEOUL)
    assert (in_2026, in_2027) == ([(day, day + dt.timedelta(days=1))], [])
