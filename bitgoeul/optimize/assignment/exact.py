"""Small `fair` instances exactly: CP-SAT on every allowed pair (zero-score ones included).

Two solves, one worker each and a deterministic effort cap (so the same input gives the same
answer on any machine): first `max t` with `Σ_v s_av·x_av >= t` for every application, then the
total with `t` held at its optimum. Scores are scaled to integers by the smallest power of ten
(at most 10^6) that makes them whole; otherwise they are rounded and the bound allows for it.
"""

from __future__ import annotations

from typing import Any

from ortools.sat.python import cp_model

from bitgoeul.optimize.assignment.flow import Assigned, Instance

PAIR_LIMIT = 4000  # allowed pairs; above this the local search answer stands
EFFORT = 5.0  # CP-SAT deterministic seconds per solve


def _factor(inst: Instance) -> tuple[int, float]:
    scores = [float(s) for s in inst.pair_score]
    for digits in range(7):
        f = 10**digits
        if all(abs(s * f - round(s * f)) <= 1e-9 * max(1.0, abs(s * f)) for s in scores):
            return f, 0.0
    return 10**6, 0.5e-6


def exact_fair(inst: Instance, seconds: float | None) -> tuple[Assigned | None, float]:
    """(the max-min plan with the best total, or None; a proved bound on the smallest score)."""
    size = sum(
        inst.open_reviewers - sum(1 for v in inst.forbidden[a] if inst.hi[v] > 0)
        for a in range(inst.n_apps)
        if inst.need[a] > 0
    )
    if size > PAIR_LIMIT:
        return None, float("inf")
    allowed = [
        (a, v)
        for a in range(inst.n_apps)
        if inst.need[a] > 0
        for v in range(inst.n_revs)
        if inst.hi[v] > 0 and inst.may_review(a, v)
    ]
    if len(allowed) > PAIR_LIMIT:
        return None, float("inf")
    factor, rounding = _factor(inst)
    model = cp_model.CpModel()
    x = {pair: model.new_bool_var(f"x{pair}") for pair in allowed}
    by_app: dict[int, list[tuple[int, int]]] = {}
    by_rev: dict[int, list[tuple[int, int]]] = {}
    for a, v in allowed:
        by_app.setdefault(a, []).append((a, v))
        by_rev.setdefault(v, []).append((a, v))
    for a in range(inst.n_apps):
        model.add(sum(x[p] for p in by_app.get(a, [])) == inst.need[a])
    for v in range(inst.n_revs):
        load = sum(x[p] for p in by_rev.get(v, []))
        model.add(load <= inst.hi[v])
        model.add(load >= inst.lo[v])
    weight = {p: round(inst.score(*p) * factor) for p in allowed}
    low = sum(min(0, w) for w in weight.values())
    high = sum(max(0, w) for w in weight.values())
    t = model.new_int_var(low, high, "t")
    for pairs in by_app.values():
        model.add(sum(weight[p] * x[p] for p in pairs) >= t)
    model.maximize(t)
    solver: Any = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = EFFORT
    if seconds is not None:
        solver.parameters.max_time_in_seconds = max(seconds, 0.01)
    code = solver.solve(model)
    slack = rounding * max(inst.need, default=0)
    if code == cp_model.INFEASIBLE:
        return None, float("-inf")
    if code != cp_model.OPTIMAL:
        bound = solver.best_objective_bound / factor + slack if code == cp_model.FEASIBLE else None
        return None, float("inf") if bound is None else bound
    best = int(solver.objective_value)
    bound = best / factor + slack
    model.add(t >= best)
    model.maximize(sum(weight[p] * x[p] for p in allowed))
    model.clear_hints()
    for p in allowed:
        model.add_hint(x[p], solver.boolean_value(x[p]))
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, bound
    plan: Assigned = [[] for _ in range(inst.n_apps)]
    for a, v in allowed:
        if solver.boolean_value(x[(a, v)]):
            plan[a].append(v)
    return plan, bound
