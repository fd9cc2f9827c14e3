"""API operations of the programs app: reviews, the score table and selection runs (staff of the
call). Reads take any token; writes need a write token (`TokenAuth`), as everywhere."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Schema, Status
from ninja.errors import HttpError

from bitgoeul.programs import access
from bitgoeul.programs.api.base import router
from bitgoeul.programs.models import SelectionRun
from bitgoeul.programs.selectors import score_table, scoring_stage
from bitgoeul.programs.services.reviews import ReviewError, review_reopen
from bitgoeul.programs.services.selection import (
    SelectionError,
    SelectionSettings,
    selection_approve,
    selection_start,
)


class ReviewerTotalOut(Schema):
    reviewer: str
    reviewer_id: int
    review_id: int | None
    state: str
    total: float | None
    not_applicable: int


class ScoreRowOut(Schema):
    application: int
    company: str
    title: str
    reviews: list[ReviewerTotalOut]
    count: int
    mean: float | None
    trimmed: float | None
    calibrated: float | None
    spread: float | None
    disagreement: bool
    not_applicable: int


class ScoreTableOut(Schema):
    call: int
    stage: int | None
    rows: list[ScoreRowOut]


class DecisionOut(Schema):
    application: int
    rank: int
    score: float
    amount: int
    selected: bool
    reason: str
    note: str


class SelectionRunOut(Schema):
    id: int
    call: int
    state: str
    policy: str
    budget: int
    score_basis: str
    seed: int
    lottery_band: float | None
    inputs_sha256: str
    decisions: list[DecisionOut]


class SelectionRunIn(Schema):
    policy: str = "rank"
    budget: int | None = None
    score_basis: str = "calibrated"
    floor_kind: str = ""
    floors: dict[str, float] = {}
    lottery_band: float | None = None
    seed: int = 0


class ReopenIn(Schema):
    note: str = ""


@router.get("/calls/{call_id}/scores", response=ScoreTableOut, url_name="programs_score_table")
def api_score_table(request: HttpRequest, call_id: int) -> dict[str, Any]:
    """Each application's reviewer totals (with names: staff only), mean, trimmed mean,
    calibrated score, spread and disagreement flag, for the call's scoring stage."""
    call = access.call_for_staff(request.user, call_id)
    stage = scoring_stage(call)
    rows = score_table(stage) if stage else []
    return {
        "call": call.pk,
        "stage": stage.pk if stage else None,
        "rows": [
            {
                "application": row.application.pk,
                "company": row.application.company.organization.name,
                "title": row.application.title,
                "reviews": [cell.__dict__ for cell in row.cells],
                "count": row.aggregate.count if row.aggregate else 0,
                "mean": row.aggregate.mean if row.aggregate else None,
                "trimmed": row.aggregate.trimmed if row.aggregate else None,
                "calibrated": row.aggregate.calibrated if row.aggregate else None,
                "spread": row.aggregate.spread if row.aggregate else None,
                "disagreement": bool(row.aggregate and row.aggregate.disagreement),
                "not_applicable": row.not_applicable,
            }
            for row in rows
        ],
    }


def _run_out(run: SelectionRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "call": run.call_id,
        "state": run.state,
        "policy": run.policy,
        "budget": run.budget,
        "score_basis": run.score_basis,
        "seed": run.seed,
        "lottery_band": run.lottery_band,
        "inputs_sha256": (run.result or {}).get("inputs_sha256", ""),
        "decisions": [
            {
                "application": d.application_id,
                "rank": d.rank,
                "score": d.score,
                "amount": d.amount,
                "selected": d.selected,
                "reason": d.reason,
                "note": d.note,
            }
            for d in run.decisions.order_by("rank")
        ],
    }


@router.get("/selection-runs/{run_id}", response=SelectionRunOut, url_name="programs_selection_run")
def api_selection_run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    return _run_out(access.selection_run_for_staff(request.user, run_id))


@router.post(
    "/calls/{call_id}/selection-runs",
    response={202: SelectionRunOut},
    url_name="programs_selection_start",
)
def api_selection_start(
    request: HttpRequest, call_id: int, payload: SelectionRunIn
) -> Status[dict[str, Any]]:
    """Start a selection run (computed in the background: poll the run until `state` is
    `proposed` or `failed`)."""
    call = access.call_for_staff(request.user, call_id)
    try:
        run = selection_start(
            call=call, actor=request.user, settings=SelectionSettings(**payload.dict())
        )
    except SelectionError as exc:
        raise HttpError(422, str(exc)) from exc
    return Status(202, _run_out(run))


@router.post(
    "/selection-runs/{run_id}/approve",
    response=SelectionRunOut,
    url_name="programs_selection_approve",
)
def api_selection_approve(request: HttpRequest, run_id: int) -> dict[str, Any]:
    run = access.selection_run_for_staff(request.user, run_id)
    try:
        with transaction.atomic():
            run = selection_approve(run=run, actor=request.user)
    except SelectionError as exc:
        raise HttpError(409, str(exc)) from exc
    return _run_out(run)


@router.post("/reviews/{review_id}/reopen", response={204: None}, url_name="programs_review_reopen")
def api_review_reopen(request: HttpRequest, review_id: int, payload: ReopenIn) -> Status[None]:
    review = access.review_for_staff(request.user, review_id)
    try:
        review_reopen(review=review, actor=request.user, note=payload.note[:500])
    except ReviewError as exc:
        raise HttpError(409, str(exc)) from exc
    return Status(204, None)
