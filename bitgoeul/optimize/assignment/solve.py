"""`solve_assignment(problem) -> AssignmentResult`: the solver for the policy.

Every application gets exactly its number of distinct reviewers, every reviewer's load stays in
[min_load, max_load], and no pair is in conflict (the reviewer lists the application's company, or
the pair is listed in `conflicts`); a pair without an affinity scores 0. Policy `total` maximises
the total affinity exactly (min-cost flow, `flow`); policy `fair` raises the smallest
per-application affinity, then the total (`fair`).
"""

from __future__ import annotations

from bitgoeul.optimize.assignment import fair, flow
from bitgoeul.optimize.assignment.problem import (
    AssignmentPolicy,
    AssignmentProblem,
    AssignmentResult,
    validate_assignment,
)
from bitgoeul.optimize.status import Deadline, ProblemError, Progress, no_progress


def solve_assignment(
    problem: AssignmentProblem,
    *,
    time_limit: float | None = None,
    progress: Progress = no_progress,
) -> AssignmentResult:
    """Solve an assignment; raises `ProblemError` for invalid input. Deterministic."""
    validate_assignment(problem)
    deadline = Deadline(time_limit)
    instance = flow.Instance(problem)
    if problem.policy is AssignmentPolicy.TOTAL:
        return flow.solve_total(instance, deadline, progress)
    if problem.policy is AssignmentPolicy.FAIR:
        return fair.solve_fair(instance, deadline, progress)
    raise ProblemError("policy", f"unknown policy {problem.policy!r}")
