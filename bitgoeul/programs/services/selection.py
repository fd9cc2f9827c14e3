"""Selection runs: staff start one (policy, budget, score basis, floors, lottery band and seed),
a background job reads the scores, encodes the engine's `SelectionProblem`, solves it and writes
one `SelectionDecision` per application; staff compare what-ifs and approve one run.

`SelectionRun.inputs` holds everything the engine was given (candidates with score, amount and
groups, budget, floors, lottery), so `selection_solve(run.inputs)` gives the same decisions on
any machine: the engine is deterministic and the lottery is drawn from the saved seed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.audit.services import audit_record
from bitgoeul.jobs.services import job_start
from bitgoeul.notifications.services import notify
from bitgoeul.optimize.selection.problem import (
    Candidate,
    Lottery,
    SelectionPolicy,
    SelectionProblem,
    SelectionResult,
)
from bitgoeul.optimize.status import Status
from bitgoeul.programs import selectors
from bitgoeul.programs.enums import ApplicationState, AwardState, CallState, RunState
from bitgoeul.programs.models import (
    Application,
    Award,
    Call,
    Review,
    SelectionDecision,
    SelectionRun,
)
from bitgoeul.programs.notification_kinds import SELECTION_RESULT
from bitgoeul.programs.scoring import SCORE_BASES, rank_band
from bitgoeul.programs.selectors import scoring_stage, stage_aggregates

JOB_KIND = "programs.selection"
FLOOR_KINDS = ("region", "chapter")
INPUTS_VERSION = 1
# Applications that compete: submitted ones (withdrawn, ineligible and drafts do not).
COMPETING = (ApplicationState.SUBMITTED,)


class SelectionError(Exception):
    """A run that cannot be started, computed or approved as asked; the message is for people."""


@dataclass(frozen=True)
class SelectionSettings:
    policy: str = SelectionPolicy.RANK.value
    budget: int | None = None  # None: the call's budget
    score_basis: str = "calibrated"
    floor_kind: str = ""  # "", "region" or "chapter"
    floors: dict[str, float] | None = None  # {province code or chapter id: share of budget}
    lottery_band: float | None = None
    seed: int = 0


# --- inputs: from the database to the engine's problem (and back from JSON) --------------------


def _groups(application: Application, floor_kind: str) -> list[str]:
    company = application.company
    if floor_kind == "region" and company.province:
        return [f"region:{company.province}"]
    if floor_kind == "chapter" and company.organization.parent_id:
        return [f"chapter:{company.organization.parent_id}"]
    return []


def selection_inputs(*, call: Call, settings: SelectionSettings) -> dict[str, Any]:
    """Read the scores of the call's scoring stage and encode everything the engine needs as
    JSON. Each candidate's amount is its requested amount capped at the call's maximum award
    (the maximum when it asked for none); applications without a scored review are listed in
    `unscored` and do not compete."""
    if settings.policy not in SelectionPolicy.__members__.values():
        raise SelectionError(_("Choose the rank rule or the optimal selection."))
    if settings.score_basis not in SCORE_BASES:
        raise SelectionError(_("Choose the mean, the trimmed mean or the calibrated score."))
    if settings.floor_kind not in ("", *FLOOR_KINDS):
        raise SelectionError(_("Floors are by region or by chapter."))
    stage = scoring_stage(call)
    aggregates = stage_aggregates(stage) if stage else {}
    applications = (
        Application.objects.filter(call=call, state__in=COMPETING)
        .select_related("company__organization")
        .order_by("pk")
    )
    candidates: list[dict[str, Any]] = []
    unscored: list[int] = []
    for application in applications:
        found = aggregates.get(application.pk)
        score = found.basis(settings.score_basis) if found else None
        if score is None:
            unscored.append(application.pk)
            continue
        requested = application.requested_amount
        amount = call.max_award if requested is None else min(requested, call.max_award)
        candidates.append(
            {
                "id": str(application.pk),
                "score": round(score, 6),  # stored as written, so a rerun reads the same floats
                "amount": max(0, amount),
                "groups": _groups(application, settings.floor_kind),
            }
        )
    floors = {
        f"{settings.floor_kind}:{key}": float(share)
        for key, share in sorted((settings.floors or {}).items())
        if settings.floor_kind
    }
    budget = call.budget if settings.budget is None else settings.budget
    return {
        "version": INPUTS_VERSION,
        "call": call.pk,
        "stage": stage.pk if stage else None,
        "policy": settings.policy,
        "budget": int(budget),
        "score_basis": settings.score_basis,
        "floor_kind": settings.floor_kind,
        "group_floors": floors,
        "lottery": (
            None
            if settings.lottery_band is None
            else {"band": float(settings.lottery_band), "seed": int(settings.seed)}
        ),
        "candidates": candidates,
        "unscored": unscored,
    }


def selection_problem(
    inputs: dict[str, Any], *, policy: str | None = None, budget: int | None = None
) -> SelectionProblem:
    """The engine's problem from saved inputs (optionally with another policy or budget)."""
    lottery = inputs.get("lottery")
    return SelectionProblem(
        policy=SelectionPolicy(policy or inputs["policy"]),
        budget=int(inputs["budget"] if budget is None else budget),
        applications=tuple(
            Candidate(c["id"], float(c["score"]), int(c["amount"]), tuple(c["groups"]))
            for c in inputs["candidates"]
        ),
        group_floors=dict(inputs.get("group_floors") or {}),
        lottery=None if lottery is None else Lottery(float(lottery["band"]), int(lottery["seed"])),
    )


def selection_solve(
    inputs: dict[str, Any],
    *,
    policy: str | None = None,
    budget: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> SelectionResult:
    """Solve saved inputs through the engine (no time limit: the answer must not depend on the
    machine's speed)."""
    from bitgoeul.optimize.selection.solve import solve_selection

    problem = selection_problem(inputs, policy=policy, budget=budget)
    if progress is None:
        return solve_selection(problem)
    return solve_selection(problem, progress=progress)


def inputs_hash(inputs: dict[str, Any]) -> str:
    """SHA-256 of the inputs as canonical JSON: what the approval's audit event names (a
    rerun's note of which run it repeats is not part of what the engine reads)."""
    engine = {key: value for key, value in inputs.items() if key != "rerun_of"}
    text = json.dumps(engine, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ranks(inputs: dict[str, Any]) -> dict[str, int]:
    """The engine's ranking (score, highest first; ties by id as text), from 1."""
    ordered = sorted(inputs["candidates"], key=lambda c: (-float(c["score"]), c["id"]))
    return {c["id"]: position for position, c in enumerate(ordered, start=1)}


# --- runs -----------------------------------------------------------------------------------------


@transaction.atomic
def selection_start(*, call: Call, actor: Any, settings: SelectionSettings) -> SelectionRun:
    """Start a run: the run (state RUNNING) and its background job; the job encodes the inputs
    from the scores at that moment and solves. Audited as `selection_run.start`."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.state not in (CallState.REVIEW, CallState.SELECTION):
        raise SelectionError(_("Selection runs once the call is in review or selection."))
    if settings.budget is not None and settings.budget < 0:
        raise SelectionError(_("The budget cannot be negative."))
    if settings.lottery_band is not None and settings.lottery_band < 0:
        raise SelectionError(_("The lottery band cannot be negative."))
    for share in (settings.floors or {}).values():
        if not 0 <= share <= 1:
            raise SelectionError(_("A floor is a share of the budget between 0 and 1."))
    if settings.policy not in SelectionPolicy.__members__.values():
        raise SelectionError(_("Choose the rank rule or the optimal selection."))
    if settings.score_basis not in SCORE_BASES:
        raise SelectionError(_("Choose the mean, the trimmed mean or the calibrated score."))
    if settings.floor_kind not in ("", *FLOOR_KINDS):
        raise SelectionError(_("Floors are by region or by chapter."))
    run = SelectionRun.objects.create(
        call=call,
        policy=settings.policy,
        budget=call.budget if settings.budget is None else settings.budget,
        seed=settings.seed,
        lottery_band=settings.lottery_band,
        score_basis=settings.score_basis,
        inputs={"settings": _settings_json(settings)},
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action="selection_run.start", obj=run, after=_settings_json(settings))
    _queue(run, actor)
    return run


def _settings_json(settings: SelectionSettings) -> dict[str, Any]:
    return {
        "policy": settings.policy,
        "budget": settings.budget,
        "score_basis": settings.score_basis,
        "floor_kind": settings.floor_kind,
        "floors": dict(settings.floors or {}),
        "lottery_band": settings.lottery_band,
        "seed": settings.seed,
    }


def _queue(run: SelectionRun, actor: Any) -> None:
    job = job_start(
        owner=actor,
        kind=JOB_KIND,
        title=_("Selection run %(run)s") % {"run": run.pk},
        params={"run": run.pk},
    )
    run.job = job
    run.save(update_fields=["job"])


@transaction.atomic
def selection_rerun(*, run: SelectionRun, actor: Any) -> SelectionRun:
    """A new run from `run`'s saved inputs (not from today's scores): the same decisions."""
    if "candidates" not in run.inputs:
        raise SelectionError(_("This run has no saved inputs yet."))
    again = SelectionRun.objects.create(
        call=run.call,
        policy=run.policy,
        budget=run.budget,
        seed=run.seed,
        lottery_band=run.lottery_band,
        score_basis=run.score_basis,
        inputs={**run.inputs, "rerun_of": run.pk},
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="selection_run.rerun",
        obj=again,
        after={"rerun_of": run.pk, "inputs_sha256": inputs_hash(run.inputs)},
    )
    _queue(again, actor)
    return again


def selection_run_compute(
    *, run: SelectionRun, progress: Callable[[str], None] | None = None
) -> SelectionRun:
    """The job's work: encode the inputs (unless the run already has them: a rerun), solve,
    write the decisions; state PROPOSED, or FAILED with the reason in `result`."""
    run = SelectionRun.objects.select_related("call").get(pk=run.pk)
    inputs = run.inputs
    if "candidates" not in inputs:
        settings = SelectionSettings(**inputs["settings"])
        if progress:
            progress(_("Reading the scores and calibrating them"))
        inputs = {
            **selection_inputs(call=run.call, settings=settings),
            "settings": inputs["settings"],
        }
    if progress:
        progress(_("Solving for %(count)s applications") % {"count": len(inputs["candidates"])})
    result = selection_solve(inputs, progress=progress)
    if progress:
        progress(_("Writing the decisions"))
    _write(run, inputs, result)
    return run


@transaction.atomic
def _write(run: SelectionRun, inputs: dict[str, Any], result: SelectionResult) -> None:
    run = SelectionRun.objects.select_for_update().get(pk=run.pk)
    run.inputs = inputs
    summary: dict[str, Any] = {
        "status": str(result.status),
        "spent": result.spent,
        "objective": result.objective,
        "seconds": round(result.seconds, 3),
        "inputs_sha256": inputs_hash(inputs),
    }
    if result.status == Status.INFEASIBLE:
        run.state = RunState.FAILED
        summary["reason"] = result.reason or ""
        summary["reason_params"] = json.loads(json.dumps(result.reason_params, default=str))
        run.result = summary
        run.save(update_fields=["inputs", "result", "state"])
        return
    by_id = {c["id"]: c for c in inputs["candidates"]}
    rank = ranks(inputs)
    summary["notes"] = {d.application: dict(d.note_params) for d in result.decisions}
    SelectionDecision.objects.filter(run=run).delete()
    SelectionDecision.objects.bulk_create(
        [
            SelectionDecision(
                run=run,
                application_id=int(d.application),
                selected=d.selected,
                reason=str(d.reason),
                note=d.note[:300],
                score=float(by_id[d.application]["score"]),
                amount=int(by_id[d.application]["amount"]),
                rank=rank[d.application],
            )
            for d in result.decisions
        ],
        batch_size=1000,
    )
    run.result = json.loads(json.dumps(summary, default=str))
    run.state = RunState.PROPOSED
    run.save(update_fields=["inputs", "result", "state"])


def selection_run_fail(*, run: SelectionRun, reason: str) -> None:
    SelectionRun.objects.filter(pk=run.pk).update(
        state=RunState.FAILED, result={"status": "error", "reason": reason}
    )


# --- what-if -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    label: str
    policy: str
    budget: int
    selected: frozenset[str]
    spent: int | None
    objective: float | None
    feasible: bool


def selection_what_if(inputs: dict[str, Any]) -> list[Variant]:
    """The saved inputs with the budget −10% and +10%, and with the other policy, each solved
    through the engine (nothing is stored)."""
    budget = int(inputs["budget"])
    other = (
        SelectionPolicy.OPTIMAL
        if inputs["policy"] == SelectionPolicy.RANK.value
        else SelectionPolicy.RANK
    )
    cases: Sequence[tuple[str, str, int]] = (
        (_("Budget −10%"), inputs["policy"], budget * 9 // 10),
        (_("Budget +10%"), inputs["policy"], budget * 11 // 10),
        (_("Other policy"), other.value, budget),
    )
    out = []
    for label, policy, amount in cases:
        result = selection_solve(inputs, policy=policy, budget=amount)
        out.append(
            Variant(
                label=label,
                policy=policy,
                budget=amount,
                selected=frozenset(d.application for d in result.decisions if d.selected),
                spent=result.spent,
                objective=result.objective,
                feasible=bool(result.decisions),
            )
        )
    return out


# --- approval -------------------------------------------------------------------------------------


@transaction.atomic
def selection_approve(*, run: SelectionRun, actor: Any) -> SelectionRun:
    """Approve a proposed run. Side effects, in one transaction:
    - the run becomes APPROVED (approved_by, approved_at); no other run of the call may be;
    - each decided application that is still submitted becomes SELECTED or NOT_SELECTED
      through the applications area's `application_set_state` (its transition table and
      audit event `application.set_state`);
    - an `Award` (amount = the decided amount, state AGREEMENT) for each selected application;
    - the call moves to DELIVERY through `call_set_state` (by SELECTION first when it is still
      in REVIEW; each move audited `call.set_state`);
    - each applicant company's members are notified with the result and the evaluation summary
      (calibrated score, rank band, reviewers' comments to the applicant, never their names);
    - audit: `selection_run.approve` (inputs' SHA-256, seed, and the decided applications).
    Raises `SelectionError` when the run is not a proposal, decided nothing, or another run of
    the call was approved."""
    # imported here: the services of calls and applications import nothing of selection, but
    # keeping the areas' modules loosely tied keeps import cycles out
    from bitgoeul.programs.services.applications import application_set_state
    from bitgoeul.programs.services.calls import call_set_state

    run = SelectionRun.objects.select_for_update().get(pk=run.pk)
    call = Call.objects.select_for_update().get(pk=run.call_id)
    if run.state != RunState.PROPOSED:
        raise SelectionError(_("Only a proposed run can be approved."))
    if SelectionRun.objects.filter(call=call, state=RunState.APPROVED).exists():
        raise SelectionError(_("Another run of this call was already approved."))
    if call.state not in (CallState.REVIEW, CallState.SELECTION):
        raise SelectionError(_("Selection runs once the call is in review or selection."))
    decisions = {d.application_id: d for d in run.decisions.all()}
    if not decisions:
        raise SelectionError(_("This run decided nothing: no application had a scored review."))
    # every row locked up front in one order (pk): two approvals or a withdrawal sent at the
    # same time queue behind each other instead of deadlocking in the per-row service calls
    applications = list(
        Application.objects.select_for_update()
        .filter(pk__in=list(decisions), state__in=COMPETING)
        .order_by("pk")
    )
    if len(applications) != len(decisions):
        raise SelectionError(_("Some applications changed state after this run; start a new run."))
    now = timezone.now()
    summaries = selection_summaries(run, [a.pk for a in applications])
    for application in applications:
        decision = decisions[application.pk]
        application_set_state(
            application=application,
            state=ApplicationState.SELECTED if decision.selected else ApplicationState.NOT_SELECTED,
            actor=actor,
        )
        if decision.selected:
            Award.objects.create(
                application=application,
                selection_run=run,
                amount=decision.amount,
                state=AwardState.AGREEMENT,
            )
    # the run is approved before the call moves: `call_set_state` lets a call into delivery
    # only with an approved run
    run.state = RunState.APPROVED
    run.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    run.approved_at = now
    run.save(update_fields=["state", "approved_by", "approved_at"])
    if call.state == CallState.REVIEW:
        call_set_state(call=call, state=CallState.SELECTION, actor=actor, now=now)
    call_set_state(call=call, state=CallState.DELIVERY, actor=actor, now=now)
    audit_record(
        actor=actor,
        action="selection_run.approve",
        obj=run,
        before={"state": RunState.PROPOSED},
        after={
            "state": RunState.APPROVED,
            "inputs_sha256": inputs_hash(run.inputs),
            "seed": run.seed,
            "policy": run.policy,
            "budget": run.budget,
            "selected": sum(1 for d in decisions.values() if d.selected),
            "applications": [a.pk for a in applications],
        },
    )
    members = selectors.company_member_users({a.company_id for a in applications})
    for application in applications:
        decision = decisions[application.pk]
        notify(
            recipients=members.get(application.company_id, []),
            kind=SELECTION_RESULT,
            obj=application,
            params={
                "selected": decision.selected,
                "amount": decision.amount if decision.selected else 0,
                **summaries[application.pk],
            },
            actor=actor,
        )
    return run


def selection_summaries(run: SelectionRun, application_ids: list[int]) -> dict[int, dict[str, Any]]:
    """What each applicant is told: the calibrated score, the rank band and the reviewers'
    comments to the applicant (never who wrote them)."""
    call = run.call
    stage = scoring_stage(call)
    aggregates = stage_aggregates(stage) if stage else {}
    count = len(run.inputs.get("candidates", []))
    rank = ranks(run.inputs) if "candidates" in run.inputs else {}
    comments: dict[int, list[str]] = {}
    rows = (
        Review.objects.filter(
            assignment__application_id__in=application_ids,
            assignment__active=True,
            state="submitted",
        )
        .exclude(comment_to_applicant="")
        .order_by("assignment__application_id", "pk")
        .values_list("assignment__application_id", "comment_to_applicant")
    )
    for application_id, comment in rows:
        comments.setdefault(application_id, []).append(comment)
    out = {}
    for application_id in application_ids:
        found = aggregates.get(application_id)
        position = rank.get(str(application_id), 0)
        out[application_id] = {
            "score": None if found is None or found.calibrated is None else found.calibrated,
            "band": rank_band(position, count),
            "comments": comments.get(application_id, []),
        }
    return out
