"""A round end to end: encode → solve (the compute.solve job) → decode → grants, notices."""

from __future__ import annotations

from typing import Any

import pytest

from bitgoeul.audit.models import AuditEvent
from bitgoeul.compute.enums import RequestState, RoundState, RunStatus
from bitgoeul.compute.models import Grant, GrantPart, SolveRun
from bitgoeul.compute.services.rounds import (
    RunError,
    round_problem,
    round_set_state,
    run_approve,
    run_start,
)
from bitgoeul.jobs.enums import JobStatus
from bitgoeul.notifications.models import Notification
from tests.compute.rounds_helpers import make_request, make_round, pool
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _run(world: World, rnd: Any, capture: Any, settings: dict[str, Any] | None = None) -> SolveRun:
    with capture(execute=True):
        run = run_start(actor=world.operator, rnd=rnd, settings=settings)
    return SolveRun.objects.get(pk=run.pk)


def test_round_problem_is_the_contract_input(world: World) -> None:
    h100 = pool("h100", gpus=2)
    rnd = make_round(world.operator, [h100], periods=["2027-01"], company_cap=0.5)
    request = make_request(world.owner, world.company, rnd, [h100], gpus=1, minimum_gpu_hours=100)
    problem = round_problem(rnd)
    assert problem == {
        "policy": "priority",
        "periods": ["2027-01"],
        "pools": [{"id": "h100", "capacity": {"2027-01": 1488.0}}],
        "requests": [
            {
                "id": str(request.pk),
                "company": str(world.company.pk),
                "groups": [f"chapter:{world.chapter.pk}"],
                "weight": 16.0,  # 1 + 0.3 × 50 (unscored company), no award, priority 0
                "demand": 744.0,
                "minimum": 100.0,
                "pools": ["h100"],
                "periods": ["2027-01"],
            }
        ],
        "company_cap": 0.5,
    }


def test_round_solved_approved_writes_grants_and_notifies(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # one H100 for January (744 GPU-hours): the higher-priority request gets it all
    h100 = pool("h100", gpus=1)
    rnd = make_round(world.operator, [h100], periods=["2027-01"])
    mine = make_request(world.owner, world.company, rnd, [h100], gpus=1)
    theirs = make_request(world.outsider, world.other_company, rnd, [h100], gpus=1)
    from bitgoeul.compute.services.requests import request_set_priority

    request_set_priority(actor=world.operator, request=mine, priority=10)
    run = _run(world, rnd, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE
    assert run.job is not None and run.job.status == JobStatus.SUCCEEDED
    assert run.problem["requests"][0]["weight"] == 36.0  # 1 + 15 + 0.2 × 100
    assert [(g["request"], g["granted"], g["reason"]) for g in run.result["grants"]] == [
        (str(mine.pk), 744.0, "full"),
        (str(theirs.pk), 0.0, "capacity"),
    ]
    with pytest.raises(RunError):  # still open for requests
        run_approve(actor=world.operator, run=run)
    round_set_state(actor=world.operator, rnd=rnd, state=RoundState.CLOSED)
    run_approve(actor=world.operator, run=run)
    rnd.refresh_from_db()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (rnd.state, rnd.approved_run_id) == (RoundState.APPROVED, run.pk)
    assert (mine.state, mine.reason, theirs.state, theirs.reason) == (
        RequestState.GRANTED,
        "full",
        RequestState.DECLINED,
        "capacity",
    )
    grant = Grant.objects.get()
    assert (grant.request_id, grant.gpu_hours, grant.account, grant.run_id) == (
        mine.pk,
        744.0,
        f"co-{world.company.brn}",
        run.pk,
    )
    assert list(GrantPart.objects.values_list("pool__model", "period", "gpu_hours")) == [
        ("h100", "2027-01", 744.0)
    ]
    approval = AuditEvent.objects.get(action="compute.round_approve")
    assert approval.after is not None
    assert approval.after["run"] == run.pk and len(approval.after["problem_sha256"]) == 64
    notices = sorted(
        Notification.objects.filter(kind="compute.round_decided").values_list(
            "recipient_id", "object_id", "params"
        )
    )
    one, none = (
        {"granted": 1, "requests": 1, "gpu_hours": "744"},
        {
            "granted": 0,
            "requests": 1,
            "gpu_hours": "0",
        },
    )
    assert notices == sorted(
        [
            (world.owner.pk, str(rnd.pk), one),
            (world.teammate.pk, str(rnd.pk), one),
            (world.outsider.pk, str(rnd.pk), none),
        ]
    )


def test_a_run_with_less_capacity_grants_less_and_approval_refuses_an_oversold_run(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    h100 = pool("h100", gpus=2)
    rnd = make_round(world.operator, [h100], periods=["2027-01"])
    make_request(world.owner, world.company, rnd, [h100], gpus=2)
    capture = django_capture_on_commit_callbacks
    lower = _run(world, rnd, capture, {"capacity": {"h100": {"2027-01": 500}}})
    assert lower.problem["pools"] == [{"id": "h100", "capacity": {"2027-01": 500.0}}]
    assert lower.result["grants"][0]["granted"] == 500.0
    higher = _run(world, rnd, capture, {"capacity": {"h100": {"2027-01": 5000}}})
    assert higher.result["grants"][0]["granted"] == 1488.0
    round_set_state(actor=world.operator, rnd=rnd, state=RoundState.CLOSED)
    pool_row = h100
    pool_row.gpus = 1
    pool_row.save()
    with pytest.raises(RunError):  # the pool shrank since: 1,488 > 744
        run_approve(actor=world.operator, run=higher)
    run_approve(actor=world.operator, run=lower)
    assert Grant.objects.get().gpu_hours == 500.0
