"""Each booking rule of `equipment.rules`, in both directions and at its boundary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from bitgoeul.companies.enums import Stage
from bitgoeul.companies.models import Company
from bitgoeul.equipment.enums import (
    BlackoutKind,
    BlackoutRepeat,
    BookingState,
    QuotaMeasure,
    QuotaPeriod,
)
from bitgoeul.equipment.models import (
    Accessory,
    Blackout,
    BookingAccessory,
    Item,
    PublicHoliday,
    Quota,
)
from bitgoeul.equipment.rules import check_booking, check_bundle
from bitgoeul.programs.enums import AwardState
from tests.equipment.factories import BookingFactory, CentreFactory, ItemFactory
from tests.equipment.rules_helpers import NOW, at, codes, request
from tests.factories import CompanyRecordFactory, OrganizationFactory
from tests.programs.award_factories import make_award

pytestmark = pytest.mark.django_db


@pytest.fixture
def company() -> Company:
    company: Company = CompanyRecordFactory.create()
    return company


@pytest.fixture
def item() -> Item:
    item: Item = ItemFactory.create()
    return item


# --- times, length, notice, advance ------------------------------------------------------------


def test_times_off_the_grid_or_backwards_are_refused_alone(item: Item, company: Company) -> None:
    assert codes(item, company, at(7, 10, 5), at(7, 11)) == ["grid"]
    assert codes(item, company, at(7, 11), at(7, 10)) == ["order"]
    assert codes(item, company, at(7, 10, 15), at(7, 11, 45)) == []


def test_length_between_the_shortest_and_the_longest(company: Company) -> None:
    item = ItemFactory.create(min_minutes=60, max_minutes=120)
    assert codes(item, company, at(7, 10), at(7, 11)) == []
    assert codes(item, company, at(7, 10), at(7, 10, 45)) == ["too_short"]
    assert codes(item, company, at(7, 10), at(7, 12)) == []
    assert codes(item, company, at(7, 10), at(7, 12, 15)) == ["too_long"]


def test_notice_counts_from_now_to_the_start(company: Company) -> None:
    item = ItemFactory.create(notice_minutes=24 * 60)
    assert codes(item, company, at(2, 0), at(2, 1)) == []
    assert codes(item, company, at(1, 23, 45), at(2, 1)) == ["notice"]


def test_bookable_at_most_max_advance_days_ahead(company: Company) -> None:
    item = ItemFactory.create(max_advance_days=10)
    assert codes(item, company, at(11, 0), at(11, 1)) == []
    assert codes(item, company, at(11, 0, 15), at(11, 1)) == ["too_far"]


# --- opening hours -----------------------------------------------------------------------------


def test_opening_hours_on_open_days_only(company: Company) -> None:
    item = ItemFactory.create(
        always_open=False, open_from=dt.time(9), open_until=dt.time(18), open_days=[0, 1, 2, 3, 4]
    )
    assert codes(item, company, at(7, 9), at(7, 18)) == []  # Monday, the whole day
    assert codes(item, company, at(7, 8, 45), at(7, 10)) == ["closed"]
    assert codes(item, company, at(7, 17), at(7, 18, 15)) == ["closed"]
    assert codes(item, company, at(12, 10), at(12, 11)) == ["closed"]  # Saturday
    assert codes(item, company, at(7, 17), at(8, 10)) == ["closed"]  # through the night


def test_closed_message_names_the_days_and_hours(company: Company) -> None:
    item = ItemFactory.create(
        always_open=False, open_from=dt.time(9), open_until=dt.time(18), open_days=[0, 2]
    )
    with translation.override("en"):
        [problem] = check_booking(request(item, company, at(8, 10), at(8, 11)))
    assert problem.message == "This item can be booked on Monday, Wednesday, from 09:00 to 18:00."


# --- public holidays ---------------------------------------------------------------------------


def test_public_holidays_close_items_that_close_on_them(company: Company) -> None:
    PublicHoliday.objects.create(date=dt.date(2026, 12, 8), name="임시공휴일", name_en="Holiday")
    closing = ItemFactory.create(closed_on_holidays=True)
    staying_open = ItemFactory.create(closed_on_holidays=False)
    assert codes(closing, company, at(8, 10), at(8, 11)) == ["holiday"]
    assert codes(staying_open, company, at(8, 10), at(8, 11)) == []
    # ending at midnight does not touch the holiday; starting at midnight does
    assert codes(closing, company, at(7, 22), at(8, 0)) == []
    assert codes(closing, company, at(8, 0), at(8, 1)) == ["holiday"]
    assert codes(closing, company, at(9, 0), at(9, 1)) == []


def test_holiday_message_names_the_holiday(company: Company) -> None:
    PublicHoliday.objects.create(date=dt.date(2026, 12, 8), name="임시공휴일", name_en="Holiday")
    item = ItemFactory.create(closed_on_holidays=True)
    with translation.override("ko"):
        [problem] = check_booking(request(item, company, at(8, 10), at(8, 11)))
    assert problem.message == "이 장비는 공휴일에 이용할 수 없습니다: 2026-12-08 임시공휴일."


# --- blackouts ---------------------------------------------------------------------------------


def test_item_blackout_refuses_overlap_and_allows_touching(item: Item, company: Company) -> None:
    Blackout.objects.create(
        item=item, kind=BlackoutKind.MAINTENANCE, starts_at=at(7, 10), ends_at=at(7, 12)
    )
    assert codes(item, company, at(7, 11, 45), at(7, 13)) == ["blackout"]
    assert codes(item, company, at(7, 12), at(7, 13)) == []
    assert codes(item, company, at(7, 9), at(7, 10)) == []


def test_centre_blackout_covers_its_items_only(company: Company) -> None:
    item = ItemFactory.create()
    other = ItemFactory.create()
    Blackout.objects.create(
        centre=item.centre, kind=BlackoutKind.CLOSURE, starts_at=at(7, 0), ends_at=at(8, 0)
    )
    assert codes(item, company, at(7, 10), at(7, 11)) == ["blackout"]
    assert codes(other, company, at(7, 10), at(7, 11)) == []


def test_weekly_blackout_repeats_until_its_last_day(item: Item, company: Company) -> None:
    blackout = Blackout.objects.create(
        item=item,
        kind=BlackoutKind.MAINTENANCE,
        starts_at=at(2, 10, month=11),  # Monday 2 November
        ends_at=at(2, 12, month=11),
        repeat=BlackoutRepeat.WEEKLY,
        reason="정기 점검",
    )
    assert codes(item, company, at(7, 11), at(7, 13)) == ["blackout"]  # Monday 7 December
    assert codes(item, company, at(8, 11), at(8, 13)) == []  # Tuesday
    blackout.repeat_until = dt.date(2026, 11, 30)
    blackout.save()
    assert codes(item, company, at(7, 11), at(7, 13)) == []


def test_yearly_blackout_comes_back_on_the_same_date(item: Item, company: Company) -> None:
    Blackout.objects.create(
        item=item,
        kind=BlackoutKind.CLOSURE,
        starts_at=at(7, 0, year=2024),
        ends_at=at(8, 0, year=2024),
        repeat=BlackoutRepeat.YEARLY,
        reason="창립기념일",
    )
    with translation.override("en"):
        [problem] = check_booking(request(item, company, at(7, 10), at(7, 11)))
    assert (problem.code, problem.message) == (
        "blackout",
        "The item is not available from 2026-12-07 10:00 to 2026-12-07 11:00 (창립기념일).",
    )
    assert codes(item, company, at(8, 10), at(8, 11)) == []


# --- eligibility -------------------------------------------------------------------------------


def test_eligible_stages(item: Item) -> None:
    item.eligible_stages = [Stage.SEED, Stage.EARLY]
    seed = CompanyRecordFactory.create(stage=Stage.SEED)
    growth = CompanyRecordFactory.create(stage=Stage.GROWTH)
    unknown = CompanyRecordFactory.create()
    assert codes(item, seed, at(7, 10), at(7, 11)) == []
    assert codes(item, growth, at(7, 10), at(7, 11)) == ["stage"]
    assert codes(item, unknown, at(7, 10), at(7, 11)) == ["stage"]
    item.eligible_stages = []
    assert codes(item, growth, at(7, 10), at(7, 11)) == []


def test_eligible_regions(item: Item) -> None:
    item.eligible_provinces = ["gwangju", "jeonnam"]
    local = CompanyRecordFactory.create(province="jeonnam")
    busan = CompanyRecordFactory.create(province="busan")
    assert codes(item, local, at(7, 10), at(7, 11)) == []
    assert codes(item, busan, at(7, 10), at(7, 11)) == ["region"]
    with translation.override("ko"):
        [problem] = check_booking(request(item, busan, at(7, 10), at(7, 11)))
    assert (
        problem.message == "이 장비는 다음 지역의 기업만 예약할 수 있습니다: 광주광역시, 전라남도."
    )


def test_programme_award_in_delivery_needed(item: Item, company: Company) -> None:
    item.requires_award = True
    operator = OrganizationFactory.create()
    assert codes(item, company, at(7, 10), at(7, 11)) == ["award"]
    make_award(company.organization, organizer=operator, state=AwardState.AGREEMENT)
    assert codes(item, company, at(7, 10), at(7, 11)) == ["award"]
    make_award(company.organization, organizer=operator, state=AwardState.ACTIVE)
    assert codes(item, company, at(7, 10), at(7, 11)) == []


# --- quotas ------------------------------------------------------------------------------------


def test_hours_per_week_of_one_item(item: Item, company: Company) -> None:
    Quota.objects.create(item=item, measure=QuotaMeasure.HOURS, period=QuotaPeriod.WEEK, limit=3)
    BookingFactory.create(item=item, company=company, starts_at=at(7, 9), ends_at=at(7, 11))
    assert codes(item, company, at(9, 10), at(9, 11)) == []  # 2 + 1 = 3 hours
    assert codes(item, company, at(9, 10), at(9, 11, 15)) == ["quota"]
    # the next week (from Monday 14 December, Seoul) starts afresh
    assert codes(item, company, at(14, 0), at(14, 3)) == []
    assert codes(item, company, at(13, 22), at(14, 0)) == ["quota"]  # Sunday counts this week


def test_quota_counts_only_the_company_and_used_states(item: Item, company: Company) -> None:
    Quota.objects.create(
        item=item, measure=QuotaMeasure.BOOKINGS, period=QuotaPeriod.MONTH, limit=1
    )
    other = CompanyRecordFactory.create()
    BookingFactory.create(item=item, company=other, starts_at=at(7, 9), ends_at=at(7, 10))
    BookingFactory.create(
        item=item,
        company=company,
        starts_at=at(8, 9),
        ends_at=at(8, 10),
        state=BookingState.CANCELLED,
    )
    assert codes(item, company, at(9, 10), at(9, 11)) == []
    BookingFactory.create(
        item=item,
        company=company,
        starts_at=at(2, 9),
        ends_at=at(2, 10),
        state=BookingState.NO_SHOW,
    )
    assert codes(item, company, at(9, 10), at(9, 11)) == ["quota"]
    # January is another month
    assert codes(item, company, at(4, 10, month=1, year=2027), at(4, 11, month=1, year=2027)) == []


def test_category_quota_covers_the_items_of_the_category(company: Company) -> None:
    item = ItemFactory.create()
    sibling = ItemFactory.create(category=item.category)
    stranger = ItemFactory.create()
    Quota.objects.create(
        category=item.category, measure=QuotaMeasure.BOOKINGS, period=QuotaPeriod.WEEK, limit=1
    )
    BookingFactory.create(item=sibling, company=company, starts_at=at(7, 9), ends_at=at(7, 10))
    assert codes(item, company, at(8, 10), at(8, 11)) == ["quota"]
    assert codes(stranger, company, at(8, 10), at(8, 11)) == []


def test_quota_of_all_equipment(company: Company) -> None:
    Quota.objects.create(measure=QuotaMeasure.HOURS, period=QuotaPeriod.WEEK, limit=2)
    BookingFactory.create(company=company, starts_at=at(7, 9), ends_at=at(7, 10))
    assert codes(ItemFactory.create(), company, at(8, 10), at(8, 11)) == []
    assert codes(ItemFactory.create(), company, at(8, 10), at(8, 12)) == ["quota"]


def test_peak_only_quota_counts_time_in_peak_hours(item: Item, company: Company) -> None:
    Quota.objects.create(
        item=item,
        measure=QuotaMeasure.HOURS,
        period=QuotaPeriod.WEEK,
        limit=2,
        peak_only=True,
        peak_from=dt.time(9),
        peak_until=dt.time(18),
        peak_days=[0, 1, 2, 3, 4],
    )
    BookingFactory.create(item=item, company=company, starts_at=at(7, 16), ends_at=at(7, 20))
    # 16:00-18:00 counted (2 h): no peak time is left this week
    assert codes(item, company, at(8, 17, 45), at(8, 19)) == ["quota"]
    assert codes(item, company, at(8, 18), at(8, 23)) == []  # off-peak: not counted
    assert codes(item, company, at(12, 10), at(12, 15)) == []  # Saturday: not a peak day


def test_planned_instances_count_against_the_quota(item: Item, company: Company) -> None:
    Quota.objects.create(item=item, measure=QuotaMeasure.BOOKINGS, period=QuotaPeriod.WEEK, limit=2)
    one = ((at(7, 10), at(7, 11)),)
    assert codes(item, company, at(8, 10), at(8, 11), planned=one) == []
    two = ((at(7, 10), at(7, 11)), (at(8, 10), at(8, 11)))
    assert codes(item, company, at(9, 10), at(9, 11), planned=two) == ["quota"]


def test_quota_message(item: Item, company: Company) -> None:
    Quota.objects.create(item=item, measure=QuotaMeasure.HOURS, period=QuotaPeriod.WEEK, limit=1)
    with translation.override("ko"):
        [problem] = check_booking(request(item, company, at(7, 10), at(7, 11, 30)))
    assert problem.message == (
        "한 기업이 이 장비를 예약할 수 있는 시간은 한 주에 1시간입니다. "
        "이 기간에 이미 0시간이 예약되어 있고 이 예약은 1.5시간을 더합니다."
    )


# --- accessories -------------------------------------------------------------------------------


def test_accessory_quantity_shared_by_overlapping_bookings(item: Item, company: Company) -> None:
    lens = Accessory.objects.create(item=item, name="광각 렌즈", quantity=2)
    assert codes(item, company, at(7, 10), at(7, 11), accessories={lens.pk: 2}) == []
    assert codes(item, company, at(7, 10), at(7, 11), accessories={lens.pk: 0}) == []
    assert codes(item, company, at(7, 10), at(7, 11), accessories={lens.pk: -1}) == ["accessory"]
    assert codes(item, company, at(7, 10), at(7, 11), accessories={lens.pk: 3}) == [
        "accessory_quantity"
    ]
    # a booking already holding one lens from 10:30 (written directly: the accessory's count is
    # checked whatever holds the item's time)
    held = BookingFactory.create(
        item=item, company=company, starts_at=at(7, 10, 30), ends_at=at(7, 12)
    )
    BookingAccessory.objects.create(booking=held, accessory=lens, quantity=1)
    assert codes(item, company, at(7, 10), at(7, 11), accessories={lens.pk: 2}) == [
        "accessory_quantity"
    ]
    assert codes(item, company, at(7, 10), at(7, 11), accessories={lens.pk: 1}) == []
    assert codes(item, company, at(7, 12), at(7, 13), accessories={lens.pk: 2}) == []
    held.state = BookingState.CANCELLED
    held.save()
    assert codes(item, company, at(7, 10), at(7, 11), accessories={lens.pk: 2}) == []


def test_accessory_of_another_item_is_refused(item: Item, company: Company) -> None:
    foreign = Accessory.objects.create(item=ItemFactory.create(), name="삼각대", quantity=5)
    assert codes(item, company, at(7, 10), at(7, 11), accessories={foreign.pk: 1}) == ["accessory"]


def test_every_broken_rule_is_named(company: Company) -> None:
    item = ItemFactory.create(
        notice_minutes=10 * 24 * 60,
        min_minutes=120,
        always_open=False,
        eligible_stages=[Stage.SEED],
        centre=CentreFactory.create(),
    )
    assert codes(item, company, at(5, 20), at(5, 21), now=NOW) == [
        "too_short",
        "notice",
        "closed",
        "stage",
    ]


def test_an_inactive_item_cannot_be_booked(item: Item, company: Company) -> None:
    assert codes(item, company, at(7, 10), at(7, 11)) == []
    item.is_active = False
    assert codes(item, company, at(7, 10), at(7, 11)) == ["inactive"]


def test_peak_only_booking_quota_ignores_off_peak_bookings(item: Item, company: Company) -> None:
    Quota.objects.create(
        item=item,
        measure=QuotaMeasure.BOOKINGS,
        period=QuotaPeriod.WEEK,
        limit=1,
        peak_only=True,
        peak_from=dt.time(9),
        peak_until=dt.time(18),
    )
    BookingFactory.create(item=item, company=company, starts_at=at(7, 18), ends_at=at(7, 20))
    assert codes(item, company, at(8, 10), at(8, 11)) == []  # the evening one did not count
    BookingFactory.create(item=item, company=company, starts_at=at(8, 17), ends_at=at(8, 19))
    assert codes(item, company, at(9, 10), at(9, 11)) == ["quota"]
    assert codes(item, company, at(9, 18), at(9, 19)) == []  # off-peak: free of the quota


def test_bundle_partners_are_checked_and_named(item: Item, company: Company) -> None:
    partner = ItemFactory.create(name="라이다 센서", is_active=False)
    [problem] = check_bundle(request(item, company, at(7, 10), at(7, 11)), [partner])
    assert problem.code == "inactive"
    assert problem.message.startswith("라이다 센서(함께 예약하는 장비): ")
