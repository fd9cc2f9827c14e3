"""`GET /api/v1/events` and `/api/v1/events/{id}`: the visible events only, filters (the
organiser filter finds co-hosted events), paging, seats left, and a query count that does not
grow with the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bitgoeul.promotion.enums import CoHostState, EventState
from bitgoeul.promotion.services.registrations import registration_create
from tests.conftest import World
from tests.promotion.events_helpers import cohost, make_event

pytestmark = pytest.mark.django_db


def test_the_list_shows_what_the_caller_may_see(world: World, client: Client) -> None:
    shown = make_event(world.operator_org, title="공개 설명회", capacity=2)
    registration_create(event=shown, user=world.owner, actor=world.owner)
    make_event(world.operator_org, title="초안", state=EventState.DRAFT)
    make_event(world.chapter, title="지회 교육", audience="chapter", audience_chapter=world.chapter)
    body = client.get(reverse("api-1:event_list")).json()
    assert (body["count"], [(r["title"], r["seats_left"]) for r in body["results"]]) == (
        1,
        [("공개 설명회", 1)],
    )
    client.force_login(world.teammate)  # a company of the chapter
    titles = sorted(r["title"] for r in client.get(reverse("api-1:event_list")).json()["results"])
    assert titles == ["공개 설명회", "지회 교육"]


def test_the_organisation_filter_finds_accepted_co_hosting_only(
    world: World, client: Client
) -> None:
    accepted = make_event(world.operator_org, title="함께 여는 행사")
    cohost(accepted, world.chapter)
    invited = make_event(world.operator_org, title="요청만 받은 행사")
    cohost(invited, world.chapter, CoHostState.INVITED)
    body = client.get(reverse("api-1:event_list"), {"organization": world.chapter.pk}).json()
    assert [(r["title"], r["cohosts"]) for r in body["results"]] == [
        ("함께 여는 행사", ["광주전남지회"])
    ]


def test_a_draft_is_404_to_the_public(world: World, client: Client) -> None:
    draft = make_event(world.operator_org, state=EventState.DRAFT)
    assert client.get(reverse("api-1:event_detail", args=[draft.pk])).status_code == 404
    client.force_login(world.operator)
    assert client.get(reverse("api-1:event_detail", args=[draft.pk])).json()["state"] == "draft"


def test_paging(world: World, client: Client) -> None:
    for n in range(3):
        make_event(world.operator_org, title=f"행사 {n}")
    body = client.get(reverse("api-1:event_list"), {"page": 2, "page_size": 2}).json()
    assert (body["count"], len(body["results"])) == (3, 1)


@pytest.mark.parametrize("count", [1, 10])
def test_the_list_makes_few_queries(
    world: World, client: Client, django_assert_max_num_queries: Any, count: int
) -> None:
    for n in range(count):
        event = make_event(world.operator_org, title=f"행사 {n}")
        cohost(event, world.chapter)
    with django_assert_max_num_queries(8):
        body = client.get(reverse("api-1:event_list")).json()
    assert len(body["results"]) == count
