"""Approval, cancellation charges, check-in windows, the release of no-shows, completion and
reminders (services.lifecycle)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from bitgoeul.audit.models import AuditEvent
from bitgoeul.equipment import access
from bitgoeul.equipment.enums import BookingState
from bitgoeul.equipment.guard import BookingConflict
from bitgoeul.equipment.models import Booking
from bitgoeul.equipment.services.lifecycle import (
    IllegalTransition,
    booking_reminders_send,
    booking_set_state,
    bookings_release,
    cancel_charge,
    clock_move,
)
from bitgoeul.notifications.models import Notification
from tests.equipment.factories import grid_time
from tests.equipment.lifecycle_scene import Scene, make_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene() -> Scene:
    return make_scene()


def _notices(kind: str) -> list[tuple[int, str]]:
    return sorted((n.recipient_id, n.object_id) for n in Notification.objects.filter(kind=kind))


# --- approval ----------------------------------------------------------------------------------


def test_approve_confirms_records_decider_and_tells_the_company(scene: Scene) -> None:
    scene.item.requires_approval = True
    scene.item.save()
    booking = scene.book()
    assert booking.state == BookingState.PENDING
    booking_set_state(
        booking=booking, state=BookingState.CONFIRMED, actor=scene.host_staff, note="확인"
    )
    booking.refresh_from_db()
    assert (booking.state, booking.decided_by, booking.decision_note) == (
        BookingState.CONFIRMED,
        scene.host_staff,
        "확인",
    )
    assert _notices("equipment.booking_decided") == sorted(
        [(scene.member.pk, str(booking.pk)), (scene.teammate.pk, str(booking.pk))]
    )
    event = AuditEvent.objects.get(action="booking.set_state")
    assert (event.before, event.after) == (
        {"state": "pending"},
        {"state": "confirmed", "note": "확인"},
    )


def test_reject_frees_the_time_for_another_booking(scene: Scene) -> None:
    scene.item.requires_approval = True
    scene.item.save()
    booking = scene.book()
    with pytest.raises(BookingConflict):
        scene.book(company=scene.other_company, actor=scene.other_member)
    booking_set_state(
        booking=booking, state=BookingState.REJECTED, actor=scene.host_staff, note="점검 예정"
    )
    other = scene.book(company=scene.other_company, actor=scene.other_member)
    assert other.state == BookingState.PENDING


def test_a_finished_booking_cannot_move_again(scene: Scene) -> None:
    booking = scene.book()
    booking_set_state(booking=booking, state=BookingState.CANCELLED, actor=scene.member)
    with pytest.raises(IllegalTransition):
        booking_set_state(booking=booking, state=BookingState.CONFIRMED, actor=scene.host_staff)


# --- cancellation ------------------------------------------------------------------------------


def test_cancel_charge_is_free_until_the_deadline_and_a_share_of_the_fee_from_it(
    scene: Scene,
) -> None:
    booking = scene.book(starts_at=grid_time(days=5), hours=2)  # 2 h × 50,000 won
    deadline = booking.starts_at - dt.timedelta(hours=24)
    assert booking.fee_krw == 100_000
    assert cancel_charge(booking, deadline - dt.timedelta(seconds=1)) == 0
    assert cancel_charge(booking, deadline) == 50_000
    assert cancel_charge(booking, booking.starts_at - dt.timedelta(hours=1)) == 50_000


def test_cancel_charge_is_nothing_when_the_item_charges_no_late_cancellation(
    scene: Scene,
) -> None:
    scene.item.late_cancel_percent = 0
    scene.item.save()
    booking = scene.book()
    assert cancel_charge(booking, booking.starts_at) == 0


def test_a_booking_awaiting_approval_is_cancelled_free(scene: Scene) -> None:
    scene.item.requires_approval = True
    scene.item.save()
    booking = scene.book()
    assert cancel_charge(booking, booking.starts_at - dt.timedelta(hours=1)) == 0


def test_late_cancellation_keeps_the_charge_on_the_booking_and_tells_the_host(
    scene: Scene,
) -> None:
    booking = scene.book(starts_at=grid_time(days=5), hours=2)
    late = booking.starts_at - dt.timedelta(hours=2)
    booking_set_state(
        booking=booking,
        state=BookingState.CANCELLED,
        actor=scene.member,
        note="일정 변경",
        now=late,
    )
    booking.refresh_from_db()
    assert (booking.state, booking.cancel_fee_krw, booking.cancel_reason) == (
        BookingState.CANCELLED,
        50_000,
        "일정 변경",
    )
    # the member who cancelled is not told; the teammate and the host's staff are
    assert _notices("equipment.booking_cancelled") == sorted(
        [(scene.teammate.pk, str(booking.pk)), (scene.host_staff.pk, str(booking.pk))]
    )
    event = AuditEvent.objects.get(action="booking.set_state")
    assert event.after == {"state": "cancelled", "note": "일정 변경", "cancel_fee_krw": 50_000}


def test_early_cancellation_costs_nothing(scene: Scene) -> None:
    booking = scene.book(starts_at=grid_time(days=5))
    booking_set_state(booking=booking, state=BookingState.CANCELLED, actor=scene.member)
    booking.refresh_from_db()
    assert booking.cancel_fee_krw == 0


# --- check-in window (access.can_check_in) -----------------------------------------------------


def test_company_member_checks_in_from_half_an_hour_before_until_the_grace_ends(
    scene: Scene,
) -> None:
    booking = scene.book()
    start = booking.starts_at
    check = access.can_check_in
    assert check(scene.member, booking, start - dt.timedelta(minutes=31)) is False
    assert check(scene.member, booking, start - dt.timedelta(minutes=30)) is True
    assert check(scene.member, booking, start + dt.timedelta(minutes=29)) is True
    assert check(scene.member, booking, start + dt.timedelta(minutes=30)) is False


def test_host_staff_check_in_until_the_end_and_outsiders_never(scene: Scene) -> None:
    booking = scene.book(hours=2)
    late = booking.starts_at + dt.timedelta(minutes=90)
    assert access.can_check_in(scene.host_staff, booking, late) is True
    assert access.can_check_in(scene.host_staff, booking, booking.ends_at) is False
    assert access.can_check_in(scene.other_member, booking, booking.starts_at) is False


def test_only_a_confirmed_booking_is_checked_in(scene: Scene) -> None:
    booking = scene.book()
    booking_set_state(booking=booking, state=BookingState.CANCELLED, actor=scene.member)
    assert access.can_check_in(scene.host_staff, booking, booking.starts_at) is False


# --- release, completion -----------------------------------------------------------------------


def test_release_frees_a_no_show_only_once_the_grace_has_passed(scene: Scene) -> None:
    booking = scene.book()
    grace_ends = booking.starts_at + dt.timedelta(minutes=30)
    summary = bookings_release(now=grace_ends - dt.timedelta(minutes=1))
    booking.refresh_from_db()
    assert (summary.no_shows, booking.state) == (0, BookingState.CONFIRMED)
    summary = bookings_release(now=grace_ends)
    booking.refresh_from_db()
    assert (summary.no_shows, booking.state) == (1, BookingState.NO_SHOW)
    assert _notices("equipment.booking_released") == sorted(
        [(scene.member.pk, str(booking.pk)), (scene.teammate.pk, str(booking.pk))]
    )


def test_release_leaves_a_checked_in_booking_and_completes_it_when_it_ends(
    scene: Scene,
) -> None:
    booking = scene.book(hours=2)
    booking_set_state(
        booking=booking,
        state=BookingState.CHECKED_IN,
        actor=scene.member,
        now=booking.starts_at,
    )
    during = bookings_release(now=booking.starts_at + dt.timedelta(hours=1))
    after = bookings_release(now=booking.ends_at)
    booking.refresh_from_db()
    assert (during.completed, during.no_shows, after.completed) == (0, 0, 1)
    assert booking.state == BookingState.COMPLETED


def test_release_rejects_a_booking_nobody_decided_before_its_start(scene: Scene) -> None:
    scene.item.requires_approval = True
    scene.item.save()
    booking = scene.book()
    summary = bookings_release(now=booking.starts_at)
    booking.refresh_from_db()
    assert (summary.lapsed, booking.state, booking.decided_by) == (
        1,
        BookingState.REJECTED,
        None,
    )


def test_release_dry_run_counts_and_changes_nothing(scene: Scene) -> None:
    booking = scene.book()
    summary = bookings_release(now=booking.ends_at, dry_run=True)
    booking.refresh_from_db()
    assert (summary.no_shows, booking.state) == (1, BookingState.CONFIRMED)


def test_a_released_no_show_can_be_booked_again(scene: Scene) -> None:
    booking = scene.book(starts_at=grid_time(days=3, hour=10), hours=4)
    now = booking.starts_at + dt.timedelta(minutes=30)
    bookings_release(now=now)
    later = scene.book(
        starts_at=booking.starts_at + dt.timedelta(hours=1),
        hours=1,
        company=scene.other_company,
        actor=scene.other_member,
    )
    assert later.state == BookingState.CONFIRMED


# --- reminders ---------------------------------------------------------------------------------


def test_reminder_is_sent_once_the_day_before_in_app_and_by_mail(
    scene: Scene, django_capture_on_commit_callbacks: Any
) -> None:
    booking = scene.book(starts_at=grid_time(days=3))
    far = scene.book(starts_at=grid_time(days=6))
    day_before = booking.starts_at - dt.timedelta(hours=20)
    with django_capture_on_commit_callbacks(execute=True):
        first = booking_reminders_send(now=day_before)
        again = booking_reminders_send(now=day_before + dt.timedelta(hours=1))
    assert (first, again) == (1, 0)
    # the person who booked, not the whole company
    assert _notices("equipment.booking_reminder") == [(scene.member.pk, str(booking.pk))]
    assert [message.to for message in mail.outbox] == [[scene.member.email]]
    far.refresh_from_db()
    assert far.reminded_at is None


def test_no_reminder_for_a_cancelled_booking(scene: Scene) -> None:
    booking = scene.book(starts_at=grid_time(days=3))
    booking_set_state(booking=booking, state=BookingState.CANCELLED, actor=scene.member)
    assert booking_reminders_send(now=booking.starts_at - dt.timedelta(hours=2)) == 0


def test_the_clock_leaves_a_booking_a_person_moved_first(scene: Scene) -> None:
    """The release read the booking as confirmed; the company checked in before the lock."""
    booking = scene.book()
    stale = Booking.objects.get(pk=booking.pk)
    booking_set_state(
        booking=booking, state=BookingState.CHECKED_IN, actor=scene.member, now=booking.starts_at
    )
    moved = clock_move(stale, BookingState.NO_SHOW, booking.starts_at + dt.timedelta(hours=1))
    booking.refresh_from_db()
    assert (moved, booking.state) == (False, BookingState.CHECKED_IN)


def test_completion_waits_for_the_buffer_so_it_stays_refused(scene: Scene) -> None:
    scene.item.buffer_minutes = 30
    scene.item.save()
    booking = scene.book(hours=2)
    booking_set_state(
        booking=booking, state=BookingState.CHECKED_IN, actor=scene.member, now=booking.starts_at
    )
    at_end = bookings_release(now=booking.ends_at)
    with pytest.raises(BookingConflict):
        scene.book(starts_at=booking.ends_at, hours=1, company=scene.other_company)
    after_buffer = bookings_release(now=booking.ends_at + dt.timedelta(minutes=30))
    booking.refresh_from_db()
    assert (at_end.completed, after_buffer.completed, booking.state) == (
        0,
        1,
        BookingState.COMPLETED,
    )
