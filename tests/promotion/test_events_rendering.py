"""Every events page renders in Korean and English for hosts, the invited, registrants and the
public, in each state, without raw codes."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from bitgoeul.promotion.enums import CoHostState, EventState, MaterialKind
from bitgoeul.promotion.models import Event, EventMaterial
from bitgoeul.promotion.services.registrations import registration_create
from tests.conftest import World
from tests.demonstrations.factories import PDF
from tests.promotion.events_helpers import cohost, make_event

pytestmark = pytest.mark.django_db

RAW = {
    "ko": re.compile(
        r"\b(draft|published|cancelled|invited|accepted|confirmed|waitlisted|briefing|"
        r"demo_day|funding|public|chapter|slides)\b"
    ),
    "en": re.compile(r"\b(demo_day|investor_meeting|waitlisted)\b"),
}


def _get(client: Client, url: str, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"https?://\S+", " ", text)


def _scene(world: World, state: str) -> Event:
    event = make_event(
        world.operator_org,
        state=state,
        capacity=1,
        kind="demo_day",
        questions=[{"key": "q1", "label": "관심 분야", "required": True}],
        cancel_reason="태풍" if state == EventState.CANCELLED else "",
    )
    cohost(event, world.chapter, CoHostState.INVITED)
    cohost(event, world.other_chapter)
    material = EventMaterial(event=event, kind=MaterialKind.SLIDES, title="발표 자료")
    material.file.save("s.pdf", ContentFile(PDF), save=False)
    material.save()
    if state == EventState.PUBLISHED:
        registration_create(event=event, user=world.owner, answers={"q1": "비전"}, actor=None)
        registration_create(event=event, user=world.teammate, answers={"q1": "음성"}, actor=None)
    return event


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("state", list(EventState.values))
def test_the_events_pages_render_for_each_role(
    client: Client, world: World, language: str, state: str
) -> None:
    event = _scene(world, state)
    detail = reverse("promotion:event_detail", args=[event.pk])
    pages = {
        "operator": [
            reverse("promotion:event_list"),
            reverse("promotion:event_create"),
            detail,
            reverse("promotion:event_attendance", args=[event.pk]),
        ],
        "chapter_staff": [reverse("promotion:event_list"), detail],
        "owner": [reverse("promotion:my_registrations"), reverse("promotion:event_list")],
        "teammate": [reverse("promotion:my_registrations")],
    }
    if state != EventState.CANCELLED:
        pages["operator"].append(reverse("promotion:event_edit", args=[event.pk]))
    if state == EventState.PUBLISHED:
        pages["operator"] += [
            reverse("promotion:event_check_in", args=[event.pk]),
            reverse("promotion:event_cancel", args=[event.pk]),
        ]
        pages["owner"] += [detail]
        pages["teammate"] += [detail]
        pages["outsider"] = [detail, reverse("promotion:event_register", args=[event.pk])]
    for role, urls in pages.items():
        client.force_login(getattr(world, role))
        for url in urls:
            assert RAW[language].findall(_get(client, url, language)) == [], (role, url)
    if state != EventState.DRAFT:
        client.logout()
        assert RAW[language].findall(_get(client, detail, language)) == []
