"""`solve_allocation(problem) -> AllocationResult`: the solver for the round's policy.

A request may draw from any of its pools in any of its periods; its grant is 0 or at least its
minimum and at most its demand; pool capacity, the company cap and the group floors hold. Policy
`priority` maximises the weighted grant exactly (`priority`); policy `fair` is weighted max-min
fairness by progressive filling (`fair`). The model is in docs/solvers.md.
"""

from __future__ import annotations

from bitgoeul.optimize.allocation import fair, priority
from bitgoeul.optimize.allocation.model import Round
from bitgoeul.optimize.allocation.problem import (
    AllocationPolicy,
    AllocationProblem,
    AllocationResult,
    validate_allocation,
)
from bitgoeul.optimize.status import Deadline, ProblemError, Progress, no_progress


def solve_allocation(
    problem: AllocationProblem,
    *,
    time_limit: float | None = None,
    progress: Progress = no_progress,
) -> AllocationResult:
    """Solve an allocation round; raises `ProblemError` for invalid input.

    Deterministic: the same problem gives the same grants (unless `time_limit` cuts a search
    short, in which case the answer is `feasible` and `bound` says how far it may be from best).
    """
    validate_allocation(problem)
    deadline = Deadline(time_limit)
    rnd = Round(problem)
    if problem.policy is AllocationPolicy.PRIORITY:
        return priority.solve(rnd, deadline, progress)
    if problem.policy is AllocationPolicy.FAIR:
        return fair.solve(rnd, deadline, progress)
    raise ProblemError("policy", f"unknown policy {problem.policy!r}")
