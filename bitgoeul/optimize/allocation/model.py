"""The allocation round as a linear model, aggregated by eligibility.

Requests with the same set of usable (pool, period) cells form a *type*. Instead of one variable per
request, pool and period, the model has the grant `g_r` of each request and the flow `y[k,c]` of
each type into each of its cells: `Σ_{r∈k} g_r = Σ_c y[k,c]` and `Σ_k y[k,c] <= capacity_c`.
Any such flow splits back into per-request parts (`split_parts`), so the aggregation is exact and
the model is a transportation problem plus the company caps and group floors.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ortools.linear_solver import pywraplp

from bitgoeul.optimize.allocation.problem import AllocationProblem, Request
from bitgoeul.optimize.status import tolerance

Cell = tuple[str, str]


class Round:
    """Index structures of one problem, shared by both policies and by the reasons."""

    def __init__(self, problem: AllocationProblem) -> None:
        self.problem = problem
        self.requests: tuple[Request, ...] = problem.requests
        self.period_order = {period: i for i, period in enumerate(problem.periods)}
        self.all_cells: list[tuple[Cell, float]] = [
            ((pool.id, period), float(pool.capacity.get(period, 0.0)))
            for pool in problem.pools
            for period in problem.periods
        ]
        self.total_capacity = sum(capacity for _, capacity in self.all_cells)
        self.cells: list[Cell] = [cell for cell, capacity in self.all_cells if capacity > 0]
        self.cell_index = {cell: i for i, cell in enumerate(self.cells)}
        self.capacity = [capacity for _, capacity in self.all_cells if capacity > 0]
        self.eligible: list[tuple[int, ...]] = []
        cache: dict[tuple[frozenset[str], frozenset[str]], tuple[int, ...]] = {}
        for request in self.requests:
            key = (frozenset(request.pools), frozenset(request.periods))
            if key not in cache:
                cache[key] = tuple(
                    i
                    for i, (pool, period) in enumerate(self.cells)
                    if pool in key[0] and period in key[1]
                )
            self.eligible.append(cache[key])
        self.active = [
            r for r, request in enumerate(self.requests) if self.eligible[r] and request.demand > 0
        ]
        type_index: dict[tuple[int, ...], int] = {}
        self.types: list[tuple[int, ...]] = []
        self.members: list[list[int]] = []
        self.type_of: dict[int, int] = {}
        for r in self.active:
            cells = self.eligible[r]
            if cells not in type_index:
                type_index[cells] = len(self.types)
                self.types.append(cells)
                self.members.append([])
            self.type_of[r] = type_index[cells]
            self.members[type_index[cells]].append(r)
        cap = problem.company_cap
        self.company_limit = None if cap is None else cap * self.total_capacity
        self.companies: dict[str, list[int]] = defaultdict(list)
        for r in self.active:
            self.companies[self.requests[r].company].append(r)
        self.floor_targets: dict[str, float] = {}
        self.floor_members: dict[str, list[int]] = {}
        for group in sorted(problem.group_floors):
            members = [r for r, request in enumerate(self.requests) if group in request.groups]
            demand = sum(self.requests[r].demand for r in members)
            self.floor_targets[group] = min(
                problem.group_floors[group] * self.total_capacity, demand
            )
            self.floor_members[group] = [r for r in members if r in self.type_of]

    def binding_companies(self) -> dict[str, list[int]]:
        """Companies whose active demand exceeds the cap (the others cannot hit it)."""
        limit = self.company_limit
        if limit is None:
            return {}
        return {
            company: members
            for company, members in sorted(self.companies.items())
            if sum(self.requests[r].demand for r in members) > limit
        }


@dataclass
class Solution:
    """Grants per request index and the type flows `y[(k, c)]` that carry them."""

    grants: dict[int, float]
    flows: dict[tuple[int, int], float]


class Model:
    """The aggregated model in an OR-Tools linear solver (GLOP for LPs, SCIP for the MIP)."""

    def __init__(
        self,
        rnd: Round,
        solver: str,
        *,
        binaries: list[int] | None = None,
        floors: list[str] | None = None,
    ) -> None:
        """`binaries`: the requests whose minimum is modelled with a binary (`minimum·z <= g <=
        demand·z`); the others' grants are continuous in [0, demand] (an LP relaxation)."""
        self.rnd = rnd
        self.solver: Any = pywraplp.Solver.CreateSolver(solver)
        s = self.solver
        inf = s.infinity()
        requests = rnd.requests
        self.g = {r: s.NumVar(0.0, requests[r].demand, f"g{r}") for r in rnd.active}
        self.z: dict[int, Any] = {}
        for r in binaries or []:
            request = requests[r]
            z = s.BoolVar(f"z{r}")
            self.z[r] = z
            s.Add(self.g[r] - request.demand * z <= 0)
            s.Add(self.g[r] - request.minimum * z >= 0)
        self.y: dict[tuple[int, int], Any] = {}
        by_cell: dict[int, list[Any]] = defaultdict(list)
        for k, cells in enumerate(rnd.types):
            row = s.Constraint(0.0, 0.0)
            for r in rnd.members[k]:
                row.SetCoefficient(self.g[r], 1.0)
            for c in cells:
                var = s.NumVar(0.0, inf, f"y{k}_{c}")
                row.SetCoefficient(var, -1.0)
                self.y[(k, c)] = var
                by_cell[c].append(var)
        self.capacity_rows: list[Any] = []
        for c, capacity in enumerate(rnd.capacity):
            row = s.Constraint(-inf, capacity)
            for var in by_cell[c]:
                row.SetCoefficient(var, 1.0)
            self.capacity_rows.append(row)
        self.company_rows: dict[str, Any] = {}
        if rnd.company_limit is not None:
            for company, members in rnd.binding_companies().items():
                row = s.Constraint(-inf, rnd.company_limit)
                for r in members:
                    row.SetCoefficient(self.g[r], 1.0)
                self.company_rows[company] = row
        self.floor_rows: dict[str, Any] = {}
        for group in rnd.floor_targets if floors is None else floors:
            row = s.Constraint(rnd.floor_targets[group], inf)
            for r in rnd.floor_members[group]:
                row.SetCoefficient(self.g[r], 1.0)
            self.floor_rows[group] = row

    def maximise_weighted_grant(self) -> None:
        objective = self.solver.Objective()
        for r, var in self.g.items():
            objective.SetCoefficient(var, self.rnd.requests[r].weight)
        objective.SetMaximization()

    def solve(self, seconds: float | None = None) -> str:
        """Solve; returns 'optimal', 'feasible', 'infeasible' or 'unknown'."""
        s = self.solver
        if seconds is not None:
            s.SetTimeLimit(max(1, int(seconds * 1000)))
        params = pywraplp.MPSolverParameters()
        if self.z:
            params.SetDoubleParam(params.RELATIVE_MIP_GAP, 1e-7)
        code = s.Solve(params)
        if code == pywraplp.Solver.OPTIMAL:
            return "optimal"
        if code == pywraplp.Solver.FEASIBLE:
            return "feasible"
        if code == pywraplp.Solver.INFEASIBLE:
            return "infeasible"
        return "unknown"

    def solution(self) -> Solution:
        return Solution(
            grants={r: var.solution_value() for r, var in self.g.items()},
            flows={key: var.solution_value() for key, var in self.y.items()},
        )


def clean(rnd: Round, solution: Solution) -> Solution:
    """Snap solver noise: grants to [0, demand], to 0 below tolerance, to the minimum just under it.

    Type flows are rescaled so that each type still carries exactly its members' grants.
    """
    grants: dict[int, float] = {}
    for r, value in solution.grants.items():
        request = rnd.requests[r]
        value = min(max(value, 0.0), request.demand)
        if value <= tolerance(request.demand):
            value = 0.0
        elif request.demand - value <= tolerance(request.demand):
            value = request.demand
        elif request.minimum - tolerance(request.minimum) <= value < request.minimum:
            value = request.minimum
        grants[r] = value
    flows: dict[tuple[int, int], float] = {}
    for k, cells in enumerate(rnd.types):
        total = sum(grants[r] for r in rnd.members[k])
        carried = [max(solution.flows[(k, c)], 0.0) for c in cells]
        scale = total / sum(carried) if sum(carried) > 0 else 0.0
        for c, amount in zip(cells, carried, strict=True):
            flows[(k, c)] = amount * scale
        if total > 0 and sum(carried) <= 0:
            flows[(k, cells[0])] = total
    return Solution(grants, flows)


def split_parts(rnd: Round, solution: Solution) -> dict[int, list[tuple[int, float]]]:
    """Per request, the (cell, GPU-hours) parts: each type's flow split over its members in order.

    Members are taken by weight (highest first), then in input order; cells in pool and period
    order (the north-west corner rule), so each request gets few, contiguous parts.
    """
    parts: dict[int, list[tuple[int, float]]] = {r: [] for r in rnd.active}
    for k, cells in enumerate(rnd.types):
        members = sorted(rnd.members[k], key=lambda r: (-rnd.requests[r].weight, r))
        left = [solution.flows[(k, c)] for c in cells]
        i = 0
        for r in members:
            need = solution.grants[r]
            while need > 1e-12 and i < len(cells):
                take = min(need, left[i])
                if take > 1e-12:
                    parts[r].append((cells[i], take))
                need -= take
                left[i] -= take
                if left[i] <= 1e-12:
                    i += 1
            if need > 1e-9 and parts[r]:
                cell, amount = parts[r][-1]
                parts[r][-1] = (cell, amount + need)
    return parts
