"""API operations of the programs app: reviewers' conflict declarations and assignment runs.

Reviewers: `GET /review/assignments` (their active assignments, the applicant named only where
`access.application_fields` allows it: never in a blind call), `POST /review/assignments/{id}/
declaration`. Staff of the call: `POST /stages/{id}/assignment-runs` (starts the background
job), `GET /assignment-runs/{id}`, `POST /assignment-runs/{id}/deploy`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Schema, Status
from ninja.errors import HttpError

from bitgoeul.programs import access
from bitgoeul.programs.api.base import router
from bitgoeul.programs.enums import RunState
from bitgoeul.programs.selectors import reviewer_open_assignments
from bitgoeul.programs.services.assignment import (
    RunError,
    assignment_run_deploy,
    assignment_run_start,
    run_message,
    run_warnings,
)
from bitgoeul.programs.services.conflicts import AlreadyDeclared, conflict_declare


class ReviewAssignmentOut(Schema):
    id: int
    application: int
    title: str
    applicant: str | None  # None where the caller may not see the applicant (blind calls)
    call: str
    stage: str
    due: dt.datetime | None
    no_conflict_declared_at: dt.datetime | None


class DeclarationIn(Schema):
    conflict: bool
    note: str = ""


class DeclarationOut(Schema):
    assignment: int
    conflict: bool
    active: bool


class RunIn(Schema):
    policy: str = "total"
    min_load: int = 0
    max_load: int = 10


class RunOut(Schema):
    id: int
    stage: int
    policy: str
    min_load: int
    max_load: int
    state: str
    job: str | None
    assignments: int | None
    total_affinity: float | None
    message: str
    warnings: int


def _user(request: HttpRequest) -> Any:
    return request.user


@router.get(
    "/review/assignments",
    response=list[ReviewAssignmentOut],
    summary="My assigned applications, with my conflict-of-interest declarations",
)
def review_assignment_list(request: HttpRequest) -> list[dict[str, Any]]:
    user = _user(request)
    out = []
    for assignment in reviewer_open_assignments(user)[:500]:
        application = assignment.application
        shown = access.reviewer_row_fields(application)
        out.append(
            {
                "id": assignment.pk,
                "application": application.pk,
                "title": application.title,
                "applicant": application.company.organization.name if "identity" in shown else None,
                "call": application.call.title,
                "stage": assignment.stage.name,
                "due": assignment.stage.review_due_at,
                "no_conflict_declared_at": assignment.no_conflict_declared_at,
            }
        )
    return out


@router.post(
    "/review/assignments/{assignment_id}/declaration",
    response=DeclarationOut,
    summary="Declare whether I have a conflict of interest with an assigned application",
)
def review_declaration(
    request: HttpRequest, assignment_id: int, payload: DeclarationIn
) -> dict[str, Any]:
    assignment = access.assignment_for_reviewer(_user(request), assignment_id)
    if payload.conflict and not payload.note.strip():
        raise HttpError(422, "note: say briefly what the conflict is")
    try:
        conflict_declare(
            assignment=assignment,
            actor=_user(request),
            conflict=payload.conflict,
            note=payload.note,
        )
    except AlreadyDeclared:
        raise HttpError(409, "already declared on this assignment") from None
    return {"assignment": assignment.pk, "conflict": payload.conflict, "active": assignment.active}


def _run_out(run: Any) -> dict[str, Any]:
    return {
        "id": run.pk,
        "stage": run.stage_id,
        "policy": run.policy,
        "min_load": run.min_load,
        "max_load": run.max_load,
        "state": run.state,
        "job": str(run.job_id) if run.job_id else None,
        "assignments": run.result.get("assignments"),
        "total_affinity": run.result.get("total_affinity"),
        "message": run_message(run) if run.state == RunState.FAILED else "",
        "warnings": len(run_warnings(run)) if run.state == RunState.PROPOSED else 0,
    }


@router.post(
    "/stages/{stage_id}/assignment-runs",
    response={202: RunOut},
    summary="Start a reviewer assignment run for a stage (a background job)",
)
def assignment_run_create(
    request: HttpRequest, stage_id: int, payload: RunIn
) -> Status[dict[str, Any]]:
    stage = access.stage_for_staff(_user(request), stage_id)
    try:
        run = assignment_run_start(
            stage=stage,
            actor=_user(request),
            policy=payload.policy,
            min_load=payload.min_load,
            max_load=payload.max_load,
        )
    except RunError as exc:
        raise HttpError(422, str(exc)) from None
    return Status(202, _run_out(run))


@router.get(
    "/assignment-runs/{run_id}", response=RunOut, summary="An assignment run and its outcome"
)
def assignment_run_detail(request: HttpRequest, run_id: int) -> dict[str, Any]:
    return _run_out(access.assignment_run_for_staff(_user(request), run_id))


@router.post(
    "/assignment-runs/{run_id}/deploy",
    response=RunOut,
    summary="Deploy a proposal: activate it and notify the reviewers",
)
def assignment_run_deploy_op(request: HttpRequest, run_id: int) -> dict[str, Any]:
    run = access.assignment_run_for_staff(_user(request), run_id)
    try:
        assignment_run_deploy(run=run, actor=_user(request))
    except RunError as exc:
        raise HttpError(409, str(exc)) from None
    return _run_out(run)
