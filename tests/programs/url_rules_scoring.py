"""The scoring area's rows of the URL × role table (tests/test_url_access.py): reviewer pages,
the score table and its export, selection runs and the applicant's result."""

from __future__ import annotations

from typing import Any

from bitgoeul.programs.enums import ApplicationState, RunState
from bitgoeul.programs.models import SelectionDecision, SelectionRun
from tests.conftest import World
from tests.programs.scoring_setup import scene
from tests.test_url_access import LOGIN, Rule, only, signed_in


def _assignment(w: World) -> dict[str, Any]:
    return {"assignment_id": scene(w)["assignment"].pk}


def _file(w: World) -> dict[str, Any]:
    made = scene(w)
    return {"assignment_id": made["assignment"].pk, "file_id": made["file"].pk}


def _review(w: World) -> dict[str, Any]:
    return {"review_id": scene(w)["review"].pk}


def _call(w: World) -> dict[str, Any]:
    return {"call_id": scene(w)["call"].pk}


def _run(w: World) -> dict[str, Any]:
    made = scene(w)
    application = made["application"]
    candidate = {"id": str(application.pk), "score": 70.0, "amount": 10_000_000, "groups": []}
    run = SelectionRun.objects.create(
        call=made["call"],
        policy="rank",
        budget=100_000_000,
        state=RunState.PROPOSED,
        inputs={"candidates": [candidate], "budget": 100_000_000, "policy": "rank"},
    )
    SelectionDecision.objects.create(
        run=run,
        application=application,
        selected=True,
        reason="selected",
        score=70.0,
        amount=10_000_000,
        rank=1,
    )
    return {"run_id": run.pk}


def _result(w: World) -> dict[str, Any]:
    return {"application_id": scene(w, state=ApplicationState.NOT_SELECTED)["application"].pk}


CALL_STAFF = only({"operator": 200}, otherwise=403)
CALL_STAFF_POST = only({"operator": 302}, otherwise=403)
REVIEWER_ONLY = only({"reviewer": 200}, otherwise=404)

SCORING_RULES: dict[str, Rule] = {
    "programs:my_reviews": Rule(signed_in(200)),
    "programs:review_score": Rule(REVIEWER_ONLY, kwargs=_assignment),
    "programs:review_file": Rule(REVIEWER_ONLY, kwargs=_file),
    "programs:review_reopen": Rule(CALL_STAFF_POST, method="post", kwargs=_review),
    "programs:score_table": Rule(CALL_STAFF, kwargs=_call),
    "programs:score_table_export": Rule(CALL_STAFF, kwargs=_call),
    "programs:selection": Rule(CALL_STAFF, kwargs=_call),
    "programs:selection_run": Rule(CALL_STAFF, kwargs=_run),
    "programs:selection_rerun": Rule(CALL_STAFF_POST, method="post", kwargs=_run),
    "programs:selection_approve": Rule(CALL_STAFF_POST, method="post", kwargs=_run),
    "programs:application_result": Rule(
        only({"owner": 200, "teammate": 200}, otherwise=404), kwargs=_result
    ),
}
assert LOGIN  # the anonymous answer of `only`/`signed_in` rows above

API_STAFF = {**only({"operator": 200}, otherwise=403), "anonymous": 401}
SCORING_RULES.update(
    {
        "api-1:programs_score_table": Rule(API_STAFF, kwargs=_call),
        "api-1:programs_selection_run": Rule(API_STAFF, kwargs=_run),
        "api-1:programs_selection_start": Rule(
            {**API_STAFF, "operator": 202},
            method="post",
            kwargs=_call,
            data=lambda w: {"policy": "rank", "score_basis": "mean"},
            json=True,
        ),
        "api-1:programs_selection_approve": Rule(API_STAFF, method="post", kwargs=_run),
        "api-1:programs_review_reopen": Rule(
            {**API_STAFF, "operator": 204},
            method="post",
            kwargs=_review,
            data=lambda w: {"note": "다시 봐 주세요"},
            json=True,
        ),
    }
)
