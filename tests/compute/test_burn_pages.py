"""The grants list (a company's own, staff's filters and idle list), a grant's page with its
burn-down chart and table, and a reclaim from the page."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bitgoeul.compute.enums import NoticeKind, RequestState
from bitgoeul.compute.models import Grant, GrantNotice, Reclaim
from bitgoeul.compute.periods import period_of
from tests.compute.factories import add_usage, make_grant, make_pool, make_request
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _period() -> str:
    return period_of(timezone.now())


def test_members_list_their_grants_and_staff_filter_the_idle_ones(
    world: World, client: Client
) -> None:
    pool = make_pool("h100")
    own = make_grant(world.company, {(pool, _period()): 744.0}, project="우리 과제")
    idle = make_grant(world.other_company, {(pool, _period()): 744.0}, project="유휴 과제")
    GrantNotice.objects.create(grant=idle, period=_period(), kind=NoticeKind.IDLE)
    url = reverse("compute:grant_list")

    client.force_login(world.owner)
    html = client.get(url).content.decode()
    assert ("우리 과제" in html, "유휴 과제" in html) == (True, False)

    client.force_login(world.operator)
    html = client.get(url).content.decode()
    assert ("우리 과제" in html, "유휴 과제" in html) == (True, True)
    html = client.get(url, {"use": "idle"}).content.decode()
    assert ("우리 과제" in html, "유휴 과제" in html) == (False, True)
    assert own.pk != idle.pk


def test_grant_page_shows_the_burn_down_chart_and_its_table(world: World, client: Client) -> None:
    pool = make_pool("h100")
    grant = make_grant(world.company, {(pool, _period()): 744.0})
    add_usage(grant, pool, 12.0, period=_period(), day=1, kwh=3.0)
    client.force_login(world.teammate)
    response = client.get(reverse("compute:grant_detail", args=[grant.pk]))
    html = response.content.decode()
    spec = json.loads(html.split('id="burn-chart" type="application/json">')[1].split("</")[0])
    days = len(spec["labels"])
    used, prorated = (series["values"] for series in spec["series"])
    assert (len(used), len(prorated), prorated[-1]) == (days, days, 744.0)
    assert used[0] == 12.0
    assert [s["style"] for s in spec["series"]] == ["line", "dashed"] and spec["kind"] == "number"
    assert 'data-chart="burn-chart"' in html and "<details" in html


def test_staff_reclaim_from_the_page_and_the_waiting_request_is_granted(
    world: World, client: Client
) -> None:
    pool = make_pool("h100")
    grant = make_grant(world.company, {(pool, _period()): 744.0})
    GrantNotice.objects.create(grant=grant, period=_period(), kind=NoticeKind.IDLE)
    waiting = make_request(
        world.other_company,
        pools=[pool],
        periods=[_period()],
        gpus=1,
        state=RequestState.WAITING,
        demand=100,
        minimum=50,
        weight=0.4,
    )
    part = grant.parts.get()
    client.force_login(world.operator)
    page = client.get(reverse("compute:grant_detail", args=[grant.pk])).content.decode()
    assert reverse("compute:grant_reclaim", args=[part.pk]) in page
    response = client.post(
        reverse("compute:grant_reclaim", args=[part.pk]),
        {f"part{part.pk}-gpu_hours": "120", f"part{part.pk}-reason": "중순까지 사용 없음"},
    )
    assert response.status_code == 302
    reclaim = Reclaim.objects.get()
    assert (reclaim.gpu_hours, reclaim.reassigned[0]["request"]) == (120.0, waiting.pk)
    assert Grant.objects.get(request=waiting).gpu_hours == 100.0
    # a reclaim beyond the limit is refused with the reason, nothing written
    client.post(
        reverse("compute:grant_reclaim", args=[part.pk]),
        {f"part{part.pk}-gpu_hours": "9999", f"part{part.pk}-reason": "다시"},
    )
    assert Reclaim.objects.count() == 1


def test_grant_page_shows_another_month_of_the_grant_when_asked(
    world: World, client: Client
) -> None:
    pool = make_pool("h100")
    grant = make_grant(world.company, {(pool, "2025-01"): 744.0, (pool, _period()): 100.0})
    add_usage(grant, pool, 30.0, period="2025-01", day=2)
    client.force_login(world.owner)
    url = reverse("compute:grant_detail", args=[grant.pk])
    html = client.get(url, {"period": "2025-01"}).content.decode()
    spec = json.loads(html.split('id="burn-chart" type="application/json">')[1].split("</")[0])
    used, prorated = (series["values"] for series in spec["series"])
    assert (spec["labels"][0], prorated[-1], used[-1]) == ("01-01", 744.0, 30.0)
    # a month the grant has no part in: the current month instead
    html = client.get(url, {"period": "2024-05"}).content.decode()
    spec = json.loads(html.split('id="burn-chart" type="application/json">')[1].split("</")[0])
    assert spec["series"][1]["values"][-1] == 100.0


def test_staff_filter_grants_under_their_idle_share_now(world: World, client: Client) -> None:
    pool = make_pool("h100")
    idle = make_grant(world.company, {(pool, _period()): 744.0}, project="안 쓰는 과제")
    busy = make_grant(world.other_company, {(pool, _period()): 1.0}, project="바쁜 과제")
    add_usage(busy, pool, 1.0, period=_period(), day=1)
    client.force_login(world.operator)
    html = client.get(reverse("compute:grant_list"), {"use": "under"}).content.decode()
    # the busy grant used all of its month; the other nothing
    assert ("안 쓰는 과제" in html, "바쁜 과제" in html) == (True, False)
    assert idle.pk != busy.pk
