"""Independent checks of solver answers: every rule of the contract, and brute force optima.

The brute force uses scipy's HiGHS on the plain (disaggregated) model and plain enumeration, so it
shares no code with the solvers under test.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from bitgoeul.optimize.allocation.problem import AllocationProblem, AllocationResult, GrantReason
from bitgoeul.optimize.assignment.problem import AssignmentProblem, AssignmentResult
from bitgoeul.optimize.selection.problem import SelectionProblem, SelectionResult
from bitgoeul.optimize.status import Status

TOL = 1e-6


def close(a: float, b: float, tol: float = TOL) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def total_capacity(problem: AllocationProblem) -> float:
    return sum(c for pool in problem.pools for c in pool.capacity.values())


def cells_of(problem: AllocationProblem, index: int) -> list[tuple[str, str]]:
    request = problem.requests[index]
    return [
        (pool.id, period)
        for pool in problem.pools
        if pool.id in request.pools
        for period in problem.periods
        if period in request.periods and pool.capacity.get(period, 0) > 0
    ]


def floor_target(problem: AllocationProblem, group: str) -> float:
    demand = sum(r.demand for r in problem.requests if group in r.groups)
    return min(problem.group_floors[group] * total_capacity(problem), demand)


def check_allocation(problem: AllocationProblem, result: AllocationResult) -> None:
    """Every constraint of the contract holds in a non-infeasible answer."""
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert result.objective is not None and result.bound is not None
    assert [g.request for g in result.grants] == [r.id for r in problem.requests]
    used: dict[tuple[str, str], float] = defaultdict(float)
    company: dict[str, float] = defaultdict(float)
    for index, (request, grant) in enumerate(zip(problem.requests, result.grants, strict=True)):
        allowed = set(cells_of(problem, index))
        assert close(grant.granted, sum(p.gpu_hours for p in grant.parts))
        for part in grant.parts:
            assert (part.pool, part.period) in allowed
            assert part.gpu_hours > 0
            used[(part.pool, part.period)] += part.gpu_hours
        assert -TOL <= grant.granted <= request.demand * (1 + TOL) + TOL
        assert grant.granted <= TOL or grant.granted >= request.minimum * (1 - TOL) - TOL
        company[request.company] += grant.granted
        assert (grant.reason is GrantReason.NOT_ELIGIBLE) == (not allowed)
        if allowed and request.demand > 0:
            full = grant.granted >= request.demand * (1 - TOL)
            assert (grant.reason is GrantReason.FULL) == full
        assert grant.note
    for pool in problem.pools:
        for period in problem.periods:
            capacity = pool.capacity.get(period, 0.0)
            assert used[(pool.id, period)] <= capacity * (1 + TOL) + TOL
    usage = {(u.pool, u.period): u for u in result.pools}
    assert len(usage) == len(problem.pools) * len(problem.periods)
    for key, row in usage.items():
        assert close(row.granted, used[key])
        assert row.shadow_price >= 0
    if problem.company_cap is not None:
        limit = problem.company_cap * total_capacity(problem)
        assert all(v <= limit * (1 + TOL) + TOL for v in company.values())
    for group in problem.group_floors:
        got = sum(
            g.granted
            for r, g in zip(problem.requests, result.grants, strict=True)
            if group in r.groups
        )
        target = floor_target(problem, group)
        assert got >= target * (1 - TOL) - TOL
    assert result.bound >= result.objective - TOL * max(1.0, abs(result.objective))


def weighted(problem: AllocationProblem, result: AllocationResult) -> float:
    return sum(r.weight * g.granted for r, g in zip(problem.requests, result.grants, strict=True))


def _allocation_lp(
    problem: AllocationProblem,
    lower: list[float],
    upper: list[float],
    objective: list[float],
    extra: list[tuple[list[float], float]] | None = None,
) -> float | None:
    """max Σ objective_r·g_r over the plain model x[r,c], g_r ∈ [lower, upper]; None: infeasible."""
    columns = [(r, cell) for r in range(len(problem.requests)) for cell in cells_of(problem, r)]
    n = len(columns)
    if n == 0:
        feasible = all(lo <= 0 for lo in lower) and all(
            floor_target(problem, g) <= 0 for g in problem.group_floors
        )
        return 0.0 if feasible else None
    rows, rhs = [], []

    def add(coefficients: dict[int, float], bound: float) -> None:
        row = np.zeros(n)
        for j, value in coefficients.items():
            row[j] = value
        rows.append(row)
        rhs.append(bound)

    cap = {(p.id, t): p.capacity.get(t, 0.0) for p in problem.pools for t in problem.periods}
    for cell, value in cap.items():
        add({j: 1.0 for j, (_, c) in enumerate(columns) if c == cell}, value)
    for r in range(len(problem.requests)):
        mine = {j: 1.0 for j, (q, _) in enumerate(columns) if q == r}
        add(mine, upper[r])
        add({j: -1.0 for j in mine}, -lower[r])
    if problem.company_cap is not None:
        limit = problem.company_cap * total_capacity(problem)
        for name in {q.company for q in problem.requests}:
            add(
                {j: 1.0 for j, (q, _) in enumerate(columns) if problem.requests[q].company == name},
                limit,
            )
    for group in problem.group_floors:
        add(
            {j: -1.0 for j, (q, _) in enumerate(columns) if group in problem.requests[q].groups},
            -floor_target(problem, group),
        )
    for weights, bound in extra or []:
        add({j: weights[q] for j, (q, _) in enumerate(columns)}, bound)
    c = np.array([-objective[q] for q, _ in columns])
    out = linprog(c, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=(0, None), method="highs")
    if out.status == 2:
        return None
    assert out.status == 0
    return float(-out.fun)


def brute_priority(problem: AllocationProblem) -> float | None:
    """The optimum of `priority` by enumerating who is on (at least the minimum) or off."""
    requests = problem.requests
    switchable = [i for i, r in enumerate(requests) if r.minimum > 0]
    best: float | None = None
    for pattern in itertools.product([False, True], repeat=len(switchable)):
        on = dict(zip(switchable, pattern, strict=True))
        lower = [r.minimum if on.get(i, False) else 0.0 for i, r in enumerate(requests)]
        upper = [0.0 if on.get(i) is False else r.demand for i, r in enumerate(requests)]
        value = _allocation_lp(problem, lower, upper, [r.weight for r in requests])
        if value is not None and (best is None or value > best):
            best = value
    return best


def milp_priority(problem: AllocationProblem) -> float | None:
    """The optimum of `priority` from HiGHS (scipy `milp`) on the plain model: `x[r,c]` per
    request and usable cell, a binary per request with a minimum. None: infeasible."""
    requests = problem.requests
    columns = [(r, cell) for r in range(len(requests)) for cell in cells_of(problem, r)]
    switch = [r for r, q in enumerate(requests) if q.minimum > 0]
    n = len(columns) + len(switch)
    z = {r: len(columns) + i for i, r in enumerate(switch)}
    rows: list[np.ndarray] = []
    low: list[float] = []
    high: list[float] = []

    def add(coefficients: dict[int, float], lo: float, hi: float) -> None:
        row = np.zeros(n)
        for j, value in coefficients.items():
            row[j] = value
        rows.append(row)
        low.append(lo)
        high.append(hi)

    for pool in problem.pools:
        for period in problem.periods:
            mine = {j: 1.0 for j, (_, c) in enumerate(columns) if c == (pool.id, period)}
            add(mine, -np.inf, pool.capacity.get(period, 0.0))
    for r, q in enumerate(requests):
        mine = {j: 1.0 for j, (k, _) in enumerate(columns) if k == r}
        if r in z:
            add({**mine, z[r]: -q.demand}, -np.inf, 0.0)
            add({**mine, z[r]: -q.minimum}, 0.0, np.inf)
        else:
            add(mine, -np.inf, q.demand)
    if problem.company_cap is not None:
        limit = problem.company_cap * total_capacity(problem)
        for name in sorted({q.company for q in requests}):
            add(
                {j: 1.0 for j, (k, _) in enumerate(columns) if requests[k].company == name},
                -np.inf,
                limit,
            )
    for group in problem.group_floors:
        add(
            {j: 1.0 for j, (k, _) in enumerate(columns) if group in requests[k].groups},
            floor_target(problem, group),
            np.inf,
        )
    cost = np.zeros(n)
    for j, (k, _) in enumerate(columns):
        cost[j] = -requests[k].weight
    integrality = np.zeros(n)
    integrality[len(columns) :] = 1
    upper = np.full(n, np.inf)
    upper[len(columns) :] = 1
    out = milp(
        cost,
        constraints=LinearConstraint(np.array(rows), low, high),
        integrality=integrality,
        bounds=Bounds(np.zeros(n), upper),
        options={"mip_rel_gap": 1e-9},
    )
    if out.status == 2:
        return None
    assert out.status == 0, out.message
    return float(-out.fun)


def check_leximin(problem: AllocationProblem, result: AllocationResult) -> None:
    """No request could get more without someone at or below its weighted level getting less."""
    requests = problem.requests
    grants = [g.granted for g in result.grants]
    level = [
        g / r.demand / r.weight if r.demand > 0 else math.inf
        for g, r in zip(grants, requests, strict=True)
    ]
    for i, r in enumerate(requests):
        if not cells_of(problem, i) or grants[i] >= r.demand * (1 - TOL):
            continue
        lower = [
            grants[j] * (1 - 1e-9) if j != i and level[j] <= level[i] * (1 + 1e-9) else 0.0
            for j in range(len(requests))
        ]
        upper = [q.demand for q in requests]
        objective = [1.0 if j == i else 0.0 for j in range(len(requests))]
        most = _allocation_lp(problem, lower, upper, objective)
        assert most is not None
        assert most <= grants[i] + 1e-5 * max(1.0, grants[i]), (i, most, grants[i])


def check_assignment(problem: AssignmentProblem, result: AssignmentResult) -> None:
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)
    apps = {a.id: a for a in problem.applications}
    revs = {r.id: r for r in problem.reviewers}
    score = {(a.application, a.reviewer): a.score for a in problem.affinity}
    banned = {(c.application, c.reviewer) for c in problem.conflicts}
    count: dict[str, int] = defaultdict(int)
    load: dict[str, int] = defaultdict(int)
    seen: set[tuple[str, str]] = set()
    per_app: dict[str, float] = defaultdict(float)
    for item in result.assignments:
        pair = (item.application, item.reviewer)
        assert pair not in seen
        seen.add(pair)
        assert pair not in banned
        assert apps[item.application].company not in revs[item.reviewer].conflicts
        assert item.score == score.get(pair, 0.0)
        count[item.application] += 1
        load[item.reviewer] += 1
        per_app[item.application] += item.score
    for app in problem.applications:
        need = problem.reviews_per_application if app.reviews is None else app.reviews
        assert count[app.id] == need
    for rev in problem.reviewers:
        assert rev.min_load <= load[rev.id] <= rev.max_load
    assert result.objective is not None and close(result.objective, sum(per_app.values()))
    smallest = min(
        (
            per_app[a.id]
            for a in problem.applications
            if (problem.reviews_per_application if a.reviews is None else a.reviews) > 0
        ),
        default=0.0,
    )
    assert result.min_application_score is not None
    assert close(result.min_application_score, smallest)


def brute_assignment(problem: AssignmentProblem) -> list[dict[str, tuple[str, ...]]]:
    """Every feasible assignment (small problems only)."""
    revs = problem.reviewers
    banned = {(c.application, c.reviewer) for c in problem.conflicts}
    choices = []
    for app in problem.applications:
        need = problem.reviews_per_application if app.reviews is None else app.reviews
        allowed = [
            r.id
            for r in revs
            if app.company not in r.conflicts and (app.id, r.id) not in banned and r.max_load > 0
        ]
        choices.append(list(itertools.combinations(allowed, need)))
    out = []
    for combo in itertools.product(*choices):
        load: dict[str, int] = defaultdict(int)
        for picked in combo:
            for r in picked:
                load[r] += 1
        if all(r.min_load <= load[r.id] <= r.max_load for r in revs):
            out.append(
                {a.id: picked for a, picked in zip(problem.applications, combo, strict=True)}
            )
    return out


def assignment_scores(problem: AssignmentProblem, plan: dict[str, tuple[str, ...]]) -> list[float]:
    score = {(a.application, a.reviewer): a.score for a in problem.affinity}
    return [
        sum(score.get((a.id, r), 0.0) for r in plan[a.id])
        for a in problem.applications
        if (problem.reviews_per_application if a.reviews is None else a.reviews) > 0
    ]


def selection_targets(problem: SelectionProblem) -> dict[str, int]:
    from fractions import Fraction

    out = {}
    for group, floor in problem.group_floors.items():
        total = sum(a.amount for a in problem.applications if group in a.groups)
        out[group] = min(math.ceil(Fraction(repr(floor)) * problem.budget), total)
    return out


def check_selection(problem: SelectionProblem, result: SelectionResult) -> None:
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)
    chosen = {d.application for d in result.decisions if d.selected}
    assert [d.application for d in result.decisions] == [a.id for a in problem.applications]
    apps = problem.applications
    assert result.spent == sum(a.amount for a in apps if a.id in chosen)
    assert result.spent is not None and result.spent <= problem.budget
    assert result.objective is not None
    assert close(result.objective, sum(a.score for a in apps if a.id in chosen))
    for group, target in selection_targets(problem).items():
        assert sum(a.amount for a in apps if a.id in chosen and group in a.groups) >= target


def brute_selection(problem: SelectionProblem) -> float | None:
    apps = problem.applications
    targets = selection_targets(problem)
    best: float | None = None
    for mask in range(1 << len(apps)):
        picked = [a for i, a in enumerate(apps) if mask >> i & 1]
        if sum(a.amount for a in picked) > problem.budget:
            continue
        if any(sum(a.amount for a in picked if g in a.groups) < t for g, t in targets.items()):
            continue
        value = sum(a.score for a in picked)
        if best is None or value > best:
            best = value
    return best
