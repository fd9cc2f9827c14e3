"""Reads of news, organisation pages, feeds and the calendar. Every list is filtered by the one
visibility rule of its object (`access.posts_at_least`, `access.events_at_least`); feeds pass
`None` as the viewer (what an anonymous visitor may see)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from bitgoeul.accounts.models import Organization
from bitgoeul.accounts.types import Viewer
from bitgoeul.companies.models import Technology
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.promotion import access
from bitgoeul.promotion.enums import CoHostState, PostState
from bitgoeul.promotion.models import CrossPost, Event, EventCoHost, NewsPost

NEWS_PAGE = 20
FEED_ITEMS = 50


def event_url(event_id: int) -> str:
    """The event's page. The events area names it `promotion:event_detail`; until that URL
    exists in a branch, the path it will have keeps links working."""
    try:
        return reverse("promotion:event_detail", args=[event_id])
    except NoReverseMatch:
        return f"/events/{event_id}/"


def event_list_url() -> str:
    try:
        return reverse("promotion:event_list")
    except NoReverseMatch:
        return "/events/"


def _live_crossposts() -> Prefetch[Any]:
    return Prefetch(
        "cross_posts",
        queryset=CrossPost.objects.filter(withdrawn_at__isnull=True).select_related("organization"),
        to_attr="live_crossposts",
    )


def published_posts(viewer: Viewer) -> QuerySet[NewsPost]:
    """Published posts the viewer may see (the public list shows no drafts, even to their
    organisation's staff: those are on "our news")."""
    return (
        NewsPost.objects.filter(access.posts_at_least(viewer, ViewLevel.PUBLIC))
        .filter(state=PostState.PUBLISHED)
        .select_related("organization", "event")
        .prefetch_related("technologies", _live_crossposts())
        .order_by("-published_at", "-pk")
    )


def shared_by_q(organization_id: int) -> Q:
    """Posts of the organisation or shared (and not withdrawn) by it."""
    return Q(organization_id=organization_id) | Q(
        cross_posts__organization_id=organization_id, cross_posts__withdrawn_at__isnull=True
    )


def news_search(
    viewer: Viewer,
    *,
    organization: int | None = None,
    topic: str = "",
    technology: int | None = None,
    text: str = "",
) -> QuerySet[NewsPost]:
    posts = published_posts(viewer)
    if organization:
        posts = posts.filter(pk__in=NewsPost.objects.filter(shared_by_q(organization)).values("pk"))
    if topic:
        posts = posts.filter(topic=topic)
    if technology:
        posts = posts.filter(technologies__pk=technology)
    for word in text.split()[:8]:
        posts = posts.filter(
            Q(title__icontains=word)
            | Q(title_en__icontains=word)
            | Q(summary__icontains=word)
            | Q(body__icontains=word)
            | Q(body_en__icontains=word)
        )
    return posts.distinct()


@dataclass(frozen=True)
class OrgItem:
    """A post on an organisation's page or feed: its own, or shared by it (`crosspost`)."""

    post: NewsPost
    crosspost: CrossPost | None

    @property
    def at(self) -> dt.datetime:
        if self.crosspost is not None:
            return self.crosspost.shared_at
        assert self.post.published_at is not None
        return self.post.published_at


def organization_news(organization: Organization, viewer: Viewer, limit: int) -> list[OrgItem]:
    """The organisation's own published posts and those it shares, newest first (by when it
    published or shared them)."""
    posts = list(published_posts(viewer).filter(organization=organization)[:limit])
    shares = list(
        CrossPost.objects.filter(
            organization=organization,
            withdrawn_at__isnull=True,
            post__in=published_posts(viewer).values("pk"),
        )
        .select_related("organization", "post__organization", "post__event")
        .order_by("-shared_at", "-pk")[:limit]
    )
    items = [OrgItem(p, None) for p in posts] + [OrgItem(c.post, c) for c in shares]
    items.sort(key=lambda item: (item.at, item.post.pk), reverse=True)
    return items[:limit]


def visible_events(viewer: Viewer) -> QuerySet[Event]:
    return (
        Event.objects.filter(access.events_at_least(viewer, ViewLevel.PUBLIC))
        .select_related("organizer")
        .order_by("starts_at", "pk")
    )


def hosted_q(organization_id: int) -> Q:
    """Events the organisation organises or co-hosts (accepted)."""
    return Q(organizer_id=organization_id) | Q(
        pk__in=EventCoHost.objects.filter(
            organization_id=organization_id, state=CoHostState.ACCEPTED
        ).values("event_id")
    )


def organization_events(organization: Organization, viewer: Viewer) -> QuerySet[Event]:
    return visible_events(viewer).filter(hosted_q(organization.pk))


def feed_events(organization: Organization | None = None) -> QuerySet[Event]:
    """What an anonymous visitor may see, most recently changed first (feeds)."""
    events = Event.objects.filter(access.events_at_least(None, ViewLevel.PUBLIC))
    if organization is not None:
        events = events.filter(hosted_q(organization.pk))
    return events.select_related("organizer").order_by("-updated_at", "-pk")


def calendar_events(
    viewer: Viewer,
    *,
    start: dt.datetime,
    end: dt.datetime,
    organization: int | None = None,
    kind: str = "",
    topic: str = "",
) -> list[Event]:
    """Visible events overlapping [start, end), in the order they start."""
    events = visible_events(viewer).filter(starts_at__lt=end, ends_at__gt=start)
    if organization:
        events = events.filter(hosted_q(organization))
    if kind:
        events = events.filter(kind=kind)
    if topic:
        events = events.filter(topic=topic)
    return list(events)


def staff_posts(viewer: Viewer) -> QuerySet[NewsPost]:
    """Every post of the organisations the viewer is staff of, in any state ("our news")."""
    return (
        NewsPost.objects.filter(access.posts_at_least(viewer, ViewLevel.PRIVATE))
        .select_related("organization", "author")
        .order_by("-updated_at", "-pk")
    )


def publishers() -> QuerySet[Organization]:
    return Organization.objects.filter(kind__in=access.PUBLISHER_KINDS).order_by("kind", "name")


def active_technologies() -> QuerySet[Technology]:
    return Technology.objects.filter(is_active=True)


def announceable_events(organization_ids: set[int]) -> QuerySet[Event]:
    """Events a post may announce: those the writer's organisations organise or co-host."""
    cohosted = EventCoHost.objects.filter(
        organization_id__in=organization_ids, state=CoHostState.ACCEPTED
    ).values("event_id")
    return Event.objects.filter(Q(organizer_id__in=organization_ids) | Q(pk__in=cohosted)).order_by(
        "-starts_at"
    )
