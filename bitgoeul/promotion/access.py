"""Who may see and do what with events, registrations and news. Pages, the API, feeds, the
calendar, exports and notifications all ask these; access functions only read.

Events (`event_view_level`):
- PRIVATE: staff (or administrators) of the organiser or of an organisation that accepted to
  co-host: the whole event, its registrations with their answers, check-in and attendance;
- RECORD: staff of an organisation invited to co-host (to decide, even on a draft), and people
  holding a registration: also the online link and the registration form's questions;
- PUBLIC: a published (or cancelled after publication) event its audience rule lets the viewer
  see: everyone; members of any organisation; or the companies and staff of one chapter;
- NONE otherwise (404: a draft is not known to exist).

News (`post_view_level`):
- PRIVATE: staff of the post's organisation: drafts, review notes, history;
- PUBLIC: anyone, once published; withdrawn posts and their cross-posts disappear.

Only organisations that speak for the cluster publish (operator, association, chapters,
institutions); companies register for events but neither organise them nor publish news.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from bitgoeul.accounts.access import membership_rows
from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.accounts.types import Viewer
from bitgoeul.core.visibility import FieldPolicy, ViewLevel
from bitgoeul.promotion.enums import (
    ACTIVE_REGISTRATION_STATES,
    EDITABLE_POST_STATES,
    Audience,
    CoHostState,
    EventState,
    PostState,
)
from bitgoeul.promotion.models import CrossPost, Event, EventCoHost, NewsPost, Registration

STAFF_ROLES = {MembershipRole.ADMIN, MembershipRole.STAFF}
PUBLISHER_KINDS = {
    OrganizationKind.OPERATOR,
    OrganizationKind.ASSOCIATION,
    OrganizationKind.CHAPTER,
    OrganizationKind.INSTITUTION,
}
SHOWN_EVENT_STATES = (EventState.PUBLISHED, EventState.CANCELLED)

EVENT_FIELDS = FieldPolicy(
    "event",
    {
        "organizer": ViewLevel.PUBLIC,
        "cohosts": ViewLevel.PUBLIC,  # those that accepted; invitations are PRIVATE
        "kind": ViewLevel.PUBLIC,
        "topic": ViewLevel.PUBLIC,
        "title": ViewLevel.PUBLIC,
        "title_en": ViewLevel.PUBLIC,
        "summary": ViewLevel.PUBLIC,
        "description": ViewLevel.PUBLIC,
        "description_en": ViewLevel.PUBLIC,
        "technologies": ViewLevel.PUBLIC,
        "starts_at": ViewLevel.PUBLIC,
        "ends_at": ViewLevel.PUBLIC,
        "venue": ViewLevel.PUBLIC,
        "address": ViewLevel.PUBLIC,
        "map_url": ViewLevel.PUBLIC,
        "capacity": ViewLevel.PUBLIC,
        "seats_left": ViewLevel.PUBLIC,
        "registration_opens_at": ViewLevel.PUBLIC,
        "registration_closes_at": ViewLevel.PUBLIC,
        "audience": ViewLevel.PUBLIC,
        "linked_call": ViewLevel.PUBLIC,
        "materials": ViewLevel.PUBLIC,
        "state": ViewLevel.PUBLIC,
        "cancel_reason": ViewLevel.PUBLIC,
        "online_url": ViewLevel.RECORD,
        "questions": ViewLevel.RECORD,
        "invitations": ViewLevel.PRIVATE,  # co-host invitations and their answers
        "registrations": ViewLevel.PRIVATE,  # who registered, answers, check-ins
        "attendance": ViewLevel.PRIVATE,
        "created_at": ViewLevel.PRIVATE,
    },
)

POST_FIELDS = FieldPolicy(
    "news post",
    {
        "organization": ViewLevel.PUBLIC,
        "topic": ViewLevel.PUBLIC,
        "title": ViewLevel.PUBLIC,
        "title_en": ViewLevel.PUBLIC,
        "summary": ViewLevel.PUBLIC,
        "body": ViewLevel.PUBLIC,
        "body_en": ViewLevel.PUBLIC,
        "technologies": ViewLevel.PUBLIC,
        "event": ViewLevel.PUBLIC,
        "published_at": ViewLevel.PUBLIC,
        "updated_at": ViewLevel.PUBLIC,
        "shared_by": ViewLevel.PUBLIC,  # the organisations that republish it
        "state": ViewLevel.PRIVATE,
        "author": ViewLevel.PRIVATE,
        "reviewed_by": ViewLevel.PRIVATE,
        "review_note": ViewLevel.PRIVATE,
        "created_at": ViewLevel.PRIVATE,
    },
)


def staff_org_ids(user: Viewer) -> set[int]:
    """Organisations that publish (operator, association, chapters, institutions) where the
    user is staff or administrator: those they organise events and write news for."""
    return {
        org_id
        for org_id, kind, role, _ in membership_rows(user)
        if kind in PUBLISHER_KINDS and role in STAFF_ROLES
    }


def member_org_ids(user: Viewer) -> set[int]:
    """Every organisation the user belongs to, in any role."""
    return {org_id for org_id, _, _, _ in membership_rows(user)}


def chapter_ids(user: Viewer) -> set[int]:
    """Chapters the user belongs to: staff of a chapter, or a member of a company under it."""
    ids: set[int] = set()
    for org_id, kind, _, parent_id in membership_rows(user):
        if kind == OrganizationKind.CHAPTER:
            ids.add(org_id)
        elif kind == OrganizationKind.COMPANY and parent_id is not None:
            ids.add(parent_id)
    return ids


def _audience_q(user: Viewer) -> Q:
    """Published events whose audience rule lets the viewer see them."""
    allowed = Q(audience=Audience.PUBLIC)
    if membership_rows(user):
        allowed |= Q(audience=Audience.MEMBERS)
        chapters = chapter_ids(user)
        if chapters:
            allowed |= Q(audience=Audience.CHAPTER, audience_chapter_id__in=chapters)
    return Q(state__in=SHOWN_EVENT_STATES) & allowed


def _hosting_q(org_ids: set[int], states: tuple[str, ...]) -> Q:
    return Q(organizer_id__in=org_ids) | Q(
        Exists(
            EventCoHost.objects.filter(
                event=OuterRef("pk"), organization_id__in=org_ids, state__in=states
            )
        )
    )


def events_at_least(user: Viewer, level: ViewLevel) -> Q:
    """The same rule as `event_view_level`, as a filter on Event."""
    if level <= ViewLevel.NONE:
        return Q()
    staff = staff_org_ids(user)
    private = _hosting_q(staff, (CoHostState.ACCEPTED,)) if staff else Q(pk__in=[])
    if level >= ViewLevel.PRIVATE:
        return private
    record = private
    if staff:
        record |= Q(
            Exists(
                EventCoHost.objects.filter(
                    event=OuterRef("pk"), organization_id__in=staff, state=CoHostState.INVITED
                )
            )
        )
    if user is not None and user.is_authenticated:
        record |= Q(
            Exists(
                Registration.objects.filter(
                    event=OuterRef("pk"), user_id=user.pk, state__in=ACTIVE_REGISTRATION_STATES
                )
            ),
            state__in=SHOWN_EVENT_STATES,
        )
    if level >= ViewLevel.RECORD:
        return record
    return record | _audience_q(user)


def event_view_level(user: Viewer, event: Event) -> ViewLevel:
    """The viewer's level on one event (reads its co-host rows and the viewer's registration)."""
    staff = staff_org_ids(user)
    if staff:
        if event.organizer_id in staff:
            return ViewLevel.PRIVATE
        states = dict(
            EventCoHost.objects.filter(event=event, organization_id__in=staff).values_list(
                "organization_id", "state"
            )
        )
        if CoHostState.ACCEPTED in states.values():
            return ViewLevel.PRIVATE
        if CoHostState.INVITED in states.values():
            return ViewLevel.RECORD
    if event.state not in SHOWN_EVENT_STATES:
        return ViewLevel.NONE
    if (
        user is not None
        and user.is_authenticated
        and Registration.objects.filter(
            event=event, user_id=user.pk, state__in=ACTIVE_REGISTRATION_STATES
        ).exists()
    ):
        return ViewLevel.RECORD
    if Event.objects.filter(_audience_q(user), pk=event.pk).exists():
        return ViewLevel.PUBLIC
    return ViewLevel.NONE


def event_fields(user: Viewer, event: Event) -> frozenset[str]:
    return EVENT_FIELDS.fields_for(event_view_level(user, event))


def event_for_viewer(user: Viewer, event_id: int, level: ViewLevel = ViewLevel.PUBLIC) -> Event:
    """The event if the viewer has at least `level` on it, else 404."""
    event = (
        Event.objects.select_related("organizer", "audience_chapter").filter(pk=event_id).first()
    )
    if event is None or event_view_level(user, event) < level:
        raise Http404
    return event


def can_register_audience(user: Viewer, event: Event) -> bool:
    """The event's audience rule admits the person (signed in; seats and dates are the
    service's to check)."""
    if user is None or not user.is_authenticated:
        return False
    return Event.objects.filter(_audience_q(user), pk=event.pk).exists()


def registration_visible(user: Viewer, registration: Registration) -> bool:
    """The registrant, and the event's hosts (PRIVATE on the event)."""
    if user is not None and user.is_authenticated and registration.user_id == user.pk:
        return True
    return event_view_level(user, registration.event) >= ViewLevel.PRIVATE


def posts_at_least(user: Viewer, level: ViewLevel) -> Q:
    """The same rule as `post_view_level`, as a filter on NewsPost."""
    if level <= ViewLevel.NONE:
        return Q()
    private = Q(organization_id__in=staff_org_ids(user))
    if level >= ViewLevel.RECORD:
        return private
    return private | Q(state=PostState.PUBLISHED)


def post_view_level(user: Viewer, post: NewsPost) -> ViewLevel:
    if post.organization_id in staff_org_ids(user):
        return ViewLevel.PRIVATE
    if post.state == PostState.PUBLISHED:
        return ViewLevel.PUBLIC
    return ViewLevel.NONE


def post_fields(user: Viewer, post: NewsPost) -> frozenset[str]:
    return POST_FIELDS.fields_for(post_view_level(user, post))


def post_for_viewer(user: Viewer, post_id: int, level: ViewLevel = ViewLevel.PUBLIC) -> NewsPost:
    post = NewsPost.objects.select_related("organization").filter(pk=post_id).first()
    if post is None or post_view_level(user, post) < level:
        raise Http404
    return post


def can_publish_for(user: Viewer) -> bool:
    """Staff of an organisation that publishes (they may organise events and write news)."""
    return bool(staff_org_ids(user))


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- events --------------------------------------------------------------------------------------
# Hosts are the organiser and the organisations that accepted to co-host (PRIVATE on the event);
# the organiser's staff alone publish, cancel and invite co-hosts (the co-hosts joined its event,
# they do not own it).


def can_manage_event(user: Viewer, event: Event) -> bool:
    """Edit, check in, see the attendance and upload materials: the event's hosts."""
    return event_view_level(user, event) >= ViewLevel.PRIVATE


def can_run_event(user: Viewer, event: Event) -> bool:
    """Publish, cancel and invite co-hosts: staff of the organiser."""
    return event.organizer_id in staff_org_ids(user)


def can_answer_cohost(user: Viewer, cohost: EventCoHost) -> bool:
    """Accept, decline or later withdraw a co-hosting: staff of the invited organisation."""
    return cohost.organization_id in staff_org_ids(user)


def cohost_for_viewer(user: Viewer, cohost_id: int) -> EventCoHost:
    """The co-host row if the viewer answers for its organisation or runs its event, else 404."""
    cohost = (
        EventCoHost.objects.select_related("event", "organization").filter(pk=cohost_id).first()
    )
    if cohost is None or not (can_answer_cohost(user, cohost) or can_run_event(user, cohost.event)):
        raise Http404
    return cohost


def can_register(user: Viewer, event: Event) -> bool:
    """The audience rule admits the person and the event is published (seats, dates and an
    existing registration are the service's to check, with reasons)."""
    return event.state == EventState.PUBLISHED and can_register_audience(user, event)


def registration_for_viewer(user: Viewer, registration_id: int) -> Registration:
    """A registration its owner or the event's hosts may see, else 404."""
    registration = (
        Registration.objects.select_related("event", "event__organizer", "company__organization")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not registration_visible(user, registration):
        raise Http404
    return registration


def can_cancel_registration(user: Viewer, registration: Registration) -> bool:
    """The person who registered, while it holds or waits for a seat."""
    return (
        user is not None
        and user.is_authenticated
        and registration.user_id == user.pk
        and registration.state in ACTIVE_REGISTRATION_STATES
    )


def event_levels(user: Viewer, event_ids: list[int]) -> dict[int, ViewLevel]:
    """The viewer's level on each of several events in at most three queries (the filter form
    of the rule, `events_at_least`); an event the viewer may not see is NONE."""
    levels = {event_id: ViewLevel.NONE for event_id in event_ids}
    for level in (ViewLevel.PUBLIC, ViewLevel.RECORD, ViewLevel.PRIVATE):
        for event_id in Event.objects.filter(
            events_at_least(user, level), pk__in=event_ids
        ).values_list("pk", flat=True):
            levels[event_id] = level
    return levels


# --- news ----------------------------------------------------------------------------------
# Who writes, reviews and shares news posts. A post is written by staff of its organisation
# and published after a review by ANOTHER staff member of the same organisation, or by one of
# its administrators (who may also publish what they wrote themselves).


def _org_role(user: Viewer, organization_id: int) -> str | None:
    for org_id, kind, role, _ in membership_rows(user):
        if org_id == organization_id and kind in PUBLISHER_KINDS:
            return role
    return None


def can_write_post_for(user: Viewer, organization_id: int) -> bool:
    return organization_id in staff_org_ids(user)


def can_edit_post(user: Viewer, post: NewsPost) -> bool:
    """Its organisation's staff, while the post is a draft, returned or published (an edit of a
    published post shows everywhere it is shared)."""
    return post.organization_id in staff_org_ids(user) and post.state in EDITABLE_POST_STATES


def can_submit_post(user: Viewer, post: NewsPost) -> bool:
    return post.organization_id in staff_org_ids(user) and post.state in (
        PostState.DRAFT,
        PostState.RETURNED,
    )


def can_review_post(user: Viewer, post: NewsPost) -> bool:
    """Another staff member of the post's organisation, or one of its administrators."""
    if post.state != PostState.IN_REVIEW:
        return False
    role = _org_role(user, post.organization_id)
    if role == MembershipRole.ADMIN:
        return True
    return role == MembershipRole.STAFF and user is not None and post.author_id != user.pk


def can_withdraw_post(user: Viewer, post: NewsPost) -> bool:
    return post.organization_id in staff_org_ids(user) and post.state == PostState.PUBLISHED


def crosspost_org_ids(user: Viewer, post: NewsPost) -> set[int]:
    """The organisations the user may republish a published post for: those they are staff
    of, other than the post's own."""
    if post.state != PostState.PUBLISHED:
        return set()
    return staff_org_ids(user) - {post.organization_id}


def can_withdraw_crosspost(user: Viewer, crosspost: CrossPost) -> bool:
    """Staff of the organisation that shared it."""
    return crosspost.withdrawn_at is None and crosspost.organization_id in staff_org_ids(user)


def publisher_for_viewer(org_id: int) -> Organization:
    """An organisation that publishes (its public page and feeds), else 404."""
    organization = Organization.objects.filter(pk=org_id, kind__in=PUBLISHER_KINDS).first()
    if organization is None:
        raise Http404
    return organization
