"""The events API of the promotion app: `GET /api/v1/events` (the events the caller may see,
upcoming or past, with filters and paging) and `GET /api/v1/events/{id}`. Each field is as the
caller's level on that event shows it (`access.EVENT_FIELDS`): null where it does not."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from bitgoeul.accounts.api_auth import SessionAuth, TokenAuth
from bitgoeul.accounts.models import Organization
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.promotion import access
from bitgoeul.promotion.enums import Audience, EventKind, Topic
from bitgoeul.promotion.models import Event
from bitgoeul.promotion.selectors_events import (
    accepted_cohosts,
    cohosts_by_event,
    event_list_filter,
    listed_seats_left,
    visible_events,
)
from bitgoeul.promotion.services.registrations import seats_left

router = Router(tags=["events"])
MAX_PAGE_SIZE = 100


def _anyone(request: HttpRequest) -> Any:
    """Public reads: no credentials read as anonymous; a bad token is still told so (401)."""
    if request.headers.get("Authorization"):
        return None
    return request.user if request.user.is_authenticated else "anonymous"


PUBLIC = [TokenAuth(), SessionAuth(csrf=True), _anyone]


class MaterialOut(Schema):
    kind: str
    title: str
    url: str


class EventOut(Schema):
    """An event; fields the caller's level does not show are null (`EVENT_FIELDS`)."""

    id: int
    url: str
    organizer: str | None
    cohosts: list[str] | None
    kind: str | None
    topic: str | None
    title: str | None
    title_en: str | None
    summary: str | None
    description: str | None
    description_en: str | None
    technologies: list[str] | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    venue: str | None
    address: str | None
    map_url: str | None
    capacity: int | None
    seats_left: int | None
    registration_opens_at: dt.datetime | None
    registration_closes_at: dt.datetime | None
    audience: str | None
    linked_call: int | None
    materials: list[MaterialOut] | None
    state: str | None
    cancel_reason: str | None
    online_url: str | None
    questions: list[dict[str, Any]] | None


class EventPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[EventOut]


class EventQuery(Schema):
    when: str = "upcoming"
    kind: str = ""
    topic: str = ""
    organization: int | None = None
    audience: str = ""
    page: int = 1
    page_size: int = 20


def _check(query: EventQuery) -> None:
    if query.when not in ("upcoming", "past"):
        raise HttpError(422, "when: use upcoming or past")
    if query.kind and query.kind not in EventKind.values:
        raise HttpError(422, f"kind: use one of {', '.join(EventKind.values)}")
    if query.topic and query.topic not in Topic.values:
        raise HttpError(422, f"topic: use one of {', '.join(Topic.values)}")
    if query.audience and query.audience not in Audience.values:
        raise HttpError(422, f"audience: use one of {', '.join(Audience.values)}")
    if query.page < 1:
        raise HttpError(422, "page: pages start at 1")
    if not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise HttpError(422, f"page_size: between 1 and {MAX_PAGE_SIZE}")


def _out(
    event: Event, level: ViewLevel, cohosts: list[Organization], left: int | None
) -> dict[str, Any]:
    values = {
        "organizer": event.organizer.name,
        "cohosts": [org.name for org in cohosts],
        "kind": event.kind,
        "topic": event.topic,
        "title": event.title,
        "title_en": event.title_en,
        "summary": event.summary,
        "description": event.description,
        "description_en": event.description_en,
        "technologies": [technology.code for technology in event.technologies.all()],
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "venue": event.venue,
        "address": event.address,
        "map_url": event.map_url,
        "capacity": event.capacity,
        "seats_left": left,
        "registration_opens_at": event.registration_opens_at,
        "registration_closes_at": event.registration_closes_at,
        "audience": event.audience,
        "linked_call": event.linked_call_id,
        "materials": [
            {
                "kind": material.kind,
                "title": material.title,
                "url": reverse("promotion:material_file", args=[material.pk])
                if material.file
                else material.url,
            }
            for material in event.materials.all()
        ],
        "state": event.state,
        "cancel_reason": event.cancel_reason,
        "online_url": event.online_url,
        "questions": event.questions,
    }
    return {
        "id": event.pk,
        "url": reverse("promotion:event_detail", args=[event.pk]),
        **access.EVENT_FIELDS.redact(values, level),
    }


@router.get(
    "/events",
    response=EventPage,
    url_name="event_list",
    auth=PUBLIC,
    summary="Events you may see (upcoming or past), with filters and paging",
)
def event_list(request: HttpRequest, query: Query[EventQuery]) -> dict[str, Any]:
    """Published events whose audience includes the caller, and those the caller's
    organisations host or are invited to co-host. `organization` also finds the events it
    co-hosts."""
    _check(query)
    organization = None
    if query.organization is not None:
        organization = Organization.objects.filter(pk=query.organization).first()
        if organization is None:
            raise HttpError(422, "organization: no such organisation")
    events = event_list_filter(
        visible_events(request.user).prefetch_related("technologies", "materials"),
        now=timezone.now(),
        when=query.when,
        kind=query.kind,
        topic=query.topic,
        organization=organization,
        audience=query.audience,
    )
    start = (query.page - 1) * query.page_size
    rows = list(events[start : start + query.page_size])
    cohosts = cohosts_by_event(rows)
    levels = access.event_levels(request.user, [event.pk for event in rows])
    return {
        "count": events.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": [
            _out(
                event,
                levels[event.pk],
                cohosts[event.pk],
                listed_seats_left(event),
            )
            for event in rows
        ],
    }


@router.get(
    "/events/{event_id}",
    response=EventOut,
    url_name="event_detail",
    auth=PUBLIC,
    summary="An event (fields as your access shows them)",
)
def event_detail(request: HttpRequest, event_id: int) -> dict[str, Any]:
    event = access.event_for_viewer(request.user, event_id)
    level = access.event_view_level(request.user, event)
    return _out(event, level, accepted_cohosts(event), seats_left(event))
