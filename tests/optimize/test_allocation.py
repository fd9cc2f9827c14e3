"""Allocation: every answer obeys the contract, `priority` is optimal, `fair` is leximin."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings

from bitgoeul.optimize.allocation.problem import (
    AllocationPolicy,
    AllocationProblem,
    GrantReason,
    Pool,
    Request,
)
from bitgoeul.optimize.allocation.solve import solve_allocation
from bitgoeul.optimize.status import Status
from tests.optimize.checks import (
    brute_priority,
    check_allocation,
    check_leximin,
    close,
    weighted,
)
from tests.optimize.strategies import allocations

PRIORITY = AllocationPolicy.PRIORITY
FAIR = AllocationPolicy.FAIR


def without_seconds(result: object) -> object:
    return dataclasses.replace(result, seconds=0.0)  # type: ignore[type-var]


@settings(max_examples=60, deadline=None)
@given(allocations(PRIORITY))
def test_priority_is_valid_and_matches_brute_force(problem: AllocationProblem) -> None:
    result = solve_allocation(problem)
    best = brute_priority(problem)
    if best is None:
        assert result.status is Status.INFEASIBLE
        assert result.reason
        return
    check_allocation(problem, result)
    assert result.status is Status.OPTIMAL
    assert close(weighted(problem, result), best)
    assert close(result.objective or 0.0, best)
    assert without_seconds(solve_allocation(problem)) == without_seconds(result)


@settings(max_examples=40, deadline=None)
@given(allocations(FAIR))
def test_fair_is_valid_and_deterministic(problem: AllocationProblem) -> None:
    result = solve_allocation(problem)
    if result.status is Status.INFEASIBLE:
        assert result.reason
        return
    check_allocation(problem, result)
    assert without_seconds(solve_allocation(problem)) == without_seconds(result)


@settings(max_examples=40, deadline=None)
@given(allocations(FAIR, minimums=False))
def test_fair_without_minimums_is_leximin_and_reaches_its_bound(
    problem: AllocationProblem,
) -> None:
    result = solve_allocation(problem)
    if result.status is Status.INFEASIBLE:
        return
    check_allocation(problem, result)
    check_leximin(problem, result)
    assert result.status is Status.OPTIMAL
    assert close(result.objective or 0.0, result.bound or 0.0)


def round_of(
    *requests: Request, policy: AllocationPolicy = PRIORITY, **extra: object
) -> AllocationProblem:
    return AllocationProblem(
        policy=policy,
        periods=("2026-01", "2026-02"),
        pools=(
            Pool("H100", {"2026-01": 100.0, "2026-02": 100.0}),
            Pool("A100", {"2026-01": 50.0}),
        ),
        requests=requests,
        **extra,  # type: ignore[arg-type]
    )


def req(id: str, weight: float, demand: float, **extra: object) -> Request:
    fields: dict[str, object] = {
        "company": f"C-{id}",
        "pools": ("H100",),
        "periods": ("2026-01", "2026-02"),
    }
    fields.update(extra)
    return Request(id=id, weight=weight, demand=demand, **fields)  # type: ignore[arg-type]


def grant(result: object, request: str) -> object:
    return next(g for g in result.grants if g.request == request)  # type: ignore[attr-defined]


def test_reason_full_when_the_demand_is_granted() -> None:
    result = solve_allocation(round_of(req("R1", 5, 120)))
    g = grant(result, "R1")
    assert (g.reason, g.granted) == (GrantReason.FULL, 120.0)  # type: ignore[attr-defined]
    assert g.note == "granted in full (120 GPU-hours)"  # type: ignore[attr-defined]


def test_reason_capacity_names_the_full_pools_and_periods() -> None:
    result = solve_allocation(round_of(req("R1", 9, 150), req("R2", 1, 100)))
    g = grant(result, "R2")
    assert g.reason is GrantReason.CAPACITY  # type: ignore[attr-defined]
    assert g.granted == 50.0  # type: ignore[attr-defined]
    assert g.note == "H100 in 2026-01..2026-02 were full with higher-weight requests"  # type: ignore[attr-defined]


def test_reason_capacity_groups_pools_with_the_same_periods() -> None:
    both = {"pools": ("H100", "A100"), "periods": ("2026-01",)}
    result = solve_allocation(round_of(req("R1", 9, 150, **both), req("R2", 1, 100, **both)))
    g = grant(result, "R2")
    assert g.reason is GrantReason.CAPACITY  # type: ignore[attr-defined]
    assert g.note == "H100 and A100 in 2026-01 were full with higher-weight requests"  # type: ignore[attr-defined]


def test_reason_company_cap() -> None:
    same = {"company": "C-1"}
    problem = round_of(req("R1", 9, 40, **same), req("R2", 5, 40, **same), company_cap=0.2)
    result = solve_allocation(problem)
    g = grant(result, "R2")
    assert g.reason is GrantReason.COMPANY_CAP  # type: ignore[attr-defined]
    assert g.granted == 10.0  # type: ignore[attr-defined]
    assert g.note == "company C-1 reached its cap of 50 GPU-hours (20% of the round)"  # type: ignore[attr-defined]


def test_reason_below_minimum() -> None:
    result = solve_allocation(round_of(req("R1", 9, 180), req("R2", 5, 100, minimum=50)))
    g = grant(result, "R2")
    assert (g.reason, g.granted) == (GrantReason.BELOW_MINIMUM, 0.0)  # type: ignore[attr-defined]
    assert g.note == (  # type: ignore[attr-defined]
        "its minimum of 50 GPU-hours did not fit: only 20 GPU-hours were available to it"
    )


def test_reason_floor() -> None:
    problem = round_of(
        req("R1", 9, 200),
        req("R2", 1, 100, groups=("newcomer",)),
        group_floors={"newcomer": 0.2},
    )
    result = solve_allocation(problem)
    assert grant(result, "R2").granted == 50.0  # type: ignore[attr-defined]
    g = grant(result, "R1")
    assert (g.reason, g.granted) == (GrantReason.FLOOR, 150.0)  # type: ignore[attr-defined]
    assert g.note == "capacity it could use went to the floor of newcomer"  # type: ignore[attr-defined]


def test_reason_not_eligible() -> None:
    result = solve_allocation(round_of(req("R1", 5, 10, pools=("A100",), periods=("2026-02",))))
    g = grant(result, "R1")
    assert (g.reason, g.granted, g.parts) == (GrantReason.NOT_ELIGIBLE, 0.0, ())  # type: ignore[attr-defined]


def test_fair_reason_below_minimum_when_dropped() -> None:
    problem = round_of(req("R1", 1, 200), req("R2", 1, 200, minimum=150), policy=FAIR)
    result = solve_allocation(problem)
    r1, r2 = grant(result, "R1"), grant(result, "R2")
    assert (r2.reason, r2.granted) == (GrantReason.BELOW_MINIMUM, 0.0)  # type: ignore[attr-defined]
    assert (r1.reason, r1.granted) == (GrantReason.FULL, 200.0)  # type: ignore[attr-defined]
    assert result.status is Status.FEASIBLE
    assert result.objective == 0.0


def test_fair_shares_in_proportion_to_weight() -> None:
    problem = round_of(req("R1", 2, 200), req("R2", 1, 200), policy=FAIR)
    result = solve_allocation(problem)
    assert grant(result, "R1").granted == pytest.approx(400 / 3)  # type: ignore[attr-defined]
    assert grant(result, "R2").granted == pytest.approx(200 / 3)  # type: ignore[attr-defined]
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(1 / 3)


def test_shadow_price_is_the_marginal_weight_of_a_full_pool() -> None:
    result = solve_allocation(round_of(req("R1", 9, 150), req("R2", 1, 300)))
    prices = {(u.pool, u.period): u.shadow_price for u in result.pools}
    assert prices[("H100", "2026-01")] == pytest.approx(1.0)
    assert prices[("A100", "2026-02")] == 0.0


def test_floors_that_cannot_hold_make_the_round_infeasible() -> None:
    problem = round_of(
        req("R1", 1, 100, groups=("busan",), pools=("A100",)),
        group_floors={"busan": 0.5},
    )
    result = solve_allocation(problem)
    assert result.status is Status.INFEASIBLE
    assert result.reason == (
        "group floors cannot hold: busan needs 100 GPU-hours, at most 50 can reach it"
    )


def test_time_limit_still_gives_a_valid_answer() -> None:
    problem = round_of(*(req(f"R{i}", 1 + i % 7, 30 + i, minimum=10) for i in range(40)))
    result = solve_allocation(problem, time_limit=0.01)
    check_allocation(problem, result)


def test_fair_keeps_raising_the_others_after_a_pool_stops_one() -> None:
    problem = AllocationProblem(
        policy=FAIR,
        periods=("2026-01",),
        pools=(Pool("A", {"2026-01": 10.0}), Pool("B", {"2026-01": 100.0})),
        requests=(
            Request("R1", "C1", 1.0, 100.0, ("A",), ("2026-01",)),
            Request("R2", "C2", 1.0, 100.0, ("B",), ("2026-01",)),
            Request("R3", "C3", 3.0, 100.0, ("B",), ("2026-01",)),
        ),
    )
    result = solve_allocation(problem)
    assert [g.granted for g in result.grants] == pytest.approx([10.0, 25.0, 75.0])
    assert [g.reason for g in result.grants] == [GrantReason.CAPACITY] * 3
    assert result.objective == pytest.approx(0.1)
    check_leximin(problem, result)


def test_floors_that_hold_alone_but_not_together_are_named_together() -> None:
    problem = AllocationProblem(
        policy=PRIORITY,
        periods=("2026-01",),
        pools=(Pool("H100", {"2026-01": 100.0}),),
        requests=(
            Request("R1", "C1", 1.0, 100.0, ("H100",), ("2026-01",), groups=("a",)),
            Request("R2", "C2", 1.0, 100.0, ("H100",), ("2026-01",), groups=("b",)),
        ),
        group_floors={"a": 0.6, "b": 0.6},
    )
    for policy in (PRIORITY, FAIR):
        result = solve_allocation(dataclasses.replace(problem, policy=policy))
        assert result.status is Status.INFEASIBLE
        assert result.reason == "group floors a and b cannot all hold together"


def test_a_floor_can_leave_another_request_below_its_minimum() -> None:
    problem = AllocationProblem(
        policy=PRIORITY,
        periods=("2026-01",),
        pools=(Pool("H100", {"2026-01": 100.0}),),
        requests=(
            Request("R1", "C1", 1.0, 100.0, ("H100",), ("2026-01",), minimum=80.0),
            Request("R2", "C2", 1.0, 90.0, ("H100",), ("2026-01",), minimum=90.0, groups=("a",)),
        ),
        group_floors={"a": 0.5},
    )
    result = solve_allocation(problem)
    assert [g.granted for g in result.grants] == [0.0, 90.0]
    assert [g.reason for g in result.grants] == [GrantReason.BELOW_MINIMUM, GrantReason.FULL]


@pytest.mark.parametrize("policy", [PRIORITY, FAIR])
def test_a_round_with_nothing_to_share_is_solved(policy: AllocationPolicy) -> None:
    empty = solve_allocation(AllocationProblem(policy=policy, periods=(), pools=(), requests=()))
    assert (empty.status, empty.objective, empty.bound, empty.grants) == (
        Status.OPTIMAL,
        0.0,
        0.0,
        (),
    )
    problem = AllocationProblem(
        policy=policy,
        periods=("p",),
        pools=(Pool("H", {}),),
        requests=(Request("r", "c", 1.0, 5.0, ("H",), ("p",)),),
    )
    result = solve_allocation(problem)
    assert result.status is Status.OPTIMAL
    assert [g.reason for g in result.grants] == [GrantReason.NOT_ELIGIBLE]
