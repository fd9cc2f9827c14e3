"""Allocation rounds: staff create and edit a round, open and close it, run the engine over it
(a `compute.solve` job, as often as they like, with changed capacity, cap or floors) and
approve one run, which writes the grants.

Round flow (`TRANSITIONS`): DRAFT → OPEN → CLOSED → APPROVED (CLOSED may reopen). Each state
change locks the round row, reads "before" from it and writes one audit event. Approval is
`run_approve`: audited with the run's id and the SHA-256 of its saved input, so the decision can
be reproduced from `SolveRun.problem` with `bitgoeul solve allocation`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.accounts.models import Organization
from bitgoeul.audit.services import audit_record
from bitgoeul.compute import notification_kinds_rounds as notices
from bitgoeul.compute.capacity import capacity_table
from bitgoeul.compute.enums import RequestState, RoundState, RunStatus
from bitgoeul.compute.models import ComputeRequest, Grant, GrantPart, Pool, Round, SolveRun
from bitgoeul.compute.naming import company_account
from bitgoeul.compute.periods import is_period
from bitgoeul.compute.selectors_rounds import (
    award_scores,
    granted_by_cell,
    request_groups,
)
from bitgoeul.compute.weights import request_weight
from bitgoeul.jobs.services import job_start
from bitgoeul.optimize.io import encode_allocation, parse_allocation

JOB_KIND = "compute.solve"
TRANSITIONS: dict[str, set[str]] = {
    RoundState.DRAFT: {RoundState.OPEN},
    RoundState.OPEN: {RoundState.CLOSED},
    RoundState.CLOSED: {RoundState.OPEN, RoundState.APPROVED},
    RoundState.APPROVED: set(),
}
EDITABLE = (RoundState.DRAFT, RoundState.OPEN)
FIELDS = (
    "name",
    "policy",
    "periods",
    "company_cap",
    "floors",
    "max_company_age_years",
    "weight_award",
    "weight_potential",
    "weight_priority",
    "opens_at",
    "closes_at",
)


class IllegalTransition(ValueError):
    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"a round in state {current!r} cannot move to {wanted!r}")
        self.current, self.wanted = current, wanted


class RunError(ValueError):
    """A run cannot be started or approved; the text says why (translated)."""


def _json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)  # Decimal


def _values(rnd: Round) -> dict[str, Any]:
    values = {name: _json(getattr(rnd, name)) for name in FIELDS}
    values["pools"] = sorted(rnd.pools.values_list("model", flat=True))
    values["eligible_chapters"] = sorted(rnd.eligible_chapters.values_list("pk", flat=True))
    return values


def _check(data: dict[str, Any], pools: Sequence[Pool]) -> None:
    errors: dict[str, str] = {}
    periods = data["periods"]
    if not periods or not all(is_period(p) for p in periods):
        errors["periods"] = _("Give the round's months as YYYY-MM, at least one.")
    if not pools:
        errors["pools"] = _("Choose at least one pool for the round.")
    for group, share in (data.get("floors") or {}).items():
        if not (group == "young" or group.startswith("chapter:")) or not 0 <= share <= 1:
            errors["floors"] = _(
                "Write each floor as chapter:<code> or young with a share between 0 and 1."
            )
    if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
        errors["closes_at"] = _("Requests must close after they open.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def round_create(
    *,
    actor: Any,
    data: dict[str, Any],
    pools: Sequence[Pool],
    chapters: Sequence[Organization] = (),
) -> Round:
    """A draft round; `data` holds `FIELDS`."""
    _check(data, pools)
    rnd = Round.objects.create(created_by=actor, **data)
    rnd.pools.set(pools)
    rnd.eligible_chapters.set(chapters)
    audit_record(actor=actor, action="compute.round_create", obj=rnd, after=_values(rnd))
    return rnd


@transaction.atomic
def round_update(
    *,
    actor: Any,
    rnd: Round,
    data: dict[str, Any],
    pools: Sequence[Pool],
    chapters: Sequence[Organization] = (),
) -> Round:
    """Change a draft or open round; the audit lists only what changed."""
    rnd = Round.objects.select_for_update(of=("self",)).get(pk=rnd.pk)
    if rnd.state not in EDITABLE:
        raise ValidationError(_("A closed or decided round can no longer be changed."))
    _check(data, pools)
    before = _values(rnd)
    for name, value in data.items():
        setattr(rnd, name, value)
    rnd.save()
    rnd.pools.set(pools)
    rnd.eligible_chapters.set(chapters)
    rnd.refresh_from_db()
    after = _values(rnd)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        audit_record(
            actor=actor,
            action="compute.round_update",
            obj=rnd,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return rnd


@transaction.atomic
def round_set_state(*, actor: Any, rnd: Round, state: str) -> Round:
    """Open, close or reopen a round (approval is `run_approve`)."""
    if state == RoundState.APPROVED:
        raise ValueError("a round is approved through run_approve")
    rnd = Round.objects.select_for_update(of=("self",)).get(pk=rnd.pk)
    before = rnd.state
    if state not in TRANSITIONS[before]:
        raise IllegalTransition(before, state)
    rnd.state = state
    rnd.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="compute.round_state",
        obj=rnd,
        before={"state": before},
        after={"state": state},
    )
    return rnd


# --- the solve ---------------------------------------------------------------------------------


def round_problem(rnd: Round, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """The engine's input (contracts.md, "allocation") for the round's submitted requests.

    Capacity is capacity.py's net capacity less the grants outside this round already in those
    cells (rolling grants, other rounds); `settings` may override it per pool model and period
    (`capacity`), the cap (`company_cap`) and the floors (`floors`).
    """
    settings = settings or {}
    pools = list(rnd.pools.order_by("model"))
    periods = list(rnd.periods)
    table = capacity_table(pools, periods)
    taken = granted_by_cell([p.pk for p in pools], periods, exclude_round=rnd)
    overrides: dict[str, dict[str, float]] = settings.get("capacity") or {}
    pool_rows = []
    for pool in pools:
        capacity = {}
        for period in periods:
            net = max(table[pool.pk, period].net - taken.get((pool.pk, period), 0.0), 0.0)
            value = overrides.get(pool.model, {}).get(period)
            capacity[period] = round(float(net if value is None else value), 3)
        pool_rows.append({"id": pool.model, "capacity": capacity})
    requests = list(
        ComputeRequest.objects.filter(round=rnd, state=RequestState.SUBMITTED)
        .select_related("company__organization__parent", "award")
        .prefetch_related("pools")
        .order_by("pk")
    )
    scores = award_scores(r.award for r in requests if r.award is not None)
    today = timezone.localdate()
    rows = []
    for request in requests:
        weight = request_weight(
            weight_award=float(rnd.weight_award),
            weight_potential=float(rnd.weight_potential),
            weight_priority=float(rnd.weight_priority),
            award_score=scores.get(request.award_id) if request.award_id else None,
            potential_score=request.company.potential_score,
            staff_priority=request.staff_priority,
        )
        rows.append(
            {
                "id": str(request.pk),
                "company": str(request.company_id),
                "groups": request_groups(request.company, rnd, today),
                "weight": weight.value,
                "demand": request.demand_gpu_hours,
                "minimum": request.minimum_gpu_hours,
                "pools": sorted(p.model for p in request.pools.all()),
                "periods": list(request.periods),
            }
        )
    problem: dict[str, Any] = {
        "policy": rnd.policy,
        "periods": periods,
        "pools": pool_rows,
        "requests": rows,
    }
    cap = settings.get("company_cap", rnd.company_cap)
    if cap is not None:
        problem["company_cap"] = float(cap)
    floors = settings.get("floors", rnd.floors) or {}
    if floors:
        problem["group_floors"] = {k: float(v) for k, v in floors.items()}
    return problem


@transaction.atomic
def run_start(
    *, actor: Any, rnd: Round, settings: dict[str, Any] | None = None, label: str = ""
) -> SolveRun:
    """A queued run of the engine over the round, computed by a `compute.solve` job."""
    rnd = Round.objects.select_for_update(of=("self",)).get(pk=rnd.pk)
    if rnd.state not in (RoundState.OPEN, RoundState.CLOSED):
        raise RunError(_("Only an open or closed round can be run."))
    number = (rnd.runs.aggregate(top=Max("number"))["top"] or 0) + 1
    run = SolveRun.objects.create(round=rnd, number=number, label=label, created_by=actor)
    settings = settings or {}
    audit_record(
        actor=actor, action="compute.run_start", obj=run, after={"round": rnd.pk, **settings}
    )
    run.job = job_start(
        owner=actor,
        kind=JOB_KIND,
        title=_("Allocation run %(number)s of %(round)s") % {"number": number, "round": rnd.name},
        params={"run": run.pk, "settings": settings},
    )
    run.save(update_fields=["job"])
    return run


def run_execute(
    *,
    run: SolveRun,
    settings: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> SolveRun:
    """The job's work: encode the round, solve, save input and output on the run."""
    # the engine is imported when a run needs it (heavy: it loads the LP solver)
    from bitgoeul.optimize.allocation.solve import solve_allocation

    say = progress or (lambda _text: None)
    started = time.perf_counter()
    SolveRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    say(_("Reading the requests and the capacity"))
    problem = round_problem(run.round, settings)
    say(_("Solving for %(count)s requests") % {"count": f"{len(problem['requests']):,}"})
    result = solve_allocation(parse_allocation(problem), progress=say)
    say(_("Saving the run"))
    output = encode_allocation(result)
    run.problem, run.result = problem, output
    run.objective, run.bound = output.get("objective"), output.get("bound")
    run.seconds = round(time.perf_counter() - started, 3)
    run.status = RunStatus.DONE if "grants" in output else RunStatus.FAILED
    run.save(update_fields=["problem", "result", "objective", "bound", "seconds", "status"])
    return run


def run_fail(*, run: SolveRun, reason: str) -> None:
    SolveRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, result={"error": reason})


def problem_hash(problem: dict[str, Any]) -> str:
    text = json.dumps(problem, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def run_approve(*, actor: Any, run: SolveRun) -> Round:
    """Decide the round by `run`: grants and their parts for the requests it grants, GRANTED or
    DECLINED with the reason code and a note on every submitted request, the round APPROVED,
    and each requesting company notified (one notice per company). Refused (`RunError`) when
    the round is not closed, the run has no grants, a request was submitted after it, or grants
    made since would oversell a pool and period (run again then)."""
    rnd = Round.objects.select_for_update(of=("self",)).get(pk=run.round_id)
    run = SolveRun.objects.get(pk=run.pk)
    if rnd.state != RoundState.CLOSED:
        raise RunError(_("Close the round for requests before approving a run."))
    if run.status != RunStatus.DONE:
        raise RunError(_("Only a finished run with grants can be approved."))
    by_id = {
        str(r.pk): r
        for r in ComputeRequest.objects.select_for_update(of=("self",))
        .filter(round=rnd, state=RequestState.SUBMITTED)
        .select_related("company__organization")
    }
    problem_rows = {row["id"]: row for row in run.problem["requests"]}
    if set(by_id) - set(problem_rows):
        raise RunError(_("Requests were submitted after this run: run the round again."))
    pools = {
        p.model: p
        for p in Pool.objects.select_for_update(of=("self",)).filter(model__in=_run_pools(run))
    }
    _check_capacity(rnd, run, pools)
    now = timezone.now()
    cap = run.problem.get("company_cap")
    grants: list[Grant] = []
    parts: list[list[dict[str, Any]]] = []
    decisions: dict[tuple[str, str, float], list[int]] = defaultdict(list)
    for decided in run.result["grants"]:
        request = by_id.get(decided["request"])
        if request is None:  # withdrawn since the run: its share stays free
            continue
        granted = float(decided["granted"])
        code = decided["reason"]
        request.reason = code
        request.weight = problem_rows[decided["request"]]["weight"]
        request.decided_at = now
        if granted > 0:
            request.state = RequestState.GRANTED
            grants.append(
                Grant(
                    request=request,
                    company_id=request.company_id,
                    round=rnd,
                    run=run,
                    gpu_hours=granted,
                    reason=code,
                    account=company_account(request.company.organization) or "",
                    created_at=now,
                )
            )
            parts.append(decided["parts"])
        else:
            request.state = RequestState.DECLINED
        decisions[(request.state, code, request.weight)].append(request.pk)
    # one insert for the grants and one for their parts, whatever the size of the round
    Grant.objects.bulk_create(grants, batch_size=2000)
    GrantPart.objects.bulk_create(
        (
            GrantPart(
                grant=grant,
                pool=pools[part["pool"]],
                period=part["period"],
                gpu_hours=float(part["gpu_hours"]),
            )
            for grant, grant_parts in zip(grants, parts, strict=True)
            for part in grant_parts
            if part["gpu_hours"] > 0
        ),
        batch_size=2000,
    )
    grants_made = len(grants)
    # One UPDATE per distinct decision (state, reason, weight): a round has few reasons and a
    # weight per company rather than per request, so this is a few thousand plain UPDATEs for
    # 20,000 requests, where `bulk_update`'s CASE with a WHEN per row cost 36 s of CPU
    # (docs/benchmarks.md, "Compute").
    for (state, reason, weight), ids in decisions.items():
        for start in range(0, len(ids), 500):
            ComputeRequest.objects.filter(pk__in=ids[start : start + 500]).update(
                state=state, reason=reason, weight=weight, decided_at=now
            )
    before = rnd.state
    rnd.state = RoundState.APPROVED
    rnd.approved_run, rnd.approved_at, rnd.approved_by = run, now, actor
    # the round as decided: the cap and floors of the approved run (staff may have changed
    # them for it), so the round's page and the requests' sentences state what was applied
    rnd.company_cap = None if cap is None else Decimal(str(cap)).quantize(Decimal("0.001"))
    rnd.floors = dict(run.problem.get("group_floors", {}))
    rnd.save(
        update_fields=[
            "state",
            "approved_run",
            "approved_at",
            "approved_by",
            "company_cap",
            "floors",
        ]
    )
    audit_record(
        actor=actor,
        action="compute.round_approve",
        obj=rnd,
        before={"state": before},
        after={
            "state": rnd.state,
            "run": run.pk,
            "problem_sha256": problem_hash(run.problem),
            "grants": grants_made,
            "requests": len(by_id),
        },
    )
    notices.round_decided_notify(rnd=rnd, requests=list(by_id.values()), actor=actor)
    return rnd


def _run_pools(run: SolveRun) -> list[str]:
    return [row["id"] for row in run.problem["pools"]]


def _check_capacity(rnd: Round, run: SolveRun, pools: dict[str, Pool]) -> None:
    wanted: dict[tuple[int, str], float] = defaultdict(float)
    for decided in run.result["grants"]:
        for part in decided["parts"]:
            wanted[pools[part["pool"]].pk, part["period"]] += float(part["gpu_hours"])
    periods = list(rnd.periods)
    table = capacity_table(pools.values(), periods)
    taken = granted_by_cell([p.pk for p in pools.values()], periods, exclude_round=rnd)
    for (pool_id, period), hours in wanted.items():
        free = table[pool_id, period].net - taken.get((pool_id, period), 0.0)
        if hours > free + 1e-6 * max(1.0, free):
            raise RunError(
                _(
                    "Grants made since this run leave too little capacity for it in %(period)s: "
                    "run the round again."
                )
                % {"period": period}
            )
