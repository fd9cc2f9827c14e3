"""GPU-hours of an allocation round: the problem and result types (from `problem`).

The solvers sit beside them; `allocation.solve.solve_allocation` picks the one for the policy.
Importing this package or `problem` is cheap; `solve` imports OR-Tools (ruff's TID253 keeps it
out of module level outside the engine, so Django start-up never pays for it).
"""

from bitgoeul.optimize.allocation.problem import (
    AllocationPolicy,
    AllocationProblem,
    AllocationResult,
    Grant,
    GrantPart,
    GrantReason,
    Pool,
    PoolUsage,
    Request,
    validate_allocation,
)

__all__ = [
    "AllocationPolicy",
    "AllocationProblem",
    "AllocationResult",
    "Grant",
    "GrantPart",
    "GrantReason",
    "Pool",
    "PoolUsage",
    "Request",
    "validate_allocation",
]
