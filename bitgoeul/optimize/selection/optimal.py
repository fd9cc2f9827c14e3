"""Policy `optimal`: maximise the total score under the budget and the floors, exactly.

A 0-1 knapsack with covering rows: `x_i` binary, `Σ amount_i·x_i <= budget`,
`Σ_{i∈G} amount_i·x_i >= target_G`, maximise `Σ score_i·x_i`.
1. LP relaxation (GLOP, amounts divided by the largest one): the bound and reduced costs `rc_i`.
2. An incumbent: the LP rounded down, each floor repaired and the budget left filled by score per
   KRW; then CP-SAT on the few hundred applications with the smallest |rc_i| (the others keep their
   LP value), which usually finds the optimum.
3. Reduced-cost fixing: any selection is worth at most `bound - Σ |rc_i|` over the applications it
   flips against the LP, so an application with `|rc_i| > bound - incumbent` keeps its LP value
   in every better selection. CP-SAT (one worker: deterministic) solves the rest exactly from the
   incumbent.
CP-SAT needs integer coefficients: scores are multiplied by the smallest power of ten (at most
10^6) that makes them all whole; if none does, they are rounded to 10^-6 and `bound` adds the
rounding allowance. Reasons compare with the optimum without floors (a second solve, only when
there are floors).
"""

from __future__ import annotations

import math
from typing import Any

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from bitgoeul.optimize.notes import names
from bitgoeul.optimize.selection.problem import SelectionProblem, SelectionResult
from bitgoeul.optimize.selection.rank import decide, finish, floor_targets, ranking, walk
from bitgoeul.optimize.status import Deadline, Progress, Status, reaches, status_for

NEIGHBOURHOOD = 400
COUNTERFACTUAL_WORK = 2.0  # CP-SAT deterministic seconds for the solve without floors


def _scale(scores: list[float]) -> tuple[int, float]:
    """(10^d, allowance per application) for integer objective coefficients."""
    for digits in range(7):
        factor = 10**digits
        if all(
            abs(s * factor - round(s * factor)) <= 1e-9 * max(1.0, abs(s * factor)) for s in scores
        ):
            return factor, 0.0
    return 10**6, 0.5e-6


class Knapsack:
    def __init__(self, problem: SelectionProblem, *, floors: bool) -> None:
        self.problem = problem
        self.apps = problem.applications
        self.targets = floor_targets(problem) if floors else {}
        self.members = {
            g: [i for i, a in enumerate(self.apps) if g in a.groups] for g in self.targets
        }
        self.factor, self.allowance = _scale([a.score for a in self.apps])

    def relaxation(self) -> tuple[float, list[float], list[float]] | None:
        """(LP bound, x, reduced costs), or None when even the LP is infeasible."""
        apps = self.apps
        unit = max((a.amount for a in apps), default=1) or 1
        solver = pywraplp.Solver.CreateSolver("GLOP")
        x = [solver.NumVar(0.0, 1.0, "") for _ in apps]
        row = solver.Constraint(-solver.infinity(), self.problem.budget / unit)
        for i, a in enumerate(apps):
            row.SetCoefficient(x[i], a.amount / unit)
        for group, target in self.targets.items():
            cover = solver.Constraint(target / unit, solver.infinity())
            for i in self.members[group]:
                cover.SetCoefficient(x[i], apps[i].amount / unit)
        objective = solver.Objective()
        for i, a in enumerate(apps):
            objective.SetCoefficient(x[i], a.score)
        objective.SetMaximization()
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        values = [v.solution_value() for v in x]
        return objective.Value(), values, [v.reduced_cost() for v in x]

    def value(self, chosen: set[int]) -> float:
        return sum(self.apps[i].score for i in chosen)

    def feasible(self, chosen: set[int]) -> bool:
        apps = self.apps
        if sum(apps[i].amount for i in chosen) > self.problem.budget:
            return False
        return all(
            sum(apps[i].amount for i in self.members[g] if i in chosen) >= t
            for g, t in self.targets.items()
        )

    def greedy(self, values: list[float]) -> set[int] | None:
        apps = self.apps
        chosen = {i for i, v in enumerate(values) if v > 1 - 1e-9}
        left = self.problem.budget - sum(apps[i].amount for i in chosen)

        def density(i: int) -> tuple[float, int]:
            return (-apps[i].score / max(apps[i].amount, 1), i)

        for group, target in self.targets.items():
            got = sum(apps[i].amount for i in self.members[group] if i in chosen)
            for i in sorted(self.members[group], key=density):
                if got >= target:
                    break
                if i not in chosen and apps[i].amount <= left:
                    chosen.add(i)
                    got += apps[i].amount
                    left -= apps[i].amount
        for i in sorted(range(len(apps)), key=density):
            if i not in chosen and apps[i].amount <= left and apps[i].score > 0:
                chosen.add(i)
                left -= apps[i].amount
        return chosen if self.feasible(chosen) else None

    def solve_core(
        self,
        free: list[int],
        fixed_on: set[int],
        hint: set[int] | None,
        seconds: float | None,
        work: float | None = None,
    ) -> tuple[str, set[int], float]:
        """CP-SAT over `free` with `fixed_on` selected and every other application left out.

        `seconds` limits wall time, `work` CP-SAT's deterministic time (same answer every run).
        Returns (status, chosen, upper bound on the total score of such selections).
        """
        apps, f = self.apps, self.factor
        model = cp_model.CpModel()
        x = {i: model.new_bool_var(f"x{i}") for i in free}
        spent = sum(apps[i].amount for i in fixed_on)
        model.add(sum(apps[i].amount * x[i] for i in free) <= self.problem.budget - spent)
        for group, target in self.targets.items():
            have = sum(apps[i].amount for i in self.members[group] if i in fixed_on)
            model.add(
                sum(apps[i].amount * x[i] for i in self.members[group] if i in x) >= target - have
            )
        model.maximize(sum(round(apps[i].score * f) * x[i] for i in free))
        if hint is not None:
            for i in free:
                model.add_hint(x[i], i in hint)
        solver: Any = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        if seconds is not None:
            solver.parameters.max_time_in_seconds = max(seconds, 0.01)
        if work is not None:
            solver.parameters.max_deterministic_time = work
        code = solver.solve(model)
        base = sum(apps[i].score for i in fixed_on)
        if code == cp_model.INFEASIBLE:
            return "infeasible", set(), -math.inf
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return "unknown", set(), math.inf
        chosen = fixed_on | {i for i in free if solver.boolean_value(x[i])}
        bound = base + solver.best_objective_bound / f + self.allowance * len(free)
        return ("optimal" if code == cp_model.OPTIMAL else "feasible"), chosen, bound


def knapsack(
    problem: SelectionProblem, *, floors: bool, deadline: Deadline, work: float | None = None
) -> tuple[str, set[int], float]:
    """(status, chosen, proved bound) of the selection problem (see the module doc).

    `work` caps the final CP-SAT run in deterministic time (the answer may then be `feasible`).
    """
    sack = Knapsack(problem, floors=floors)
    relaxed = sack.relaxation()
    if relaxed is None:
        return "infeasible", set(), -math.inf
    bound, values, reduced = relaxed
    bound += sack.allowance * len(sack.apps)
    n = len(sack.apps)
    on = {i for i in range(n) if values[i] > 0.5}
    best = sack.greedy(values)
    order = sorted(range(n), key=lambda i: (abs(reduced[i]), i))
    near = order[:NEIGHBOURHOOD]
    status, found, _ = sack.solve_core(near, on - set(near), best, deadline.left(), work=1.0)
    if found and (best is None or sack.value(found) > sack.value(best)):
        best = found
    if best is not None and reaches(sack.value(best), bound):
        return "optimal", best, bound
    if best is None:  # no incumbent: fix nothing
        status, chosen, core_bound = sack.solve_core(
            list(range(n)), set(), None, deadline.left(), work
        )
        return status, chosen, min(bound, core_bound)
    gap = bound - sack.value(best)
    margin = gap + 1e-9 * max(1.0, abs(bound))
    fixed_on = {i for i in range(n) if values[i] > 1 - 1e-9 and reduced[i] > margin}
    fixed_off = {i for i in range(n) if values[i] < 1e-9 and -reduced[i] > margin}
    free = [i for i in range(n) if i not in fixed_on and i not in fixed_off]
    status, chosen, core_bound = sack.solve_core(free, fixed_on, best, deadline.left(), work)
    if status == "infeasible" or not chosen or sack.value(chosen) < sack.value(best):
        # nothing better than the incumbent respects the fixings
        chosen = best
        core_bound = sack.value(best) if status in ("infeasible", "optimal") else core_bound
    # Selections outside the fixings are worth less than the incumbent.
    proved = min(bound, max(core_bound, sack.value(best)))
    return ("optimal" if reaches(sack.value(chosen), proved) else "feasible"), chosen, proved


def solve_optimal(
    problem: SelectionProblem, deadline: Deadline, progress: Progress
) -> SelectionResult:
    apps = problem.applications
    order = ranking(problem)
    progress("knapsack: LP relaxation, then CP-SAT")
    status, chosen, bound = knapsack(problem, floors=True, deadline=deadline)
    if status == "infeasible":
        return _infeasible(problem, deadline)
    if status == "unknown":  # out of time before a first answer: the rule's, if it is valid
        chosen = walk(problem, order, floors=True).selected
        if not Knapsack(problem, floors=True).feasible(chosen):
            return _infeasible(problem, deadline)
    without = chosen
    if problem.group_floors:
        progress("knapsack without floors (for the reasons)")
        # deterministic effort cap: the reasons must not depend on the machine's speed
        _, plain, _ = knapsack(problem, floors=False, deadline=deadline, work=COUNTERFACTUAL_WORK)
        without = plain or chosen
    objective = sum(apps[i].score for i in chosen)
    if objective > bound:  # float noise in the LP bound
        bound = objective
    left = problem.budget - sum(apps[i].amount for i in chosen)
    decisions = decide(
        problem, order, chosen, without, set(), dict.fromkeys(range(len(apps)), left), {}
    )
    return finish(problem, chosen, decisions, deadline, status_for(objective, bound), bound)


def _infeasible(problem: SelectionProblem, deadline: Deadline) -> SelectionResult:
    """Name the floors that cannot hold within the budget even alone."""
    alone = []
    for group in floor_targets(problem):
        single = SelectionProblem(
            policy=problem.policy,
            budget=problem.budget,
            applications=problem.applications,
            group_floors={group: problem.group_floors[group]},
        )
        status, _, _ = knapsack(single, floors=True, deadline=deadline)
        if status == "infeasible":
            alone.append(group)
    groups = alone or sorted(problem.group_floors)
    reason = (
        f"the floor of {names(groups)} cannot be met within the budget"
        if alone
        else f"the floors of {names(groups)} cannot all be met within the budget"
    )
    return SelectionResult(
        status=Status.INFEASIBLE,
        seconds=deadline.elapsed(),
        reason=reason,
        reason_params={"floors": groups},
    )
