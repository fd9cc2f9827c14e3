"""Rolling requests: small ones granted at once within the quota and free capacity; others wait
with their reason; two at once never oversell a pool (threads)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import pytest
from django.db import OperationalError, close_old_connections, connections

from bitgoeul.compute.enums import RequestState
from bitgoeul.compute.models import ComputeRequest, Grant, GrantPart
from bitgoeul.compute.services.requests import request_submit
from tests.compute.rounds_helpers import company, make_request, pool, this_month
from tests.conftest import World
from tests.factories import CompanyFactory, MembershipFactory


@pytest.mark.django_db
def test_small_request_is_granted_at_once_and_the_quota_then_makes_the_next_wait(
    world: World,
) -> None:
    t4 = pool("t4", gpus=100)
    month = this_month()
    first = make_request(world.owner, world.company, None, [t4], gpus=3, periods=[month])
    assert (first.state, first.reason) == (RequestState.GRANTED, "")
    grant = Grant.objects.get(request=first)
    assert (grant.round_id, grant.account, grant.gpu_hours) == (
        None,
        f"co-{world.company.brn}",
        first.demand_gpu_hours,
    )
    # 3 GPUs for the month are granted; 2 more would pass 4 GPUs' worth (the quota)
    second = make_request(world.owner, world.company, None, [t4], gpus=2, periods=[month])
    assert (second.state, second.reason) == (RequestState.WAITING, "quota")
    big = make_request(world.owner, world.company, None, [t4], gpus=5, periods=[month])
    assert (big.state, big.reason) == (RequestState.WAITING, "too_large")


@pytest.mark.django_db
def test_rolling_request_waits_when_its_pools_are_full(world: World) -> None:
    t4 = pool("t4", gpus=1)
    month = this_month()
    make_request(world.owner, world.company, None, [t4], gpus=1, periods=[month])
    other = make_request(world.outsider, world.other_company, None, [t4], gpus=1, periods=[month])
    assert (other.state, other.reason) == (RequestState.WAITING, "no_capacity")


THREADS = 12


@pytest.mark.django_db(transaction=True)
def test_rolling_requests_at_once_never_oversell_a_pool() -> None:
    # 3 GPUs: three one-GPU requests fit, the other nine must wait
    t4 = pool("t4", gpus=3)
    month = this_month()
    drafts = []
    for _ in range(THREADS):
        org = CompanyFactory.create()
        user = MembershipFactory.create(organization=org).user
        drafts.append(
            (user, make_request(user, org, None, [t4], submit=False, gpus=1, periods=[month]))
        )
        company(org)
    barrier = Barrier(THREADS)

    def attempt(n: int) -> str:
        close_old_connections()
        user, draft = drafts[n]
        try:
            barrier.wait()
            for _ in range(2000):
                try:
                    return str(request_submit(actor=user, request=draft).state)
                except OperationalError as error:  # SQLite: "locked" instead of waiting
                    if "locked" not in str(error):
                        raise
                    time.sleep(0.005)
            return "gave up"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as executor:
        outcomes: list[Any] = list(executor.map(attempt, range(THREADS)))
    assert (outcomes.count("granted"), outcomes.count("waiting")) == (3, THREADS - 3)
    assert sum(GrantPart.objects.values_list("gpu_hours", flat=True)) <= 3 * 24 * 31
    assert ComputeRequest.objects.filter(state=RequestState.GRANTED).count() == 3
