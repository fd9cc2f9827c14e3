"""Reviewers to applications: the problem and result types (from `problem`).

The solvers sit beside them; `assignment.solve.solve_assignment` picks the one for the policy.
Importing this package or `problem` is cheap; `solve` imports OR-Tools (ruff's TID253 keeps it
out of module level outside the engine, so Django start-up never pays for it).
"""

from bitgoeul.optimize.assignment.problem import (
    Affinity,
    Application,
    Assignment,
    AssignmentPolicy,
    AssignmentProblem,
    AssignmentResult,
    Conflict,
    Reviewer,
    validate_assignment,
)

__all__ = [
    "Affinity",
    "Application",
    "Assignment",
    "AssignmentPolicy",
    "AssignmentProblem",
    "AssignmentResult",
    "Conflict",
    "Reviewer",
    "validate_assignment",
]
