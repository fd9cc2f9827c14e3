"""Policy `total` and the min-cost flow under both policies.

Network: each application supplies its number of reviews; an arc application → reviewer per
listed, non-conflicting pair (capacity 1, cost −score·S); reviewer → sink with capacity
max_load − min_load, the min_load being a demand of the reviewer node (the standard lower-bound
transformation). Pairs that are not listed score 0 and are all alike, so instead of an arc per pair
(10,000 × 2,000 would be 20 million) every application has one arc to a shared zero node Z, and Z
one arc to every reviewer. That relaxes two rules (distinct reviewers, conflicts) on zero-score
reviews only, so its optimum is an upper bound; the flow through Z is then realised as real pairs
(largest remaining supply first). When that fails for some application, it gets explicit zero arcs
to every reviewer it may take and the flow is solved again; when it succeeds, the answer has the
relaxation's value and is optimal. Costs are integers: scores are scaled by a power of two S with
max|score|·S <= 2^30, so the answer is optimal for scores rounded to 1/S and `bound` adds the
rounding allowance (number of reviews)/S.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict

import numpy as np
import numpy.typing as npt
from ortools.graph.python import max_flow, min_cost_flow

from bitgoeul.optimize.assignment.problem import Assignment, AssignmentProblem, AssignmentResult
from bitgoeul.optimize.status import Deadline, Progress, Status, status_for

Assigned = list[list[int]]


class Instance:
    """Index structures: applications and reviewers by position, allowed listed pairs as arrays."""

    def __init__(self, problem: AssignmentProblem) -> None:
        self.problem = problem
        apps, revs = problem.applications, problem.reviewers
        self.n_apps, self.n_revs = len(apps), len(revs)
        default = problem.reviews_per_application
        self.need = [default if a.reviews is None else a.reviews for a in apps]
        self.hi = [r.max_load for r in revs]
        self.lo = [r.min_load for r in revs]
        app_index = {a.id: i for i, a in enumerate(apps)}
        rev_index = {r.id: i for i, r in enumerate(revs)}
        by_company: dict[str, set[int]] = defaultdict(set)
        for v, reviewer in enumerate(revs):
            for company in reviewer.conflicts:
                by_company[company].add(v)
        self.forbidden: list[set[int]] = [set(by_company.get(a.company, ())) for a in apps]
        for conflict in problem.conflicts:
            self.forbidden[app_index[conflict.application]].add(rev_index[conflict.reviewer])
        self.listed: list[set[int]] = [set() for _ in apps]
        self.scores: list[dict[int, float]] = [{} for _ in apps]
        for item in problem.affinity:
            a, v = app_index[item.application], rev_index[item.reviewer]
            self.listed[a].add(v)
            if v not in self.forbidden[a]:
                self.scores[a][v] = float(item.score)
        tails, heads, values = [], [], []
        for a in range(self.n_apps):
            for v, score in self.scores[a].items():
                tails.append(a)
                heads.append(v)
                values.append(score)
        self.pair_app = np.array(tails, dtype=np.int64)
        self.pair_rev = np.array(heads, dtype=np.int64)
        self.pair_score = np.array(values, dtype=np.float64)
        biggest = float(np.abs(self.pair_score).max()) if values else 1.0
        self.scale = 2.0 ** math.floor(math.log2(2**30 / (biggest if biggest > 0 else 1.0)))
        self.open_reviewers = sum(1 for x in self.hi if x > 0)
        self.exact = bool(
            np.all(self.pair_score * self.scale == np.round(self.pair_score * self.scale))
        )

    def score(self, a: int, v: int) -> float:
        return self.scores[a].get(v, 0.0)

    def may_review(self, a: int, v: int) -> bool:
        return v not in self.forbidden[a]

    def zero_pair(self, a: int, v: int) -> bool:
        """Whether (a, v) may be used as a zero-score review."""
        return v not in self.forbidden[a] and (v not in self.listed[a] or self.score(a, v) == 0.0)

    def allowance(self) -> float:
        """How far the flow's optimum may be from the optimum for the unrounded scores."""
        return 0.0 if self.exact else sum(self.need) / self.scale


def flow_assign(
    inst: Instance,
    apps: list[int],
    hi: list[int],
    lo: list[int],
    weight: npt.NDArray[np.float64] | None = None,
) -> Assigned | None:
    """Maximise Σ weight_a·score over the applications `apps` (None: infeasible).

    `hi` and `lo` are the reviewers' remaining load bounds; `weight` (per application, default 1)
    lets the fair policy favour some applications.
    """
    explicit: set[int] = set()
    while True:
        solved = _solve(inst, apps, hi, lo, weight, explicit)
        if solved is None:
            return None
        assigned, through_zero, supply = solved
        failed = _realise(inst, assigned, through_zero, supply)
        if not failed:
            return assigned
        explicit |= failed


def _solve(
    inst: Instance,
    apps: list[int],
    hi: list[int],
    lo: list[int],
    weight: npt.NDArray[np.float64] | None,
    explicit: set[int],
) -> tuple[Assigned, dict[int, int], dict[int, int]] | None:
    n, R = len(apps), inst.n_revs
    local = np.full(inst.n_apps, -1, dtype=np.int64)
    local[np.array(apps, dtype=np.int64)] = np.arange(n)
    mask = local[inst.pair_app] >= 0
    p_app, p_rev, p_score = inst.pair_app[mask], inst.pair_rev[mask], inst.pair_score[mask]
    keep = np.array(hi, dtype=np.int64)[p_rev] > 0
    p_app, p_rev, p_score = p_app[keep], p_rev[keep], p_score[keep]
    w = np.ones(len(p_app)) if weight is None else weight[p_app]
    costs = -np.round(p_score * w * inst.scale).astype(np.int64)
    zero_node, sink = n + R, n + R + 1
    extra_t, extra_h = [], []
    for a in sorted(explicit):
        for v in range(R):
            if hi[v] > 0 and inst.zero_pair(a, v) and v not in inst.scores[a]:
                extra_t.append(local[a])
                extra_h.append(n + v)
    zero_apps = [a for a in apps if a not in explicit and inst.need[a] > 0]
    revs = [v for v in range(R) if hi[v] > 0]
    tails = np.concatenate(
        [
            local[p_app],
            np.array(extra_t, dtype=np.int64),
            local[np.array(zero_apps, dtype=np.int64)],
            np.full(len(revs), zero_node, dtype=np.int64),
            n + np.arange(R, dtype=np.int64),
        ]
    )
    heads = np.concatenate(
        [
            n + p_rev,
            np.array(extra_h, dtype=np.int64),
            np.full(len(zero_apps), zero_node, dtype=np.int64),
            n + np.array(revs, dtype=np.int64),
            np.full(R, sink, dtype=np.int64),
        ]
    )
    caps = np.concatenate(
        [
            np.ones(len(p_app) + len(extra_t), dtype=np.int64),
            np.array([inst.need[a] for a in zero_apps], dtype=np.int64),
            np.array([hi[v] for v in revs], dtype=np.int64),
            np.array([hi[v] - lo[v] for v in range(R)], dtype=np.int64),
        ]
    )
    all_costs = np.concatenate([costs, np.zeros(len(tails) - len(costs), dtype=np.int64)])
    total_need = sum(inst.need[a] for a in apps)
    if total_need < sum(lo):
        return None
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, all_costs)
    supplies = np.zeros(n + R + 2, dtype=np.int64)
    supplies[:n] = [inst.need[a] for a in apps]
    supplies[n : n + R] = [-x for x in lo]
    supplies[sink] = -(total_need - sum(lo))
    mcf.set_nodes_supplies(np.arange(n + R + 2), supplies)
    if mcf.solve() != mcf.OPTIMAL:
        return None
    flows = mcf.flows(np.arange(len(tails)))
    assigned: Assigned = [[] for _ in range(inst.n_apps)]
    m = len(p_app) + len(extra_t)
    used = np.nonzero(flows[:m] > 0)[0]
    for arc in used:
        assigned[apps[int(tails[arc])]].append(int(heads[arc]) - n)
    start = m
    through_zero = {
        a: int(f)
        for a, f in zip(zero_apps, flows[start : start + len(zero_apps)], strict=True)
        if f
    }
    start += len(zero_apps)
    supply = {v: int(f) for v, f in zip(revs, flows[start : start + len(revs)], strict=True) if f}
    return assigned, through_zero, supply


def _realise(
    inst: Instance, assigned: Assigned, through_zero: dict[int, int], supply: dict[int, int]
) -> set[int]:
    """Turn the flow through Z into real zero-score pairs; returns the applications that failed."""
    heap = [(-count, v) for v, count in supply.items()]
    heapq.heapify(heap)
    failed: set[int] = set()
    for a in sorted(through_zero):
        want, taken, skipped = through_zero[a], [], []
        mine = set(assigned[a])
        while want and heap:
            count, v = heapq.heappop(heap)
            if inst.zero_pair(a, v) and v not in mine:
                taken.append(v)
                want -= 1
                if count + 1 < 0:
                    skipped.append((count + 1, v))
            else:
                skipped.append((count, v))
        for item in skipped:
            heapq.heappush(heap, item)
        if want:
            failed.add(a)
        assigned[a].extend(taken)
    return failed


DENSE_LIMIT = 2_000_000  # application × reviewer arcs for the exact shortfall


def coverage_shortfall(inst: Instance) -> dict[int, tuple[int, int]]:
    """Applications that cannot get all their reviewers: {a: (needed, at most possible)}.

    Each application's own limit (the reviewers it may take), then a maximum flow ignoring minimum
    loads names those it leaves short. Up to DENSE_LIMIT pairs the flow has an arc per allowed
    pair; above, unlisted pairs go through the zero node (a relaxation: it can only name fewer).
    """
    n_apps, n_revs = inst.n_apps, inst.n_revs
    open_revs = [v for v in range(n_revs) if inst.hi[v] > 0]
    short: dict[int, tuple[int, int]] = {}
    for a in range(n_apps):
        possible = len(open_revs) - sum(1 for v in inst.forbidden[a] if inst.hi[v] > 0)
        if possible < inst.need[a]:
            short[a] = (inst.need[a], possible)
    dense = n_apps * len(open_revs) <= DENSE_LIMIT
    smf = max_flow.SimpleMaxFlow()
    source, sink, zero = n_apps + n_revs, n_apps + n_revs + 1, n_apps + n_revs + 2
    for a in range(n_apps):
        smf.add_arc_with_capacity(source, a, inst.need[a])
        mine = open_revs if dense else [v for v in inst.scores[a] if inst.hi[v] > 0]
        for v in mine:
            if inst.may_review(a, v):
                smf.add_arc_with_capacity(a, n_apps + v, 1)
        if not dense:
            smf.add_arc_with_capacity(a, zero, inst.need[a])
    for v in open_revs:
        smf.add_arc_with_capacity(n_apps + v, sink, inst.hi[v])
        if not dense:
            smf.add_arc_with_capacity(zero, n_apps + v, inst.hi[v])
    smf.solve(source, sink)
    got = [0] * n_apps
    for arc in range(smf.num_arcs()):
        if smf.tail(arc) == source:
            got[smf.head(arc)] = smf.flow(arc)
    for a in range(n_apps):
        if got[a] < inst.need[a] and a not in short:
            short[a] = (inst.need[a], got[a])
    return short


def infeasible(inst: Instance, deadline: Deadline) -> AssignmentResult:
    apps, revs = inst.problem.applications, inst.problem.reviewers
    short = coverage_shortfall(inst)
    if short:
        items = [
            {"application": apps[a].id, "needs": need, "possible": possible}
            for a, (need, possible) in sorted(short.items())
        ]
        reason = "not enough non-conflicted reviewer capacity for " + ", ".join(
            f"{i['application']} (needs {i['needs']}, at most {i['possible']})" for i in items
        )
        params: dict[str, object] = {"applications": items}
    else:
        wanting = [a for a in range(inst.n_apps) if inst.need[a] > 0]
        takers = [len(wanting)] * inst.n_revs
        for a in wanting:
            for v in inst.forbidden[a]:
                takers[v] -= 1
        low = [v for v in range(inst.n_revs) if takers[v] < inst.lo[v]]
        if low:
            reason = "reviewers cannot reach their min_load: " + ", ".join(
                f"{revs[v].id} (min_load {inst.lo[v]}, at most {takers[v]})" for v in low
            )
        else:
            reason = (
                f"the reviewers' min_load ({sum(inst.lo)} in all) cannot be met with "
                f"{sum(inst.need)} reviews"
            )
        params = {"reviewers": [revs[v].id for v in low]}
    return AssignmentResult(
        status=Status.INFEASIBLE, seconds=deadline.elapsed(), reason=reason, reason_params=params
    )


def app_scores(inst: Instance, assigned: Assigned) -> list[float]:
    return [sum(inst.score(a, v) for v in assigned[a]) for a in range(inst.n_apps)]


def result(
    inst: Instance, assigned: Assigned, bound: float, deadline: Deadline, *, on_total: bool
) -> AssignmentResult:
    """The answer; `bound` is on the total (`on_total`) or on the smallest application score."""
    apps, revs = inst.problem.applications, inst.problem.reviewers
    scores = app_scores(inst, assigned)
    objective = sum(scores)
    smallest = min((s for a, s in enumerate(scores) if inst.need[a] > 0), default=0.0)
    reached = objective if on_total else smallest
    pairs = tuple(
        Assignment(apps[a].id, revs[v].id, inst.score(a, v))
        for a in range(inst.n_apps)
        for v in sorted(assigned[a])
    )
    return AssignmentResult(
        status=status_for(reached, bound),
        seconds=deadline.elapsed(),
        objective=objective,
        min_application_score=smallest,
        bound=bound,
        assignments=pairs,
    )


def solve_total(inst: Instance, deadline: Deadline, progress: Progress) -> AssignmentResult:
    progress("min-cost flow")
    assigned = flow_assign(inst, list(range(inst.n_apps)), inst.hi, inst.lo)
    if assigned is None:
        return infeasible(inst, deadline)
    total = sum(app_scores(inst, assigned))
    return result(inst, assigned, total + inst.allowance(), deadline, on_total=True)
