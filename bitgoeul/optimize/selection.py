"""Awards under a budget: `solve_selection(problem) -> SelectionResult`.

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
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from bitgoeul.optimize.notes import render
from bitgoeul.optimize.status import Deadline, ProblemError, Progress, Status, no_progress


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
        from bitgoeul.optimize.selection_optimal import solve_optimal

        return solve_optimal(problem, deadline, progress)
    raise ProblemError("policy", f"unknown policy {problem.policy!r}")


def floor_targets(problem: SelectionProblem) -> dict[str, int]:
    """Per floor group, the amount it must reach: min(ceil(floor × budget), all of the group).

    The floor is read as the decimal it was written as (0.1, not the nearest binary fraction).
    """
    targets = {}
    for group in sorted(problem.group_floors):
        exact = Fraction(repr(float(problem.group_floors[group]))) * problem.budget
        total = sum(c.amount for c in problem.applications if group in c.groups)
        targets[group] = min(math.ceil(exact), total)
    return targets


@dataclass
class Walk:
    selected: set[int]
    by_floor: set[int]
    left_at_turn: dict[int, int]


def walk(problem: SelectionProblem, order: list[int], *, floors: bool) -> Walk:
    apps = problem.applications
    left = problem.budget
    chosen: set[int] = set()
    by_floor: set[int] = set()
    left_at: dict[int, int] = {}
    if floors:
        for group, target in floor_targets(problem).items():
            got = sum(apps[i].amount for i in chosen if group in apps[i].groups)
            for i in order:
                if got >= target:
                    break
                if group in apps[i].groups and i not in chosen and apps[i].amount <= left:
                    chosen.add(i)
                    by_floor.add(i)
                    got += apps[i].amount
                    left -= apps[i].amount
    for i in order:
        if i in chosen:
            continue
        left_at[i] = left
        if apps[i].amount <= left:
            chosen.add(i)
            left -= apps[i].amount
    return Walk(chosen, by_floor, left_at)


def ranking(problem: SelectionProblem) -> list[int]:
    apps = problem.applications
    return sorted(range(len(apps)), key=lambda i: (-apps[i].score, apps[i].id))


def unmet_floors(problem: SelectionProblem, chosen: set[int]) -> list[dict[str, object]]:
    apps = problem.applications
    out: list[dict[str, object]] = []
    for group, target in floor_targets(problem).items():
        got = sum(apps[i].amount for i in chosen if group in apps[i].groups)
        if got < target:
            out.append({"group": group, "target": target, "reached": got})
    return out


def solve_rank(problem: SelectionProblem, deadline: Deadline) -> SelectionResult:
    apps = problem.applications
    order = ranking(problem)
    first = walk(problem, order, floors=True)
    band: set[int] = set()
    line: float | None = None
    if problem.lottery is not None:
        out = [i for i in order if i not in first.selected]
        if out:
            line = apps[out[0]].score
            width = problem.lottery.band
            band = {i for i, c in enumerate(apps) if abs(c.score - line) <= width}
            drawn = sorted(band, key=lambda i: apps[i].id)
            random.Random(problem.lottery.seed).shuffle(drawn)  # nosec B311  # a published, reproducible lottery draw: the seed is part of the decision
            position = {i: p for p, i in enumerate(drawn)}

            def key(i: int) -> tuple[int, float, str]:
                if i in position:
                    return (1, float(position[i]), "")
                return (0 if apps[i].score > line + width else 2, -apps[i].score, apps[i].id)

            order = sorted(range(len(apps)), key=key)
    final = walk(problem, order, floors=True)
    unmet = unmet_floors(problem, final.selected)
    if unmet:
        return SelectionResult(
            status=Status.INFEASIBLE,
            seconds=deadline.elapsed(),
            reason="the ranking cannot meet the floors: "
            + "; ".join(f"{u['group']} reached {u['reached']} of {u['target']}" for u in unmet),
            reason_params={"floors": unmet},
        )
    plain = walk(problem, order, floors=False).selected if problem.group_floors else final.selected
    context = {"band": problem.lottery.band if problem.lottery else 0.0, "line": line}
    decisions = decide(problem, order, final.selected, plain, band, final.left_at_turn, context)
    return finish(problem, final.selected, decisions, deadline, Status.OPTIMAL, None)


def decide(
    problem: SelectionProblem,
    order: list[int],
    chosen: set[int],
    without_floors: set[int],
    band: set[int],
    left_at_turn: Mapping[int, int],
    context: Mapping[str, object],
) -> list[Decision]:
    """Reasons: floor (selected only because of a floor, or left out because of one), lottery (in
    the band), budget (something ranked below it was selected), below_line, selected."""
    apps = problem.applications
    rank = {i: p for p, i in enumerate(order)}
    lowest_selected = max((rank[i] for i in chosen), default=-1)
    groups_with_floor = set(problem.group_floors)
    out = []
    for i, app in enumerate(apps):
        floors = sorted(groups_with_floor & set(app.groups))
        params: dict[str, object]
        if i in chosen:
            if i not in without_floors:
                params = {"key": "selection.floor_selected", "groups": floors}
            elif i in band:
                params = {"key": "selection.lottery", "selected": True, **context}
            else:
                params = {"key": "selection.selected", "rank": rank[i] + 1}
        elif i in without_floors:
            params = {"key": "selection.floor_displaced", "groups": sorted(groups_with_floor)}
        elif i in band:
            params = {"key": "selection.lottery", "selected": False, **context}
        elif rank[i] < lowest_selected:
            params = {
                "key": "selection.budget",
                "amount": app.amount,
                "left": left_at_turn.get(i, 0),
            }
        else:
            params = {"key": "selection.below_line"}
        reason = DecisionReason(
            {
                "selection.floor_selected": "floor",
                "selection.floor_displaced": "floor",
            }.get(str(params["key"]), str(params["key"]).split(".", 1)[1])
        )
        out.append(Decision(app.id, i in chosen, reason, render(params), params))
    return out


def finish(
    problem: SelectionProblem,
    chosen: set[int],
    decisions: list[Decision],
    deadline: Deadline,
    status: Status,
    bound: float | None,
) -> SelectionResult:
    apps = problem.applications
    return SelectionResult(
        status=status,
        seconds=deadline.elapsed(),
        objective=sum(apps[i].score for i in chosen),
        spent=sum(apps[i].amount for i in chosen),
        decisions=tuple(decisions),
        bound=bound,
    )


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
