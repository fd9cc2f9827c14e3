"""Events' services: publishing and cancelling, co-hosting consent, registration with capacity
and the waitlist promoted in order, check-in, reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core import mail
from django.utils import timezone, translation

from bitgoeul.audit.models import AuditEvent
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.notifications.models import Notification
from bitgoeul.promotion import access
from bitgoeul.promotion.enums import CoHostState, EventState, RegistrationState
from bitgoeul.promotion.models import Event, Registration
from bitgoeul.promotion.services import events as services
from bitgoeul.promotion.services.registrations import (
    IllegalTransition,
    RegistrationRefused,
    event_reminders_send,
    registration_check_in,
    registration_create,
    registration_set_state,
)
from tests.conftest import World
from tests.factories import MembershipFactory, UserFactory
from tests.promotion.events_helpers import company_profile, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The services' messages are read in English here, whatever an earlier test activated."""
    with translation.override("en"):
        yield


def _people(n: int) -> list:
    return [UserFactory.create() for _ in range(n)]


def test_a_draft_is_seen_by_its_staff_only_until_published(world: World) -> None:
    event = services.event_create(
        organizer=world.operator_org,
        values={
            "kind": "briefing",
            "topic": "funding",
            "title": "설명회",
            "starts_at": timezone.now() + dt.timedelta(days=3),
            "ends_at": timezone.now() + dt.timedelta(days=3, hours=2),
            "venue": "대강당",
        },
        actor=world.operator,
    )
    assert (
        access.event_view_level(world.operator, event),
        access.event_view_level(world.owner, event),
    ) == (ViewLevel.PRIVATE, ViewLevel.NONE)
    services.event_set_state(event=event, state=EventState.PUBLISHED, actor=world.operator)
    event.refresh_from_db()
    assert (event.state, access.event_view_level(world.owner, event)) == (
        EventState.PUBLISHED,
        ViewLevel.PUBLIC,
    )
    assert list(
        AuditEvent.objects.filter(object_id=str(event.pk))
        .order_by("pk")
        .values_list("action", "before", "after")
    ) == [
        ("event.create", None, {"title": "설명회", "starts_at": event.starts_at.isoformat()}),
        ("event.set_state", {"state": "draft"}, {"state": "published"}),
    ]


def test_a_cancelled_event_cannot_be_published_again(world: World) -> None:
    event = make_event(world.operator_org)
    services.event_set_state(
        event=event, state=EventState.CANCELLED, actor=world.operator, reason="태풍"
    )
    with pytest.raises(services.IllegalTransition):
        services.event_set_state(event=event, state=EventState.PUBLISHED, actor=world.operator)


def test_cancelling_tells_everyone_holding_a_registration(world: World) -> None:
    event = make_event(world.operator_org, capacity=1)
    first, second = _people(2)
    registration_create(event=event, user=first, actor=first)
    registration_create(event=event, user=second, actor=second)
    services.event_set_state(
        event=event, state=EventState.CANCELLED, actor=world.operator, reason="태풍 예보"
    )
    notified = sorted(
        Notification.objects.filter(kind="promotion.event_cancelled").values_list(
            "recipient_id", flat=True
        )
    )
    assert notified == sorted([first.pk, second.pk])
    assert Event.objects.get(pk=event.pk).cancel_reason == "태풍 예보"


# --- co-hosting ----------------------------------------------------------------------------------


def test_an_invited_chapter_shows_and_manages_only_after_accepting(world: World) -> None:
    event = make_event(world.operator_org)
    cohost = services.eventcohost_invite(
        event=event, organization=world.chapter, actor=world.operator
    )
    assert (cohost.state, access.event_view_level(world.chapter_staff, event)) == (
        CoHostState.INVITED,
        ViewLevel.RECORD,
    )
    assert access.can_manage_event(world.chapter_staff, event) is False
    assert (
        Notification.objects.filter(
            kind="promotion.cohost_invited", recipient=world.chapter_staff
        ).count()
        == 1
    )
    services.eventcohost_set_state(
        cohost=cohost, state=CoHostState.ACCEPTED, actor=world.chapter_staff
    )
    assert access.can_manage_event(world.chapter_staff, event) is True
    assert access.can_run_event(world.chapter_staff, event) is False  # the organiser's own acts
    assert list(
        Notification.objects.filter(kind="promotion.cohost_answered").values_list(
            "recipient_id", flat=True
        )
    ) == [world.operator.pk]
    cohost.refresh_from_db()
    assert (cohost.decided_by_id, cohost.state) == (world.chapter_staff.pk, CoHostState.ACCEPTED)


def test_a_declined_invitation_gives_no_access_and_cannot_be_accepted_later(world: World) -> None:
    event = make_event(world.operator_org, state=EventState.DRAFT)
    cohost = services.eventcohost_invite(
        event=event, organization=world.chapter, actor=world.operator
    )
    services.eventcohost_set_state(
        cohost=cohost, state=CoHostState.DECLINED, actor=world.chapter_staff
    )
    assert access.event_view_level(world.chapter_staff, event) == ViewLevel.NONE
    with pytest.raises(services.IllegalTransition):
        services.eventcohost_set_state(
            cohost=cohost, state=CoHostState.ACCEPTED, actor=world.chapter_staff
        )
    again = services.eventcohost_invite(
        event=event, organization=world.chapter, actor=world.operator
    )
    assert (again.pk, again.state) == (cohost.pk, CoHostState.INVITED)


def test_companies_cannot_be_invited_to_co_host(world: World) -> None:
    event = make_event(world.operator_org)
    with pytest.raises(services.CoHostRefused):
        services.eventcohost_invite(event=event, organization=world.company, actor=world.operator)
    with pytest.raises(services.CoHostRefused):
        services.eventcohost_invite(
            event=event, organization=world.operator_org, actor=world.operator
        )


# --- registration --------------------------------------------------------------------------------


def test_seats_are_confirmed_then_the_waitlist_fills(world: World) -> None:
    event = make_event(world.operator_org, capacity=2)
    people = _people(4)
    states = [registration_create(event=event, user=p, actor=p).state for p in people]
    assert states == ["confirmed", "confirmed", "waitlisted", "waitlisted"]


def test_a_cancellation_promotes_the_first_waitlisted(world: World) -> None:
    event = make_event(world.operator_org, capacity=1)
    first, second, third = _people(3)
    now = timezone.now()
    held = registration_create(event=event, user=first, actor=first, now=now)
    # joined later than `third` but created first by id: the waitlist goes by created_at
    late = registration_create(
        event=event, user=second, actor=second, now=now + dt.timedelta(minutes=5)
    )
    early = registration_create(
        event=event, user=third, actor=third, now=now + dt.timedelta(minutes=1)
    )
    registration_set_state(registration=held, state=RegistrationState.CANCELLED, actor=first)
    assert dict(Registration.objects.filter(event=event).values_list("user_id", "state")) == {
        first.pk: "cancelled",
        second.pk: "waitlisted",
        third.pk: "confirmed",
    }
    early.refresh_from_db()
    assert early.promoted_at is not None
    assert list(
        Notification.objects.filter(kind="promotion.registration_promoted").values_list(
            "recipient_id", flat=True
        )
    ) == [third.pk]
    assert late.state == "waitlisted"


def test_cancelling_a_waitlisted_registration_promotes_nobody(world: World) -> None:
    event = make_event(world.operator_org, capacity=1)
    first, second, third = _people(3)
    registration_create(event=event, user=first, actor=first)
    waiting = registration_create(event=event, user=second, actor=second)
    registration_create(event=event, user=third, actor=third)
    registration_set_state(registration=waiting, state=RegistrationState.CANCELLED, actor=second)
    assert sorted(Registration.objects.filter(event=event).values_list("state", flat=True)) == [
        "cancelled",
        "confirmed",
        "waitlisted",
    ]


def test_more_seats_promote_the_waitlist(world: World) -> None:
    event = make_event(world.operator_org, capacity=1)
    people = _people(3)
    for person in people:
        registration_create(event=event, user=person, actor=person)
    services.event_update(event=event, values={"capacity": 2}, actor=world.operator)
    assert list(
        Registration.objects.filter(event=event).order_by("pk").values_list("state", flat=True)
    ) == [
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    audit = AuditEvent.objects.get(action="event.update")
    assert (audit.before, audit.after) == ({"capacity": 1}, {"capacity": 2})


def test_one_active_registration_per_person(world: World) -> None:
    event = make_event(world.operator_org)
    registration_create(event=event, user=world.owner, actor=world.owner)
    with pytest.raises(RegistrationRefused, match="already registered"):
        registration_create(event=event, user=world.owner, actor=world.owner)


def test_registration_closes_and_a_draft_takes_none(world: World) -> None:
    closed = make_event(
        world.operator_org, registration_closes_at=timezone.now() - dt.timedelta(hours=1)
    )
    draft = make_event(world.operator_org, state=EventState.DRAFT)
    with pytest.raises(RegistrationRefused, match="has closed"):
        registration_create(event=closed, user=world.owner, actor=world.owner)
    with pytest.raises(RegistrationRefused):
        registration_create(event=draft, user=world.owner, actor=world.owner)


def test_required_questions_must_be_answered(world: World) -> None:
    event = make_event(
        world.operator_org,
        questions=[
            {"key": "q1", "label": "관심 분야", "required": True},
            {"key": "q2", "label": "바라는 점", "required": False},
        ],
    )
    with pytest.raises(RegistrationRefused, match="관심 분야"):
        registration_create(event=event, user=world.owner, answers={"q2": "x"}, actor=world.owner)
    company = company_profile(world.company)
    registration = registration_create(
        event=event,
        user=world.owner,
        company=company,
        answers={"q1": " 비전 ", "extra": "dropped"},
        actor=world.owner,
    )
    assert (registration.answers, registration.company_id) == ({"q1": "비전", "q2": ""}, company.pk)


def test_a_cancelled_registration_cannot_be_cancelled_again(world: World) -> None:
    event = make_event(world.operator_org)
    registration = registration_create(event=event, user=world.owner, actor=world.owner)
    registration_set_state(
        registration=registration, state=RegistrationState.CANCELLED, actor=world.owner
    )
    with pytest.raises(IllegalTransition):
        registration_set_state(
            registration=registration, state=RegistrationState.CANCELLED, actor=world.owner
        )
    # after cancelling, the person may register again
    again = registration_create(event=event, user=world.owner, actor=world.owner)
    assert again.state == RegistrationState.CONFIRMED


# --- check-in ------------------------------------------------------------------------------------


def test_check_in_is_idempotent(world: World) -> None:
    event = make_event(world.operator_org)
    registration = registration_create(event=event, user=world.owner, actor=world.owner)
    first, new = registration_check_in(event=event, token=registration.token, actor=world.operator)
    again, new_again = registration_check_in(
        event=event, token=f" {registration.token}\n", actor=world.operator
    )
    assert (new, new_again, first.checked_in_at == again.checked_in_at) == (True, False, True)
    assert AuditEvent.objects.filter(action="registration.check_in").count() == 1
    assert Registration.objects.get(pk=registration.pk).checked_in_by_id == world.operator.pk


def test_check_in_refuses_another_events_code_and_unknown_codes(world: World) -> None:
    event = make_event(world.operator_org)
    other = make_event(world.chapter)
    registration = registration_create(event=other, user=world.owner, actor=world.owner)
    with pytest.raises(RegistrationRefused, match="another event"):
        registration_check_in(event=event, token=registration.token, actor=world.operator)
    with pytest.raises(RegistrationRefused, match="not a registration"):
        registration_check_in(event=event, token="nonsense", actor=world.operator)
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None


def test_check_in_refuses_waitlisted_and_cancelled(world: World) -> None:
    event = make_event(world.operator_org, capacity=1)
    first, second = _people(2)
    held = registration_create(event=event, user=first, actor=first)
    waiting = registration_create(event=event, user=second, actor=second)
    with pytest.raises(RegistrationRefused, match="on the waitlist"):
        registration_check_in(event=event, token=waiting.token, actor=world.operator)
    registration_set_state(registration=held, state=RegistrationState.CANCELLED, actor=first)
    with pytest.raises(RegistrationRefused, match="was cancelled"):
        registration_check_in(event=event, token=held.token, actor=world.operator)


# --- reminders -----------------------------------------------------------------------------------


def test_reminders_go_once_to_confirmed_registrations_of_the_next_day(world: World) -> None:
    now = timezone.now()
    soon = make_event(world.operator_org, starts_at=now + dt.timedelta(hours=20), capacity=1)
    later = make_event(world.operator_org, starts_at=now + dt.timedelta(days=3))
    first, second = _people(2)
    registration_create(event=soon, user=first, actor=first)
    registration_create(event=soon, user=second, actor=second)  # waitlisted: no reminder
    registration_create(event=later, user=first, actor=first)
    mail.outbox.clear()
    assert (event_reminders_send(now=now), event_reminders_send(now=now)) == (1, 0)
    assert list(
        Notification.objects.filter(kind="promotion.event_reminder").values_list(
            "recipient_id", flat=True
        )
    ) == [first.pk]


def test_staff_of_a_chapter_may_not_run_the_citys_event(world: World) -> None:
    event = make_event(world.operator_org)
    assert (
        access.can_run_event(world.chapter_staff, event),
        access.can_run_event(world.operator, event),
    ) == (
        False,
        True,
    )
    staff = MembershipFactory.create(organization=world.operator_org, role="member").user
    assert access.can_run_event(staff, event) is False


def test_no_check_in_at_a_cancelled_event(world: World) -> None:
    event = make_event(world.operator_org)
    registration = registration_create(event=event, user=world.owner, actor=world.owner)
    services.event_set_state(event=event, state=EventState.CANCELLED, actor=world.operator)
    with pytest.raises(RegistrationRefused, match="event is cancelled"):
        registration_check_in(event=event, token=registration.token, actor=world.operator)


def test_the_organisers_withdrawal_tells_the_co_host(world: World) -> None:
    event = make_event(world.operator_org)
    cohost = services.eventcohost_invite(
        event=event, organization=world.chapter, actor=world.operator
    )
    services.eventcohost_set_state(
        cohost=cohost, state=CoHostState.ACCEPTED, actor=world.chapter_staff
    )
    services.eventcohost_set_state(cohost=cohost, state=CoHostState.WITHDRAWN, actor=world.operator)
    assert list(
        Notification.objects.filter(kind="promotion.cohost_answered")
        .order_by("pk")
        .values_list("recipient_id", flat=True)
    ) == [world.operator.pk, world.chapter_staff.pk]
    assert access.can_manage_event(world.chapter_staff, event) is False
