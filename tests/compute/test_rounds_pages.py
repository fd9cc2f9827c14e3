"""The rounds pages and API per role: what each role receives of a decided round, a request,
a run; the menu item."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bitgoeul.compute.access import REQUEST_FIELDS
from bitgoeul.compute.enums import RoundState
from bitgoeul.compute.models import ComputeRequest, SolveRun
from bitgoeul.compute.navigation import nav_items
from bitgoeul.compute.services.requests import request_set_priority
from bitgoeul.compute.services.rounds import round_set_state, run_approve, run_start
from bitgoeul.core.visibility import ViewLevel
from tests.compute.rounds_helpers import make_request, make_round, pool
from tests.conftest import ROLES, World

pytestmark = pytest.mark.django_db

SECRET = "비공개 데이터 보안 요구"


def _decided(world: World, capture: Any) -> tuple[ComputeRequest, SolveRun]:
    h100 = pool("h100", gpus=1)
    rnd = make_round(world.operator, [h100], periods=["2027-01"])
    mine = make_request(
        world.owner, world.company, rnd, [h100], gpus=1, security_needs=SECRET, project="판독 AI"
    )
    make_request(world.outsider, world.other_company, rnd, [h100], gpus=2, project="물류 로봇")
    request_set_priority(actor=world.operator, request=mine, priority=9)
    with capture(execute=True):
        run = run_start(actor=world.operator, rnd=rnd)
    round_set_state(actor=world.operator, rnd=rnd, state=RoundState.CLOSED)
    run = SolveRun.objects.get(pk=run.pk)
    run_approve(actor=world.operator, run=run)
    return mine, run


def test_decided_round_page_shows_grants_publicly_and_nothing_private(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    mine, run = _decided(world, django_capture_on_commit_callbacks)
    page = client.get(reverse("compute:round", args=[mine.round_id])).content.decode()
    assert "판독 AI" in page and "물류 로봇" in page and "gpu-pool-chart" in page
    assert SECRET not in page and reverse("compute:run", args=[run.pk]) not in page
    client.force_login(world.operator)
    staff_page = client.get(reverse("compute:round", args=[mine.round_id])).content.decode()
    assert reverse("compute:run", args=[run.pk]) in staff_page


@pytest.mark.parametrize(
    ("role", "sees_secret", "sees_account"),
    [
        ("owner", True, True),
        ("operator", True, True),
        ("chapter_staff", False, False),
        ("outsider", False, False),
        ("reviewer", False, False),
    ],
)
def test_request_page_and_api_show_each_role_its_fields(
    world: World,
    client: Client,
    django_capture_on_commit_callbacks: Any,
    role: str,
    sees_secret: bool,
    sees_account: bool,
) -> None:
    mine, _ = _decided(world, django_capture_on_commit_callbacks)
    client.force_login(getattr(world, role))
    page = client.get(reverse("compute:request", args=[mine.pk])).content.decode()
    account = f"co-{world.company.brn}"
    assert (SECRET in page, account in page) == (sees_secret, sees_account)
    body = json.loads(client.get(f"/api/v1/compute/rounds/{mine.round_id}").content)
    row = next(g for g in body["grants"] if g["id"] == mine.pk)
    assert (row["project"], row["granted_gpu_hours"], row["reason"]) == ("판독 AI", 744.0, "full")
    assert (row["security_needs"] == SECRET, row["account"] == account) == (
        sees_secret,
        sees_account,
    )
    # state and parts are a record: the chapter's staff see them, the public does not
    assert (row["state"] is not None) == (role in ("owner", "operator", "chapter_staff"))
    grants = json.loads(client.get("/api/v1/compute/grants").content)
    assert [g["request"] for g in grants if g["request"] == mine.pk] == [mine.pk]


def test_run_page_words_reasons_and_shadow_prices(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    mine, run = _decided(world, django_capture_on_commit_callbacks)
    client.force_login(world.operator)
    client.cookies["django_language"] = "en"
    request_page = client.get(reverse("compute:request", args=[mine.pk])).content.decode()
    assert "Granted in full: 744 GPU-hours." in request_page
    text = client.get(reverse("compute:run", args=[run.pk])).content.decode()
    assert "Granted in full: 744 GPU-hours." in text
    assert "Not granted: its GPU models were full in its months" in text
    assert "Shadow price" in text
    client.cookies["django_language"] = "ko"
    korean = client.get(reverse("compute:run", args=[run.pk])).content.decode()
    assert "신청량 전부인 744 GPU 시간을 배정했습니다." in korean


def test_requests_api_lists_only_what_the_viewer_may_see(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    mine, _ = _decided(world, django_capture_on_commit_callbacks)
    client.force_login(world.owner)
    ids = [row["id"] for row in json.loads(client.get("/api/v1/compute/requests").content)]
    assert ids == [mine.pk]
    client.force_login(world.reviewer)
    assert json.loads(client.get("/api/v1/compute/requests").content) == []


def test_menu_has_one_gpu_item_for_members_and_staff(
    world: World, django_assert_num_queries: Any
) -> None:
    home = reverse("compute:home")
    for role, expected in (("owner", True), ("operator", True), ("reviewer", False)):
        user = getattr(world, role)
        from bitgoeul.accounts.access import membership_rows

        membership_rows(user)  # the request holds them already when the menu is drawn
        with django_assert_num_queries(0):
            items = nav_items(user)
        assert (("GPU", home) in items) == expected


EXPECTED_LEVEL = {
    "anonymous": ViewLevel.PUBLIC,
    "owner": ViewLevel.PRIVATE,
    "teammate": ViewLevel.PRIVATE,
    "outsider": ViewLevel.PUBLIC,  # the other company's member: my request as the public sees it
    "chapter_staff": ViewLevel.RECORD,
    "reviewer": ViewLevel.PUBLIC,
    "operator": ViewLevel.PRIVATE,
}


@pytest.mark.parametrize("role", ROLES)
def test_round_api_gives_each_role_exactly_the_request_fields_its_level_shows(
    world: World, client: Client, django_capture_on_commit_callbacks: Any, role: str
) -> None:
    mine, _ = _decided(world, django_capture_on_commit_callbacks)
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    body = json.loads(client.get(f"/api/v1/compute/rounds/{mine.round_id}").content)
    row = next(g for g in body["grants"] if g["id"] == mine.pk)
    level = EXPECTED_LEVEL[role]
    shown = {name for name, value in row.items() if value is not None} - {"id", "round"}
    expected = {
        name for name in row if name in REQUEST_FIELDS.minimum and REQUEST_FIELDS.shows(name, level)
    }
    # award is null when no award is linked, whoever asks
    assert shown == expected - {"award"}


def test_staff_home_shows_this_months_pools_rounds_and_unmatched_accounts(
    world: World, client: Client, django_assert_max_num_queries: Any
) -> None:
    """The operator's GPU home: each pool's deliverable, granted and used GPU-hours of this
    month, the rounds with their requests, and the ledger's accounts without a grant; in a
    bounded number of queries whatever the number of grants and lines."""
    from bitgoeul.compute.models import UsageEntry
    from bitgoeul.compute.periods import period_hours
    from bitgoeul.compute.selectors_rounds import current_period
    from tests.compute.factories import add_usage, make_grant

    month = current_period()
    h100 = pool("h100", gpus=1)
    rnd = make_round(world.operator, [h100], periods=["2027-01"], name="2027년 1월 차수")
    make_request(world.owner, world.company, rnd, [h100], gpus=1, periods=["2027-01"])
    grant = make_grant(world.company, {(h100, month): 100.0})
    add_usage(grant, h100, 25.0, period=month, source="sacct")
    stray = add_usage(grant, h100, 5.0, period=month, source="sacct")
    UsageEntry.objects.filter(pk=stray.pk).update(grant=None, account="lab-x")
    client.force_login(world.operator)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("compute:home")).content.decode()
    assert "2027년 1월 차수" in page and "744" in page  # the round's GPU-hours requested
    deliverable = period_hours(month)  # one GPU
    assert f'100 <span class="muted">({round(100 * 100 / deliverable)}%)' in page
    # used so far: the grant's 25 and the unmatched account's 5
    assert f'30 <span class="muted">({round(100 * 30 / deliverable)}%)' in page
    assert "연결되지 않은 계정 1개" in page
    client.force_login(world.owner)
    member_page = client.get(reverse("compute:home")).content.decode()
    assert "pool-month" not in member_page and "lab-x" not in member_page
