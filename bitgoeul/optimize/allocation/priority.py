"""Policy `priority`: maximise Σ weight × grant, exactly.

1. The LP relaxation (minimums dropped) is solved with GLOP on the aggregated model: its value is
   a bound and its capacity duals are the shadow prices. If its grants respect every minimum
   (0 or at least the minimum), they are optimal.
2. A Lagrangian bound (`lagrange`) prices the cells and floors with the LP duals and
   solves each company's on/off choices exactly; it is tighter than the LP where company caps
   meet minimums.
3. The incumbent: every request with a minimum takes the state its company's optimum suggests
   (on: at least the minimum; off: 0) and the LP is re-solved; if that fails, the LP's answer is
   repaired (`_repair`: requests below their minimum get 0, the LP re-solves the rest).
4. Lagrangian fixing: a state whose forced bound is below the incumbent cannot be optimal, so it
   is excluded.
5. Branch and bound (SCIP, relative gap 1e-7) with a binary (`minimum·z <= g <= demand·z`) only
   for the requests that fell below their minimum; the others' minimums are dropped, so the
   model is a relaxation and its bound holds for the round. An answer that keeps every minimum
   is optimal; otherwise it is repaired into an incumbent, and unless that closes the gap, the
   requests below their minimum get binaries too, with their neighbours (the same company's
   requests for the same cells). Each round's model is still a relaxation, so its bound holds
   and an answer that keeps every minimum is optimal; the sixth round gives every request that
   is not fixed a binary. A round of many small requests with minimums (a production trace) needs
   a few hundred binaries instead of one per request.
Under a time limit the best answer found is returned as `feasible` with the proved bound.
"""

from __future__ import annotations

import itertools
from typing import Any

from bitgoeul.optimize.allocation.lagrange import Lagrangian, lagrangian
from bitgoeul.optimize.allocation.model import Model, Round, Solution, clean, split_parts
from bitgoeul.optimize.allocation.problem import AllocationResult, PoolUsage
from bitgoeul.optimize.allocation.reasons import explain
from bitgoeul.optimize.notes import names, quantity
from bitgoeul.optimize.status import Deadline, Progress, Status, reaches, status_for, tolerance


def solve(rnd: Round, deadline: Deadline, progress: Progress) -> AllocationResult:
    progress("LP relaxation")
    lp = Model(rnd, "GLOP")
    lp.maximise_weighted_grant()
    if lp.solve() == "infeasible":
        return infeasible(rnd, deadline, minimums=False)
    bound = lp.solver.Objective().Value()
    prices = [max(row.dual_value(), 0.0) for row in lp.capacity_rows]
    relaxed = lp.solution()
    violated = _below_minimum(rnd, relaxed)
    if not violated:
        return result(rnd, clean(rnd, relaxed), bound, prices, deadline)
    progress(f"Lagrangian bound ({len(violated)} requests below their minimum in the LP)")
    floor_prices = {g: max(-row.dual_value(), 0.0) for g, row in lp.floor_rows.items()}
    lag = lagrangian(rnd, prices, floor_prices)
    bound = min(bound, lag.bound)
    progress("incumbent")
    incumbent = _by_sides(lp, lag) or _repair(lp, relaxed, violated, {}, {})
    best = float("-inf") if incumbent is None else _value(rnd, incumbent)
    if incumbent is not None and (reaches(best, bound) or deadline.expired()):
        return result(rnd, clean(rnd, incumbent), bound, prices, deadline)
    lower: dict[int, float] = {}
    upper: dict[int, float] = {}
    if incumbent is None:  # nothing to compare with: no state can be excluded yet
        candidates = list(lag.side)
    else:
        candidates, lower, upper = _fix(rnd, lag, bound - best)
    # Only the requests below their minimum get a binary at first; the others' minimums are
    # dropped, a relaxation. Those that fall below their minimum in its answer get one next
    # round; from the last round on, every request that is not fixed has one (exact at once).
    binaries = {r for r in violated if r not in lower and r not in upper}
    for rounds in itertools.count(1):
        progress(f"branch and bound over {len(binaries)} requests")
        mip = _mip(rnd, sorted(binaries), lower, upper)
        _company_cuts(mip, lag)
        if incumbent is not None:
            _hint(mip, incumbent, lower, upper)
        outcome = mip.solve(deadline.left())
        if outcome == "infeasible":
            if incumbent is None:  # a relaxation of the round: the round is infeasible
                return infeasible(rnd, deadline, minimums=True)
            bound = best  # nothing better than the incumbent exists
            break
        if outcome not in ("optimal", "feasible"):
            break
        # Answers outside the fixings are worth less than the incumbent.
        bound = min(bound, max(mip.solver.Objective().BestBound(), best))
        found = mip.solution()
        short = _below_minimum(rnd, found)
        candidate = found if not short else _repair(lp, found, short, lower, upper)
        if candidate is not None and _value(rnd, candidate) > best:
            incumbent, best = candidate, _value(rnd, candidate)
        if not short or best >= bound - SEARCH_GAP * abs(bound) or deadline.expired():
            break
        if rounds + 1 >= LAZY_ROUNDS:
            binaries = set(candidates)
        else:
            binaries |= set(short) | _neighbours(rnd, short, candidates)
    if incumbent is None:
        return infeasible(rnd, deadline, minimums=True)
    return result(rnd, clean(rnd, incumbent), bound, prices, deadline)


def _value(rnd: Round, solution: Solution) -> float:
    return sum(rnd.requests[r].weight * g for r, g in solution.grants.items())


REPAIR_ROUNDS = 20
# Rounds of branch and bound with binaries only near where the previous answer fell below a
# minimum; the last one gives every request that is not fixed a binary.
LAZY_ROUNDS = 6
# Search on while the answer is further than this from the bound (relative), like SCIP's own gap;
# `optimal` is still claimed within OPTIMALITY_GAP.
SEARCH_GAP = 1e-7


def _by_sides(lp: Model, lag: Lagrangian) -> Solution | None:
    rnd = lp.rnd
    for r, on in lag.side.items():
        if on:
            lp.g[r].SetLb(rnd.requests[r].minimum)
        else:
            lp.g[r].SetUb(0.0)
    if lp.solve() != "optimal":
        return None
    solution = lp.solution()
    return None if _below_minimum(rnd, solution) else solution


def _repair(
    lp: Model,
    found: Solution,
    short: list[int],
    lower: dict[int, float],
    upper: dict[int, float],
) -> Solution | None:
    """A feasible answer near `found`: requests that have their minimum keep it, those below it
    get 0, and the LP re-solves the grants; repeated while new requests fall below their
    minimum (None if that fails)."""
    rnd = lp.rnd
    off = set(short)
    for _ in range(REPAIR_ROUNDS):
        for r, var in lp.g.items():
            request = rnd.requests[r]
            on = request.minimum > 0 and found.grants[r] >= request.minimum - tolerance(
                request.minimum
            )
            var.SetLb(max(lower.get(r, 0.0), request.minimum if on else 0.0))
            var.SetUb(0.0 if r in off else upper.get(r, request.demand))
        if lp.solve() != "optimal":
            return None
        solution = lp.solution()
        more = _below_minimum(rnd, solution)
        if not more:
            return solution
        off.update(more)
    return None


def _neighbours(rnd: Round, short: list[int], candidates: list[int]) -> set[int]:
    """The candidates of the same company competing for the same cells as a request that fell
    below its minimum: when one of them must be switched off to make room, its neighbours are
    the ones whose states move with it, so they get binaries in the next round together
    (one request at a time took a round each on a production trace's round)."""
    near = {(rnd.requests[r].company, rnd.type_of.get(r)) for r in short}
    return {r for r in candidates if (rnd.requests[r].company, rnd.type_of.get(r)) in near}


def _fix(
    rnd: Round, lag: Lagrangian, gap: float
) -> tuple[list[int], dict[int, float], dict[int, float]]:
    """Binaries still needed, and the states that Lagrangian fixing proves for the others."""
    binaries: list[int] = []
    lower: dict[int, float] = {}
    upper: dict[int, float] = {}
    margin = gap + tolerance(gap)
    for r in lag.side:
        if lag.loss_off[r] > margin:
            lower[r] = rnd.requests[r].minimum
        elif lag.loss_on[r] > margin:
            upper[r] = 0.0
        else:
            binaries.append(r)
    return binaries, lower, upper


def _company_cuts(mip: Model, lag: Lagrangian) -> None:
    inf = mip.solver.infinity()
    for members, best in lag.cuts:
        row = mip.solver.Constraint(-inf, best + tolerance(best))
        for r in members:
            row.SetCoefficient(mip.g[r], lag.profit[r])


def _hint(
    mip: Model, incumbent: Solution, lower: dict[int, float], upper: dict[int, float]
) -> None:
    """Start SCIP from the incumbent when it respects the fixings."""
    grants = incumbent.grants
    if any(grants[r] < value - tolerance(value) for r, value in lower.items()) or any(
        grants[r] > value for r, value in upper.items()
    ):
        return
    variables = list(mip.g.values()) + list(mip.z.values()) + list(mip.y.values())
    values = (
        list(grants.values())
        + [1.0 if grants[r] > 0 else 0.0 for r in mip.z]
        + [incumbent.flows[key] for key in mip.y]
    )
    mip.solver.SetHint(variables, values)


def result(
    rnd: Round, solution: Solution, bound: float, prices: list[float], deadline: Deadline
) -> AllocationResult:
    objective = sum(rnd.requests[r].weight * g for r, g in solution.grants.items())
    if objective > bound and objective - bound <= tolerance(bound) * 10:
        bound = objective  # solver noise; the gap is below the tolerance
    parts = split_parts(rnd, solution)
    grants = explain(
        rnd, solution, parts, rank=lambda r: rnd.requests[r].weight, capacity_by="higher_weight"
    )
    return AllocationResult(
        status=status_for(objective, bound),
        seconds=deadline.elapsed(),
        objective=objective,
        bound=bound,
        grants=tuple(grants),
        pools=usage(rnd, parts, prices),
    )


def usage(
    rnd: Round, parts: dict[int, list[tuple[int, float]]], prices: list[float]
) -> tuple[PoolUsage, ...]:
    used = [0.0] * len(rnd.cells)
    for request_parts in parts.values():
        for c, amount in request_parts:
            used[c] += amount
    rows = []
    for cell, capacity in rnd.all_cells:
        index = rnd.cell_index.get(cell)
        rows.append(
            PoolUsage(
                pool=cell[0],
                period=cell[1],
                capacity=capacity,
                granted=0.0 if index is None else used[index],
                shadow_price=0.0 if index is None else prices[index],
            )
        )
    return tuple(rows)


def _below_minimum(rnd: Round, solution: Solution) -> list[int]:
    out = []
    for r, value in solution.grants.items():
        minimum = rnd.requests[r].minimum
        if tolerance(rnd.requests[r].demand) < value < minimum - tolerance(minimum):
            out.append(r)
    return out


def _mip(
    rnd: Round, binaries: list[int], lower: dict[int, float], upper: dict[int, float]
) -> Model:
    mip = Model(rnd, "SCIP", binaries=binaries)
    for r, value in lower.items():
        mip.g[r].SetLb(value)
    for r, value in upper.items():
        mip.g[r].SetUb(value)
    mip.maximise_weighted_grant()
    # Probing the binaries in presolve costs seconds and fixes nothing on this structure.
    mip.solver.SetSolverSpecificParametersAsString("propagating/probing/maxprerounds = 0\n")
    return mip


def infeasible(rnd: Round, deadline: Deadline, *, minimums: bool) -> AllocationResult:
    """The floors cannot all hold: name the ones that cannot hold even alone."""
    alone: list[dict[str, Any]] = []
    for group, target in rnd.floor_targets.items():
        model = Model(rnd, "GLOP", floors=[])
        objective = model.solver.Objective()
        for r in rnd.floor_members[group]:
            objective.SetCoefficient(model.g[r], 1.0)
        objective.SetMaximization()
        model.solve()
        most = objective.Value() if rnd.floor_members[group] else 0.0
        if most < target - tolerance(target):
            alone.append({"group": group, "target": target, "most": most})
    if alone:
        reason = "group floors cannot hold: " + "; ".join(
            f"{item['group']} needs {quantity(item['target'])} GPU-hours, "
            f"at most {quantity(item['most'])} can reach it"
            for item in alone
        )
        params: dict[str, object] = {"floors": alone}
    else:
        groups = list(rnd.floor_targets)
        with_minimums = " with the requests' minimums" if minimums else ""
        if len(groups) == 1:
            reason = f"the floor of {groups[0]} cannot hold{with_minimums}"
        else:
            reason = f"group floors {names(groups)} cannot all hold together{with_minimums}"
        params = {"floors": [{"group": g, "target": rnd.floor_targets[g]} for g in groups]}
    return AllocationResult(
        status=Status.INFEASIBLE, seconds=deadline.elapsed(), reason=reason, reason_params=params
    )
