"""Selection: the rank rule, the exact optimum, the lottery and every reason."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings

from bitgoeul.optimize.selection.problem import (
    Candidate,
    DecisionReason,
    Lottery,
    SelectionPolicy,
    SelectionProblem,
)
from bitgoeul.optimize.selection.solve import solve_selection
from bitgoeul.optimize.status import Status
from tests.optimize.checks import brute_selection, check_selection, close
from tests.optimize.strategies import selections

RANK = SelectionPolicy.RANK
OPTIMAL = SelectionPolicy.OPTIMAL


@settings(max_examples=80, deadline=None)
@given(selections(OPTIMAL))
def test_optimal_is_valid_and_matches_brute_force(problem: SelectionProblem) -> None:
    result = solve_selection(problem)
    best = brute_selection(problem)
    if best is None:
        assert result.status is Status.INFEASIBLE
        assert result.reason
        return
    check_selection(problem, result)
    assert result.status is Status.OPTIMAL
    assert close(result.objective or 0.0, best)
    assert result.bound is not None and result.bound >= best - 1e-6
    again = solve_selection(problem)
    assert dataclasses.replace(again, seconds=0) == dataclasses.replace(result, seconds=0)


@settings(max_examples=80, deadline=None)
@given(selections(RANK))
def test_rank_is_valid_greedy_and_deterministic(problem: SelectionProblem) -> None:
    result = solve_selection(problem)
    if result.status is Status.INFEASIBLE:
        assert result.reason
        return
    check_selection(problem, result)
    left = problem.budget - (result.spent or 0)
    for app, decision in zip(problem.applications, result.decisions, strict=True):
        if not decision.selected:
            assert app.amount > left  # the walk selects everything that still fits
    best = brute_selection(problem)
    assert best is not None and (result.objective or 0.0) <= best + 1e-9
    again = solve_selection(problem)
    assert dataclasses.replace(again, seconds=0) == dataclasses.replace(result, seconds=0)


def apps(*rows: tuple[str, float, int, tuple[str, ...]]) -> tuple[Candidate, ...]:
    return tuple(Candidate(id, score, amount, groups) for id, score, amount, groups in rows)


def decisions(result: object) -> dict[str, tuple[bool, DecisionReason]]:
    return {d.application: (d.selected, d.reason) for d in result.decisions}  # type: ignore[attr-defined]


def test_rank_reasons_selected_budget_and_below_line() -> None:
    problem = SelectionProblem(
        policy=RANK,
        budget=100,
        applications=apps(
            ("A", 90.0, 60, ()), ("B", 80.0, 50, ()), ("C", 70.0, 40, ()), ("D", 60.0, 50, ())
        ),
    )
    result = solve_selection(problem)
    assert decisions(result) == {
        "A": (True, DecisionReason.SELECTED),
        "B": (False, DecisionReason.BUDGET),
        "C": (True, DecisionReason.SELECTED),
        "D": (False, DecisionReason.BELOW_LINE),
    }
    assert (result.objective, result.spent, result.status) == (160.0, 100, Status.OPTIMAL)
    b = next(d for d in result.decisions if d.application == "B")
    assert b.note == "its amount (50) did not fit in the budget left (40)"


def test_rank_reason_floor_selects_and_displaces() -> None:
    problem = SelectionProblem(
        policy=RANK,
        budget=100,
        applications=apps(("A", 90.0, 60, ()), ("B", 80.0, 40, ()), ("C", 50.0, 40, ("outside",))),
        group_floors={"outside": 0.3},
    )
    result = solve_selection(problem)
    assert decisions(result) == {
        "A": (True, DecisionReason.SELECTED),
        "B": (False, DecisionReason.FLOOR),
        "C": (True, DecisionReason.FLOOR),
    }


def test_rank_lottery_orders_the_band_by_seed_and_is_repeatable() -> None:
    rows = [(f"A{i}", 70.0 + i * 0.1, 10, ()) for i in range(8)]
    problem = SelectionProblem(
        policy=RANK, budget=40, applications=apps(*rows), lottery=Lottery(band=1.0, seed=7)
    )
    first = solve_selection(problem)
    assert {reason for _, reason in decisions(first).values()} == {DecisionReason.LOTTERY}
    assert dataclasses.replace(solve_selection(problem), seconds=0) == dataclasses.replace(
        first, seconds=0
    )
    picks = {
        seed: frozenset(
            d.application
            for d in solve_selection(
                dataclasses.replace(problem, lottery=Lottery(1.0, seed))
            ).decisions
            if d.selected
        )
        for seed in range(6)
    }
    assert len(set(picks.values())) > 1
    plain = solve_selection(dataclasses.replace(problem, lottery=None))
    assert {d.application for d in plain.decisions if d.selected} == {"A4", "A5", "A6", "A7"}


def test_rank_floor_that_cannot_be_met_is_infeasible() -> None:
    problem = SelectionProblem(
        policy=RANK,
        budget=100,
        applications=apps(("X1", 90.0, 60, ("x",)), ("Y1", 80.0, 60, ("y",))),
        group_floors={"x": 0.5, "y": 0.5},
    )
    result = solve_selection(problem)
    assert result.status is Status.INFEASIBLE
    assert result.reason == "the ranking cannot meet the floors: y reached 0 of 50"


def test_optimal_beats_rank_and_names_floors_it_cannot_meet() -> None:
    rows = apps(("A", 90.0, 100, ()), ("B", 60.0, 50, ()), ("C", 55.0, 50, ()))
    rank = solve_selection(SelectionProblem(policy=RANK, budget=100, applications=rows))
    best = solve_selection(SelectionProblem(policy=OPTIMAL, budget=100, applications=rows))
    assert (rank.objective, best.objective) == (90.0, 115.0)
    assert best.bound == pytest.approx(115.0)
    assert decisions(best)["A"] == (False, DecisionReason.BUDGET)
    impossible = SelectionProblem(
        policy=OPTIMAL,
        budget=100,
        applications=apps(("A", 90.0, 150, ("outside",))),
        group_floors={"outside": 1.0},
    )
    result = solve_selection(impossible)
    assert result.status is Status.INFEASIBLE
    assert result.reason == "the floor of outside cannot be met within the budget"
