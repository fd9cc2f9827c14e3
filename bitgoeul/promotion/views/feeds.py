"""Atom feeds of news and events and iCal (RFC 5545) calendars of events, for everything and per
organisation (its own posts and what it shares; the events it organises or co-hosts).

A feed is fetched by programs that never sign in, and may be cached or forwarded: it shows
only what an anonymous visitor may see (`events_at_least(None, PUBLIC)`, published posts),
whoever fetches it. An edit shows in the feed: Atom `<updated>` is the post's or event's last
edit; an iCal event keeps its UID and its SEQUENCE and LAST-MODIFIED grow with each edit; a
cancelled event stays in the calendar with STATUS:CANCELLED so calendar apps remove it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from icalendar import Calendar, Timezone
from icalendar import Event as CalendarEvent

from bitgoeul.accounts.models import Organization
from bitgoeul.promotion import access
from bitgoeul.promotion import selectors_news as selectors
from bitgoeul.promotion.enums import EventState
from bitgoeul.promotion.models import Event, NewsPost

SEOUL = ZoneInfo("Asia/Seoul")
FEED_CACHE = cache_control(public=True, max_age=600)
# The window a calendar app shows usefully: recent history and what is coming.
ICAL_PAST = dt.timedelta(days=90)
ICAL_AHEAD = dt.timedelta(days=366)


def _absolute(path: str) -> str:
    return settings.BASE_URL + path


def _language() -> str:
    return get_language() or "ko"


def _org_name(organization: Organization) -> str:
    return str(organization.display_name(_language()))


def _tag(kind: str, pk: int) -> str:
    """A stable Atom id: the host and the object, never the changing title."""
    return f"{_absolute('/')}#{kind}-{pk}"


def _atom(title: str, link: str, feed_url: str) -> Atom1Feed:
    return Atom1Feed(
        title=title,
        link=_absolute(link),
        description="",
        feed_url=_absolute(feed_url),
        language=_language(),
        feed_guid=_absolute(feed_url),
    )


def _post_entry(feed: Atom1Feed, post: NewsPost, shared_by: Organization | None = None) -> None:
    language = _language()
    summary = post.summary or post.body[:300]
    if shared_by is not None:
        summary = _("By %(author)s, shared by %(organization)s. %(summary)s") % {
            "author": _org_name(post.organization),
            "organization": _org_name(shared_by),
            "summary": summary,
        }
    feed.add_item(
        title=post.display_title(language),
        link=_absolute(reverse("promotion:news_detail", args=[post.pk])),
        description=summary,
        unique_id=_tag("news", post.pk),
        pubdate=post.published_at,
        updateddate=post.updated_at,
        author_name=_org_name(post.organization),
        categories=[str(post.get_topic_display())],
    )


def _atom_response(feed: Atom1Feed) -> HttpResponse:
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@FEED_CACHE
def news_atom(request: HttpRequest) -> HttpResponse:
    feed = _atom(_("Bitgoeul news"), reverse("promotion:news_list"), reverse("promotion:feed_news"))
    for post in selectors.published_posts(None)[: selectors.FEED_ITEMS]:
        _post_entry(feed, post)
    return _atom_response(feed)


@FEED_CACHE
def organization_news_atom(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.publisher_for_viewer(org_id)
    feed = _atom(
        _("News of %(organization)s") % {"organization": _org_name(organization)},
        reverse("promotion:organization", args=[org_id]),
        reverse("promotion:feed_organization_news", args=[org_id]),
    )
    for item in selectors.organization_news(organization, None, selectors.FEED_ITEMS):
        _post_entry(feed, item.post, organization if item.crosspost else None)
    return _atom_response(feed)


def _event_summary(event: Event) -> str:
    start = event.starts_at.astimezone(SEOUL)
    text = f"{start:%Y-%m-%d %H:%M} (KST)"
    if event.venue:
        text += f" · {event.venue}"
    if event.summary:
        text += f" · {event.summary}"
    return text


def _event_title(event: Event) -> str:
    title = event.display_title(_language())
    if event.state == EventState.CANCELLED:
        return _("Cancelled: %(title)s") % {"title": title}
    return title


def _events_atom(title: str, link: str, feed_url: str, events: list[Event]) -> HttpResponse:
    feed = _atom(title, link, feed_url)
    for event in events:
        feed.add_item(
            title=_event_title(event),
            link=_absolute(selectors.event_url(event.pk)),
            description=_event_summary(event),
            unique_id=_tag("event", event.pk),
            pubdate=event.published_at or event.created_at,
            updateddate=event.updated_at,
            author_name=_org_name(event.organizer),
            categories=[str(event.get_kind_display()), str(event.get_topic_display())],
        )
    return _atom_response(feed)


@FEED_CACHE
def events_atom(request: HttpRequest) -> HttpResponse:
    return _events_atom(
        _("Bitgoeul events"),
        selectors.event_list_url(),
        reverse("promotion:feed_events"),
        list(selectors.feed_events()[: selectors.FEED_ITEMS]),
    )


@FEED_CACHE
def organization_events_atom(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.publisher_for_viewer(org_id)
    return _events_atom(
        _("Events of %(organization)s") % {"organization": _org_name(organization)},
        reverse("promotion:organization", args=[org_id]),
        reverse("promotion:feed_organization_events", args=[org_id]),
        list(selectors.feed_events(organization)[: selectors.FEED_ITEMS]),
    )


def event_sequence(event: Event) -> int:
    """RFC 5545 SEQUENCE: grows with every edit, since `updated_at` moves with each one (whole
    seconds since the event was created: no counter to keep in step with the events' writes)."""
    return max(0, int((event.updated_at - event.created_at).total_seconds()))


def _vevent(event: Event, stamp: dt.datetime) -> CalendarEvent:
    item = CalendarEvent()
    item.add("uid", f"event-{event.pk}@{settings.BASE_URL.split('://')[-1]}")
    item.add("dtstamp", stamp)
    item.add("dtstart", event.starts_at.astimezone(SEOUL))
    item.add("dtend", event.ends_at.astimezone(SEOUL))
    item.add("summary", _event_title(event))
    item.add("sequence", event_sequence(event))
    item.add("last-modified", event.updated_at.astimezone(dt.UTC))
    item.add("created", event.created_at.astimezone(dt.UTC))
    item.add("url", _absolute(selectors.event_url(event.pk)))
    item.add("status", "CANCELLED" if event.state == EventState.CANCELLED else "CONFIRMED")
    location = ", ".join(part for part in (event.venue, event.address) if part)
    if location:
        item.add("location", location)
    description = event.summary or event.description
    if description:
        item.add("description", description)
    item.add("categories", [str(event.get_kind_display())])
    return item


def events_calendar(name: str, events: list[Event], now: dt.datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Bitgoeul//Events//KO")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Seoul")
    stamp = now.astimezone(dt.UTC)
    for event in events:
        calendar.add_component(_vevent(event, stamp))
    calendar.add_missing_timezones()
    if not calendar.timezones:  # an empty calendar still says its time zone
        calendar.add_component(Timezone.from_tzid("Asia/Seoul"))
    return bytes(calendar.to_ical())


def _ical_events(organization: Organization | None, now: dt.datetime) -> list[Event]:
    return list(
        selectors.feed_events(organization)
        .filter(ends_at__gt=now - ICAL_PAST, starts_at__lt=now + ICAL_AHEAD)
        .order_by("starts_at", "pk")
    )


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@FEED_CACHE
def events_ics(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    body = events_calendar(_("Bitgoeul events"), _ical_events(None, now), now)
    return _ics_response(body, "bitgoeul-events.ics")


@FEED_CACHE
def organization_events_ics(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.publisher_for_viewer(org_id)
    now = timezone.now()
    name = _("Events of %(organization)s") % {"organization": _org_name(organization)}
    body = events_calendar(name, _ical_events(organization, now), now)
    return _ics_response(body, f"bitgoeul-events-{org_id}.ics")
