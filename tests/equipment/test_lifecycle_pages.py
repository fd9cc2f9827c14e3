"""The lifecycle pages: lists, a booking's page and its actions by role, the approval queue, the
waitlist, the monthly statement (page and XLSX), the cron command, menu and home."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bitgoeul.equipment.enums import BookingState, WaitlistState
from bitgoeul.equipment.models import Booking, WaitlistEntry
from bitgoeul.equipment.selectors_lifecycle import company_statement
from bitgoeul.equipment.services.lifecycle import booking_set_state, bookings_release
from tests.equipment.factories import BookingFactory, ItemFactory, grid_time
from tests.equipment.lifecycle_scene import Scene, make_scene

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def scene() -> Scene:
    return make_scene()


def _detail(booking: Booking) -> str:
    return reverse("equipment:booking_detail", args=[booking.pk])


# --- a booking's page --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("member", 200), ("teammate", 200), ("host_staff", 200), ("other_member", 404)],
)
def test_booking_page_is_private_to_the_company_and_the_host(
    scene: Scene, client: Client, who: str, status: int
) -> None:
    booking = scene.book()
    client.force_login(getattr(scene, who))
    assert client.get(_detail(booking)).status_code == status


def test_booking_page_shows_the_fee_history_and_the_host_s_actions(
    scene: Scene, client: Client
) -> None:
    scene.item.requires_approval = True
    scene.item.save()
    booking = scene.book()
    client.force_login(scene.host_staff)
    page = client.get(_detail(booking)).content.decode()
    assert (
        "100,000" in page,
        reverse("equipment:booking_approve", args=[booking.pk]) in page,
        "승인 대기" in page,
    ) == (True, True, True)
    client.force_login(scene.member)
    page = client.get(_detail(booking)).content.decode()
    assert (reverse("equipment:booking_approve", args=[booking.pk]) in page) is False


def test_host_staff_approve_from_the_queue_and_members_may_not(
    scene: Scene, client: Client
) -> None:
    scene.item.requires_approval = True
    scene.item.save()
    booking = scene.book()
    url = reverse("equipment:booking_approve", args=[booking.pk])
    client.force_login(scene.member)
    assert client.post(url).status_code == 403
    client.force_login(scene.host_staff)
    queue = client.get(reverse("equipment:approvals")).content.decode()
    assert _detail(booking) in queue
    response = client.post(url, {"note": "승인합니다", "next": "approvals"})
    booking.refresh_from_db()
    assert (response.status_code, response["Location"], booking.state) == (
        302,
        reverse("equipment:approvals"),
        BookingState.CONFIRMED,
    )


def test_a_rejection_needs_a_reason(scene: Scene, client: Client) -> None:
    scene.item.requires_approval = True
    scene.item.save()
    booking = scene.book()
    client.force_login(scene.host_staff)
    url = reverse("equipment:booking_reject", args=[booking.pk])
    client.post(url, {"note": ""})
    booking.refresh_from_db()
    assert booking.state == BookingState.PENDING
    client.post(url, {"note": "장비 점검 일정과 겹칩니다"})
    booking.refresh_from_db()
    assert (booking.state, booking.decision_note) == (
        BookingState.REJECTED,
        "장비 점검 일정과 겹칩니다",
    )


def test_cancel_page_states_the_charge_and_cancels(scene: Scene, client: Client) -> None:
    # within the 24 hours before the start: half the fee (2 h × 50,000 won) is charged
    start = (timezone.now() + dt.timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    booking = scene.book(starts_at=start)
    client.force_login(scene.member)
    url = reverse("equipment:booking_cancel", args=[booking.pk])
    assert "50,000" in client.get(url).content.decode()
    response = client.post(url, {"reason": "일정 변경"})
    booking.refresh_from_db()
    assert (response.status_code, booking.state, booking.cancel_fee_krw) == (
        302,
        BookingState.CANCELLED,
        50_000,
    )


def test_outsider_cannot_cancel(scene: Scene, client: Client) -> None:
    booking = scene.book()
    client.force_login(scene.other_member)
    assert client.post(reverse("equipment:booking_cancel", args=[booking.pk])).status_code == 404


def test_member_checks_in_from_the_booking_page_within_the_window(
    scene: Scene, client: Client
) -> None:
    start = (timezone.now() + dt.timedelta(minutes=20)).replace(second=0, microsecond=0)
    start -= dt.timedelta(minutes=start.minute % 15)
    booking = BookingFactory.create(item=scene.item, company=scene.company, starts_at=start)
    far = BookingFactory.create(
        item=scene.item, company=scene.company, starts_at=start + dt.timedelta(days=2)
    )
    client.force_login(scene.member)
    assert "check-in" in client.get(_detail(booking)).content.decode()
    assert client.post(reverse("equipment:booking_check_in", args=[far.pk])).status_code == 403
    client.post(reverse("equipment:booking_check_in", args=[booking.pk]))
    booking.refresh_from_db()
    assert (booking.state, booking.checked_in_by) == (BookingState.CHECKED_IN, scene.member)


# --- lists -------------------------------------------------------------------------------------


def test_company_list_shows_its_bookings_only_and_filters_past(
    scene: Scene, client: Client
) -> None:
    upcoming = scene.book()
    past = BookingFactory.create(
        item=scene.item,
        company=scene.company,
        starts_at=grid_time(days=-3),
        state=BookingState.COMPLETED,
    )
    theirs = BookingFactory.create(
        item=scene.item, company=scene.other_company, starts_at=grid_time(days=5)
    )
    client.force_login(scene.member)
    url = reverse("equipment:booking_list")
    page = client.get(url).content.decode()
    assert (_detail(upcoming) in page, _detail(past) in page, _detail(theirs) in page) == (
        True,
        False,
        False,
    )
    page = client.get(url, {"when": "past"}).content.decode()
    assert (_detail(upcoming) in page, _detail(past) in page) == (False, True)


def test_host_list_shows_the_bookings_of_hosted_items_only(scene: Scene, client: Client) -> None:
    mine = scene.book()
    elsewhere = BookingFactory.create(item=ItemFactory.create(), company=scene.company)
    client.force_login(scene.host_staff)
    page = client.get(reverse("equipment:booking_list")).content.decode()
    assert (_detail(mine) in page, _detail(elsewhere) in page) == (True, False)


@pytest.mark.parametrize("rows", [1, 12])
def test_booking_list_queries_do_not_grow_with_rows(
    scene: Scene, client: Client, django_assert_max_num_queries: Any, rows: int
) -> None:
    for day in range(rows):
        BookingFactory.create(
            item=scene.item, company=scene.company, starts_at=grid_time(days=day + 1)
        )
    client.force_login(scene.host_staff)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("equipment:booking_list")).status_code == 200
    client.force_login(scene.member)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("equipment:booking_list")).status_code == 200


@pytest.mark.parametrize("rows", [1, 12])
def test_approvals_and_statement_queries_do_not_grow_with_rows(
    scene: Scene, client: Client, django_assert_max_num_queries: Any, rows: int
) -> None:
    for day in range(rows):
        BookingFactory.create(
            item=scene.item,
            company=scene.company,
            starts_at=grid_time(days=day + 1),
            state=BookingState.PENDING,
        )
    client.force_login(scene.host_staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("equipment:approvals")).status_code == 200
    client.force_login(scene.member)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("equipment:statement")).status_code == 200


def test_a_lapsed_booking_says_why_in_the_reader_s_language(scene: Scene, client: Client) -> None:
    scene.item.requires_approval = True
    scene.item.save()
    booking = scene.book()
    bookings_release(now=booking.starts_at)
    client.force_login(scene.member)
    page = client.get(_detail(booking)).content.decode()
    assert "운영 기관이 시작 전까지 승인하지 않아 예약이 반려되었습니다." in page
    # the history names who moved it: the booker, then the clock (not "시스템이", a subject)
    assert (
        scene.member.name in page,
        '<td data-label="처리한 사람">시스템(자동 처리)</td>' in page,
    ) == (
        True,
        True,
    )


# --- waitlist pages ----------------------------------------------------------------------------


def test_waitlist_join_page_puts_the_company_on_the_list(scene: Scene, client: Client) -> None:
    start = grid_time(days=4, hour=10)
    scene.book(starts_at=start)
    client.force_login(scene.other_member)
    response = client.post(
        reverse("equipment:waitlist_join", args=[scene.item.pk]),
        {
            "company": scene.other_company.pk,
            "day": start.date().isoformat(),
            "start": "10:00",
            "end": "11:00",
            "purpose": "",
        },
    )
    entry = WaitlistEntry.objects.get()
    assert (response.status_code, entry.company, entry.starts_at, entry.state) == (
        302,
        scene.other_company,
        start,
        WaitlistState.WAITING,
    )


def test_waitlist_join_page_says_to_book_free_time(scene: Scene, client: Client) -> None:
    day = grid_time(days=4).date().isoformat()
    client.force_login(scene.member)
    response = client.post(
        reverse("equipment:waitlist_join", args=[scene.item.pk]),
        {"company": scene.company.pk, "day": day, "start": "10:00", "end": "11:00"},
    )
    assert response.status_code == 200
    assert "이 시간은 비어 있습니다. 대기하지 말고 바로 예약해 주세요." in response.content.decode()
    assert WaitlistEntry.objects.count() == 0


def test_only_the_waiting_company_accepts_an_offer(scene: Scene, client: Client) -> None:
    start = grid_time(days=4, hour=10)
    booking = scene.book(starts_at=start)
    client.force_login(scene.other_member)
    client.post(
        reverse("equipment:waitlist_join", args=[scene.item.pk]),
        {
            "company": scene.other_company.pk,
            "day": start.date().isoformat(),
            "start": "10:00",
            "end": "12:00",
        },
    )
    booking_set_state(booking=booking, state=BookingState.CANCELLED, actor=scene.member)
    entry = WaitlistEntry.objects.get()
    accept = reverse("equipment:waitlist_accept", args=[entry.pk])
    client.force_login(scene.member)
    assert client.post(accept).status_code == 404
    client.force_login(scene.other_member)
    response = client.post(accept)
    entry.refresh_from_db()
    assert entry.booking is not None
    assert (response["Location"], entry.state) == (_detail(entry.booking), WaitlistState.ACCEPTED)


# --- statement ---------------------------------------------------------------------------------


def _month_scene(scene: Scene) -> tuple[dt.date, list[Booking]]:
    """Bookings of next month: one used, one cancelled late, one cancelled free, one pending,
    and one of the month after (starting at 00:30 Seoul on its first day)."""
    today = timezone.localtime(timezone.now(), SEOUL).date()
    month = (today.replace(day=1) + dt.timedelta(days=40)).replace(day=1)
    at = lambda day, hour: dt.datetime.combine(month + dt.timedelta(days=day), dt.time(hour), SEOUL)  # noqa: E731
    used = BookingFactory.create(
        item=scene.item,
        company=scene.company,
        starts_at=at(2, 10),
        fee_krw=100_000,
        state=BookingState.COMPLETED,
    )
    late = BookingFactory.create(
        item=scene.item,
        company=scene.company,
        starts_at=at(3, 10),
        fee_krw=100_000,
        state=BookingState.CANCELLED,
        cancel_fee_krw=50_000,
    )
    BookingFactory.create(
        item=scene.item,
        company=scene.company,
        starts_at=at(4, 10),
        fee_krw=100_000,
        state=BookingState.CANCELLED,
    )
    BookingFactory.create(
        item=scene.item,
        company=scene.company,
        starts_at=at(5, 10),
        fee_krw=100_000,
        state=BookingState.PENDING,
    )
    following = (month + dt.timedelta(days=32)).replace(day=1)
    BookingFactory.create(
        item=scene.item,
        company=scene.company,
        fee_krw=70_000,
        starts_at=dt.datetime.combine(following, dt.time(0, 30), SEOUL),
    )
    BookingFactory.create(
        item=scene.item, company=scene.other_company, starts_at=at(2, 14), fee_krw=90_000
    )
    return month, [used, late]


def test_statement_charges_used_time_and_late_cancellations_of_the_month(scene: Scene) -> None:
    month, (used, late) = _month_scene(scene)
    statement = company_statement(scene.company, month)
    assert [(line.booking, line.fee_krw, line.cancel_fee_krw) for line in statement.lines] == [
        (used, 100_000, 0),
        (late, 0, 50_000),
    ]
    assert (statement.fee_total, statement.cancel_total, statement.total) == (
        100_000,
        50_000,
        150_000,
    )


def test_statement_xlsx_has_each_line_and_the_totals(scene: Scene, client: Client) -> None:
    from openpyxl import load_workbook

    month, (used, late) = _month_scene(scene)
    client.force_login(scene.member)
    response = client.get(
        reverse("equipment:statement_xlsx"),
        {"company": scene.company.pk, "month": f"{month:%Y-%m}"},
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert [row[0] for row in rows[2:]] == [used.pk, late.pk, "합계"]
    assert rows[-1][5:] == [100_000, 50_000, 150_000]


def test_statement_is_for_the_company_s_members_and_operator_staff(
    scene: Scene, client: Client, operator: Any
) -> None:
    url = reverse("equipment:statement")
    query = {"company": scene.company.pk}
    client.force_login(scene.other_member)
    assert client.get(url, query).status_code == 404
    client.force_login(scene.host_staff)
    assert client.get(url, query).status_code == 404
    client.force_login(operator)
    assert client.get(url, query).status_code == 200
    client.force_login(scene.member)
    assert client.get(url, {"company": scene.company.pk, "month": "2026-13"}).status_code == 200


# --- command, menu, home -----------------------------------------------------------------------


def test_release_command_reports_what_it_did(scene: Scene) -> None:
    BookingFactory.create(item=scene.item, company=scene.company, starts_at=grid_time(days=-1))
    out = io.StringIO()
    call_command("equipment", "release", "--dry-run", stdout=out)
    assert out.getvalue().strip() == (
        "1 no-shows released, 0 bookings completed, 0 undecided bookings rejected, "
        "0 waitlist offers expired (dry run)"
    )
    out = io.StringIO()
    call_command("equipment", "release", stdout=out)
    assert out.getvalue().startswith("1 no-shows released")
    assert Booking.objects.get().state == BookingState.NO_SHOW


def test_remind_command_dry_run_counts(scene: Scene) -> None:
    start = (timezone.now() + dt.timedelta(hours=5)).replace(minute=0, second=0, microsecond=0)
    BookingFactory.create(item=scene.item, company=scene.company, starts_at=start)
    out = io.StringIO()
    call_command("equipment", "remind", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "1 bookings to remind (dry run)"


def test_home_shows_a_member_s_next_booking_and_the_host_s_queue(
    scene: Scene, client: Client
) -> None:
    booking = scene.book()
    client.force_login(scene.member)
    home = client.get(reverse("web:home")).content.decode()
    assert _detail(booking) in home
    scene.item.requires_approval = True
    scene.item.save()
    scene.book(starts_at=grid_time(days=6), company=scene.other_company)
    client.force_login(scene.host_staff)
    home = client.get(reverse("web:home")).content.decode()
    assert reverse("equipment:approvals") in home


def test_home_bookings_are_the_next_holding_ones_of_the_member_s_companies(
    scene: Scene, django_assert_num_queries: Any
) -> None:
    from bitgoeul.equipment.selectors_lifecycle import company_upcoming_bookings

    later = scene.book(starts_at=grid_time(days=5))
    sooner = scene.book(starts_at=grid_time(days=2))
    cancelled = scene.book(starts_at=grid_time(days=1))
    Booking.objects.filter(pk=cancelled.pk).update(state=BookingState.CANCELLED)
    scene.book(starts_at=grid_time(days=3), company=scene.other_company)  # not theirs
    now = timezone.now()
    with django_assert_num_queries(2):  # the member's companies, then the bookings
        found = company_upcoming_bookings(scene.member, now=now, limit=3)
        names = [booking.item.name for booking in found]
    assert [booking.pk for booking in found] == [sooner.pk, later.pk]
    assert names == [scene.item.name, scene.item.name]
    assert [b.pk for b in company_upcoming_bookings(scene.member, now=now, limit=1)] == [sooner.pk]
    after_both = later.ends_at + dt.timedelta(minutes=1)
    assert company_upcoming_bookings(scene.member, now=after_both, limit=3) == []
