"""Request validation (each message says what to fix), submission, withdrawal, priority."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from bitgoeul.compute.enums import RequestState, RoundState
from bitgoeul.compute.services.requests import (
    IllegalTransition,
    request_create,
    request_set_priority,
    request_submit,
    request_withdraw,
)
from bitgoeul.compute.services.rounds import round_set_state
from tests.compute.rounds_helpers import company, make_request, make_round, pool, request_data
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def _errors(world: World, rnd: Any, pools: list[Any], org: Any = None, **fields: Any) -> Any:
    with pytest.raises(ValidationError) as caught:
        request_create(
            actor=world.owner,
            company=company(org or world.company),
            rnd=rnd,
            data=request_data(**fields),
            pools=pools,
        )
    return caught.value.message_dict


def test_demand_is_gpus_times_the_hours_of_its_months(world: World) -> None:
    h100 = pool()
    rnd = make_round(world.operator, [h100])
    request = make_request(
        world.owner, world.company, rnd, [h100], gpus=3, periods=["2027-01", "2027-02"]
    )
    assert (request.demand_gpu_hours, request.state) == (3 * (744 + 672), RequestState.SUBMITTED)


def test_each_rule_says_what_to_fix(world: World) -> None:
    h100, a100 = pool("h100"), pool("a100")
    rnd = make_round(world.operator, [h100])
    assert _errors(world, rnd, [a100]) == {"pools": ["Choose only GPU models this round offers."]}
    assert _errors(world, rnd, [h100], periods=["2027-05"]) == {
        "periods": ["Choose only months inside the round (2027-01, 2027-02)."]
    }
    assert _errors(world, rnd, [h100], periods=[]) == {"periods": ["Choose at least one month."]}
    assert _errors(world, rnd, [], periods=["2027-01"]) == {
        "pools": ["Choose at least one GPU model."]
    }
    assert _errors(world, rnd, [h100], gpus=1, minimum_gpu_hours=800) == {
        "minimum_gpu_hours": [
            "The minimum cannot exceed what you request (744 GPU-hours): lower it, or ask for "
            "more GPUs or months."
        ]
    }


def test_eligibility_by_chapter_and_company_age(world: World) -> None:
    h100 = pool()
    chapters_only = make_round(world.operator, [h100], chapters=[world.other_chapter])
    assert _errors(world, chapters_only, [h100]) == {
        "__all__": [
            "This round is open only to companies of certain chapters, and your company's "
            "chapter is not one of them."
        ]
    }
    young_only = make_round(world.operator, [h100], max_company_age_years=7)
    assert _errors(world, young_only, [h100]) == {
        "__all__": [
            "This round is for companies founded at most 7 years ago: add your company's "
            "founding date to its profile first."
        ]
    }
    record = company(world.company)
    record.founded_on = timezone.localdate() - dt.timedelta(days=365 * 10)
    record.save(update_fields=["founded_on"])
    assert _errors(world, young_only, [h100]) == {
        "__all__": [
            "This round is for companies founded at most 7 years ago; your company is older."
        ]
    }


def test_submission_needs_the_window_open(world: World) -> None:
    h100 = pool()
    later = make_round(world.operator, [h100], opens_at=timezone.now() + dt.timedelta(days=2))
    draft = make_request(world.owner, world.company, later, [h100], submit=False)
    with pytest.raises(ValidationError) as caught:
        request_submit(actor=world.owner, request=draft)
    assert caught.value.messages[0].startswith("This round takes requests from ")
    closed = make_round(world.operator, [h100])
    draft = make_request(world.owner, world.company, closed, [h100], submit=False)
    round_set_state(actor=world.operator, rnd=closed, state=RoundState.CLOSED)
    with pytest.raises(ValidationError) as caught:
        request_submit(actor=world.owner, request=draft)
    assert caught.value.messages == ["This round does not take requests now."]


def test_withdraw_and_priority(world: World) -> None:
    h100 = pool()
    rnd = make_round(world.operator, [h100])
    request = make_request(world.owner, world.company, rnd, [h100])
    request = request_set_priority(actor=world.operator, request=request, priority=8)
    assert request.staff_priority == 8
    with pytest.raises(ValidationError):
        request_set_priority(actor=world.operator, request=request, priority=11)
    request = request_withdraw(actor=world.owner, request=request)
    assert request.state == RequestState.WITHDRAWN
    with pytest.raises(IllegalTransition):
        request_withdraw(actor=world.owner, request=request)
