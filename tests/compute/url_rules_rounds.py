"""The rounds area's rows of the URL × role table (tests/test_url_access.py).

The compute home is for company members and compute staff; rounds open for requests and decided
rounds are public, drafts are staff only (404 to others); a request is seen privately by its
company's members and staff, by its chapter's staff as a record, by anyone once its round is
decided, and by no one else (404). Staff-only acts answer 403 to everyone else."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bitgoeul.compute.enums import RoundState
from bitgoeul.compute.models import ComputeRequest, Round, SolveRun
from tests.compute.rounds_helpers import company, make_request, make_round, pool, request_data
from tests.conftest import World
from tests.test_url_access import Rule, everyone, only


def _round(w: World, state: str = RoundState.OPEN) -> Round:
    with transaction.atomic():
        return make_round(w.operator, [pool()], state=state)


def _round_id(state: str = RoundState.OPEN) -> Any:
    return lambda w: {"round_id": _round(w, state).pk}


def _request(w: World, submit: bool = False) -> ComputeRequest:
    rnd = _round(w)
    with transaction.atomic():
        return make_request(w.owner, w.company, rnd, [pool()], submit=submit)


def _request_id(submit: bool = False) -> Any:
    return lambda w: {"request_id": _request(w, submit).pk}


def _run(w: World) -> SolveRun:
    rnd = _round(w)
    number = rnd.runs.count() + 1
    return SolveRun.objects.create(round=rnd, number=number, status="done")


def _run_id(w: World) -> dict[str, Any]:
    return {"run_id": _run(w).pk}


def _compare(w: World) -> dict[str, Any]:
    run = SolveRun.objects.get()
    return {"with": SolveRun.objects.create(round=run.round, number=2, status="done").pk}


MEMBERS_AND_STAFF = only(
    {"owner": 200, "teammate": 200, "outsider": 200, "operator": 200}, otherwise=403
)
STAFF_PAGE = only({"operator": 200}, otherwise=403)
STAFF_ACT = only({"operator": 302}, otherwise=403)
PRIVATE = only(
    {"owner": 200, "teammate": 200, "operator": 200, "chapter_staff": 200}, otherwise=404
)
COMPANY_ACT = only({"owner": 302, "teammate": 302, "operator": 403}, otherwise=404)

RULES: dict[str, Rule] = {
    "compute:home": Rule(MEMBERS_AND_STAFF),
    "compute:rounds": Rule(everyone(200)),
    "compute:round_new": Rule(STAFF_PAGE),
    "compute:round": Rule(everyone(200), kwargs=_round_id()),
    "compute:round_edit": Rule(STAFF_PAGE, kwargs=_round_id()),
    "compute:round_state": Rule(
        STAFF_ACT, method="post", kwargs=_round_id(), data=lambda w: {"state": "closed"}
    ),
    "compute:run_start": Rule(STAFF_ACT, method="post", kwargs=_round_id()),
    "compute:run": Rule(STAFF_PAGE, kwargs=_run_id),
    "compute:run_compare": Rule(STAFF_PAGE, kwargs=_run_id, data=_compare),
    "compute:run_approve": Rule(STAFF_ACT, method="post", kwargs=_run_id),
    "compute:request_new": Rule(MEMBERS_AND_STAFF | {"operator": 403}),
    "compute:request": Rule(PRIVATE, kwargs=_request_id()),
    "compute:request_edit": Rule(
        only({"owner": 200, "teammate": 200, "operator": 403, "chapter_staff": 403}, otherwise=404),
        kwargs=_request_id(),
    ),
    "compute:request_submit": Rule(
        COMPANY_ACT | {"chapter_staff": 403}, method="post", kwargs=_request_id()
    ),
    "compute:request_withdraw": Rule(
        COMPANY_ACT | {"chapter_staff": 403}, method="post", kwargs=_request_id()
    ),
    "compute:request_priority": Rule(
        STAFF_ACT, method="post", kwargs=_request_id(True), data=lambda w: {"staff_priority": 5}
    ),
    "api-1:compute_rounds": Rule(everyone(200)),
    "api-1:compute_round": Rule(everyone(200), kwargs=_round_id()),
    "api-1:compute_requests": Rule(everyone(200, anonymous=401)),
    "api-1:compute_request_create": Rule(
        {
            **only({"owner": 201, "teammate": 201}, otherwise=403),
            "anonymous": 401,
        },
        method="post",
        json=True,
        data=lambda w: {
            **request_data(),
            "company": company(w.company).pk,
            "round": _round(w).pk,
            "pools": ["h100"],
        },
    ),
    "api-1:compute_grants": Rule(everyone(200, anonymous=401)),
}
