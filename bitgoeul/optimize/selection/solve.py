"""`solve_selection(problem) -> SelectionResult`: the solver for the policy.

Choose applications whose amounts fit in the budget; each group floor holds (the selected amounts
of the group reach `floor × budget`, or all of the group is selected). Policy `rank` is the public
rule (`rank`); policy `optimal` maximises the total score exactly (`optimal`).
"""

from __future__ import annotations

from bitgoeul.optimize.selection.optimal import solve_optimal
from bitgoeul.optimize.selection.problem import (
    SelectionPolicy,
    SelectionProblem,
    SelectionResult,
    validate_selection,
)
from bitgoeul.optimize.selection.rank import solve_rank
from bitgoeul.optimize.status import Deadline, ProblemError, Progress, no_progress


def solve_selection(
    problem: SelectionProblem,
    *,
    time_limit: float | None = None,
    progress: Progress = no_progress,
) -> SelectionResult:
    """Solve a selection; raises `ProblemError` for invalid input. Deterministic."""
    validate_selection(problem)
    deadline = Deadline(time_limit)
    if problem.policy is SelectionPolicy.RANK:
        return solve_rank(problem, deadline)
    if problem.policy is SelectionPolicy.OPTIMAL:
        return solve_optimal(problem, deadline, progress)
    raise ProblemError("policy", f"unknown policy {problem.policy!r}")
