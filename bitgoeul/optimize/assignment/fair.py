"""Policy `fair`: raise the smallest application score, then the total.

1. Start from the total-optimal flow (`flow`).
2. Raise the minimum by local search: the worst application swaps its weakest reviewer for a better
   one that has room, or takes one from another application that replaces it (by the reviewer it
   gave up, or by one with room) and stays above the current minimum; failing that, a chain of up
   to four such exchanges found by breadth-first search. Every move raises the worst application
   and keeps all others above the old minimum, so the sorted scores rise lexicographically; it
   stops when the worst application has no such move (or at the deadline).
3. Maximise the total given that minimum m: applications below m in the total-optimal flow are
   frozen at their step-2 reviewers, the others get a min-cost flow over the remaining capacity;
   any that falls below m (and any within a margin of m, doubling each round) is frozen too,
   until none falls below. The total never drops below step 2's.
4. Bound on the minimum: each application's best k allowed scores, and the LP relaxation of the
   max-min over the poorest applications (GLOP): `max t` s.t. `Σ_v s_av x_av >= t`,
   `Σ_v x_av <= k_a`, `Σ_a x_av <= max_load_v`, `0 <= x <= 1` over the positive pairs. Dropping the
   other applications, zero and negative pairs and the min_load only relaxes it, so it is valid.
5. Small instances (at most 4,000 allowed pairs) are then solved exactly by CP-SAT
   (`exact`), which also proves the bound.
`status` is `optimal` only when the minimum reaches the bound.
"""

from __future__ import annotations

import heapq
from collections import deque

from ortools.linear_solver import pywraplp

from bitgoeul.optimize.assignment.exact import exact_fair
from bitgoeul.optimize.assignment.flow import (
    Assigned,
    Instance,
    app_scores,
    flow_assign,
    infeasible,
    result,
)
from bitgoeul.optimize.assignment.problem import AssignmentResult
from bitgoeul.optimize.status import Deadline, Progress

EPS = 1e-9
LP_APPLICATIONS = 600  # the poorest applications in the LP bound
CHAIN_DEPTH = 4  # applications on a chain move
CHAIN_BREADTH = 12  # replacements tried per application on a chain


def solve_fair(inst: Instance, deadline: Deadline, progress: Progress) -> AssignmentResult:
    progress("min-cost flow (total)")
    start = flow_assign(inst, list(range(inst.n_apps)), inst.hi, inst.lo)
    if start is None:
        return infeasible(inst, deadline)
    progress("raising the smallest application score")
    book = Book(inst, start)
    book.raise_minimum(deadline)
    fair = book.assigned()
    floor = book.minimum()
    progress("maximising the total at that minimum")
    best = _total_at_minimum(inst, start, fair, floor, deadline)
    progress("bound on the minimum")
    bound = min_bound(inst, floor)
    if bound > floor + EPS and not deadline.expired():
        progress("exact search (small instance)")
        plan, proved = exact_fair(inst, deadline.left())
        bound = min(bound, proved)
        if plan is not None and _better(inst, plan, best):
            best = plan
    reached = min(
        (s for a, s in enumerate(app_scores(inst, best)) if inst.need[a] > 0), default=0.0
    )
    if bound < reached:  # rounding noise between the bound and the scores
        bound = reached
    return result(inst, best, bound, deadline, on_total=False)


def _better(inst: Instance, plan: Assigned, than: Assigned) -> bool:
    """Lexicographically (smallest application score, total) better."""

    def key(x: Assigned) -> tuple[float, float]:
        scores = app_scores(inst, x)
        active = [s for a, s in enumerate(scores) if inst.need[a] > 0]
        return (min(active, default=0.0), sum(scores))

    mine, theirs = key(plan), key(than)
    return mine[0] > theirs[0] + EPS or (
        abs(mine[0] - theirs[0]) <= EPS and mine[1] > theirs[1] + EPS
    )


class Book:
    """The current assignment with the indexes the local search needs."""

    def __init__(self, inst: Instance, assigned: Assigned) -> None:
        self.inst = inst
        self.mine = [set(x) for x in assigned]
        self.score = app_scores(inst, assigned)
        self.load = [0] * inst.n_revs
        self.holders: list[set[int]] = [set() for _ in range(inst.n_revs)]
        for a, revs in enumerate(self.mine):
            for v in revs:
                self.load[v] += 1
                self.holders[v].add(a)
        self.best = [
            sorted(inst.scores[a], key=lambda v: (-inst.scores[a][v], v))
            for a in range(inst.n_apps)
        ]
        self.active = [a for a in range(inst.n_apps) if inst.need[a] > 0]

    def assigned(self) -> Assigned:
        return [sorted(x) for x in self.mine]

    def minimum(self) -> float:
        return min((self.score[a] for a in self.active), default=0.0)

    def _swap(self, a: int, out: int, into: int) -> None:
        s = self.inst.score
        self.mine[a].remove(out)
        self.mine[a].add(into)
        self.score[a] += s(a, into) - s(a, out)
        self.load[out] -= 1
        self.load[into] += 1
        self.holders[out].discard(a)
        self.holders[into].add(a)

    def _room(self, v: int) -> bool:
        return self.load[v] < self.inst.hi[v]

    def _can_leave(self, v: int) -> bool:
        return self.load[v] > self.inst.lo[v]

    def improve(self, a: int, floor: float) -> list[int]:
        """One move that lifts `a` above `floor` and keeps everyone it touches above it.

        Returns the applications whose score changed (none: no such move).
        """
        inst, s = self.inst, self.inst.score
        for out in sorted(self.mine[a], key=lambda v: (s(a, v), v)):
            rest = self.score[a] - s(a, out)
            for v in self.best[a]:
                if rest + s(a, v) <= floor + EPS:
                    break
                if v in self.mine[a]:
                    continue
                if self._room(v) and self._can_leave(out):
                    self._swap(a, out, v)
                    return [a]
                for b in sorted(self.holders[v], key=lambda b: (-self.score[b], b)):
                    if b == a:
                        continue
                    without = self.score[b] - s(b, v)
                    # b takes the reviewer a gives up: loads stay as they are
                    if (
                        out not in self.mine[b]
                        and inst.may_review(b, out)
                        and without + s(b, out) > floor + EPS
                    ):
                        self._swap(b, v, out)
                        self._swap(a, out, v)
                        return [a, b]
                    if not self._can_leave(out):
                        continue
                    w = self._replacement(b, v, floor - without)
                    if w is not None:
                        self._swap(b, v, w)
                        self._swap(a, out, v)
                        return [a, b]
        return []

    def chain(self, a: int, floor: float, depth: int = CHAIN_DEPTH) -> list[int]:
        """A longer move, found by breadth-first search: `a` takes v, v's holder b takes w,
        w's holder takes the next one…, until a reviewer with room, or the one `a` gave up, ends it.
        Every application on the chain ends above `floor`. Returns the applications changed."""
        inst, s = self.inst, self.inst.score
        for out in sorted(self.mine[a], key=lambda v: (s(a, v), v)):
            rest = self.score[a] - s(a, out)
            queue: deque[tuple[int, list[tuple[int, int, int]]]] = deque()
            seen = {out}
            for v in self.best[a]:
                if rest + s(a, v) <= floor + EPS:
                    break
                if v not in self.mine[a] and v not in seen:
                    seen.add(v)
                    queue.append((v, [(a, out, v)]))
            while queue:
                v, path = queue.popleft()
                if self._room(v) and self._can_leave(out):
                    return self._apply(path)
                if len(path) >= depth:
                    continue
                on_path = {step[0] for step in path}
                for b in sorted(self.holders[v]):
                    if b in on_path:
                        continue
                    without = self.score[b] - s(b, v)
                    options = [w for w in self.best[b][:CHAIN_BREADTH]]
                    if out not in options and inst.may_review(b, out):
                        options.append(out)
                    for w in options:
                        if without + s(b, w) <= floor + EPS:
                            continue
                        if w in self.mine[b] or w == v:
                            continue
                        step = (b, v, w)
                        if w == out:  # out moves from a to b: every load stays as it is
                            return self._apply([*path, step])
                        if w not in seen:
                            seen.add(w)
                            queue.append((w, [*path, step]))
        return []

    def _apply(self, path: list[tuple[int, int, int]]) -> list[int]:
        for app, give, take in reversed(path):
            self._swap(app, give, take)
        return [step[0] for step in path]

    def _replacement(self, b: int, v: int, needed: float) -> int | None:
        """A reviewer with room that b may take instead of v, scoring more than `needed`."""
        inst = self.inst
        for w in self.best[b]:
            if inst.scores[b][w] <= needed + EPS:
                break
            if w != v and w not in self.mine[b] and self._room(w):
                return w
        if needed < -EPS:  # a zero-score reviewer will do
            for w in range(inst.n_revs):
                if self._room(w) and w not in self.mine[b] and inst.zero_pair(b, w):
                    return w
        return None

    def raise_minimum(self, deadline: Deadline) -> None:
        heap = [(self.score[a], a) for a in self.active]
        heapq.heapify(heap)
        while heap and not deadline.expired():
            value, a = heapq.heappop(heap)
            if value != self.score[a]:
                continue  # a stale entry: the current one is in the heap too
            changed = self.improve(a, value) or self.chain(a, value)
            if not changed:
                return
            for b in changed:
                heapq.heappush(heap, (self.score[b], b))


def _total_at_minimum(
    inst: Instance, start: Assigned, fair: Assigned, floor: float, deadline: Deadline
) -> Assigned:
    """The best total found with every application at `floor` or above (see the module doc).

    Applications that fall below the floor are frozen together with those within a margin of it,
    and the margin doubles every round, so the rounds are few (each is a min-cost flow).
    """
    scores = app_scores(inst, start)
    frozen = {a for a in range(inst.n_apps) if inst.need[a] > 0 and scores[a] < floor - EPS}
    margin = 0.05 * float(inst.pair_score.max()) if len(inst.pair_score) else 0.0
    best = fair
    while not deadline.expired():
        hi, lo = list(inst.hi), list(inst.lo)
        for a in frozen:
            for v in fair[a]:
                hi[v] -= 1
                lo[v] = max(lo[v] - 1, 0)
        free = [a for a in range(inst.n_apps) if a not in frozen]
        flow = flow_assign(inst, free, hi, lo)
        if flow is None:
            return best
        for a in frozen:
            flow[a] = list(fair[a])
        now = app_scores(inst, flow)
        low = {a for a in free if inst.need[a] > 0 and now[a] < floor - EPS}
        if not low:
            if sum(now) >= sum(app_scores(inst, best)) - EPS:
                best = flow
            return best
        frozen |= low | {a for a in free if inst.need[a] > 0 and now[a] < floor + margin}
        margin *= 2
    return best


def app_scores_one(inst: Instance, assigned: Assigned, a: int) -> float:
    return sum(inst.score(a, v) for v in assigned[a])


def top_scores(inst: Instance, a: int) -> float:
    """The best score application `a` could get alone: its k best allowed reviewers."""
    k = inst.need[a]
    listed = sorted((score for v, score in inst.scores[a].items() if inst.hi[v] > 0), reverse=True)
    positive = [x for x in listed if x > 0][:k]
    blocked = {v for v in inst.forbidden[a] | inst.listed[a] if inst.hi[v] > 0}
    zeros = inst.open_reviewers - len(blocked) + sum(1 for x in listed if x == 0)
    total = sum(positive)
    missing = k - len(positive) - min(zeros, k - len(positive))
    if missing > 0:
        negatives = [x for x in listed if x <= 0]
        total += sum(negatives[:missing])
    return total


def min_bound(inst: Instance, reached: float) -> float:
    """A proved upper bound on the smallest application score (see the module doc)."""
    active = [a for a in range(inst.n_apps) if inst.need[a] > 0]
    if not active:
        return 0.0
    alone = {a: top_scores(inst, a) for a in active}
    order = sorted(active, key=lambda a: (alone[a], a))
    poorest = order[:LP_APPLICATIONS]
    outside = alone[order[LP_APPLICATIONS]] if len(order) > LP_APPLICATIONS else float("inf")
    bound = min(alone[poorest[0]], outside)
    if bound <= reached + EPS:
        return bound
    return min(bound, _lp_bound(inst, poorest))


def _lp_bound(inst: Instance, apps: list[int]) -> float:
    solver = pywraplp.Solver.CreateSolver("GLOP")
    inf = solver.infinity()
    t = solver.NumVar(-inf, inf, "t")
    load: dict[int, list[object]] = {}
    for a in apps:
        need = solver.Constraint(-inf, inst.need[a])
        level = solver.Constraint(0.0, inf)
        level.SetCoefficient(t, -1.0)
        for v, score in inst.scores[a].items():
            if score <= 0 or inst.hi[v] <= 0:
                continue
            x = solver.NumVar(0.0, 1.0, "")
            need.SetCoefficient(x, 1.0)
            level.SetCoefficient(x, score)
            load.setdefault(v, []).append(x)
    for v, xs in load.items():
        row = solver.Constraint(-inf, inst.hi[v])
        for x in xs:
            row.SetCoefficient(x, 1.0)
    solver.Maximize(t)
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return float("inf")
    # GLOP's answer is exact to ~1e-9; the slack keeps the bound on the safe side.
    value: float = t.solution_value()
    return value + 1e-9 * max(1.0, abs(value))
