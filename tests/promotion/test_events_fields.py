"""Which fields of an event each role receives, on the event's page, in the API (list and
detail) and in the attendance export — the events' part of the field harness of
tests/test_url_access.py. The expectations are written out here, independently of
`access.EVENT_FIELDS`, so that a change of the rule or a surface that stops asking it shows."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from bitgoeul.promotion.enums import CoHostState
from bitgoeul.promotion.models import Event
from bitgoeul.promotion.services.registrations import registration_create
from tests.conftest import ROLES, World
from tests.promotion.events_helpers import cohost, make_event

pytestmark = pytest.mark.django_db

# The scene: the city's published event for everyone; the world's chapter is invited to co-host
# (not yet answered); the owner registered.
LEVEL = {
    "anonymous": "public",
    "owner": "record",  # holds a registration
    "teammate": "public",
    "outsider": "public",
    "chapter_staff": "record",  # invited to co-host
    "reviewer": "public",
    "operator": "private",  # the organiser's staff
}
RECORD_FIELDS = ("online_url", "questions")


def _scene(world: World) -> Event:
    event = make_event(
        world.operator_org, questions=[{"key": "q1", "label": "관심 분야", "required": False}]
    )
    cohost(event, world.chapter, CoHostState.INVITED)
    registration_create(event=event, user=world.owner, actor=world.owner)
    return event


def _leaks(world: World, event: Event, role: str) -> list[str]:
    client = Client()
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    level = LEVEL[role]
    leaks = []
    detail = client.get(reverse("api-1:event_detail", args=[event.pk])).json()
    listed = client.get(reverse("api-1:event_list")).json()["results"]
    for surface, row in (("api detail", detail), ("api list", listed[0])):
        for field in RECORD_FIELDS:
            shown = row[field] is not None
            if shown != (level in ("record", "private")):
                leaks.append(f"{surface} {role}: {field} {'shown' if shown else 'hidden'}")
        if row["title"] != event.title:
            leaks.append(f"{surface} {role}: title hidden")
    page = client.get(reverse("promotion:event_detail", args=[event.pk])).content.decode()
    if (event.online_url in page) != (level in ("record", "private")):
        leaks.append(f"page {role}: online link")
    # an invitation (not an accepted co-host) shows to the hosts and the invited only
    if ("광주전남지회" in page) != (role in ("operator", "chapter_staff")):
        leaks.append(f"page {role}: invitation")
    export = client.get(reverse("promotion:event_attendance_xlsx", args=[event.pk]))
    if (export.status_code == 200) != (level == "private"):
        leaks.append(f"export {role}: status {export.status_code}")
    return leaks


def test_event_fields_reach_each_role_as_declared(world: World) -> None:
    event = _scene(world)
    assert [leak for role in ROLES for leak in _leaks(world, event, role)] == []


def test_the_harness_reports_a_leaked_online_link(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bitgoeul.core.visibility import ViewLevel
    from bitgoeul.promotion.access import EVENT_FIELDS

    event = _scene(world)
    monkeypatch.setitem(EVENT_FIELDS.minimum, "online_url", ViewLevel.PUBLIC)
    assert _leaks(world, event, "teammate") == [
        "api detail teammate: online_url shown",
        "api list teammate: online_url shown",
        "page teammate: online link",
    ]


def test_the_api_refuses_bad_filters(client: Client, world: World) -> None:
    response = client.get(reverse("api-1:event_list"), {"kind": "party"})
    assert (response.status_code, str(response.json()).count("kind: use one of")) == (422, 1)
