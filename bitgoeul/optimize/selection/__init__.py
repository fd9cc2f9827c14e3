"""Awards under a budget: the problem and result types (from `problem`).

The solvers sit beside them; `selection.solve.solve_selection` picks the one for the policy.
Importing this package or `problem` is cheap; `solve` imports OR-Tools (ruff's TID253 keeps it
out of module level outside the engine, so Django start-up never pays for it).
"""

from bitgoeul.optimize.selection.problem import (
    Candidate,
    Decision,
    DecisionReason,
    Lottery,
    SelectionPolicy,
    SelectionProblem,
    SelectionResult,
    validate_selection,
)

__all__ = [
    "Candidate",
    "Decision",
    "DecisionReason",
    "Lottery",
    "SelectionPolicy",
    "SelectionProblem",
    "SelectionResult",
    "validate_selection",
]
