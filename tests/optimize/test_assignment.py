"""Assignment: every answer obeys the contract; `total` is optimal; `fair` is bounded honestly."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings

from bitgoeul.optimize.assignment.problem import (
    Affinity,
    Application,
    AssignmentPolicy,
    AssignmentProblem,
    Conflict,
    Reviewer,
)
from bitgoeul.optimize.assignment.solve import solve_assignment
from bitgoeul.optimize.status import Status
from tests.optimize.checks import (
    assignment_scores,
    brute_assignment,
    check_assignment,
    close,
)
from tests.optimize.strategies import assignments

TOTAL = AssignmentPolicy.TOTAL
FAIR = AssignmentPolicy.FAIR


@settings(max_examples=80, deadline=None)
@given(assignments(TOTAL))
def test_total_is_valid_and_matches_brute_force(problem: AssignmentProblem) -> None:
    result = solve_assignment(problem)
    plans = brute_assignment(problem)
    if not plans:
        assert result.status is Status.INFEASIBLE
        assert result.reason
        return
    check_assignment(problem, result)
    best = max(sum(assignment_scores(problem, plan)) for plan in plans)
    assert result.status is Status.OPTIMAL
    assert close(result.objective or 0.0, best)
    assert (result.bound or 0.0) >= best - 1e-9
    again = solve_assignment(problem)
    assert dataclasses.replace(again, seconds=0) == dataclasses.replace(result, seconds=0)


@settings(max_examples=80, deadline=None)
@given(assignments(FAIR))
def test_fair_is_valid_and_its_bound_holds(problem: AssignmentProblem) -> None:
    result = solve_assignment(problem)
    plans = brute_assignment(problem)
    if not plans:
        assert result.status is Status.INFEASIBLE
        return
    check_assignment(problem, result)
    best = max(min(assignment_scores(problem, plan), default=0.0) for plan in plans)
    assert result.min_application_score is not None and result.bound is not None
    assert result.min_application_score <= best + 1e-9
    assert result.bound >= best - 1e-9
    if result.status is Status.OPTIMAL:
        assert close(result.min_application_score, best)
    again = solve_assignment(problem)
    assert dataclasses.replace(again, seconds=0) == dataclasses.replace(result, seconds=0)


def problem_of(
    apps: list[tuple[str, str]],
    revs: list[Reviewer],
    scores: dict[tuple[str, str], float],
    *,
    k: int = 1,
    policy: AssignmentPolicy = TOTAL,
    conflicts: tuple[Conflict, ...] = (),
) -> AssignmentProblem:
    return AssignmentProblem(
        policy=policy,
        reviews_per_application=k,
        applications=tuple(Application(a, c) for a, c in apps),
        reviewers=tuple(revs),
        affinity=tuple(Affinity(a, r, s) for (a, r), s in scores.items()),
        conflicts=conflicts,
    )


def pairs(result: object) -> set[tuple[str, str]]:
    return {(a.application, a.reviewer) for a in result.assignments}  # type: ignore[attr-defined]


def test_total_respects_company_and_pair_conflicts() -> None:
    problem = problem_of(
        [("A1", "C1"), ("A2", "C2")],
        [Reviewer("V1", 2, conflicts=("C1",)), Reviewer("V2", 2), Reviewer("V3", 2)],
        {("A1", "V1"): 1.0, ("A1", "V2"): 0.5, ("A2", "V2"): 0.9, ("A2", "V3"): 0.2},
        conflicts=(Conflict("A2", "V2"),),
    )
    result = solve_assignment(problem)
    assert pairs(result) == {("A1", "V2"), ("A2", "V3")}
    assert result.objective == pytest.approx(0.7)


def test_per_application_review_counts_override_the_default() -> None:
    problem = dataclasses.replace(
        problem_of([("A1", "C1"), ("A2", "C2")], [Reviewer(f"V{i}", 3) for i in range(3)], {}),
        applications=(Application("A1", "C1", reviews=3), Application("A2", "C2", reviews=0)),
    )
    result = solve_assignment(problem)
    assert sorted(pairs(result)) == [("A1", "V0"), ("A1", "V1"), ("A1", "V2")]


def test_unlisted_pairs_score_zero_and_keep_reviewers_distinct() -> None:
    revs = [Reviewer(f"V{i}", 1) for i in range(4)]
    problem = problem_of([("A1", "C1"), ("A2", "C2")], revs, {("A1", "V0"): 1.0}, k=2)
    result = solve_assignment(problem)
    check_assignment(problem, result)
    assert ("A1", "V0") in pairs(result)
    assert result.objective == pytest.approx(1.0)


def test_min_load_is_met() -> None:
    revs = [Reviewer("V0", 2), Reviewer("V1", 2, min_load=2)]
    problem = problem_of([("A1", "C1"), ("A2", "C2")], revs, {("A1", "V0"): 1.0, ("A2", "V0"): 1.0})
    result = solve_assignment(problem)
    assert pairs(result) == {("A1", "V1"), ("A2", "V1")}


def test_infeasible_names_the_applications_that_cannot_be_covered() -> None:
    problem = problem_of(
        [("A1", "C1"), ("A2", "C2")],
        [Reviewer("V1", 5, conflicts=("C2",)), Reviewer("V2", 5, conflicts=("C2",))],
        {},
        k=2,
    )
    result = solve_assignment(problem)
    assert result.status is Status.INFEASIBLE
    assert result.reason == (
        "not enough non-conflicted reviewer capacity for A2 (needs 2, at most 0)"
    )


def test_infeasible_when_min_loads_cannot_be_met() -> None:
    problem = problem_of([("A1", "C1")], [Reviewer("V1", 3, min_load=2)], {})
    result = solve_assignment(problem)
    assert result.status is Status.INFEASIBLE
    assert result.reason == "reviewers cannot reach their min_load: V1 (min_load 2, at most 1)"


def test_fair_trades_total_for_the_smallest_application() -> None:
    # total: A1-V1 (1.0) + A2-V2 (0.1) = 1.1, smallest 0.1
    # fair:  A1-V2 (0.3) + A2-V1 (0.5) = 0.8, smallest 0.3 (the LP bound is 0.43: CP-SAT proves it)
    scores = {("A1", "V1"): 1.0, ("A1", "V2"): 0.3, ("A2", "V1"): 0.5, ("A2", "V2"): 0.1}
    revs = [Reviewer("V1", 1), Reviewer("V2", 1)]
    apps = [("A1", "C1"), ("A2", "C2")]
    total = solve_assignment(problem_of(apps, revs, scores))
    fair = solve_assignment(problem_of(apps, revs, scores, policy=FAIR))
    assert pairs(total) == {("A1", "V1"), ("A2", "V2")}
    assert pairs(fair) == {("A1", "V2"), ("A2", "V1")}
    assert (total.min_application_score, fair.min_application_score) == (0.1, 0.3)
    assert (total.objective, fair.objective) == (pytest.approx(1.1), pytest.approx(0.8))
    assert fair.status is Status.OPTIMAL
    assert fair.bound == pytest.approx(0.3)


def test_fair_then_maximises_the_total() -> None:
    # Both plans give A2 0.5; only one also gives A1 its best reviewer.
    scores = {("A1", "V1"): 0.9, ("A1", "V3"): 0.6, ("A2", "V2"): 0.5, ("A2", "V1"): 0.5}
    revs = [Reviewer("V1", 1), Reviewer("V2", 1), Reviewer("V3", 1)]
    fair = solve_assignment(problem_of([("A1", "C1"), ("A2", "C2")], revs, scores, policy=FAIR))
    assert pairs(fair) == {("A1", "V1"), ("A2", "V2")}
    assert fair.objective == pytest.approx(1.4)
