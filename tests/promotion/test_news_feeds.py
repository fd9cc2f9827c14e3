"""Atom feeds and iCal calendars, parsed back: only what an anonymous visitor may see, edits
shown (`<updated>`, SEQUENCE, LAST-MODIFIED), cancelled events marked, Asia/Seoul time zone."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from bitgoeul.promotion.enums import Audience, EventState, PostState
from bitgoeul.promotion.models import EventCoHost
from bitgoeul.promotion.services import news as services
from tests.conftest import World
from tests.promotion.factories_news import make_event, make_post

ATOM = "{http://www.w3.org/2005/Atom}"
SEOUL = ZoneInfo("Asia/Seoul")


def _entries(client: Client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (
        200,
        "application/atom+xml; charset=utf-8",
    )
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return [
        {
            "title": entry.findtext(f"{ATOM}title") or "",
            "id": entry.findtext(f"{ATOM}id") or "",
            "updated": entry.findtext(f"{ATOM}updated") or "",
            "link": entry.find(f"{ATOM}link").get("href", ""),  # type: ignore[union-attr]
            "summary": entry.findtext(f"{ATOM}summary") or "",
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


def _calendar(client: Client, url: str) -> Calendar:
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (
        200,
        "text/calendar; charset=utf-8",
    )
    return Calendar.from_ical(response.content)


def test_news_atom_shows_published_posts_with_the_last_edit_as_updated(
    world: World, client: Client
) -> None:
    post = make_post(world.operator_org, title="공개 공지")
    make_post(world.operator_org, title="초안", state=PostState.DRAFT)
    make_post(world.operator_org, title="철회", state=PostState.WITHDRAWN)
    client.force_login(world.operator)  # the feed shows what anyone sees, also to staff
    entries = _entries(client, reverse("promotion:feed_news"))
    assert [e["title"] for e in entries] == ["공개 공지"]
    services.post_update(
        actor=world.operator,
        post=post,
        data={"title": "공개 공지 (수정)", "summary": "새 요약"},
        technologies=[],
    )
    post.refresh_from_db()
    (entry,) = _entries(client, reverse("promotion:feed_news"))
    assert (entry["title"], dt.datetime.fromisoformat(entry["updated"])) == (
        "공개 공지 (수정)",
        post.updated_at,
    )
    assert entry["link"].endswith(reverse("promotion:news_detail", args=[post.pk]))


def test_organization_atom_has_its_own_and_shared_posts_with_attribution(
    world: World, client: Client
) -> None:
    city = make_post(world.operator_org, title="시 공지")
    own = make_post(world.chapter, title="지회 소식")
    make_post(world.other_chapter, title="부산 소식")
    services.crosspost_create(actor=world.chapter_staff, post=city, organization=world.chapter)
    entries = _entries(client, reverse("promotion:feed_organization_news", args=[world.chapter.pk]))
    assert sorted(e["title"] for e in entries) == ["시 공지", "지회 소식"]
    shared = next(e for e in entries if e["title"] == "시 공지")
    assert shared["summary"].startswith(f"{world.operator_org.name}에서 작성하고")
    assert shared["link"].endswith(reverse("promotion:news_detail", args=[city.pk]))
    assert own.pk != city.pk


def test_events_atom_shows_only_what_anyone_may_see(world: World, client: Client) -> None:
    make_event(world.operator_org, title="공개 설명회")
    make_event(world.operator_org, title="초안 행사", state=EventState.DRAFT)
    make_event(world.operator_org, title="회원 행사", audience=Audience.MEMBERS)
    make_event(
        world.chapter, title="지회 교육", audience=Audience.CHAPTER, audience_chapter=world.chapter
    )
    make_event(world.operator_org, title="취소된 행사", state=EventState.CANCELLED)
    client.force_login(world.chapter_staff)
    titles = sorted(e["title"] for e in _entries(client, reverse("promotion:feed_events")))
    assert titles == ["공개 설명회", "취소: 취소된 행사"]


def test_organization_events_feed_lists_organised_and_accepted_cohosted_events(
    world: World, client: Client
) -> None:
    make_event(world.chapter, title="지회 주최")
    cohosted = make_event(world.operator_org, title="시 주최, 지회 공동")
    invited = make_event(world.operator_org, title="초대만 받음")
    EventCoHost.objects.create(event=cohosted, organization=world.chapter, state="accepted")
    EventCoHost.objects.create(event=invited, organization=world.chapter, state="invited")
    url = reverse("promotion:feed_organization_events", args=[world.chapter.pk])
    assert sorted(e["title"] for e in _entries(client, url)) == ["시 주최, 지회 공동", "지회 주최"]
    ics = _calendar(
        client, reverse("promotion:feed_organization_events_ics", args=[world.chapter.pk])
    )
    assert sorted(str(e["summary"]) for e in ics.walk("VEVENT")) == [
        "시 주최, 지회 공동",
        "지회 주최",
    ]


def test_ical_has_seoul_time_zone_stable_uid_and_sequence_that_grows(
    world: World, client: Client
) -> None:
    start = dt.datetime(2026, 12, 10, 14, 0, tzinfo=SEOUL)
    event = make_event(world.operator_org, title="AI 설명회", starts_at=start, hours=2)
    make_event(world.operator_org, title="회원 행사", audience=Audience.MEMBERS)
    url = reverse("promotion:feed_events_ics")
    first = _calendar(client, url)
    assert [str(tz["tzid"]) for tz in first.walk("VTIMEZONE")] == ["Asia/Seoul"]
    (vevent,) = first.walk("VEVENT")
    assert (vevent.decoded("dtstart"), vevent.decoded("dtend")) == (
        start,
        start + dt.timedelta(hours=2),
    )
    assert vevent["dtstart"].params["TZID"] == "Asia/Seoul"
    assert str(vevent["status"]) == "CONFIRMED"
    uid, sequence = str(vevent["uid"]), vevent.decoded("sequence")

    # the events area's edit moves updated_at; the calendar must tell calendar apps
    event.title, event.updated_at = "AI 설명회 (장소 변경)", timezone.now()
    event.save()
    (edited,) = _calendar(client, url).walk("VEVENT")
    assert str(edited["uid"]) == uid
    assert edited.decoded("sequence") > sequence
    assert edited.decoded("last-modified") == event.updated_at.replace(microsecond=0)

    event.state, event.updated_at = EventState.CANCELLED, timezone.now() + dt.timedelta(seconds=5)
    event.save()
    (cancelled,) = _calendar(client, url).walk("VEVENT")
    assert (str(cancelled["uid"]), str(cancelled["status"])) == (uid, "CANCELLED")
    assert cancelled.decoded("sequence") > edited.decoded("sequence")


def test_empty_calendar_still_names_its_time_zone(world: World, client: Client) -> None:
    calendar = _calendar(client, reverse("promotion:feed_events_ics"))
    assert ([str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")], calendar.walk("VEVENT")) == (
        ["Asia/Seoul"],
        [],
    )


def test_feed_of_a_company_is_not_found(world: World, client: Client) -> None:
    response = client.get(reverse("promotion:feed_organization_news", args=[world.company.pk]))
    assert response.status_code == 404
