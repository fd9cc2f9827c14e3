"""Reads of the events area: the event list as the viewer may see it (filters, seats taken),
an event's hosts, the events a staff member manages or is invited to co-host, a person's
registrations and an event's attendance."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from bitgoeul.accounts.models import Organization
from bitgoeul.accounts.types import Viewer
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.promotion.access import events_at_least, staff_org_ids
from bitgoeul.promotion.enums import CoHostState, EventState, RegistrationState
from bitgoeul.promotion.models import Event, EventCoHost, Registration


def with_seats_taken(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(
        seats_taken=Count(
            "registrations", filter=Q(registrations__state=RegistrationState.CONFIRMED)
        )
    )


def listed_seats_left(event: Event) -> int | None:
    """Seats left of an event read through `with_seats_taken` (no query); None: no limit."""
    if event.capacity is None:
        return None
    taken: int = getattr(event, "seats_taken", 0)
    return max(event.capacity - taken, 0)


def visible_events(user: Viewer) -> QuerySet[Event]:
    """Events the viewer may see at least publicly, with their organiser and seats taken."""
    return with_seats_taken(
        Event.objects.filter(events_at_least(user, ViewLevel.PUBLIC)).select_related("organizer")
    )


def event_list_filter(
    events: QuerySet[Event],
    *,
    now: dt.datetime,
    when: str = "",
    kind: str = "",
    topic: str = "",
    organization: Organization | None = None,
    audience: str = "",
) -> QuerySet[Event]:
    """Upcoming (not yet ended, soonest first) or past (latest first); the organiser filter
    also finds the events an organisation co-hosts (accepted only)."""
    if when == "past":
        events = events.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    else:
        events = events.filter(ends_at__gt=now).order_by("starts_at", "pk")
    if kind:
        events = events.filter(kind=kind)
    if topic:
        events = events.filter(topic=topic)
    if audience:
        events = events.filter(audience=audience)
    if organization is not None:
        events = events.filter(
            Q(organizer=organization)
            | Exists(
                EventCoHost.objects.filter(
                    event=OuterRef("pk"), organization=organization, state=CoHostState.ACCEPTED
                )
            )
        )
    return events


def accepted_cohosts(event: Event) -> list[Organization]:
    return [
        cohost.organization
        for cohost in EventCoHost.objects.filter(
            event=event, state=CoHostState.ACCEPTED
        ).select_related("organization")
    ]


def cohosts_by_event(events: list[Event]) -> dict[int, list[Organization]]:
    """The accepted co-hosts of several events in one query."""
    rows: dict[int, list[Organization]] = {event.pk: [] for event in events}
    for cohost in EventCoHost.objects.filter(
        event__in=[event.pk for event in events], state=CoHostState.ACCEPTED
    ).select_related("organization"):
        rows[cohost.event_id].append(cohost.organization)
    return rows


def managed_events(user: Viewer) -> QuerySet[Event]:
    """Drafts and published events the viewer's organisations host (staff's own list)."""
    if not staff_org_ids(user):
        return Event.objects.none()
    return with_seats_taken(
        Event.objects.filter(events_at_least(user, ViewLevel.PRIVATE))
        .exclude(state=EventState.CANCELLED)
        .select_related("organizer")
        .order_by("-starts_at", "-pk")
    )


def cohost_invitations(user: Viewer) -> QuerySet[EventCoHost]:
    """Open invitations to co-host addressed to the viewer's organisations."""
    staff = staff_org_ids(user)
    if not staff:
        return EventCoHost.objects.none()
    return (
        EventCoHost.objects.filter(organization_id__in=staff, state=CoHostState.INVITED)
        .exclude(event__state=EventState.CANCELLED)
        .select_related("event", "event__organizer", "organization")
        .order_by("event__starts_at", "pk")
    )


def event_cohost_rows(event: Event) -> QuerySet[EventCoHost]:
    """Every co-host row of an event (invitations and answers: PRIVATE)."""
    return EventCoHost.objects.filter(event=event).select_related("organization", "decided_by")


def registrations_of(user: Viewer) -> QuerySet[Registration]:
    if user is None or not user.is_authenticated:
        return Registration.objects.none()
    return (
        Registration.objects.filter(user_id=user.pk)
        .exclude(state=RegistrationState.CANCELLED)
        .select_related("event", "event__organizer", "company__organization")
        .order_by("-event__starts_at", "-pk")
    )


def attendance(event: Event) -> QuerySet[Registration]:
    """Every registration of the event in the order people registered."""
    return (
        Registration.objects.filter(event=event)
        .select_related("user", "company__organization", "checked_in_by")
        .order_by("created_at", "pk")
    )


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None when not on the waitlist."""
    if registration.state != RegistrationState.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id, state=RegistrationState.WAITLISTED
    ).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1
