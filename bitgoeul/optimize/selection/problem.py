"""Awards under a budget: the problem and result types of a selection, and their validation.

Choose applications whose amounts fit in the budget; each group floor holds (the selected amounts
of the group reach `floor × budget`, or all of the group is selected). Policy `rank` is the public
rule (below); policy `optimal` maximises the total score exactly (selection_optimal).

The rank rule: the ranking is by score (highest first), ties by id. The floor groups, in name
order, each walk their own ranking and select every application that still fits until their floor
is met; then the whole ranking is walked and every application that still fits is selected. With a
lottery, the funding line is the score of the best-ranked application this leaves out; the
applications within `band` points of it are put in an order drawn with `random.Random(seed)` (from
their id order), and the walk is done again with that ranking.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bitgoeul.optimize.status import ProblemError, Status


class SelectionPolicy(StrEnum):
    RANK = "rank"
    OPTIMAL = "optimal"


class DecisionReason(StrEnum):
    SELECTED = "selected"
    BUDGET = "budget"
    BELOW_LINE = "below_line"
    FLOOR = "floor"
    LOTTERY = "lottery"


@dataclass(frozen=True)
class Candidate:
    """An application competing for an award (`amount` in whole KRW)."""

    id: str
    score: float
    amount: int
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lottery:
    band: float
    seed: int


@dataclass(frozen=True)
class SelectionProblem:
    policy: SelectionPolicy
    budget: int
    applications: tuple[Candidate, ...]
    group_floors: Mapping[str, float] = field(default_factory=dict)
    lottery: Lottery | None = None


@dataclass(frozen=True)
class Decision:
    application: str
    selected: bool
    reason: DecisionReason
    note: str
    note_params: Mapping[str, object]


@dataclass(frozen=True)
class SelectionResult:
    status: Status
    seconds: float
    objective: float | None = None
    spent: int | None = None
    decisions: tuple[Decision, ...] = ()
    bound: float | None = None
    """`optimal` only: a proved upper bound on the total score."""
    reason: str | None = None
    reason_params: Mapping[str, object] = field(default_factory=dict)


def _number(path: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ProblemError(path, "must be a finite number")


def _money(path: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProblemError(path, "must be a whole number of KRW")
    if value < 0:
        raise ProblemError(path, "must be >= 0")


def validate_selection(problem: SelectionProblem) -> None:
    """Check every value; raises `ProblemError` naming the first bad one."""
    if not isinstance(problem.policy, SelectionPolicy):
        raise ProblemError("policy", "must be 'rank' or 'optimal'")
    _money("budget", problem.budget)
    seen: set[str] = set()
    for i, app in enumerate(problem.applications):
        if not isinstance(app.id, str) or not app.id:
            raise ProblemError(f"applications[{i}].id", "must be a non-empty string")
        if app.id in seen:
            raise ProblemError(f"applications[{i}].id", f"duplicate application {app.id!r}")
        seen.add(app.id)
        _number(f"applications[{i}].score", app.score)
        _money(f"applications[{i}].amount", app.amount)
        for j, group in enumerate(app.groups):
            if not isinstance(group, str) or not group:
                raise ProblemError(f"applications[{i}].groups[{j}]", "must be a non-empty string")
    for group, floor in problem.group_floors.items():
        _number(f"group_floors.{group}", floor)
        if not 0 <= floor <= 1:
            raise ProblemError(f"group_floors.{group}", "must be between 0 and 1")
    if problem.lottery is not None:
        _number("lottery.band", problem.lottery.band)
        if problem.lottery.band < 0:
            raise ProblemError("lottery.band", "must be >= 0")
        if isinstance(problem.lottery.seed, bool) or not isinstance(problem.lottery.seed, int):
            raise ProblemError("lottery.seed", "must be an integer")
