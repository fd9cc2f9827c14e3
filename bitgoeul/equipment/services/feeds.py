"""iCal feeds (RFC 5545) of bookings behind unguessable, revocable links.

A feed belongs to the user who made it and is read as that user, at the moment it is fetched:
what it shows is what the owner may see now (`access.booking_view_level`), so a feed of a
company the owner has left goes empty, and a feed of an item shows others' bookings as "booked"
only (`access.BOOKING_FIELDS`). The secret is in the link, stored only as its SHA-256 hash;
revoking a link makes it 404 at once. Scopes: one item's bookings; one company's; the bookings
the owner made."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from bitgoeul.accounts.models import User
from bitgoeul.accounts.tokens import new_secret, secret_hash
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Company
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.equipment import access
from bitgoeul.equipment.enums import BookingState, FeedScope
from bitgoeul.equipment.models import Booking, CalendarFeed, Item

SEOUL = ZoneInfo("Asia/Seoul")
# The window a calendar app shows usefully: recent history and what is coming.
PAST = dt.timedelta(days=60)
AHEAD = dt.timedelta(days=366)
SHOWN_STATES = (
    BookingState.PENDING,
    BookingState.CONFIRMED,
    BookingState.CHECKED_IN,
    BookingState.COMPLETED,
)
LAST_USED_EVERY = dt.timedelta(hours=1)  # calendar apps poll often; write at most this often


@transaction.atomic
def calendar_feed_create(
    *,
    owner: User,
    scope: str,
    item: Item | None = None,
    company: Company | None = None,
    now: dt.datetime | None = None,
) -> tuple[CalendarFeed, str]:
    """A new feed link; the secret is returned once (it is the link) and stored hashed.

    The owner must see the item (item scope) or be a member of the company (company scope):
    `PermissionDenied` otherwise. Audited."""
    if scope not in FeedScope.values:
        raise ValueError(f"unknown scope {scope!r}")
    if scope == FeedScope.ITEM:
        if item is None or not access.can_follow_item(owner, item):
            raise PermissionDenied
        company = None
    elif scope == FeedScope.COMPANY:
        if company is None or not access.can_book_for(owner, company):
            raise PermissionDenied
        item = None
    else:
        item = company = None
    secret = new_secret("cal")
    feed = CalendarFeed.objects.create(
        owner=owner,
        scope=scope,
        item=item,
        company=company,
        prefix=secret[:10],
        token_hash=secret_hash(secret),
        created_at=now or timezone.now(),
    )
    audit_record(
        actor=owner,
        action="calendar_feed.create",
        obj=feed,
        after={
            "scope": scope,
            "item": item.pk if item else None,
            "company": company.pk if company else None,
        },
    )
    return feed, secret


@transaction.atomic
def calendar_feed_revoke(*, feed: CalendarFeed, actor: User) -> CalendarFeed:
    """The link stops working at once. Revoking twice changes nothing and audits once."""
    current = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if current.revoked_at is not None:
        return current
    current.revoked_at = feed.revoked_at = timezone.now()
    current.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="calendar_feed.revoke",
        obj=current,
        before={"revoked": False},
        after={"revoked": True},
    )
    return current


def feed_for_secret(secret: str) -> CalendarFeed | None:
    """The live feed of a link's secret (None if unknown or revoked, or its owner is gone),
    with its last use brought up to date at most once an hour."""
    feed = (
        CalendarFeed.objects.select_related("owner", "item", "company__organization")
        .filter(token_hash=secret_hash(secret), revoked_at__isnull=True, owner__is_active=True)
        .first()
    )
    if feed is None:
        return None
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > LAST_USED_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
        feed.last_used_at = now
    return feed


def owner_feeds(owner: User) -> QuerySet[CalendarFeed]:
    """The owner's feed links, live ones first, newest first."""
    return (
        CalendarFeed.objects.filter(owner=owner)
        .select_related("item", "company__organization")
        .order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-pk")
    )


def feed_bookings(feed: CalendarFeed, now: dt.datetime) -> QuerySet[Booking]:
    """The bookings of the feed that its owner may see at least as "time taken"."""
    owner = feed.owner
    if feed.scope == FeedScope.ITEM:
        scope = Q(item_id=feed.item_id)
    elif feed.scope == FeedScope.COMPANY:
        if feed.company is None or not access.can_book_for(owner, feed.company):
            return Booking.objects.none()  # the owner left the company: nothing any more
        scope = Q(company_id=feed.company_id)
    else:
        scope = Q(booked_by=owner)
    return (
        Booking.objects.filter(scope, access.bookings_at_least(owner, ViewLevel.PUBLIC))
        .filter(
            state__in=SHOWN_STATES,
            ends_at__gt=now - PAST,
            starts_at__lt=now + AHEAD,
        )
        .select_related("item", "company__organization")
        .order_by("starts_at", "pk")
    )


def _title(feed: CalendarFeed) -> str:
    if feed.scope == FeedScope.ITEM and feed.item is not None:
        return _("Bookings of %(item)s") % {"item": feed.item.name}
    if feed.scope == FeedScope.COMPANY and feed.company is not None:
        return _("Equipment bookings of %(company)s") % {"company": feed.company.organization.name}
    return _("My equipment bookings")


def _event(booking: Booking, level: ViewLevel, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"booking-{booking.pk}@bitgoeul")
    event.add("dtstamp", stamp)
    event.add("dtstart", booking.starts_at.astimezone(SEOUL))
    event.add("dtend", booking.ends_at.astimezone(SEOUL))
    if booking.item.location:
        event.add("location", booking.item.location)
    if access.BOOKING_FIELDS.shows("company", level):
        event.add(
            "summary",
            _("%(item)s · %(company)s")
            % {"item": booking.item.name, "company": booking.company.organization.name},
        )
        if booking.purpose:
            event.add("description", booking.purpose)
        event.add("status", "TENTATIVE" if booking.state == BookingState.PENDING else "CONFIRMED")
    else:
        # someone who only sees the item learns that the time is taken, nothing more
        event.add("summary", _("%(item)s: booked") % {"item": booking.item.name})
        event.add("transp", "OPAQUE")
        event.add("class", "PRIVATE")
    return event


def feed_calendar(feed: CalendarFeed, now: dt.datetime | None = None) -> bytes:
    """The feed as an RFC 5545 calendar with the Asia/Seoul VTIMEZONE, in the owner's
    language."""
    now = now or timezone.now()
    owner = feed.owner
    with translation.override(owner.language or "ko"):
        calendar = Calendar()
        calendar.add("prodid", "-//Bitgoeul//Equipment bookings//KO")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _title(feed))
        calendar.add("x-wr-timezone", "Asia/Seoul")
        stamp = now.astimezone(dt.UTC)
        levels: dict[Any, ViewLevel] = {}
        for booking in feed_bookings(feed, now):
            level = _level(owner, booking, levels)
            calendar.add_component(_event(booking, level, stamp))
        calendar.add_missing_timezones()
        if not calendar.timezones:  # an empty feed still says its time zone
            calendar.add_component(Timezone.from_tzid("Asia/Seoul"))
        return calendar.to_ical()


def _level(owner: User, booking: Booking, cache: dict[Any, ViewLevel]) -> ViewLevel:
    """`booking_view_level` without a query per booking: it depends only on the company and
    the item, so it is asked once per (company, item)."""
    key = (booking.company_id, booking.item_id)
    if key not in cache:
        cache[key] = access.booking_view_level(owner, booking)
    return cache[key]
