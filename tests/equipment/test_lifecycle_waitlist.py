"""The waitlist (services.waitlist): joining only for taken time, offers in order of joining on
every freeing (cancel, reject, release), offers that lapse, acceptance through booking_create."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from bitgoeul.equipment.enums import BookingState, WaitlistState
from bitgoeul.equipment.guard import BookingConflict
from bitgoeul.equipment.models import Booking, WaitlistEntry
from bitgoeul.equipment.services.lifecycle import booking_set_state, bookings_release
from bitgoeul.equipment.services.waitlist import (
    OFFER_VALID,
    waitlist_accept,
    waitlist_join,
    waitlist_offers_expire,
    waitlist_withdraw,
)
from bitgoeul.notifications.models import Notification
from tests.equipment.factories import grid_time
from tests.equipment.lifecycle_scene import Scene, make_scene
from tests.factories import CompanyRecordFactory, MembershipFactory

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


@pytest.fixture
def scene() -> Scene:
    return make_scene()


def _join(
    scene: Scene, starts_at: dt.datetime, hours: int = 2, *, who: int = 0, at_minute: int = 0
) -> WaitlistEntry:
    """Entry `who` (0: the other company, 1+: new companies) joins; `at_minute` orders joins."""
    if who == 0:
        company, user = scene.other_company, scene.other_member
    else:
        company = CompanyRecordFactory.create()
        user = MembershipFactory.create(organization=company.organization).user
    return waitlist_join(
        item=scene.item,
        company=company,
        starts_at=starts_at,
        ends_at=starts_at + hours * H,
        actor=user,
        now=grid_time(days=0, hour=0) + dt.timedelta(minutes=at_minute),
    )


def _states(*entries: WaitlistEntry) -> list[str]:
    return [WaitlistEntry.objects.get(pk=e.pk).state for e in entries]


def test_join_is_refused_for_free_time(scene: Scene) -> None:
    with pytest.raises(ValidationError) as refused:
        _join(scene, grid_time(days=3))
    assert refused.value.code == "free"


def test_join_is_refused_twice_for_the_same_time(scene: Scene) -> None:
    start = grid_time(days=3)
    scene.book(starts_at=start)
    _join(scene, start)
    with pytest.raises(ValidationError) as refused:
        _join(scene, start)
    assert refused.value.code == "duplicate"


def test_join_counts_the_buffer_as_taken(scene: Scene) -> None:
    scene.item.buffer_minutes = 30
    scene.item.save()
    start = grid_time(days=3, hour=10)
    scene.book(starts_at=start, hours=2)  # holds 10:00–12:30
    entry = _join(scene, start + 2 * H, hours=1)  # 12:00–13:00 falls in the buffer
    assert entry.state == WaitlistState.WAITING


def test_a_cancellation_offers_the_time_to_the_first_who_joined(scene: Scene) -> None:
    start = grid_time(days=3)
    booking = scene.book(starts_at=start)
    second = _join(scene, start, who=1, at_minute=5)
    first = _join(scene, start, who=2, at_minute=1)
    booking_set_state(booking=booking, state=BookingState.CANCELLED, actor=scene.member)
    assert _states(first, second) == [WaitlistState.OFFERED, WaitlistState.WAITING]
    assert (
        Notification.objects.filter(
            kind="equipment.waitlist_offered", object_id=str(first.pk)
        ).count()
        == 1
    )


def test_an_entry_whose_time_is_still_partly_taken_is_passed_over(scene: Scene) -> None:
    start = grid_time(days=3, hour=10)
    cancelled = scene.book(starts_at=start, hours=1)  # 10–11
    scene.book(starts_at=start + H, hours=1, company=scene.other_company)  # 11–12 stays
    wide = _join(scene, start, hours=2, who=1, at_minute=1)  # 10–12: still half taken
    narrow = _join(scene, start, hours=1, who=2, at_minute=2)  # 10–11: freed
    booking_set_state(booking=cancelled, state=BookingState.CANCELLED, actor=scene.member)
    assert _states(wide, narrow) == [WaitlistState.WAITING, WaitlistState.OFFERED]


def test_entries_that_do_not_overlap_are_each_offered(scene: Scene) -> None:
    start = grid_time(days=3, hour=9)
    booking = scene.book(starts_at=start, hours=4)  # 9–13
    morning = _join(scene, start, hours=2, who=1, at_minute=1)
    overlapping = _join(scene, start + H, hours=2, who=2, at_minute=2)
    afternoon = _join(scene, start + 2 * H, hours=2, who=3, at_minute=3)
    booking_set_state(booking=booking, state=BookingState.CANCELLED, actor=scene.member)
    assert _states(morning, overlapping, afternoon) == [
        WaitlistState.OFFERED,
        WaitlistState.WAITING,
        WaitlistState.OFFERED,
    ]


def test_a_rejection_and_a_no_show_release_also_offer_the_time(scene: Scene) -> None:
    scene.item.requires_approval = True
    scene.item.save()
    start = grid_time(days=3, hour=10)
    pending = scene.book(starts_at=start, hours=1)
    entry = _join(scene, start, hours=1, who=1)
    booking_set_state(
        booking=pending, state=BookingState.REJECTED, actor=scene.host_staff, note="점검"
    )
    assert _states(entry) == [WaitlistState.OFFERED]

    scene.item.requires_approval = False
    scene.item.save()
    confirmed = scene.book(starts_at=start + 3 * H, hours=2)  # 13–15
    late_entry = _join(scene, start + 4 * H, hours=1, who=2)  # 14–15
    bookings_release(now=confirmed.starts_at + dt.timedelta(minutes=30))
    assert _states(late_entry) == [WaitlistState.OFFERED]


def test_accepting_an_offer_books_through_the_rules(scene: Scene) -> None:
    start = grid_time(days=3)
    booking = scene.book(starts_at=start)
    entry = _join(scene, start)
    booking_set_state(booking=booking, state=BookingState.CANCELLED, actor=scene.member)
    entry.refresh_from_db()
    created = waitlist_accept(entry=entry, actor=scene.other_member)
    entry.refresh_from_db()
    assert (created.company, created.state, created.fee_krw) == (
        scene.other_company,
        BookingState.CONFIRMED,
        100_000,
    )
    assert (entry.state, entry.booking) == (WaitlistState.ACCEPTED, created)


def test_accepting_fails_when_someone_booked_the_time_directly(scene: Scene) -> None:
    start = grid_time(days=3)
    booking = scene.book(starts_at=start)
    entry = _join(scene, start, who=1)
    booking_set_state(booking=booking, state=BookingState.CANCELLED, actor=scene.member)
    scene.book(starts_at=start)  # the offer holds nothing
    entry.refresh_from_db()
    with pytest.raises(BookingConflict):
        waitlist_accept(entry=entry, actor=entry.user)
    assert _states(entry) == [WaitlistState.OFFERED]
    assert Booking.objects.filter(company=entry.company).count() == 0


def test_a_lapsed_offer_goes_to_the_next_entry(scene: Scene) -> None:
    start = grid_time(days=3)
    booking = scene.book(starts_at=start)
    first = _join(scene, start, who=1, at_minute=1)
    second = _join(scene, start, who=2, at_minute=2)
    booking_set_state(booking=booking, state=BookingState.CANCELLED, actor=scene.member)
    first.refresh_from_db()
    assert first.offer_expires_at is not None
    expiry = first.offer_expires_at
    assert waitlist_offers_expire(now=expiry - dt.timedelta(seconds=1)) == 0
    assert waitlist_offers_expire(now=expiry) == 1
    assert _states(first, second) == [WaitlistState.EXPIRED, WaitlistState.OFFERED]
    with pytest.raises(ValidationError):
        waitlist_accept(entry=first, actor=first.user, now=expiry)


def test_an_offer_lapses_at_the_latest_when_its_time_begins(scene: Scene) -> None:
    start = grid_time(days=3)
    booking = scene.book(starts_at=start)
    entry = _join(scene, start)
    now = start - dt.timedelta(minutes=30)
    booking_set_state(booking=booking, state=BookingState.CANCELLED, actor=scene.member, now=now)
    entry.refresh_from_db()
    assert (entry.offered_at, entry.offer_expires_at) == (now, start)
    assert now + OFFER_VALID > start


def test_withdrawing_an_offer_passes_it_on(scene: Scene) -> None:
    start = grid_time(days=3)
    booking = scene.book(starts_at=start)
    first = _join(scene, start, who=1, at_minute=1)
    second = _join(scene, start, who=2, at_minute=2)
    booking_set_state(booking=booking, state=BookingState.CANCELLED, actor=scene.member)
    first.refresh_from_db()
    waitlist_withdraw(entry=first, actor=first.user)
    assert _states(first, second) == [WaitlistState.WITHDRAWN, WaitlistState.OFFERED]


def test_accepting_an_offer_of_an_item_that_needs_approval_tells_the_host(scene: Scene) -> None:
    scene.item.requires_approval = True
    scene.item.save()
    start = grid_time(days=3)
    booking = scene.book(starts_at=start)
    entry = _join(scene, start)
    booking_set_state(booking=booking, state=BookingState.CANCELLED, actor=scene.member)
    entry.refresh_from_db()
    created = waitlist_accept(entry=entry, actor=scene.other_member)
    # the first booking was announced when it was made; the accepted offer is announced too
    notices = Notification.objects.filter(kind="equipment.booking_pending").exclude(
        object_id=str(booking.pk)
    )
    assert created.state == BookingState.PENDING
    assert [(n.recipient_id, n.object_id) for n in notices] == [
        (scene.host_staff.pk, str(created.pk))
    ]
