"""Deciding a nomination: KRDS tabs by state, no decision chosen beforehand, a confirmation
step before anything is recorded, and the outcome message naming the chapter told."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from bitgoeul.companies.models import Company, Nomination
from bitgoeul.companies.services.nominations import nomination_create
from bitgoeul.notifications.models import Notification
from tests.companies.helpers import company_record
from tests.conftest import World


@pytest.fixture
def nomination(world: World) -> Nomination:
    company: Company = company_record(world.company)
    return nomination_create(
        company=company, chapter=world.chapter, actor=world.chapter_staff, reason="매출 두 배"
    )


def test_state_tabs_are_krds_tabs(world: World, nomination: Nomination, client: Client) -> None:
    client.force_login(world.operator)
    html = client.get(reverse("companies:nominations"), {"state": "declined"}).content.decode()
    assert '<div class="tab line">' in html
    assert (
        '<li class="active"><a class="btn-tab" href="?state=declined" aria-current="page">' in html
    )
    tabs = html[
        html.index('<nav class="krds-tab-area') : html.index("</nav>", html.index("krds-tab-area"))
    ]
    assert (tabs.count('class="btn-tab"'), tabs.count('aria-current="page"')) == (4, 1)


def test_pending_cards_preset_no_decision(
    world: World, nomination: Nomination, client: Client
) -> None:
    client.force_login(world.operator)
    html = client.get(reverse("companies:nominations")).content.decode()
    assert html.count('type="radio" name="decision"') == 2
    assert "checked" not in html
    assert f'id="id_n{nomination.pk}_decision_0"' in html  # ids unique per card
    # the same word as the state it leads to (the 반려 tab), not the invitations' 거절
    assert f'<label for="id_n{nomination.pk}_decision_1">반려</label>' in html


def test_a_decision_is_confirmed_before_it_is_recorded(
    world: World, nomination: Nomination, client: Client
) -> None:
    client.force_login(world.operator)
    url = reverse("companies:nomination_decide", args=[nomination.pk])
    data = {"decision": "declined", "note": "실증 실적 보완 후 재추천 바랍니다"}
    step = client.post(url, data)
    assert (step.status_code, step.context["confirming"]) == (200, True)
    assert "추천 반려" in step.content.decode()  # the confirm button says what it does
    nomination.refresh_from_db()
    assert (nomination.state, Notification.objects.count()) == ("pending", 0)

    change = client.post(url, data | {"change": "yes"})
    assert (change.context["confirming"], change.context["form"]["note"].value()) == (
        False,
        data["note"],
    )
    radios = re.findall(
        r'<input type="radio" name="decision" value="(\w+)"[^>]*>', change.content.decode()
    )
    checked = re.findall(
        r'<input type="radio" name="decision" value="(\w+)"[^>]* checked>', change.content.decode()
    )
    assert (radios, checked) == (["accepted", "declined"], ["declined"])  # the choice kept

    done = client.post(url, data | {"confirm": "yes"}, follow=True)
    nomination.refresh_from_db()
    assert nomination.state == "declined"
    assert [str(m) for m in done.context["messages"]] == [
        f"결정을 기록하고 {world.chapter.name}에 알렸습니다."
    ]
    assert set(Notification.objects.values_list("recipient", flat=True)) == {world.chapter_staff.pk}


def test_no_choice_is_not_a_decision(world: World, nomination: Nomination, client: Client) -> None:
    client.force_login(world.operator)
    url = reverse("companies:nomination_decide", args=[nomination.pk])
    response = client.post(url, {"note": "좋습니다", "confirm": "yes"})
    assert (response.status_code, response.context["confirming"]) == (200, False)
    assert "수락 또는 반려를 선택해 주세요." in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.state == "pending"
