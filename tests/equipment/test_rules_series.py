"""Recurring bookings: the instances of a plan, the preview with conflicts and problems, and
creation with the chosen skips (all or nothing)."""

from __future__ import annotations

import datetime as dt

import pytest

from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.models import Company
from bitgoeul.equipment.enums import Frequency, QuotaMeasure, QuotaPeriod
from bitgoeul.equipment.models import Booking, BookingSeries, Item, Quota
from bitgoeul.equipment.services.bookings import booking_create
from bitgoeul.equipment.services.series import (
    SeriesPlan,
    SeriesRefused,
    instance_key,
    occurrences,
    series_create,
    series_preview,
)
from tests.equipment.factories import ItemFactory
from tests.equipment.rules_helpers import NOW, SEOUL, at
from tests.factories import CompanyRecordFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def company() -> Company:
    company: Company = CompanyRecordFactory.create()
    return company


@pytest.fixture
def item() -> Item:
    item: Item = ItemFactory.create()
    return item


def plan(
    item: Item,
    company: Company,
    *,
    frequency: str = Frequency.WEEKLY,
    interval: int = 1,
    first: dt.datetime | None = None,
    count: int = 4,
) -> SeriesPlan:
    return SeriesPlan(
        item=item,
        company=company,
        frequency=frequency,
        interval=interval,
        first_starts_at=first or at(7, 10),
        duration_minutes=120,
        count=count,
    )


def starts(spans: list[tuple[dt.datetime, dt.datetime]]) -> list[str]:
    return [start.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M") for start, _ in spans]


def test_daily_weekly_and_monthly_repeats(item: Item, company: Company) -> None:
    assert starts(occurrences(plan(item, company, frequency=Frequency.DAILY, interval=2))) == [
        "2026-12-07 10:00",
        "2026-12-09 10:00",
        "2026-12-11 10:00",
        "2026-12-13 10:00",
    ]
    assert starts(occurrences(plan(item, company, count=3))) == [
        "2026-12-07 10:00",
        "2026-12-14 10:00",
        "2026-12-21 10:00",
    ]
    monthly = plan(item, company, frequency=Frequency.MONTHLY, first=at(31, 9), count=4)
    assert starts(occurrences(monthly)) == [
        "2026-12-31 09:00",
        "2027-01-31 09:00",
        "2027-02-28 09:00",  # no 31 February: the month's last day
        "2027-03-31 09:00",
    ]


@pytest.mark.parametrize(
    ("frequency", "interval", "count"),
    [
        ("hourly", 1, 4),
        (Frequency.WEEKLY, 0, 4),
        (Frequency.WEEKLY, 1, 1),
        (Frequency.WEEKLY, 1, 53),
    ],
)
def test_a_plan_out_of_bounds_is_refused(
    item: Item, company: Company, frequency: str, interval: int, count: int
) -> None:
    with pytest.raises(SeriesRefused):
        occurrences(plan(item, company, frequency=frequency, interval=interval, count=count))


def test_preview_shows_the_taken_instance_and_the_rule_problems(
    item: Item, company: Company
) -> None:
    other = CompanyRecordFactory.create()
    booking_create(
        item=item,
        company=other,
        starts_at=at(14, 11),
        ends_at=at(14, 12),
        actor=None,
        now=NOW,
    )
    Quota.objects.create(
        item=item, measure=QuotaMeasure.BOOKINGS, period=QuotaPeriod.MONTH, limit=2
    )
    instances = series_preview(plan=plan(item, company), now=NOW)
    assert [(i.conflict, [p.code for p in i.problems]) for i in instances] == [
        (False, []),
        (True, []),  # taken by the other company
        (False, []),  # the second bookable instance this month
        (False, ["quota"]),  # December's quota is used by the 7th and the 21st
    ]


def test_preview_counts_the_buffer_of_a_booking_before(company: Company) -> None:
    item = ItemFactory.create(buffer_minutes=30)
    booking_create(
        item=item, company=company, starts_at=at(6, 8), ends_at=at(6, 9, 30), actor=None, now=NOW
    )
    sunday = plan(item, company, first=at(6, 10), count=2)
    assert series_preview(plan=sunday, now=NOW)[0].conflict is False  # held until 10:00 exactly
    booking_create(
        item=item, company=company, starts_at=at(7, 8), ends_at=at(7, 9, 45), actor=None, now=NOW
    )
    [first, second] = series_preview(plan=plan(item, company, count=2), now=NOW)
    assert (first.conflict, second.conflict) == (True, False)  # held until 10:15
    booking_create(
        item=item, company=company, starts_at=at(14, 12), ends_at=at(14, 13), actor=None, now=NOW
    )
    [_, second] = series_preview(plan=plan(item, company, count=2), now=NOW)
    assert second.conflict  # 10:00-12:00 plus the 30-minute buffer reaches 12:30


def test_create_books_the_kept_instances_and_records_the_skips(
    item: Item, company: Company
) -> None:
    user = UserFactory.create()
    skipped = instance_key(at(14, 10))
    series = series_create(
        plan=plan(item, company), actor=user, skip={skipped}, purpose="주행 데이터 수집", now=NOW
    )
    assert series.skipped == [skipped]
    assert [b.starts_at.astimezone(SEOUL).day for b in Booking.objects.filter(series=series)] == [
        7,
        21,
        28,
    ]
    assert set(Booking.objects.values_list("purpose", "booked_by")) == {
        ("주행 데이터 수집", user.pk)
    }
    event = AuditEvent.objects.get(action="booking_series.create")
    assert (
        event.object_id,
        (event.after or {})["skipped"],
        len((event.after or {})["bookings"]),
    ) == (
        str(series.pk),
        [skipped],
        3,
    )


def test_create_refuses_everything_when_a_kept_instance_is_taken(
    item: Item, company: Company
) -> None:
    booking_create(
        item=item, company=company, starts_at=at(21, 9), ends_at=at(21, 11), actor=None, now=NOW
    )
    with pytest.raises(SeriesRefused) as refused:
        series_create(plan=plan(item, company), actor=None, now=NOW)
    assert refused.value.instance is not None
    assert refused.value.instance.starts_at == at(21, 10)
    assert (BookingSeries.objects.count(), Booking.objects.count()) == (0, 1)


def test_create_refuses_a_kept_instance_breaking_a_rule(company: Company) -> None:
    item = ItemFactory.create(always_open=False, open_days=[0, 1, 2, 3, 4])
    daily = plan(item, company, frequency=Frequency.DAILY, first=at(11, 10), count=2)
    with pytest.raises(SeriesRefused):
        series_create(plan=daily, actor=None, now=NOW)  # the 12th is a Saturday
    series = series_create(plan=daily, actor=None, skip={instance_key(at(12, 10))}, now=NOW)
    assert series.bookings.count() == 1


def test_skipping_every_instance_is_refused(item: Item, company: Company) -> None:
    two = plan(item, company, count=2)
    with pytest.raises(SeriesRefused):
        series_create(
            plan=two, actor=None, skip={instance_key(s) for s, _ in occurrences(two)}, now=NOW
        )
    assert BookingSeries.objects.count() == 0
