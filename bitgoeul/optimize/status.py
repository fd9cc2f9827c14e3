"""What every solver reports: the status of an answer, numerical tolerances and the clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum

# Quantities (GPU-hours, scores) are floats: constraints hold to within this relative tolerance
# (absolute below 1).
TOLERANCE = 1e-6
# "optimal" is claimed when the objective is within this relative distance of the proved bound.
OPTIMALITY_GAP = 1e-6

Progress = Callable[[str], None]
"""A callback that receives a short phase description ("LP relaxation", "branch and bound")."""


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"


class ProblemError(ValueError):
    """Invalid input: `path` is the JSON path of the offending value (`requests[3].demand`)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


def tolerance(value: float) -> float:
    """The absolute slack allowed around `value`."""
    return TOLERANCE * max(1.0, abs(value))


def reaches(objective: float, bound: float) -> bool:
    """Whether `objective` is proved optimal by `bound` (maximisation) within the tolerance."""
    return objective >= bound - OPTIMALITY_GAP * max(1.0, abs(bound))


def status_for(objective: float, bound: float) -> Status:
    return Status.OPTIMAL if reaches(objective, bound) else Status.FEASIBLE


class Deadline:
    """Wall-clock budget of one solve; `None` means no limit."""

    def __init__(self, seconds: float | None) -> None:
        self.start = time.perf_counter()
        self.limit = seconds

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def left(self) -> float | None:
        return None if self.limit is None else max(0.0, self.limit - self.elapsed())

    def expired(self) -> bool:
        left = self.left()
        return left is not None and left <= 0.0


def no_progress(_: str) -> None:
    """The default progress callback."""
