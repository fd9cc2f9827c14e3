"""Policy `fair`: weighted max-min fairness of satisfaction by progressive filling, then Pareto.

Satisfaction is `s_r = g_r / demand_r`; every unfrozen request rises at `s_r = t·weight_r` as the
level `t` grows. Each step solves exact LPs on the aggregated model (GLOP, warm-started: only row
bounds and the objective change between solves):
1. requests whose demand is reached first (`t >= 1/weight_r`) are found by bisection on those
   thresholds (feasibility LPs) and frozen at their demand;
2. `max t` with the frozen requests kept at their levels gives the next level `t*`;
3. the requests that cannot rise above `t*` while everyone else keeps it are frozen: those whose
   level row has a positive dual in that LP (tight in every optimal answer); if the duals name
   none, an LP maximises the total headroom of all candidates (each capped at a small δ), those
   with headroom are removed and it is repeated until the best total is 0. Either way the set is
   exact; the requests left unfrozen get the same level again if they are stopped there too. They
   were stopped by a pool, a cap or a floor.
With no minimums this is the exact weighted max-min (leximin) allocation. A request frozen below its
minimum cannot reach it: the lowest-weight such request is dropped (grant 0) and the step is
repeated without it. Last, an LP maximises Σ weight × grant with every level kept (Pareto).

`objective` is the smallest weighted satisfaction `g_r / demand_r / weight_r` over the requests
that can use some capacity (a dropped one counts 0); `bound` is the best possible one (`_bound`).
"""

from __future__ import annotations

from typing import Any

from bitgoeul.optimize.allocation.model import Model, Round, clean, split_parts
from bitgoeul.optimize.allocation.priority import infeasible, usage
from bitgoeul.optimize.allocation.problem import AllocationResult
from bitgoeul.optimize.allocation.reasons import explain
from bitgoeul.optimize.status import Deadline, Progress, Status, status_for, tolerance

# In the freeze test, headroom (GPU-hours) below NOISE × the largest capacity is solver noise (GLOP
# meets rows to ~1e-8 of their scale); δ is HEADROOM × that: small, so all that can rise reach it.
NOISE = 1e-7
HEADROOM = 100.0


class Filling:
    """The LP of the filling; every change after the first solve is a row or the objective.

    Each request has one row: `g - w·d·t >= 0` while it rises with the level; `g >= grant` (the t
    coefficient set to 0) once frozen; `g = 0` once dropped. GLOP re-solves warm after row and
    objective changes (a variable bound change would make it start over).
    """

    def __init__(self, rnd: Round) -> None:
        self.rnd = rnd
        self.noise = NOISE * max(rnd.capacity, default=1.0)
        self.prices: list[float] = [0.0] * len(rnd.capacity)
        self.critical: list[int] = []
        self.model = Model(rnd, "GLOP")
        s = self.model.solver
        # GLOP's presolve would run again at every re-solve; without it a re-solve is warm.
        s.SetSolverSpecificParametersAsString("use_preprocessing:false use_dual_simplex:true")
        inf = s.infinity()
        self.inf = inf
        self.t = s.NumVar(0.0, inf, "t")
        self.t_row = s.Constraint(0.0, inf)
        self.t_row.SetCoefficient(self.t, 1.0)
        self.level: dict[int, Any] = {}
        self.head: dict[int, Any] = {}  # headroom variables, added when first needed
        self.cap: dict[int, Any] = {}
        for r, g in self.model.g.items():
            row = s.Constraint(0.0, inf)
            row.SetCoefficient(g, 1.0)
            self.level[r] = row
            self.release(r)

    def rate(self, r: int) -> float:
        request = self.rnd.requests[r]
        return request.weight * request.demand

    def release(self, r: int) -> None:
        """Back to rising with the level."""
        self.level[r].SetCoefficient(self.t, -self.rate(r))
        self.level[r].SetBounds(0.0, self.inf)

    def hold(self, r: int, low: float, high: float | None = None) -> None:
        """Keep `g_r` in [low, high] whatever the level."""
        self.level[r].SetCoefficient(self.t, 0.0)
        self.level[r].SetBounds(low, self.inf if high is None else high)

    def freeze(self, r: int, grant: float) -> None:
        self.hold(r, grant)

    def drop(self, r: int) -> None:
        self.hold(r, 0.0, 0.0)

    def objective(self, terms: dict[Any, float]) -> None:
        objective = self.model.solver.Objective()
        objective.Clear()
        for var, coefficient in terms.items():
            objective.SetCoefficient(var, coefficient)
        objective.SetMaximization()

    def solve(self) -> bool:
        return self.model.solve() == "optimal"

    def max_t(
        self, cap: float, *, prices: bool = False, watch: list[int] | None = None
    ) -> float | None:
        """The highest level every unfrozen request can reach together (at most `cap`).

        With `prices`, also keeps the capacity duals of this LP in `self.prices`; with `watch`,
        the watched requests whose level row has a positive dual in `self.critical`: those are
        tight in every optimal answer, so they cannot rise above the level (complementary
        slackness).
        """
        self.t_row.SetBounds(0.0, cap)
        self.objective({self.t: 1.0})
        value = None
        self.critical = []
        if self.solve():
            value = self.t.solution_value()
            if prices:
                self.prices = [max(row.dual_value(), 0.0) for row in self.model.capacity_rows]
            for r in watch or []:
                if abs(self.level[r].dual_value()) * self.rate(r) > 1e-9:
                    self.critical.append(r)
        self.t_row.SetBounds(0.0, self.inf)
        return value

    def feasible_at(self, level: float, unfrozen: list[int]) -> bool:
        """Can every unfrozen request have `min(level·w, 1)·d` while the frozen keep theirs?"""
        for r in unfrozen:
            self.hold(
                r, min(level * self.rnd.requests[r].weight, 1.0) * self.rnd.requests[r].demand
            )
        self.objective({})
        ok = self.solve()
        for r in unfrozen:
            self.release(r)
        return ok

    def _headroom(self) -> None:
        """Add `e_r` (GPU-hours above the level, capped by a row) to every level row, once."""
        if self.head:
            return
        s = self.model.solver
        for r, row in self.level.items():
            e = s.NumVar(0.0, self.inf, f"e{r}")
            row.SetCoefficient(e, -1.0)
            cap = s.Constraint(-self.inf, 0.0)
            cap.SetCoefficient(e, 1.0)
            self.head[r], self.cap[r] = e, cap

    def stopped(self, level: float, unfrozen: list[int]) -> list[int]:
        """The unfrozen requests that cannot rise above `level` (exact, see the module doc)."""
        self._headroom()
        fixed = level * (1.0 - 1e-10)
        self.t_row.SetBounds(fixed, fixed)
        candidates = set(unfrozen)
        while candidates:
            for r in candidates:
                self.cap[r].SetUb(HEADROOM * self.noise)
            self.objective({self.head[r]: 1.0 for r in candidates})
            if not self.solve():
                break
            rising = {r for r in candidates if self.head[r].solution_value() > self.noise}
            for r in candidates:
                self.cap[r].SetUb(0.0)
            if not rising:
                break
            candidates -= rising
        self.t_row.SetBounds(0.0, self.inf)
        return sorted(candidates)


def solve(rnd: Round, deadline: Deadline, progress: Progress) -> AllocationResult:
    requests = rnd.requests
    filling = Filling(rnd)
    progress("best possible level (LP)")
    # With no request to raise, the level is unbounded: 0 stands for "nothing to share".
    first = filling.max_t(filling.inf if rnd.active else 0.0, prices=True)
    if first is None:
        return infeasible(rnd, deadline, minimums=False)
    prices = filling.prices
    bound = level = _bound(rnd, first) if rnd.active else 0.0
    unfrozen = list(rnd.active)
    dropped: dict[int, float] = {}
    last: list[int] = []  # the requests dropped by the previous step
    steps = idle = 0
    cut_short = False
    while unfrozen:
        steps += 1
        if steps % 10 == 0:
            progress(f"filling: {len(rnd.active) - len(unfrozen)} of {len(rnd.active)} settled")
        if deadline.expired():  # keep everyone where they are; the answer is valid, not leximin
            for r in unfrozen:
                filling.freeze(r, min(level * requests[r].weight, 1.0) * requests[r].demand)
            cut_short = True
            break
        found = filling.max_t(filling.inf, watch=unfrozen)
        if found is None and last:  # a floor needs what was dropped: undo, hold the first
            for r in last:
                filling.release(r)
                del dropped[r]
            filling.hold(last[0], requests[last[0]].minimum)
            unfrozen.extend(last[1:])
            last = []
            found = filling.max_t(filling.inf, watch=unfrozen)
        if found is None:
            return infeasible(rnd, deadline, minimums=True)
        level = found
        last = []
        lowest = min(1.0 / requests[r].weight for r in unfrozen)
        if level >= lowest * (1 - 1e-9):  # demands are reached before any other limit
            full, below = _saturated(filling, unfrozen)
            for r in full:
                filling.freeze(r, requests[r].demand)
            unfrozen = [r for r in unfrozen if r not in set(full)]
            if not unfrozen:
                break
            found = filling.max_t(below, watch=unfrozen)
            if found is None:
                return infeasible(rnd, deadline, minimums=True)
            level = found
            if level >= below * (1 - 1e-9):
                continue  # the next requests reach their demand before any other limit
        stopped = filling.critical or filling.stopped(level, unfrozen)
        if not stopped:  # solver noise: no request is stopped at this level
            idle += 1
            if idle < 3:
                continue
            stopped = unfrozen  # keep making progress
        idle = 0
        short = sorted(
            (
                r
                for r in stopped
                if level * requests[r].weight * requests[r].demand
                < requests[r].minimum - tolerance(requests[r].minimum)
            ),
            key=lambda r: (requests[r].weight, r),
        )
        if short:
            # Drop the lowest weight first; the next one goes in the same step only if what the
            # dropped ones free is less than it lacks (so it could not reach its minimum anyway).
            freed = 0.0
            batch: list[int] = []
            for r in short:
                share = level * requests[r].weight * requests[r].demand
                if batch and freed >= requests[r].minimum - share:
                    break
                batch.append(r)
                freed += share
            for r in batch:
                filling.drop(r)
                dropped[r] = level * requests[r].weight * requests[r].demand
                unfrozen.remove(r)
            last = batch
            continue
        for r in stopped:
            grant = level * requests[r].weight * requests[r].demand
            # Exactly its level: any slack left here would let the others rise at its expense.
            filling.freeze(r, grant)
        unfrozen = [r for r in unfrozen if r not in set(stopped)]
    progress("Pareto step: maximise the weighted grant at these levels")
    filling.t_row.SetBounds(0.0, 0.0)
    filling.objective({g: requests[r].weight for r, g in filling.model.g.items()})
    if not filling.solve():
        return infeasible(rnd, deadline, minimums=True)
    solution = clean(rnd, filling.model.solution())
    for r in dropped:
        solution.grants[r] = 0.0

    def level_of(r: int) -> float:
        return solution.grants.get(r, 0.0) / requests[r].demand / requests[r].weight

    objective = min((level_of(r) for r in rnd.active), default=0.0)
    if objective > bound and objective - bound <= tolerance(bound):
        bound = objective
    parts = split_parts(rnd, solution)
    grants = explain(
        rnd,
        solution,
        parts,
        rank=lambda r: -level_of(r),
        capacity_by="fair_share",
        dropped=dropped,
    )
    return AllocationResult(
        status=Status.FEASIBLE if cut_short else status_for(objective, bound),
        seconds=deadline.elapsed(),
        objective=objective,
        bound=bound,
        grants=tuple(grants),
        pools=usage(rnd, parts, prices),
    )


def _bound(rnd: Round, relaxed: float) -> float:
    """The best possible smallest weighted satisfaction, exactly.

    A request with a minimum has 0 or at least its minimum, so unless every request can have its
    minimum at once the smallest satisfaction of any answer is 0. If they can, the best is the LP
    `max t` with `g_r >= max(minimum_r, t·weight_r·demand_r)` for every request.
    """
    requests = rnd.requests
    with_minimum = [r for r in rnd.active if requests[r].minimum > 0]
    if not with_minimum:
        return relaxed
    lp = Filling(rnd)
    for r in with_minimum:
        row = lp.model.solver.Constraint(requests[r].minimum, lp.inf)
        row.SetCoefficient(lp.model.g[r], 1.0)
    best = lp.max_t(lp.inf)
    return 0.0 if best is None else best


def _saturated(filling: Filling, unfrozen: list[int]) -> tuple[list[int], float]:
    """Requests that reach their demand before the next capacity level, and a cap on that level.

    Bisection over the distinct thresholds `1/weight`: the largest one at which every unfrozen
    request can have `min(t·weight, 1)·demand` is found with O(log n) feasibility LPs.
    """
    requests = filling.rnd.requests
    thresholds = sorted({1.0 / requests[r].weight for r in unfrozen})
    if not filling.feasible_at(thresholds[0], unfrozen):
        return [], thresholds[0]
    lo, step = 0, 1
    while lo + step < len(thresholds) and filling.feasible_at(thresholds[lo + step], unfrozen):
        lo, step = lo + step, step * 2
    hi = min(lo + step, len(thresholds))
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if filling.feasible_at(thresholds[mid], unfrozen):
            lo = mid
        else:
            hi = mid
    reached = thresholds[lo]
    full = [r for r in unfrozen if 1.0 / requests[r].weight <= reached]
    below = thresholds[hi] if hi < len(thresholds) else filling.inf
    return full, below
