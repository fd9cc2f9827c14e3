"""Assignment runs: reviewers to the applications of a stage, through the engine.

A run is started by staff (`assignment_run_start`, a background job) and computed by
`assignment_run_execute`: conflicts are found from data, affinity computed (`affinity`), the
problem encoded and solved (`bitgoeul.optimize.assignment`), and the proposal written as
inactive `Assignment` rows. Staff adjust the proposal by hand (`assignment_add`,
`assignment_remove`, `assignment_move`; `run_warnings` says which rule each edit breaks),
then deploy it (`assignment_run_deploy`): its rows become active, the stage's previously
deployed rows inactive, and each reviewer is told how many applications they have and by when.
A proposal with a conflict is never deployed.

Candidates: the engine gets, for each application, its CANDIDATES (50) best reviewers by
affinity; any other reviewer stays allowed but counts 0 to the engine. That bounds the problem
(150,000 pairs instead of 900,000 for 3,000 × 300) and loses affinity only where the best 50
reviewers of an application are all full; rows keep their true affinity, and
`result["total_affinity"]` sums the true affinity of the rows written.

Loads: each reviewer takes between the run's minimum and the smaller of the run's maximum and
their own `max_load` (a minimum above their own maximum is lowered to it).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Technology
from bitgoeul.optimize.assignment import problem as engine
from bitgoeul.optimize.status import Status
from bitgoeul.programs.affinity import (
    ApplicationText,
    ReviewerText,
    TechnologyTerms,
    affinity_matrix,
)
from bitgoeul.programs.enums import CallState, RunState
from bitgoeul.programs.models import (
    Application,
    Assignment,
    AssignmentRun,
    Call,
    Conflict,
    EvaluationStage,
    Reviewer,
)
from bitgoeul.programs.selectors import stage_applications
from bitgoeul.programs.services.conflicts import conflicts_find

ASSIGNMENT_JOB = "programs.assignment"
# Pairs sent to the engine per application: its best reviewers by affinity (module docstring)
CANDIDATES = 50
# (phase, done, total): "conflicts", "affinity", "solving", "writing"
Progress = Callable[[str, int, int], None]


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


class RunError(ValueError):
    """A run that cannot be started, edited or deployed (message for people)."""


# Reviewers are assigned while the call is in review: before it, applications are still
# coming in; from selection on, the scores are what selection reads (staff move the call to
# selection on its page when the reviewing is over).
ASSIGNMENT_CALL_STATES = {CallState.REVIEW}


def _check_call_state(stage: EvaluationStage) -> None:
    # the call's row locked and read again: a move to selection sent at the same time waits
    # for this write instead of passing beside it
    state = (
        Call.objects.select_for_update().filter(pk=stage.call_id).values_list("state", flat=True)
    ).get()
    if state not in ASSIGNMENT_CALL_STATES:
        raise RunError(
            _("Reviewers are assigned while the call is in review; this call is %(state)s.")
            % {"state": CallState(state).label}
        )


# --- start and compute ---------------------------------------------------------------------


@transaction.atomic
def assignment_run_start(
    *, stage: EvaluationStage, actor: Any, policy: str, min_load: int, max_load: int
) -> AssignmentRun:
    """Create a run (state RUNNING) and its background job (`programs.assignment`). Raises
    `RunError` for a policy the engine does not know or loads in the wrong order."""
    from bitgoeul.jobs.services import job_start

    _check_call_state(stage)
    if policy not in {p.value for p in engine.AssignmentPolicy}:
        raise RunError(_("Choose the policy: total or fair."))
    if min_load < 0 or max_load < 1 or min_load > max_load:
        raise RunError(_("The minimum load cannot be above the maximum load."))
    run = AssignmentRun.objects.create(
        stage=stage,
        policy=policy,
        min_load=min_load,
        max_load=max_load,
        state=RunState.RUNNING,
        created_by=actor,
    )
    job = job_start(
        owner=actor,
        kind=ASSIGNMENT_JOB,
        title=_("Reviewer assignment: %(stage)s") % {"stage": stage.name},
        params={"run": run.pk},
    )
    run.job = job
    run.save(update_fields=["job"])
    audit_record(
        actor=actor,
        action="assignment_run.start",
        obj=run,
        after={"stage": stage.pk, "policy": policy, "min_load": min_load, "max_load": max_load},
    )
    return run


@dataclass
class Encoded:
    """What the run reads and sends to the engine, kept for the write-back and the record."""

    applications: list[Application]
    reviewers: list[Reviewer]
    caps: list[int]
    matrix: Any  # numpy int matrix, applications × reviewers
    conflicts: set[tuple[int, int]]
    problem: engine.AssignmentProblem
    seconds: dict[str, float] = field(default_factory=dict)


def pool_texts() -> tuple[list[Reviewer], list[ReviewerText], list[TechnologyTerms]]:
    """The active reviewers (with their profile text and tags) and the technology list."""
    reviewers = list(
        Reviewer.objects.filter(user__reviewer_profile__is_active=True, user__is_active=True)
        .select_related("user__reviewer_profile")
        .order_by("pk")
    )
    tags: dict[int, set[int]] = defaultdict(set)
    through = Reviewer.technologies.through.objects.filter(
        reviewer_id__in=[r.pk for r in reviewers]
    )
    for reviewer_id, tech_id in through.values_list("reviewer_id", "technology_id"):
        tags[reviewer_id].add(tech_id)
    texts = [
        ReviewerText(r.pk, r.user.reviewer_profile.expertise, frozenset(tags[r.pk]))
        for r in reviewers
    ]
    technologies = [
        TechnologyTerms(t.pk, (t.name, t.name_en, t.code))
        for t in Technology.objects.filter(is_active=True)
    ]
    return reviewers, texts, technologies


def application_text(app: Application) -> ApplicationText:
    keywords = app.keywords if isinstance(app.keywords, list) else [str(app.keywords)]
    return ApplicationText(app.pk, app.title, app.summary, tuple(str(k) for k in keywords))


def assignment_encode(
    *, run: AssignmentRun, actor: Any, progress: Progress = _no_progress
) -> Encoded:
    """Find the conflicts (written), read the stage, compute affinity and build the problem."""
    seconds: dict[str, float] = {}
    stage = run.stage
    clock = time.perf_counter()
    progress("conflicts", 0, 0)
    conflicts_find(stage=stage, actor=actor)
    seconds["conflicts"] = time.perf_counter() - clock
    clock = time.perf_counter()
    apps = list(stage_applications(stage).only("pk", "company_id", "title", "summary", "keywords"))
    reviewers, texts, technologies = pool_texts()
    pairs = set(
        Conflict.objects.filter(application_id__in=[a.pk for a in apps]).values_list(
            "application_id", "reviewer_id"
        )
    )
    seconds["read"] = time.perf_counter() - clock
    clock = time.perf_counter()
    progress("affinity", 0, len(apps))
    matrix = affinity_matrix(
        [application_text(a) for a in apps],
        texts,
        technologies,
        progress=lambda done, total: progress("affinity", done, total),
    )
    progress("affinity", len(apps), len(apps))
    seconds["affinity"] = time.perf_counter() - clock
    clock = time.perf_counter()
    caps = [min(run.max_load, r.max_load) for r in reviewers]
    reviewer_ids = [r.pk for r in reviewers]
    app_ids = [a.pk for a in apps]
    # Each application's CANDIDATES best reviewers with a positive affinity and no conflict
    # (module docstring); numbers converted in bulk (tolist), not element by element.
    reviewer_keys = [str(pk) for pk in reviewer_ids]
    app_keys = [str(pk) for pk in app_ids]
    if matrix.shape[1] > CANDIDATES:
        top = np.argpartition(-matrix, CANDIDATES - 1, axis=1)[:, :CANDIDATES]
        rows = np.repeat(np.arange(matrix.shape[0]), CANDIDATES)
        cols = top.reshape(-1)
    else:
        rows, cols = np.indices(matrix.shape).reshape(2, -1)
    values = matrix[rows, cols]
    keep = values > 0
    rows, cols, values = rows[keep], cols[keep], values[keep]
    affinity = tuple(
        engine.Affinity(app_keys[i], reviewer_keys[j], score)
        for i, j, score in zip(
            rows.tolist(), cols.tolist(), values.astype(float).tolist(), strict=True
        )
        if not pairs or (app_ids[i], reviewer_ids[j]) not in pairs
    )
    pool_ids = set(reviewer_ids)
    problem = engine.AssignmentProblem(
        policy=engine.AssignmentPolicy(run.policy),
        reviews_per_application=stage.reviewers_per_application,
        applications=tuple(
            engine.Application(key, str(a.company_id))
            for key, a in zip(app_keys, apps, strict=True)
        ),
        reviewers=tuple(
            engine.Reviewer(str(r.pk), max_load=cap, min_load=min(run.min_load, cap))
            for r, cap in zip(reviewers, caps, strict=True)
        ),
        affinity=affinity,
        conflicts=tuple(engine.Conflict(str(a), str(r)) for a, r in sorted(pairs) if r in pool_ids),
    )
    seconds["encode"] = time.perf_counter() - clock
    return Encoded(apps, reviewers, caps, matrix, pairs, problem, seconds)


def infeasible_reason(encoded: Encoded, result: engine.AssignmentResult) -> dict[str, Any]:
    """Why no assignment exists, as a code and numbers `run_message` words for people."""
    need = len(encoded.applications) * encoded.problem.reviews_per_application
    capacity = sum(encoded.caps)
    if capacity < need:
        return {
            "code": "capacity",
            "applications": len(encoded.applications),
            "per_application": encoded.problem.reviews_per_application,
            "need": need,
            "reviewers": len(encoded.reviewers),
            "capacity": capacity,
        }
    if result.reason_params.get("applications"):
        return {"code": "conflicts", "count": len(result.reason_params["applications"])}  # type: ignore[arg-type]
    return {"code": "min_load", "reviewers": len(encoded.reviewers)}


def assignment_run_execute(
    *, run: AssignmentRun, actor: Any, progress: Progress = _no_progress
) -> AssignmentRun:
    """Compute a RUNNING run: encode, solve, write the proposal (state PROPOSED), or record
    why there is none (state FAILED, `result["reason"]`). `run.result["seconds"]` times each
    part. Audited (`assignment_run.finish`)."""
    from bitgoeul.optimize.assignment.solve import solve_assignment

    encoded = assignment_encode(run=run, actor=actor, progress=progress)
    progress("solving", 0, 0)
    clock = time.perf_counter()
    result = solve_assignment(encoded.problem)
    encoded.seconds["solve"] = time.perf_counter() - clock
    return _write_back(run=run, actor=actor, encoded=encoded, result=result, progress=progress)


@transaction.atomic
def _write_back(
    *,
    run: AssignmentRun,
    actor: Any,
    encoded: Encoded,
    result: engine.AssignmentResult,
    progress: Progress,
) -> AssignmentRun:
    clock = time.perf_counter()
    locked = AssignmentRun.objects.select_for_update().get(pk=run.pk)
    if locked.state != RunState.RUNNING:
        raise RunError(_("This run was already finished."))
    apps, reviewers = encoded.applications, encoded.reviewers
    locked.inputs = {
        "policy": run.policy,
        "reviews_per_application": encoded.problem.reviews_per_application,
        "applications": [a.pk for a in apps],
        "companies": [a.company_id for a in apps],
        "reviewers": [r.pk for r in reviewers],
        "max_loads": encoded.caps,
        "min_load": run.min_load,
        "conflicts": sorted([a, r] for a, r in encoded.conflicts),
        # affinity (0–1000) per application, in the order of "reviewers"
        "affinity": encoded.matrix.tolist(),
    }
    summary: dict[str, Any] = {"status": str(result.status), "engine_seconds": result.seconds}
    if result.status == Status.INFEASIBLE:
        locked.state = RunState.FAILED
        summary["reason"] = infeasible_reason(encoded, result)
        summary["engine_reason"] = result.reason or ""
    else:
        locked.state = RunState.PROPOSED
        now = timezone.now()
        row_of = {str(a.pk): i for i, a in enumerate(apps)}
        column_of = {str(r.pk): j for j, r in enumerate(reviewers)}
        rows = [
            Assignment(
                run=locked,
                stage_id=locked.stage_id,
                application_id=int(item.application),
                reviewer_id=int(item.reviewer),
                affinity=float(encoded.matrix[row_of[item.application], column_of[item.reviewer]]),
                created_at=now,
            )
            for item in result.assignments
        ]
        progress("writing", 0, len(rows))
        Assignment.objects.bulk_create(rows, batch_size=1000)
        progress("writing", len(rows), len(rows))
        summary.update(
            total_affinity=sum(row.affinity for row in rows),
            engine_objective=result.objective,
            min_application_affinity=result.min_application_score,
            assignments=len(rows),
        )
    encoded.seconds["write"] = time.perf_counter() - clock
    summary["seconds"] = {k: round(v, 3) for k, v in encoded.seconds.items()}
    locked.result = summary
    locked.save(update_fields=["inputs", "result", "state"])
    audit_record(
        actor=actor,
        action="assignment_run.finish",
        obj=locked,
        before={"state": RunState.RUNNING},
        after={"state": locked.state, "assignments": summary.get("assignments", 0)},
    )
    run.state, run.inputs, run.result = locked.state, locked.inputs, locked.result
    return run


@transaction.atomic
def assignment_run_fail(*, run: AssignmentRun, actor: Any) -> None:
    """Mark a RUNNING run FAILED after its job stopped with an error."""
    locked = AssignmentRun.objects.select_for_update().get(pk=run.pk)
    if locked.state != RunState.RUNNING:
        return
    locked.state = RunState.FAILED
    locked.result = {**locked.result, "reason": {"code": "error"}}
    locked.save(update_fields=["state", "result"])
    audit_record(
        actor=actor,
        action="assignment_run.finish",
        obj=locked,
        before={"state": RunState.RUNNING},
        after={"state": RunState.FAILED},
    )


def run_message(run: AssignmentRun) -> str:
    """Why a FAILED run has no proposal, for people."""
    reason = run.result.get("reason") or {}
    code = reason.get("code")
    if code == "capacity":
        return _(
            "Too few reviewers for these loads: %(applications)s applications need "
            "%(per_application)s reviewers each (%(need)s reviews), but the %(reviewers)s "
            "reviewers can take at most %(capacity)s. Raise the maximum load or add reviewers "
            "to the pool."
        ) % {k: f"{v:,}" for k, v in reason.items() if k != "code"}
    if code == "conflicts":
        return ngettext(
            "%(count)s application cannot get enough reviewers without a conflict of interest.",
            "%(count)s applications cannot get enough reviewers without a conflict of interest.",
            int(reason.get("count", 0)),
        ) % {"count": f"{int(reason.get('count', 0)):,}"}
    if code == "min_load":
        return _("The minimum load cannot be met: lower it, or start the run with fewer reviewers.")
    return _("The run stopped because of an error on the server. Start it again.")


# --- manual edits and warnings ---------------------------------------------------------------


@dataclass(frozen=True)
class RuleWarning:
    code: str  # conflict, load, count
    text: str
    application_id: int | None = None
    reviewer_id: int | None = None

    @property
    def blocks_deploy(self) -> bool:
        return self.code == "conflict"


def run_warnings(run: AssignmentRun) -> list[RuleWarning]:
    """Every rule the proposal breaks now: a pair in conflict (blocks deploying), a reviewer's
    load outside [minimum, maximum], an application with the wrong number of reviewers.
    Reviewers are named (the texts are for the run's staff)."""
    rows = list(Assignment.objects.filter(run=run).values_list("application_id", "reviewer_id"))
    inputs = run.inputs or {}
    app_ids: list[int] = inputs.get("applications", [])
    reviewer_ids: list[int] = inputs.get("reviewers", [])
    caps = dict(zip(reviewer_ids, inputs.get("max_loads", []), strict=False))
    pairs = set(rows)
    conflicted = set(
        Conflict.objects.filter(
            application_id__in={a for a, _ in rows}, reviewer_id__in={r for _, r in rows}
        ).values_list("application_id", "reviewer_id")
    )
    loads = Counter(r for _, r in rows)
    bad_loads = []
    for reviewer_id in sorted(set(reviewer_ids) | set(loads)):
        load, cap = loads.get(reviewer_id, 0), caps.get(reviewer_id, run.max_load)
        if not min(run.min_load, cap) <= load <= cap:
            bad_loads.append((reviewer_id, load, min(run.min_load, cap), cap))
    named = {r for _, r in pairs & conflicted} | {r for r, *_ in bad_loads}
    names = {
        pk: name or email
        for pk, name, email in Reviewer.objects.filter(pk__in=named).values_list(
            "pk", "user__name", "user__email"
        )
    }
    warnings = [
        RuleWarning(
            "conflict",
            _("Application %(application)s and reviewer %(reviewer)s have a conflict of interest.")
            % {"application": a, "reviewer": names.get(r, r)},
            a,
            r,
        )
        for a, r in sorted(pairs & conflicted)
    ]
    for reviewer_id, load, low, cap in bad_loads:
        warnings.append(
            RuleWarning(
                "load",
                _("Reviewer %(reviewer)s has %(load)s applications (allowed %(low)s–%(high)s).")
                % {
                    "reviewer": names.get(reviewer_id, reviewer_id),
                    "load": load,
                    "low": low,
                    "high": cap,
                },
                reviewer_id=reviewer_id,
            )
        )
    counts = Counter(a for a, _ in rows)
    wanted = run.stage.reviewers_per_application
    for app_id in sorted(set(app_ids) | set(counts)):
        if counts.get(app_id, 0) != wanted:
            warnings.append(
                RuleWarning(
                    "count",
                    _("Application %(application)s has %(count)s reviewers, not %(wanted)s.")
                    % {"application": app_id, "count": counts.get(app_id, 0), "wanted": wanted},
                    application_id=app_id,
                )
            )
    return warnings


def _proposal(run: AssignmentRun) -> AssignmentRun:
    locked = (
        AssignmentRun.objects.select_for_update(of=("self",)).select_related("stage").get(pk=run.pk)
    )
    if locked.state != RunState.PROPOSED:
        raise RunError(_("Only a proposal that is not deployed can be changed."))
    _check_call_state(locked.stage)
    return locked


def _affinity_of(run: AssignmentRun, application_id: int, reviewer_id: int) -> float:
    inputs = run.inputs or {}
    try:
        row = inputs["applications"].index(application_id)
        column = inputs["reviewers"].index(reviewer_id)
        return float(inputs["affinity"][row][column])
    except (KeyError, ValueError, IndexError):
        return 0.0


@transaction.atomic
def assignment_add(
    *, run: AssignmentRun, application: Application, reviewer: Reviewer, actor: Any
) -> Assignment:
    """Add a reviewer to an application in a proposal (a manual row). The rules are not
    enforced here (staff may break them knowingly, `run_warnings` says how); a pair already
    in the proposal raises `RunError`. Audited (`assignment.add`)."""
    locked = _proposal(run)
    if application.pk not in (locked.inputs or {}).get("applications", []):
        raise RunError(_("This application is not reviewed in this stage."))
    if Assignment.objects.filter(run=locked, application=application, reviewer=reviewer).exists():
        raise RunError(_("This reviewer is already assigned to this application."))
    row = Assignment.objects.create(
        run=locked,
        stage_id=locked.stage_id,
        application=application,
        reviewer=reviewer,
        affinity=_affinity_of(locked, application.pk, reviewer.pk),
        manual=True,
    )
    audit_record(
        actor=actor,
        action="assignment.add",
        obj=locked,
        after={"application": application.pk, "reviewer": reviewer.pk},
    )
    return row


@transaction.atomic
def assignment_remove(*, assignment: Assignment, actor: Any) -> None:
    """Take a row out of a proposal. Audited (`assignment.remove`)."""
    assert assignment.run is not None
    locked = _proposal(assignment.run)
    row = Assignment.objects.select_for_update().get(pk=assignment.pk, run=locked)
    audit_record(
        actor=actor,
        action="assignment.remove",
        obj=locked,
        before={"application": row.application_id, "reviewer": row.reviewer_id},
    )
    row.delete()


@transaction.atomic
def assignment_move(*, assignment: Assignment, reviewer: Reviewer, actor: Any) -> Assignment:
    """Give a row of a proposal to another reviewer (the same application). Audited
    (`assignment.move`)."""
    assert assignment.run is not None
    locked = _proposal(assignment.run)
    row = Assignment.objects.select_for_update().get(pk=assignment.pk, run=locked)
    if row.reviewer_id == reviewer.pk:
        return row
    if Assignment.objects.filter(
        run=locked, application_id=row.application_id, reviewer=reviewer
    ).exists():
        raise RunError(_("This reviewer is already assigned to this application."))
    before = row.reviewer_id
    row.reviewer = reviewer
    row.affinity = _affinity_of(locked, row.application_id, reviewer.pk)
    row.manual = True
    row.save(update_fields=["reviewer", "affinity", "manual"])
    audit_record(
        actor=actor,
        action="assignment.move",
        obj=locked,
        before={"application": row.application_id, "reviewer": before},
        after={"application": row.application_id, "reviewer": reviewer.pk},
    )
    return row


# --- deploy ------------------------------------------------------------------------------------


@transaction.atomic
def assignment_run_deploy(*, run: AssignmentRun, actor: Any) -> AssignmentRun:
    """Deploy a proposal. Conflicts are found again first; a proposal with a pair in conflict
    raises `RunError` and nothing changes. Otherwise: the run is locked (DEPLOYED, no more
    edits), its rows become active, the rows of the stage's previously deployed runs become
    inactive (those runs DISCARDED) — a "no conflict" already declared on a pair the new run
    keeps is carried over —, one audit event `assignment_run.deploy`, and each
    reviewer is notified (in-app and by e-mail) of their number of applications and the due
    date — never of an applicant's identity."""
    from bitgoeul.notifications.services import notify
    from bitgoeul.programs.notification_kinds import ASSIGNMENTS_DEPLOYED

    locked = _proposal(run)
    conflicts_find(stage=locked.stage, actor=actor)
    if any(w.blocks_deploy for w in run_warnings(locked)):
        raise RunError(
            _("The proposal has a reviewer with a conflict of interest; move them first.")
        )
    previous = AssignmentRun.objects.select_for_update().filter(
        stage_id=locked.stage_id, state=RunState.DEPLOYED
    )
    previous_ids = list(previous.values_list("pk", flat=True))
    replaced = Assignment.objects.filter(stage_id=locked.stage_id, active=True).exclude(run=locked)
    # a reviewer who already declared "no conflict" on a pair kept by the new run is not asked
    # again
    declared = {
        (application_id, reviewer_id): at
        for application_id, reviewer_id, at in replaced.filter(
            no_conflict_declared_at__isnull=False
        ).values_list("application_id", "reviewer_id", "no_conflict_declared_at")
    }
    replaced.update(active=False)
    previous.update(state=RunState.DISCARDED)
    Assignment.objects.filter(run=locked).update(active=True)
    if declared:
        kept = [
            row
            for row in Assignment.objects.filter(run=locked, no_conflict_declared_at__isnull=True)
            if (row.application_id, row.reviewer_id) in declared
        ]
        for row in kept:
            row.no_conflict_declared_at = declared[(row.application_id, row.reviewer_id)]
        Assignment.objects.bulk_update(kept, ["no_conflict_declared_at"], batch_size=1000)
    locked.state = RunState.DEPLOYED
    locked.deployed_by, locked.deployed_at = actor, timezone.now()
    locked.save(update_fields=["state", "deployed_by", "deployed_at"])
    loads = Counter(Assignment.objects.filter(run=locked).values_list("reviewer_id", flat=True))
    audit_record(
        actor=actor,
        action="assignment_run.deploy",
        obj=locked,
        before={"state": RunState.PROPOSED, "replaced_runs": previous_ids},
        after={"state": RunState.DEPLOYED, "assignments": sum(loads.values())},
    )
    due = locked.stage.review_due_at
    params_due = timezone.localtime(due).date().isoformat() if due else ""
    for reviewer in Reviewer.objects.filter(pk__in=loads).select_related("user"):
        notify(
            recipients=[reviewer.user],
            kind=ASSIGNMENTS_DEPLOYED,
            obj=locked,
            params={"count": loads[reviewer.pk], "due": params_due},
            actor=actor,
        )
    run.state, run.deployed_by, run.deployed_at = locked.state, actor, locked.deployed_at
    return run
