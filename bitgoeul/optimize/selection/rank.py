"""The public rank rule of a selection (policy `rank`), and the walk the exact solver reuses.

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
from dataclasses import dataclass
from fractions import Fraction

from bitgoeul.optimize.notes import render
from bitgoeul.optimize.selection.problem import (
    Decision,
    DecisionReason,
    SelectionProblem,
    SelectionResult,
)
from bitgoeul.optimize.status import Deadline, Status


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
