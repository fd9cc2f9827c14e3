"""`priority` on rounds shaped like a production trace: every request with a minimum, a few
tenants under a company cap, group floors, most requests in one period. The answers are checked
against HiGHS on the plain model (`checks.milp_priority`), which shares no code with the engine.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from scipy.optimize import linprog

from bitgoeul.optimize.allocation.lagrange import ENUMERATION_LIMIT, ContinuousKnapsack
from bitgoeul.optimize.allocation.model import Round
from bitgoeul.optimize.allocation.priority import LAZY_ROUNDS
from bitgoeul.optimize.allocation.problem import (
    AllocationPolicy,
    AllocationProblem,
    Pool,
    Request,
)
from bitgoeul.optimize.allocation.solve import solve_allocation
from bitgoeul.optimize.status import Status
from tests.optimize.checks import check_allocation, close, milp_priority

PERIODS = ("2026-W01", "2026-W02", "2026-W03")


def trace_like_round(seed: int, requests: int = 40) -> AllocationProblem:
    """Two pools × three weeks; 80% of the requests in one week; every request has a minimum
    (30% all-or-nothing); four tenants of skewed sizes under a 30% cap; a 20% floor for the two
    small ones."""
    rng = random.Random(seed)
    pools = tuple(
        Pool(name, {t: float(rng.randint(20, 40)) for t in PERIODS}) for name in ("A100", "H100")
    )
    out = []
    for i in range(requests):
        span = 1 if rng.random() < 0.8 else 2
        start = rng.randrange(len(PERIODS) - span + 1)
        demand = float(rng.choice([1, 1, 2, 3, 5, 8, 12, 20]))
        if rng.random() < 0.3:
            minimum = demand
        else:
            minimum = float(max(1, round(demand * rng.uniform(0.25, 1.0))))
        tenant = rng.choices(["T1", "T2", "T3", "T4"], weights=[6, 3, 2, 1])[0]
        out.append(
            Request(
                id=f"R{i}",
                company=tenant,
                weight=float(rng.randint(30, 100)),
                demand=demand,
                minimum=min(minimum, demand),
                pools=(rng.choice(["A100", "H100"]),) if rng.random() < 0.3 else ("A100", "H100"),
                periods=PERIODS[start : start + span],
                groups=("small",) if tenant in ("T3", "T4") else (),
            )
        )
    return AllocationProblem(
        policy=AllocationPolicy.PRIORITY,
        periods=PERIODS,
        pools=pools,
        requests=tuple(out),
        company_cap=0.3,
        group_floors={"small": 0.2},
    )


def rounds_of_branch_and_bound(messages: list[str]) -> int:
    return sum(message.startswith("branch and bound") for message in messages)


# Seeds where the search stops after one round (the relaxation's answer kept every minimum),
# after a repaired answer closed the gap (2), after a later round's relaxation, with binaries for
# the short requests and their neighbours, kept every minimum (14: 4), and after the last round
# gave every request that is not fixed a binary (8: LAZY_ROUNDS).
@pytest.mark.parametrize(("seed", "rounds"), [(1, 1), (5, 2), (8, LAZY_ROUNDS), (14, 4)])
def test_trace_like_rounds_are_proved_optimal_like_highs(seed: int, rounds: int) -> None:
    problem = trace_like_round(seed)
    messages: list[str] = []
    result = solve_allocation(problem, progress=messages.append)
    best = milp_priority(problem)
    assert best is not None
    check_allocation(problem, result)
    assert result.status is Status.OPTIMAL
    assert close(result.objective or 0.0, best)
    assert rounds_of_branch_and_bound(messages) == rounds


def test_a_round_whose_floor_cannot_hold_with_the_minimums_is_infeasible() -> None:
    """The LP keeps the floor (R2 at 50 of pool A's 55), but R2's minimum of 56 does not fit."""
    problem = AllocationProblem(
        policy=AllocationPolicy.PRIORITY,
        periods=("2026-W01",),
        pools=(Pool("A100", {"2026-W01": 55.0}), Pool("H100", {"2026-W01": 45.0})),
        requests=(
            Request("R1", "C1", 9.0, 100.0, ("A100", "H100"), ("2026-W01",), minimum=10.0),
            Request("R2", "C2", 1.0, 60.0, ("A100",), ("2026-W01",), minimum=56.0, groups=("a",)),
        ),
        group_floors={"a": 0.5},
    )
    assert milp_priority(problem) is None
    result = solve_allocation(problem)
    assert result.status is Status.INFEASIBLE
    assert result.reason == "the floor of a cannot hold with the requests' minimums"


def test_a_tenant_with_many_requests_is_bounded_by_its_continuous_knapsack() -> None:
    """One capped tenant with 45 requests with minimums (too many to enumerate) next to others."""
    problem = trace_like_round(3, requests=60)
    requests = tuple(
        dataclasses.replace(r, company="T1") if i % 2 == 0 else r
        for i, r in enumerate(problem.requests)
    )
    problem = dataclasses.replace(problem, requests=requests)
    assert len(Round(problem).binding_companies()["T1"]) > ENUMERATION_LIMIT
    result = solve_allocation(problem)
    best = milp_priority(problem)
    assert best is not None
    check_allocation(problem, result)
    assert result.status is Status.OPTIMAL
    assert close(result.objective or 0.0, best)


def lp_knapsack(
    demands: list[float],
    minimums: list[float],
    profits: list[float],
    limit: float,
    on: int | None = None,
    off: int | None = None,
) -> float:
    """max Σ p·g, Σ g <= limit, 0 <= g <= demand (minimum <= g for `on`, g = 0 for `off`)."""
    bounds = [
        (minimums[i] if i == on else 0.0, 0.0 if i == off else demands[i])
        for i in range(len(demands))
    ]
    out = linprog([-p for p in profits], A_ub=[[1.0] * len(demands)], b_ub=[limit], bounds=bounds)
    return float("-inf") if out.status == 2 else float(-out.fun)


@pytest.mark.parametrize("seed", range(12))
def test_the_continuous_knapsack_matches_an_lp(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 9)
    demands = [float(rng.randint(1, 10)) for _ in range(n)]
    minimums = [float(rng.randint(0, int(d))) for d in demands]
    profits = [float(rng.choice([0.5, 1, 2, 3, 3, 7])) for _ in range(n)]
    problem = AllocationProblem(
        policy=AllocationPolicy.PRIORITY,
        periods=("t",),
        pools=(Pool("P", {"t": 1.0}),),
        requests=tuple(
            Request(f"R{i}", "C", 1.0, d, ("P",), ("t",), minimum=m)
            for i, (d, m) in enumerate(zip(demands, minimums, strict=True))
        ),
    )
    knapsack = ContinuousKnapsack(Round(problem), list(range(n)), dict(enumerate(profits)))
    for limit in (0.0, 2.5, sum(demands) / 2, sum(demands) + 3):
        assert close(knapsack.fill(limit), lp_knapsack(demands, minimums, profits, limit))
        for r in range(n):
            without = lp_knapsack(demands, minimums, profits, limit, off=r)
            assert close(knapsack.fill_without(r, limit), without)
            with_on = lp_knapsack(demands, minimums, profits, limit, on=r)
            if with_on == float("-inf"):
                assert knapsack.fill_with_on(r, limit) == float("-inf")
            else:
                assert close(knapsack.fill_with_on(r, limit), with_on)
