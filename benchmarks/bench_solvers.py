"""Benchmark of the decision engine against the baselines a cluster uses today.

    .venv/bin/python -m benchmarks.bench_solvers [--quick] [--no-write]

Writes the `solvers` section of docs/benchmarks.md (through benchmarks.report). Every figure is
measured in the same run on the same machine as its baseline; the inputs are seeded
(benchmarks/solver_instances.py) or built from ../shared/data when it is present.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.report import write_section
from benchmarks.solver_instances import (
    allocation_instance,
    assignment_instance,
    dense_assignment_instance,
    production_trace_round,
    selection_instance,
    trace_round,
)
from bitgoeul.optimize.allocation.problem import AllocationPolicy, AllocationProblem
from bitgoeul.optimize.allocation.solve import solve_allocation
from bitgoeul.optimize.assignment.flow import Assigned, Instance, app_scores, flow_assign
from bitgoeul.optimize.assignment.problem import AssignmentPolicy, AssignmentProblem
from bitgoeul.optimize.assignment.solve import solve_assignment
from bitgoeul.optimize.selection.problem import SelectionPolicy, SelectionProblem
from bitgoeul.optimize.selection.solve import solve_selection

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


# --- allocation -------------------------------------------------------------------------------


def cells_of(problem: AllocationProblem, r: int) -> list[tuple[str, str]]:
    request = problem.requests[r]
    return [
        (pool.id, period)
        for pool in problem.pools
        if pool.id in request.pools
        for period in problem.periods
        if period in request.periods and pool.capacity.get(period, 0) > 0
    ]


def in_order(problem: AllocationProblem, order: list[int]) -> list[float]:
    """Requests in `order` take what is left (whole minimum or nothing, company cap kept)."""
    free = {(p.id, t): p.capacity.get(t, 0.0) for p in problem.pools for t in problem.periods}
    total = sum(free.values())
    limit = None if problem.company_cap is None else problem.company_cap * total
    used: dict[str, float] = defaultdict(float)
    grants = [0.0] * len(problem.requests)
    for r in order:
        request = problem.requests[r]
        cells = cells_of(problem, r)
        room = sum(free[c] for c in cells)
        if limit is not None:
            room = min(room, limit - used[request.company])
        take = min(request.demand, room)
        if take <= 0 or take < request.minimum:
            continue
        grants[r] = take
        used[request.company] += take
        for c in cells:
            part = min(free[c], take)
            free[c] -= part
            take -= part
    return grants


def plain_highs(problem: AllocationProblem, seconds: float) -> dict[str, Any]:
    """The plain model (x[r, pool, period] and a binary per minimum) in HiGHS via scipy."""
    from scipy.optimize import LinearConstraint, milp
    from scipy.sparse import coo_matrix

    columns = [(r, c) for r in range(len(problem.requests)) for c in cells_of(problem, r)]
    n_x = len(columns)
    binaries = [r for r, q in enumerate(problem.requests) if q.minimum > 0 and cells_of(problem, r)]
    z_of = {r: n_x + i for i, r in enumerate(binaries)}
    n = n_x + len(binaries)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lb: list[float] = []
    ub: list[float] = []

    def row(entries: list[tuple[int, float]], low: float, high: float) -> None:
        k = len(lb)
        for j, v in entries:
            rows.append(k)
            cols.append(j)
            vals.append(v)
        lb.append(low)
        ub.append(high)

    by_cell: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_request: dict[int, list[int]] = defaultdict(list)
    for j, (r, c) in enumerate(columns):
        by_cell[c].append(j)
        by_request[r].append(j)
    for pool in problem.pools:
        for period in problem.periods:
            cap = pool.capacity.get(period, 0.0)
            if by_cell[(pool.id, period)]:
                row([(j, 1.0) for j in by_cell[(pool.id, period)]], -np.inf, cap)
    for r, js in by_request.items():
        q = problem.requests[r]
        if r in z_of:
            row([(j, 1.0) for j in js] + [(z_of[r], -q.demand)], -np.inf, 0.0)
            row([(j, 1.0) for j in js] + [(z_of[r], -q.minimum)], 0.0, np.inf)
        else:
            row([(j, 1.0) for j in js], -np.inf, q.demand)
    total = sum(c for p in problem.pools for c in p.capacity.values())
    if problem.company_cap is not None:
        by_company: dict[str, list[int]] = defaultdict(list)
        for j, (r, _) in enumerate(columns):
            by_company[problem.requests[r].company].append(j)
        for js in by_company.values():
            row([(j, 1.0) for j in js], -np.inf, problem.company_cap * total)
    for group, floor in problem.group_floors.items():
        demand = sum(q.demand for q in problem.requests if group in q.groups)
        js = [j for j, (r, _) in enumerate(columns) if group in problem.requests[r].groups]
        row([(j, 1.0) for j in js], min(floor * total, demand), np.inf)
    matrix = coo_matrix((vals, (rows, cols)), shape=(len(lb), n)).tocsr()
    cost = np.zeros(n)
    for j, (r, _) in enumerate(columns):
        cost[j] = -problem.requests[r].weight
    integrality = np.zeros(n)
    integrality[n_x:] = 1
    upper = np.full(n, np.inf)
    upper[n_x:] = 1
    start, cpu = time.perf_counter(), time.process_time()
    out = milp(
        cost,
        constraints=LinearConstraint(matrix, lb, ub),
        integrality=integrality,
        bounds=(np.zeros(n), upper),
        options={"time_limit": seconds, "mip_rel_gap": 1e-6, "disp": False},
    )
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    objective = -out.fun if out.x is not None else None
    bound = -out.mip_dual_bound if getattr(out, "mip_dual_bound", None) is not None else None
    proved = out.status == 0
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "objective": objective,
        "bound": bound,
        "proved": proved,
        "variables": n,
        "rows": len(lb),
    }


def scipy_version() -> str:
    import scipy

    return str(scipy.__version__)


def jain(values: list[float]) -> float:
    values = [v for v in values if v == v]
    if not values or not any(values):
        return 0.0
    return sum(values) ** 2 / (len(values) * sum(v * v for v in values))


def allocation_metrics(problem: AllocationProblem, grants: list[float]) -> dict[str, float]:
    requests = problem.requests
    capacity = sum(c for p in problem.pools for c in p.capacity.values())
    groups = sorted({g for q in requests for g in q.groups})
    satisfaction = []
    for group in groups:
        demand = sum(q.demand for q in requests if group in q.groups)
        got = sum(g for q, g in zip(requests, grants, strict=True) if group in q.groups)
        satisfaction.append(got / demand if demand else float("nan"))
    total = sum(c for p in problem.pools for c in p.capacity.values())
    floors_met = all(
        sum(g for q, g in zip(requests, grants, strict=True) if group in q.groups)
        >= min(floor * total, sum(q.demand for q in requests if group in q.groups)) * (1 - 1e-6)
        for group, floor in problem.group_floors.items()
    )
    asked = [q for q in requests if q.demand > 0]
    return {
        "objective": sum(q.weight * g for q, g in zip(requests, grants, strict=True)),
        "idle": capacity - sum(grants),
        "served": sum(1 for q, g in zip(requests, grants, strict=True) if q.demand > 0 and g > 0)
        / max(len(asked), 1),
        "jain": jain(satisfaction),
        "floors": floors_met,
    }


@dataclass
class Row:
    cells: list[str]


def fmt(value: float, digits: int = 4) -> str:
    return f"{value:,.{digits}f}"


def bench_allocation(
    name: str,
    problem: AllocationProblem,
    reference_seconds: float,
    log: Callable[[str], None],
    *,
    fair: bool = True,
    target: float | None = None,
    pairs: int = 1,
) -> str:
    """`pairs` > 1: ours and HiGHS are measured one after the other that many times (ours, HiGHS,
    ours, HiGHS, …), and the verdict compares each pair (for a loaded machine)."""
    log(f"allocation {name}: bitgoeul priority")
    start, cpu = time.perf_counter(), time.process_time()
    ours = solve_allocation(problem)
    ours_seconds = time.perf_counter() - start
    ours_times = [(ours_seconds, time.process_time() - cpu)]
    assert ours.bound is not None and ours.objective is not None
    bound = ours.bound
    grants = {g.request: g.granted for g in ours.grants}
    rows = []

    def add(
        label: str,
        grants_list: list[float],
        seconds: float | None,
        note: str,
        *,
        seconds_text: str | None = None,
    ) -> None:
        m = allocation_metrics(problem, grants_list)
        idle = max(m["idle"], 0.0) + 0.0  # no "-0" from float noise
        shown = seconds_text or ("—" if seconds is None else f"{seconds:.2f}")
        rows.append(
            f"| {label} | {shown} | "
            f"{m['objective'] / bound:.6f} | {idle:,.0f} | {m['served']:.1%} | "
            f"{m['jain']:.3f} | {'yes' if m['floors'] else 'no'} | {note} |"
        )

    log(f"allocation {name}: HiGHS on the plain model (up to {reference_seconds:.0f} s)")
    ref = plain_highs(problem, reference_seconds)
    ref_times = [(ref["seconds"], ref["cpu"])]
    statuses = [str(ours.status)]
    for turn in range(2, pairs + 1):
        log(f"allocation {name}: bitgoeul priority, run {turn}")
        start, cpu = time.perf_counter(), time.process_time()
        again = solve_allocation(problem)
        ours_times.append((time.perf_counter() - start, time.process_time() - cpu))
        statuses.append(str(again.status))
        log(f"allocation {name}: HiGHS, run {turn}")
        more = plain_highs(problem, reference_seconds)
        ref_times.append((more["seconds"], more["cpu"]))

    def timed(times: list[tuple[float, float]]) -> str:
        if len(times) == 1:
            return f"{times[0][0]:.2f}"
        return " / ".join(f"{wall:.1f} (CPU {cpu:.1f})" for wall, cpu in times)

    add(
        "bitgoeul `priority`",
        [grants[q.id] for q in problem.requests],
        None,
        f"{ours.status}, gap {(bound - ours.objective) / bound:.1e}",
        seconds_text=timed(ours_times),
    )
    log(f"allocation {name}: baselines")
    order = list(range(len(problem.requests)))
    add("first come, first served", in_order(problem, order), None, "submission order")
    by_weight = sorted(order, key=lambda r: (-problem.requests[r].weight, r))
    add("greedy by weight", in_order(problem, by_weight), None, "highest weight first")
    if ref["objective"] is not None:
        state = (
            "proved optimal"
            if ref["proved"]
            else f"time limit, gap {(ref['bound'] - ref['objective']) / ref['bound']:.1e}"
            if ref["bound"]
            else "time limit"
        )
        rows.append(
            f"| HiGHS (scipy {scipy_version()} `milp`), plain model ({ref['variables']:,} "
            "variables) | "
            f"{timed(ref_times)} | {ref['objective'] / bound:.6f} | — | — | — | — | {state} |"
        )
    else:
        rows.append(
            f"| HiGHS (scipy {scipy_version()} `milp`), plain model ({ref['variables']:,} "
            "variables) | "
            f"{ref['seconds']:.2f} | — | — | — | — | — | no answer within the limit |"
        )
    if fair:
        log(f"allocation {name}: bitgoeul fair")
        start = time.perf_counter()
        answer = solve_allocation(replace(problem, policy=AllocationPolicy.FAIR), time_limit=300)
        fair_seconds = time.perf_counter() - start
        if answer.grants:
            add(
                "bitgoeul `fair`",
                [g.granted for g in answer.grants],
                fair_seconds,
                f"{answer.status}; smallest weighted satisfaction {answer.objective:.3g} "
                f"(bound {answer.bound:.3g})",
            )
    if pairs > 1:
        proved = all(status == "optimal" for status in statuses)
        faster = ref["objective"] is None or all(
            mine[0] <= theirs[0] for mine, theirs in zip(ours_times, ref_times, strict=True)
        )
        verdict = "met" if proved and faster else "NOT met"
        rows.append(
            f"\nTarget (at least as fast as HiGHS on the plain model, still proved optimal; "
            f"{pairs} runs each, alternating): **{verdict}** (bitgoeul "
            f"{', '.join(f'{wall:.1f}' for wall, _ in ours_times)} s, {', '.join(statuses)}; "
            f"HiGHS {', '.join(f'{wall:.1f}' for wall, _ in ref_times)} s).\n"
        )
    if target is not None:
        proved = ours.status == "optimal"
        faster = ref["objective"] is None or ours_seconds <= ref["seconds"]
        verdict = "met" if proved and ours_seconds <= target and faster else "NOT met"
        rows.append(
            f"\nTarget (proved optimal in ≤ {target:.0f} s and no slower than the reference): "
            f"**{verdict}** ({ours_seconds:.1f} s, {ours.status}; reference "
            f"{ref['seconds']:.1f} s).\n"
        )
    requests = len(problem.requests)
    head = (
        f"**{name}**: {requests:,} requests × {len(problem.pools)} pools × "
        f"{len(problem.periods)} periods; proved bound {bound:,.1f}.\n\n"
        "| method | seconds | objective / bound | idle GPU-hours | requests served | "
        "Jain (groups) | floors met | status |\n|---|---|---|---|---|---|---|---|\n"
    )
    return head + "\n".join(rows) + "\n"


# --- assignment -------------------------------------------------------------------------------


def greedy_assignment(inst: Instance) -> Assigned:
    """Applications in order take their best candidates that still have room."""
    load = [0] * inst.n_revs
    plan: Assigned = [[] for _ in range(inst.n_apps)]
    for a in range(inst.n_apps):
        ranked = sorted(inst.scores[a], key=lambda v: (-inst.scores[a][v], v))
        for v in ranked + list(range(inst.n_revs)):
            if len(plan[a]) == inst.need[a]:
                break
            if v not in plan[a] and load[v] < inst.hi[v] and inst.may_review(a, v):
                plan[a].append(v)
                load[v] += 1
    return plan


def fairflow(inst: Instance, iterations: int = 10) -> tuple[Assigned, float]:
    """OpenReview's FairFlow (Kobren et al. 2019), sparse: min-cost flow, then binary search on a
    threshold T; at each T, papers below T − max affinity drop their worst reviewer and a min-cost
    flow moves reviewers from papers at or above T (through papers in between) to them; missing
    reviewers are refilled by a min-cost flow. Keeps the best smallest score found."""
    from ortools.graph.python import min_cost_flow

    start = time.perf_counter()
    n_apps, n_revs = inst.n_apps, inst.n_revs
    first = flow_assign(inst, list(range(n_apps)), inst.hi, inst.lo)
    assert first is not None
    mine = [set(x) for x in first]
    s = inst.score
    top = float(inst.pair_score.max()) if len(inst.pair_score) else 0.0
    cand = [[v for v, x in inst.scores[a].items() if x > 0] for a in range(n_apps)]

    def scores() -> list[float]:
        return [sum(s(a, v) for v in mine[a]) for a in range(n_apps)]

    def refill() -> None:
        """FairFlow's validifier: a min-cost flow gives short papers reviewers with room."""
        load = [0] * n_revs
        for a in range(n_apps):
            for v in mine[a]:
                load[v] += 1
        missing = {
            a: inst.need[a] - len(mine[a]) for a in range(n_apps) if len(mine[a]) < inst.need[a]
        }
        if not missing:
            return
        mcf = min_cost_flow.SimpleMinCostFlow()
        short = sorted(missing)
        n = len(short)
        source, sink = n + n_revs, n + n_revs + 1
        for i, a in enumerate(short):
            mcf.add_arc_with_capacity_and_unit_cost(source, i, missing[a], 0)
            for v in range(n_revs):
                if inst.may_review(a, v) and v not in mine[a] and load[v] < inst.hi[v]:
                    cost = -int(1 + 10000 * max(s(a, v), 0.0))
                    mcf.add_arc_with_capacity_and_unit_cost(i, n + v, 1, cost)
        for v in range(n_revs):
            if load[v] < inst.hi[v]:
                mcf.add_arc_with_capacity_and_unit_cost(n + v, sink, inst.hi[v] - load[v], 0)
        total = sum(missing.values())
        mcf.set_node_supply(source, total)
        mcf.set_node_supply(sink, -total)
        mcf.solve_max_flow_with_min_cost()
        flows = mcf.flows(np.arange(mcf.num_arcs()))
        for arc in np.nonzero(flows > 0)[0]:
            t, h = int(mcf.tail(arc)), int(mcf.head(arc))
            if t < n and n <= h < n + n_revs:
                mine[short[t]].add(h - n)

    def refine(threshold: float) -> tuple[int, int]:
        sc = scores()
        g1 = [a for a in range(n_apps) if sc[a] >= threshold]
        g2 = [a for a in range(n_apps) if threshold - top <= sc[a] < threshold]
        g3 = [a for a in range(n_apps) if sc[a] < threshold - top and inst.need[a] > 0]
        if not g1 or not g3:
            return len(g1), len(g3)
        for a in g3:
            if mine[a]:
                mine[a].remove(min(mine[a], key=lambda v: (s(a, v), v)))
        sc = scores()
        mcf = min_cost_flow.SimpleMinCostFlow()
        source, sink = 2 * n_apps + n_revs, 2 * n_apps + n_revs + 1
        give: set[int] = set()
        min_in: dict[int, float] = {}
        for a in g1:
            mcf.add_arc_with_capacity_and_unit_cost(source, n_revs + a, 1, 0)
            for v in mine[a]:
                mcf.add_arc_with_capacity_and_unit_cost(n_revs + a, v, 1, 0)
                give.add(v)
        for b in g2:
            mcf.add_arc_with_capacity_and_unit_cost(n_revs + n_apps + b, n_revs + b, 1, 0)
            for v in cand[b]:
                if v in give and v not in mine[b]:
                    mcf.add_arc_with_capacity_and_unit_cost(v, n_revs + n_apps + b, 1, 0)
                    min_in[b] = min(min_in.get(b, np.inf), s(b, v))
        for b in g2:
            if b in min_in:
                for v in mine[b]:
                    if sc[b] + min_in[b] - s(b, v) >= threshold - top:
                        mcf.add_arc_with_capacity_and_unit_cost(n_revs + b, v, 1, 0)
                        give.add(v)
        for a in g3:
            mcf.add_arc_with_capacity_and_unit_cost(n_revs + a, sink, 1, 0)
            for v in cand[a]:
                if v in give and v not in mine[a]:
                    big = 10000**2 if s(a, v) + sc[a] >= threshold - top else 10000
                    mcf.add_arc_with_capacity_and_unit_cost(
                        v, n_revs + a, 1, -int(1 + big * s(a, v))
                    )
        flow = min(len(g3), len(g1))
        mcf.set_node_supply(source, flow)
        mcf.set_node_supply(sink, -flow)
        if mcf.solve_max_flow_with_min_cost() == mcf.OPTIMAL:
            arcs = np.arange(mcf.num_arcs())
            flows = mcf.flows(arcs)
            for arc in np.nonzero(flows > 0)[0]:
                t, h = int(mcf.tail(arc)), int(mcf.head(arc))
                if t == source or h == sink:
                    continue
                if t < n_revs and h < n_revs + n_apps:
                    mine[h - n_revs].add(t)
                elif t < n_revs:
                    mine[h - n_revs - n_apps].add(t)
                elif h < n_revs:
                    mine[t - n_revs].discard(h)
        for a in range(n_apps):
            while len(mine[a]) > inst.need[a]:
                mine[a].remove(min(mine[a], key=lambda v: (s(a, v), v)))
        refill()
        sc = scores()
        return (
            sum(1 for x in sc if x >= threshold),
            sum(1 for a in range(n_apps) if sc[a] < threshold - top and inst.need[a] > 0),
        )

    low, high = 0.0, top * max(inst.need)
    threshold = high / 2
    best = ([sorted(x) for x in mine], min(scores()))
    for _ in range(iterations):
        s1, s3 = refine(threshold)
        previous = None
        while s3 > 0 and previous != (s1, s3):
            previous = (s1, s3)
            s1, s3 = refine(threshold)
        worst = min(scores())
        if s3 == 0 and worst >= best[1]:
            best = ([sorted(x) for x in mine], worst)
            low, threshold = threshold, threshold + (high - threshold) / 2
        else:
            high, threshold = threshold, threshold - (threshold - low) / 2
    return best[0], time.perf_counter() - start


def bench_assignment(name: str, problem: AssignmentProblem, log: Callable[[str], None]) -> str:
    rows = []
    note = ""
    inst = Instance(problem)
    if problem.policy is AssignmentPolicy.TOTAL or name.startswith("sparse"):
        log(f"assignment {name}: bitgoeul total")
        start = time.perf_counter()
        total = solve_assignment(replace(problem, policy=AssignmentPolicy.TOTAL))
        seconds = time.perf_counter() - start
        rows.append(
            f"| bitgoeul `total` | {seconds:.2f} | {total.objective:,.3f} | "
            f"{total.min_application_score:.3f} | {total.status}, bound {total.bound:,.3f} |"
        )
        if len(problem.applications) >= 10000:
            verdict = "met" if total.status == "optimal" and seconds <= 30 else "NOT met"
            note = f"Target (`total` optimal in ≤ 30 s): **{verdict}** ({seconds:.1f} s)."
        log(f"assignment {name}: greedy")
        start = time.perf_counter()
        plan = greedy_assignment(inst)
        seconds = time.perf_counter() - start
        sc = app_scores(inst, plan)
        rows.append(
            f"| greedy (applications in order take their best free candidates) | {seconds:.2f} | "
            f"{sum(sc):,.3f} | {min(sc):.3f} | — |"
        )
    log(f"assignment {name}: FairFlow-style baseline")
    plan, seconds = fairflow(inst)
    sc = app_scores(inst, plan)
    rows.append(
        f"| FairFlow-style (OpenReview) | {seconds:.2f} | {sum(sc):,.3f} | {min(sc):.3f} | — |"
    )
    log(f"assignment {name}: bitgoeul fair")
    start = time.perf_counter()
    fair = solve_assignment(replace(problem, policy=AssignmentPolicy.FAIR))
    seconds = time.perf_counter() - start
    rows.append(
        f"| bitgoeul `fair` | {seconds:.2f} | {fair.objective:,.3f} | "
        f"{fair.min_application_score:.3f} | {fair.status}, bound on the smallest "
        f"{fair.bound:.3f} |"
    )
    pairs = len(problem.affinity)
    head = (
        f"**{name}**: {len(problem.applications):,} applications × "
        f"{len(problem.reviewers):,} reviewers, {problem.reviews_per_application} reviews each, "
        f"{pairs:,} scored pairs, {len(problem.conflicts):,} listed conflicts.\n\n"
        "| method | seconds | total affinity | smallest application score | status |\n"
        "|---|---|---|---|---|\n"
    )
    return head + "\n".join(rows) + "\n" + (f"\n{note}\n" if note else "")


# --- selection --------------------------------------------------------------------------------


def bench_selection(problem: SelectionProblem, log: Callable[[str], None]) -> str:
    log("selection: rank")
    start = time.perf_counter()
    rank = solve_selection(replace(problem, policy=SelectionPolicy.RANK))
    rank_seconds = time.perf_counter() - start
    log("selection: optimal")
    start = time.perf_counter()
    best = solve_selection(replace(problem, policy=SelectionPolicy.OPTIMAL))
    best_seconds = time.perf_counter() - start
    assert rank.objective is not None and best.objective is not None
    picked_rank = {d.application for d in rank.decisions if d.selected}
    picked_best = {d.application for d in best.decisions if d.selected}
    amounts = {a.id: float(a.amount) for a in problem.applications}
    scores = {a.id: a.score for a in problem.applications}
    gained, lost = picked_best - picked_rank, picked_rank - picked_best

    def mean(ids: set[str], table: dict[str, float]) -> float:
        return sum(table[i] for i in ids) / len(ids) if ids else 0.0

    return (
        f"{len(problem.applications):,} applications, budget {problem.budget:,} KRW, floors "
        f"{', '.join(f'{g} {f:.0%}' for g, f in problem.group_floors.items())}, lottery band "
        f"{problem.lottery.band if problem.lottery else 0}.\n\n"
        "| policy | seconds | total score | selected | spent (KRW) | status |\n"
        "|---|---|---|---|---|---|\n"
        f"| `rank` (the public rule) | {rank_seconds:.2f} | {rank.objective:,.1f} | "
        f"{len(picked_rank):,} | {rank.spent:,} | {rank.status} |\n"
        f"| `optimal` (exact knapsack) | {best_seconds:.2f} | {best.objective:,.1f} | "
        f"{len(picked_best):,} | {best.spent:,} | {best.status}, bound {best.bound:,.1f} |\n\n"
        f"Target (`optimal` proved optimal in ≤ 5 s for 10,000 applications): "
        f"**{'met' if best.status == 'optimal' and best_seconds <= 5 else 'NOT met'}** "
        f"({best_seconds:.1f} s, including the second solve without floors for the reasons).\n\n"
        f"`optimal` gains {best.objective - rank.objective:,.1f} points of total score "
        f"(+{(best.objective - rank.objective) / rank.objective:.1%}). {len(gained):,} "
        f"applications are selected only by `optimal` (mean score {mean(gained, scores):.1f}, "
        f"mean amount {mean(gained, amounts) / 1e6:,.0f} M KRW) and {len(lost):,} only by `rank` "
        f"(mean score {mean(lost, scores):.1f}, mean amount {mean(lost, amounts) / 1e6:,.0f} M "
        "KRW): maximising the total score favours many smaller awards over fewer large, "
        "high-scoring ones, which is why the public rule stays `rank` and `optimal` is a what-if.\n"
    )


# --- main -------------------------------------------------------------------------------------


def production_section(
    quick: bool, log: Callable[[str], None], *, fallback_shapes: bool = False
) -> str:
    """The round shaped like a production trace, ours and HiGHS measured twice, alternating;
    with the trace's task shapes from ../shared/data unless it is absent or `fallback_shapes`."""
    data = DATA if DATA.exists() and not fallback_shapes else None
    production = production_trace_round(seed=1, data=data, requests=1900 if quick else 19_000)
    source = "openb task shapes" if data is not None else "fallback task shapes"
    return bench_allocation(
        f"round shaped like a production trace (seed 1, {source})",
        production,
        30.0 if quick else 600.0,
        log,
        fair=False,
        pairs=1 if quick else 2,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_solvers")
    parser.add_argument("--quick", action="store_true", help="small instances (a smoke run)")
    parser.add_argument("--no-write", action="store_true", help="print, do not write the doc")
    parser.add_argument(
        "--production-only",
        action="store_true",
        help="only the round shaped like a production trace; prints its table (implies --no-write)",
    )
    parser.add_argument(
        "--fallback-shapes",
        action="store_true",
        help="with --production-only: the task shapes drawn without ../shared/data",
    )
    args = parser.parse_args(argv)
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    parts: list[str] = []
    quick = args.quick
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("starting", total=None)

        def log(text: str) -> None:
            progress.update(task, description=text)

        if args.production_only:
            print(production_section(quick, log, fallback_shapes=args.fallback_shapes))
            return 0
        sizes = [(300, 3, 4)] if quick else [(2000, 4, 6), (20000, 6, 12)]
        limit = 30.0 if quick else 120.0
        parts.append("### Allocation (`priority` and `fair`)\n")
        for requests, pools, periods in sizes:
            problem = allocation_instance(requests, pools, periods, seed=1)
            name = f"seeded round (seed 1, {requests:,} × {pools} × {periods})"
            fair = requests <= 5000  # the filling solves an LP per level: see docs/solvers.md
            target = {2000: 5.0, 20000: 30.0}.get(requests)
            parts.append(bench_allocation(name, problem, limit, log, fair=fair, target=target))
        trace = trace_round(DATA, seed=1)
        if trace is not None and not quick:
            parts.append(bench_allocation("Alibaba GPU trace round (seed 1)", trace, limit, log))
        elif trace is None:
            parts.append("(../shared/data not present: no trace round.)\n")
        parts.append(production_section(quick, log))
        parts.append("### Assignment (`total` and `fair`)\n")
        sparse = (
            assignment_instance(500, 100, seed=1)
            if quick
            else assignment_instance(10000, 2000, seed=1)
        )
        parts.append(bench_assignment("sparse (seed 1)", sparse, log))
        dense = dense_assignment_instance(118, 177, seed=1)
        parts.append(
            bench_assignment("dense, 118 × 177 like the contract's example (seed 1)", dense, log)
        )
        parts.append("### Selection (`rank` and `optimal`)\n")
        parts.append(bench_selection(selection_instance(1000 if quick else 10000, seed=1), log))
    body = "\n".join(parts)
    if args.no_write:
        print(body)
    else:
        write_section("solvers", "Decision engine (`bitgoeul.optimize`)", body)
        console.print("wrote docs/benchmarks.md (section solvers)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
