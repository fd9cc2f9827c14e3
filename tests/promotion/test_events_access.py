"""The one visibility rule of events, per role and per object, as a filter and in bulk: they
agree on a scene with every state, audience and co-hosting answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from bitgoeul.core.visibility import ViewLevel
from bitgoeul.promotion import access
from bitgoeul.promotion.enums import Audience, CoHostState, EventState, RegistrationState
from bitgoeul.promotion.models import Event, Registration
from tests.conftest import ROLES, World
from tests.promotion.events_helpers import cohost, make_event

pytestmark = pytest.mark.django_db


def _scene(world: World) -> list[Event]:
    events = []
    for state in EventState.values:
        for audience in Audience.values:
            chapter = world.chapter if audience == Audience.CHAPTER else None
            events.append(
                make_event(
                    world.operator_org, state=state, audience=audience, audience_chapter=chapter
                )
            )
    invited = make_event(world.operator_org, state=EventState.DRAFT)
    cohost(invited, world.chapter, CoHostState.INVITED)
    accepted = make_event(
        world.association, audience=Audience.CHAPTER, audience_chapter=world.other_chapter
    )
    cohost(accepted, world.chapter)
    declined = make_event(world.operator_org, state=EventState.DRAFT)
    cohost(declined, world.chapter, CoHostState.DECLINED)
    registered = make_event(
        world.other_chapter, audience=Audience.CHAPTER, audience_chapter=world.other_chapter
    )
    Registration.objects.create(
        event=registered, user=world.owner, state=RegistrationState.WAITLISTED
    )
    return [*events, invited, accepted, declined, registered]


def _viewer(world: World, role: str) -> Any:
    return world.user(role) or AnonymousUser()


@pytest.mark.parametrize("role", ROLES)
def test_the_filter_and_the_bulk_form_agree_with_the_per_object_rule(
    world: World, role: str
) -> None:
    events = _scene(world)
    viewer = _viewer(world, role)
    per_object = {event.pk: access.event_view_level(viewer, event) for event in events}
    for level in (ViewLevel.PUBLIC, ViewLevel.RECORD, ViewLevel.PRIVATE):
        filtered = sorted(
            Event.objects.filter(access.events_at_least(viewer, level)).values_list("pk", flat=True)
        )
        assert filtered == sorted(pk for pk, got in per_object.items() if got >= level), level
    assert access.event_levels(viewer, [event.pk for event in events]) == per_object


def test_the_levels_of_the_chapter_staff(world: World) -> None:
    events = _scene(world)
    invited, accepted, declined, registered = events[-4:]
    assert [
        access.event_view_level(world.chapter_staff, e)
        for e in (invited, accepted, declined, registered)
    ] == [
        ViewLevel.RECORD,
        ViewLevel.PRIVATE,
        ViewLevel.NONE,
        ViewLevel.NONE,
    ]
    # a waitlisted person holds a registration: the online link and questions are theirs
    assert access.event_view_level(world.owner, registered) == ViewLevel.RECORD
