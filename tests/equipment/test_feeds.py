"""iCal feeds: RFC 5545 with the Asia/Seoul VTIMEZONE (parsed back with icalendar), per item
(others' bookings only as "booked"), per company and per user; unguessable links stored hashed,
revocable; the page that makes and revokes them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from icalendar import Calendar

from bitgoeul.accounts.models import User
from bitgoeul.accounts.tokens import secret_hash
from bitgoeul.audit.models import AuditEvent
from bitgoeul.equipment.enums import BookingState, FeedScope
from bitgoeul.equipment.models import Booking, CalendarFeed
from bitgoeul.equipment.services.bookings import booking_create
from bitgoeul.equipment.services.feeds import calendar_feed_create, calendar_feed_revoke
from tests.equipment.api_scene import Scene, make_scene
from tests.equipment.factories import ItemFactory, grid_time

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def scene() -> Scene:
    return make_scene()


def _book(scene: Scene, user: User, hour: int, **kwargs: Any) -> Booking:
    start = grid_time(days=3, hour=hour)
    company = kwargs.pop("company", scene.company if user != scene.outsider else None)
    with transaction.atomic():
        return booking_create(
            item=kwargs.pop("item", scene.item),
            company=company or scene.other_company,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            actor=user,
            purpose=kwargs.pop("purpose", ""),
        )


def _feed(scene: Scene, owner: User, scope: str, **target: Any) -> str:
    with transaction.atomic():
        _, secret = calendar_feed_create(owner=owner, scope=scope, **target)
    return secret


def _calendar(client: Client, secret: str) -> Calendar:
    answer = client.get(f"/equipment/calendars/{secret}.ics")
    assert (answer.status_code, answer["Content-Type"]) == (200, "text/calendar; charset=utf-8")
    return Calendar.from_ical(answer.content)


def _events(calendar: Calendar) -> list[tuple[str, dt.datetime, str]]:
    return [
        (str(e["summary"]), e.decoded("dtstart"), str(e.get("description", "")))
        for e in calendar.walk("VEVENT")
    ]


def test_item_feed_shows_others_bookings_only_as_booked(client: Client, scene: Scene) -> None:
    _book(scene, scene.owner, 10, purpose="우리 회사 시험")
    _book(scene, scene.outsider, 13, purpose="경쟁사 비밀 시험")
    calendar = _calendar(client, _feed(scene, scene.owner, FeedScope.ITEM, item=scene.item))
    assert _events(calendar) == [
        ("자율주행 실증 차량 · (주)빛고을모빌리티", grid_time(3, 10), "우리 회사 시험"),
        ("자율주행 실증 차량: 예약됨", grid_time(3, 13), ""),
    ]
    assert "부산" not in calendar.to_ical().decode()


def test_feed_has_the_seoul_timezone_and_local_times(client: Client, scene: Scene) -> None:
    _book(scene, scene.owner, 10)
    calendar = _calendar(client, _feed(scene, scene.owner, FeedScope.USER))
    event = calendar.walk("VEVENT")[0]
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Seoul"]
    assert (event["dtstart"].params["TZID"], event.decoded("dtstart").hour) == ("Asia/Seoul", 10)
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(hours=1)
    assert str(event["uid"]) == f"booking-{Booking.objects.get().pk}@bitgoeul"


def test_empty_feed_still_has_the_timezone(client: Client, scene: Scene) -> None:
    calendar = _calendar(client, _feed(scene, scene.owner, FeedScope.USER))
    assert ([str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")], calendar.walk("VEVENT")) == (
        ["Asia/Seoul"],
        [],
    )


def test_host_item_feed_shows_every_company(client: Client, scene: Scene) -> None:
    _book(scene, scene.outsider, 13, purpose="경쟁사 비밀 시험")
    calendar = _calendar(client, _feed(scene, scene.host_staff, FeedScope.ITEM, item=scene.item))
    assert _events(calendar) == [
        ("자율주행 실증 차량 · (주)부산로보틱스", grid_time(3, 13), "경쟁사 비밀 시험")
    ]


def test_company_feed_has_the_companys_bookings_by_any_member(client: Client, scene: Scene) -> None:
    other_item = ItemFactory.create(name="전기차 충전 시험기")
    _book(scene, scene.teammate, 9)
    _book(scene, scene.owner, 11, item=other_item)
    _book(scene, scene.outsider, 13)
    secret = _feed(scene, scene.owner, FeedScope.COMPANY, company=scene.company)
    assert [e[0] for e in _events(_calendar(client, secret))] == [
        "자율주행 실증 차량 · (주)빛고을모빌리티",
        "전기차 충전 시험기 · (주)빛고을모빌리티",
    ]


def test_user_feed_has_only_what_the_owner_booked(client: Client, scene: Scene) -> None:
    _book(scene, scene.teammate, 9)
    _book(scene, scene.owner, 11)
    calendar = _calendar(client, _feed(scene, scene.owner, FeedScope.USER))
    assert [e[1] for e in _events(calendar)] == [grid_time(3, 11)]


def test_feed_leaves_out_cancelled_bookings_and_marks_pending_tentative(
    client: Client, scene: Scene
) -> None:
    cancelled = _book(scene, scene.owner, 9)
    Booking.objects.filter(pk=cancelled.pk).update(state=BookingState.CANCELLED)
    pending = _book(scene, scene.owner, 11)
    Booking.objects.filter(pk=pending.pk).update(state=BookingState.PENDING)
    calendar = _calendar(client, _feed(scene, scene.owner, FeedScope.USER))
    assert [(e.decoded("dtstart"), str(e["status"])) for e in calendar.walk("VEVENT")] == [
        (grid_time(3, 11), "TENTATIVE")
    ]


def test_company_feed_goes_empty_when_the_owner_leaves(client: Client, scene: Scene) -> None:
    _book(scene, scene.owner, 9)
    secret = _feed(scene, scene.teammate, FeedScope.COMPANY, company=scene.company)
    scene.teammate.memberships.all().delete()
    assert _events(_calendar(client, secret)) == []


def test_feed_is_in_the_owners_language(client: Client, scene: Scene) -> None:
    _book(scene, scene.outsider, 13)
    scene.owner.language = "en"
    scene.owner.save()
    calendar = _calendar(client, _feed(scene, scene.owner, FeedScope.ITEM, item=scene.item))
    assert _events(calendar)[0][0] == "자율주행 실증 차량: booked"


def test_link_is_stored_hashed_and_revoked_link_is_404(client: Client, scene: Scene) -> None:
    secret = _feed(scene, scene.owner, FeedScope.USER)
    feed = CalendarFeed.objects.get()
    assert (feed.token_hash, secret in feed.prefix + feed.token_hash) == (
        secret_hash(secret),
        False,
    )
    assert len(secret) > 40
    with transaction.atomic():
        calendar_feed_revoke(feed=feed, actor=scene.owner)
        calendar_feed_revoke(feed=feed, actor=scene.owner)
    assert client.get(f"/equipment/calendars/{secret}.ics").status_code == 404
    assert client.get("/equipment/calendars/cal_guessed.ics").status_code == 404
    assert list(
        AuditEvent.objects.filter(object_type="equipment.calendarfeed")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["calendar_feed.create", "calendar_feed.revoke"]


def test_feed_of_an_item_one_cannot_see_is_refused(scene: Scene) -> None:
    hidden = ItemFactory.create(is_public=False)
    with pytest.raises(PermissionDenied):
        calendar_feed_create(owner=scene.owner, scope=FeedScope.ITEM, item=hidden)
    with pytest.raises(PermissionDenied):
        calendar_feed_create(
            owner=scene.owner, scope=FeedScope.COMPANY, company=scene.other_company
        )
    assert CalendarFeed.objects.count() == 0


def test_feed_queries_do_not_grow_with_bookings(
    client: Client, scene: Scene, django_assert_max_num_queries: Any
) -> None:
    secret = _feed(scene, scene.host_staff, FeedScope.ITEM, item=scene.item)
    client.get(f"/equipment/calendars/{secret}.ics")  # the last use is written once an hour
    for hour in range(8, 18):
        _book(scene, scene.owner if hour % 2 else scene.outsider, hour)
    with django_assert_max_num_queries(12):
        events = _events(_calendar(client, secret))
    assert len(events) == 10


# --- the page ----------------------------------------------------------------------------------


def test_page_creates_a_link_shown_once_that_works(client: Client, scene: Scene) -> None:
    _book(scene, scene.owner, 10)
    client.force_login(scene.owner)
    answer = client.post("/equipment/calendars/", {"scope": "company", "company": scene.company.pk})
    link = re.search(r"http://testserver/equipment/calendars/(cal_[\w-]+)\.ics", answer.text)
    assert link is not None
    assert len(_events(_calendar(client, link.group(1)))) == 1
    again = client.get("/equipment/calendars/")
    assert (link.group(1) in again.text, CalendarFeed.objects.get().prefix in again.text) == (
        False,
        True,
    )


def test_page_asks_for_the_item_of_an_item_link(client: Client, scene: Scene) -> None:
    client.force_login(scene.owner)
    answer = client.post("/equipment/calendars/", {"scope": "item"})
    assert answer.status_code == 200
    assert CalendarFeed.objects.count() == 0
    assert answer.text.count("캘린더에 예약을 보일 장비를 고르세요.") == 2  # summary and field


def test_page_refuses_a_company_one_is_not_in(client: Client, scene: Scene) -> None:
    client.force_login(scene.owner)
    client.post("/equipment/calendars/", {"scope": "company", "company": scene.other_company.pk})
    assert CalendarFeed.objects.count() == 0


def test_revoke_only_ones_own_link(client: Client, scene: Scene) -> None:
    _feed(scene, scene.owner, FeedScope.USER)
    feed = CalendarFeed.objects.get()
    client.force_login(scene.teammate)
    assert client.post(f"/equipment/calendars/{feed.pk}/revoke/").status_code == 404
    client.force_login(scene.owner)
    assert client.post(f"/equipment/calendars/{feed.pk}/revoke/").status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None
