"""`booking_create`: accessories, items booked together (all or nothing), staff overrides,
approval and the programme award kept on the booking."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.models import Company
from bitgoeul.equipment.enums import BookingState
from bitgoeul.equipment.guard import BookingConflict, uses_slot_rows
from bitgoeul.equipment.models import Accessory, Booking, BookingAccessory, BookingSlot, Item
from bitgoeul.equipment.services.bookings import BookingRefused, booking_create
from bitgoeul.programs.enums import AwardState
from tests.equipment.factories import ItemFactory
from tests.equipment.rules_helpers import NOW, at
from tests.factories import CompanyRecordFactory, OrganizationFactory, UserFactory
from tests.programs.award_factories import make_award

pytestmark = pytest.mark.django_db


@pytest.fixture
def company() -> Company:
    company: Company = CompanyRecordFactory.create()
    return company


def book(
    item: Item,
    company: Company,
    start_hour: int,
    end_hour: int,
    *,
    accessories: Mapping[int, int] | None = None,
    override_reason: str = "",
) -> Booking:
    return booking_create(
        item=item,
        company=company,
        starts_at=at(7, start_hour),
        ends_at=at(7, end_hour),
        actor=UserFactory.create(),
        now=NOW,
        accessories=accessories,
        override_reason=override_reason,
    )


def test_accessories_are_kept_on_the_booking_and_counted(company: Company) -> None:
    item = ItemFactory.create()
    lens = Accessory.objects.create(item=item, name="광각 렌즈", quantity=2)
    booking = book(item, company, 10, 11, accessories={lens.pk: 2})
    assert list(BookingAccessory.objects.values_list("booking_id", "accessory_id", "quantity")) == [
        (booking.pk, lens.pk, 2)
    ]
    event = AuditEvent.objects.get(action="booking.create")
    assert (event.after or {})["accessories"] == {str(lens.pk): 2}


def test_refused_booking_names_every_problem_and_writes_nothing(company: Company) -> None:
    item = ItemFactory.create(min_minutes=120, eligible_stages=["seed"])
    with pytest.raises(BookingRefused) as refused:
        book(item, company, 10, 11)
    assert [p.code for p in refused.value.problems] == ["too_short", "stage"]
    assert (
        Booking.objects.count(),
        AuditEvent.objects.filter(action="booking.create").count(),
    ) == (
        0,
        0,
    )


def test_items_booked_together_share_one_bundle(company: Company) -> None:
    camera = ItemFactory.create(fee_unit="hour", fee_krw=10_000)
    lidar = ItemFactory.create(buffer_minutes=30)
    camera.bundled_with.add(lidar)
    booking = book(camera, company, 10, 12)
    pair = list(Booking.objects.order_by("item_id").values_list("item_id", "bundle", "fee_krw"))
    assert pair == [(camera.pk, booking.bundle, 20_000), (lidar.pk, booking.bundle, 0)]
    assert booking.bundle is not None
    assert Booking.objects.get(item=lidar).blocked_until == at(7, 12, 30)
    assert AuditEvent.objects.filter(action="booking.create").count() == 2


def test_a_taken_partner_refuses_the_whole_bundle(company: Company) -> None:
    camera = ItemFactory.create()
    lidar = ItemFactory.create()
    camera.bundled_with.add(lidar)
    book(lidar, company, 11, 12)  # lidar is bundled too: this books the camera as well
    solo = ItemFactory.create()
    lidar.bundled_with.remove(camera)
    lidar.bundled_with.add(solo)
    with pytest.raises(BookingConflict):
        book(solo, company, 9, 12)  # solo is free, its partner lidar is not from 11:00
    assert sorted(Booking.objects.values_list("item_id", flat=True)) == sorted(
        [camera.pk, lidar.pk]
    )
    if uses_slot_rows():
        assert BookingSlot.objects.filter(item=solo).count() == 0


def test_a_partner_breaking_a_rule_refuses_the_bundle_and_is_named(company: Company) -> None:
    camera = ItemFactory.create()
    lidar = ItemFactory.create(name="라이다 센서", max_minutes=60)
    camera.bundled_with.add(lidar)
    with pytest.raises(BookingRefused) as refused:
        book(camera, company, 10, 12)
    [problem] = refused.value.problems
    assert problem.code == "too_long"
    assert problem.message.startswith("라이다 센서")
    assert Booking.objects.count() == 0


def test_staff_override_writes_the_booking_with_its_reason_and_the_rules(
    company: Company,
) -> None:
    item = ItemFactory.create(min_minutes=120, requires_approval=True)
    booking = book(item, company, 10, 11, override_reason="장비 시연 일정 협의 완료")
    assert (booking.state, booking.override_reason) == (
        BookingState.CONFIRMED,
        "장비 시연 일정 협의 완료",
    )
    event = AuditEvent.objects.get(action="booking.create")
    assert (event.after or {})["overridden_rules"] == ["too_short"]


def test_override_never_bypasses_the_database(company: Company) -> None:
    item = ItemFactory.create()
    book(item, company, 10, 12)
    with pytest.raises(BookingConflict):
        book(item, company, 11, 13, override_reason="급한 일정")


def test_approval_needed_leaves_the_booking_pending_unless_staff_book(company: Company) -> None:
    item = ItemFactory.create(requires_approval=True)
    assert book(item, company, 10, 11).state == BookingState.PENDING
    on_behalf = booking_create(
        item=item,
        company=company,
        starts_at=at(7, 12),
        ends_at=at(7, 13),
        actor=UserFactory.create(),
        on_behalf=True,
        now=NOW,
    )
    assert on_behalf.state == BookingState.CONFIRMED


def test_the_award_in_delivery_is_kept_on_the_booking(company: Company) -> None:
    item = ItemFactory.create(requires_award=True)
    award = make_award(
        company.organization, organizer=OrganizationFactory.create(), state=AwardState.ACTIVE
    )
    assert book(item, company, 10, 11).award_id == award.pk
    assert book(ItemFactory.create(), company, 10, 11).award_id is None


def test_a_booking_awaiting_approval_is_announced_to_the_host_staff_once(company: Company) -> None:
    from bitgoeul.accounts.enums import MembershipRole
    from bitgoeul.equipment.enums import Frequency
    from bitgoeul.equipment.services.series import SeriesPlan, series_create
    from bitgoeul.notifications.models import Notification
    from tests.factories import MembershipFactory

    item = ItemFactory.create(requires_approval=True)
    host_staff = UserFactory.create()
    MembershipFactory.create(user=host_staff, organization=item.host, role=MembershipRole.STAFF)
    single = book(item, company, 10, 11)
    series = series_create(
        plan=SeriesPlan(
            item=item,
            company=company,
            frequency=Frequency.DAILY,
            interval=1,
            first_starts_at=at(8, 10),
            duration_minutes=60,
            count=3,
        ),
        actor=UserFactory.create(),
        now=NOW,
    )
    first = series.bookings.order_by("starts_at").first()
    assert first is not None
    notices = Notification.objects.filter(kind="equipment.booking_pending").order_by("pk")
    assert [(n.recipient_id, n.object_id) for n in notices] == [
        (host_staff.pk, str(single.pk)),
        (host_staff.pk, str(first.pk)),
    ]


def test_cancelling_or_rejecting_one_booking_of_a_bundle_ends_its_partners(
    company: Company,
) -> None:
    from bitgoeul.equipment.services.lifecycle import booking_set_state

    camera = ItemFactory.create()
    lidar = ItemFactory.create(requires_approval=True)
    camera.bundled_with.add(lidar)
    booking = book(camera, company, 10, 12)
    partner = Booking.objects.get(item=lidar)
    assert (booking.state, partner.state) == (BookingState.CONFIRMED, BookingState.PENDING)
    booking_set_state(booking=partner, state=BookingState.REJECTED, actor=None, note="정비 중")
    booking.refresh_from_db()
    assert (booking.state, booking.cancel_reason) == (BookingState.CANCELLED, "정비 중")
    # the time of both is free again
    again = book(camera, company, 10, 12)
    assert Booking.objects.filter(bundle=again.bundle).count() == 2

    # another bundle of the same items is not touched by this one's cancellation
    alone = book(camera, company, 13, 14)
    booking_set_state(booking=again, state=BookingState.CANCELLED, actor=None)
    alone.refresh_from_db()
    assert alone.state == BookingState.CONFIRMED
    assert set(Booking.objects.filter(bundle=again.bundle).values_list("state", flat=True)) == {
        BookingState.CANCELLED
    }
