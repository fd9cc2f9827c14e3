"""The review area's rows of the URL × role table (tests/test_url_access.py): reviewer pool
and profiles, conflicts, declarations, assignment runs and the board."""

from __future__ import annotations

from typing import Any

from bitgoeul.programs.enums import CallState, RunState, TieKind
from bitgoeul.programs.models import Assignment, AssignmentRun, Reviewer, ReviewerTie
from tests.conftest import World
from tests.programs.factories import ApplicationFactory, ReviewerFactory, StageFactory
from tests.test_url_access import Rule, everyone, only, signed_in


def _reviewer(w: World) -> Reviewer:
    return Reviewer.objects.filter(user=w.reviewer).first() or ReviewerFactory.create(
        user=w.reviewer
    )


def _reviewer_kwargs(w: World) -> dict[str, Any]:
    return {"reviewer_id": _reviewer(w).pk}


def _tie_kwargs(w: World) -> dict[str, Any]:
    tie = ReviewerTie.objects.create(reviewer=_reviewer(w), kind=TieKind.ADVISOR, name="기관")
    return {"reviewer_id": tie.reviewer_id, "tie_id": tie.pk}


def _run(w: World) -> AssignmentRun:
    # in review: runs are started, edited and deployed only then
    stage = StageFactory.create(reviewers_per_application=1, call__state=CallState.REVIEW)
    application = ApplicationFactory.create(call=stage.call)
    run = AssignmentRun.objects.create(
        stage=stage,
        policy="total",
        state=RunState.PROPOSED,
        created_by=w.operator,
        inputs={"applications": [application.pk], "reviewers": [_reviewer(w).pk]},
    )
    Assignment.objects.create(run=run, stage=stage, application=application, reviewer=_reviewer(w))
    return run


def _assignment_kwargs(w: World) -> dict[str, Any]:
    run = _run(w)
    run.state = RunState.DEPLOYED
    run.save(update_fields=["state"])
    assignment = Assignment.objects.get(run=run)
    assignment.active = True
    assignment.save(update_fields=["active"])
    return {"assignment_id": assignment.pk}


# pool managers: operator staff and association or chapter staff; a profile also its reviewer
MANAGERS = only({"operator": 200, "chapter_staff": 200}, otherwise=403)
EDITORS = only({"operator": 200, "chapter_staff": 200, "reviewer": 200}, otherwise=404)
EDITORS_POST = only({"operator": 302, "chapter_staff": 302, "reviewer": 302}, otherwise=404)
# staff of the call (its organiser is the operator in the factories)
CALL_STAFF = only({"operator": 200}, otherwise=403)

REVIEW_RULES: dict[str, Rule] = {
    "programs:reviewer_pool": Rule(MANAGERS),
    "programs:reviewer_edit": Rule(EDITORS, kwargs=_reviewer_kwargs),
    "programs:reviewer_tie_add": Rule(
        EDITORS_POST,
        method="post",
        kwargs=_reviewer_kwargs,
        data=lambda w: {"kind": "advisor", "name": "기관"},
    ),
    "programs:reviewer_tie_delete": Rule(EDITORS_POST, method="post", kwargs=_tie_kwargs),
    "programs:call_conflicts": Rule(
        CALL_STAFF, kwargs=lambda w: {"call_id": StageFactory.create().call_id}
    ),
    "programs:review_declarations": Rule(signed_in(200)),
    "programs:review_declare": Rule(
        only({"reviewer": 200}, otherwise=404), kwargs=_assignment_kwargs
    ),
    "programs:stage_assignment": Rule(
        CALL_STAFF, kwargs=lambda w: {"stage_id": StageFactory.create().pk}
    ),
    "programs:assignment_board": Rule(CALL_STAFF, kwargs=lambda w: {"run_id": _run(w).pk}),
    "programs:assignment_edit": Rule(
        only({"operator": 302}, otherwise=403),
        method="post",
        kwargs=lambda w: {"run_id": _run(w).pk},
        data=lambda w: {"action": "remove", "assignment": Assignment.objects.get().pk},
    ),
    "programs:assignment_deploy": Rule(
        only({"operator": 302}, otherwise=403),
        method="post",
        kwargs=lambda w: {"run_id": _run(w).pk},
    ),
    # API (anonymous callers get 401)
    "api-1:review_assignment_list": Rule(everyone(200, anonymous=401)),
    "api-1:review_declaration": Rule(
        everyone(404, reviewer=200, anonymous=401),
        method="post",
        json=True,
        kwargs=_assignment_kwargs,
        data=lambda w: {"conflict": False},
    ),
    "api-1:assignment_run_create": Rule(
        everyone(403, operator=202, anonymous=401),
        method="post",
        json=True,
        kwargs=lambda w: {"stage_id": StageFactory.create(call__state=CallState.REVIEW).pk},
        data=lambda w: {"policy": "total", "min_load": 0, "max_load": 5},
    ),
    "api-1:assignment_run_detail": Rule(
        everyone(403, operator=200, anonymous=401), kwargs=lambda w: {"run_id": _run(w).pk}
    ),
    "api-1:assignment_run_deploy_op": Rule(
        everyone(403, operator=200, anonymous=401),
        method="post",
        json=True,
        kwargs=lambda w: {"run_id": _run(w).pk},
    ),
}
