"""A Lagrangian bound for `priority`, exact on each company's own choices.

Relax the cell capacities with prices `π_c >= 0` and the group floors with `μ_G >= 0` (the LP's
duals). What is left splits by company: each request earns `p_r = weight_r + Σ_{G∋r} μ_G -
min_{c usable} π_c` per GPU-hour, and a company chooses grants `g_r ∈ {0} ∪ [minimum_r, demand_r]`
with `Σ g_r <= cap`. Solved exactly (all on/off patterns, at most 2^12 per company; above that its
continuous relaxation, still an upper bound), this gives

    bound = Σ_c π_c·capacity_c - Σ_G μ_G·target_G + Σ_companies best_company

which is valid for any prices and, unlike the LP bound, pays for the minimums inside a capped
company. Forcing one request on or off changes only its company's term, so the same enumeration
says how much the bound drops (`loss_on`, `loss_off`): a state that drops it below a known answer
cannot be optimal (Lagrangian variable fixing). Each company's best value also gives a valid
inequality `Σ_{r∈company} p_r·g_r <= best_company` that closes most of the LP's gap.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field

from bitgoeul.optimize.allocation.model import Round

ENUMERATION_LIMIT = 12


@dataclass
class Lagrangian:
    bound: float
    profit: dict[int, float]
    side: dict[int, bool] = field(default_factory=dict)
    """A suggested on/off state for each request with a minimum (the company optimum)."""
    loss_on: dict[int, float] = field(default_factory=dict)
    loss_off: dict[int, float] = field(default_factory=dict)
    cuts: list[tuple[list[int], float]] = field(default_factory=list)


def lagrangian(rnd: Round, prices: list[float], floor_prices: dict[str, float]) -> Lagrangian:
    requests = rnd.requests
    profit = {
        r: requests[r].weight
        + sum(floor_prices.get(group, 0.0) for group in requests[r].groups)
        - min(prices[c] for c in rnd.eligible[r])
        for r in rnd.active
    }
    bound = sum(p * c for p, c in zip(prices, rnd.capacity, strict=True))
    bound -= sum(floor_prices.get(g, 0.0) * t for g, t in rnd.floor_targets.items())
    out = Lagrangian(bound=bound, profit=profit)
    capped = rnd.binding_companies()
    for company, members in rnd.companies.items():
        if company in capped and rnd.company_limit is not None:
            out.bound += _company(rnd, members, rnd.company_limit, out)
        else:
            for r in members:
                out.bound += _single(rnd, r, out)
    return out


def _single(rnd: Round, r: int, out: Lagrangian) -> float:
    request, p = rnd.requests[r], out.profit[r]
    best = max(p * request.demand, 0.0)
    if request.minimum > 0:
        out.side[r] = p > 0
        out.loss_off[r] = best
        out.loss_on[r] = best - max(p * request.demand, p * request.minimum)
    return best


def _fill(
    rnd: Round, on: list[int], free: list[int], limit: float, profit: dict[int, float]
) -> float:
    """Best value with `on` at least at their minimum and `free` from 0 (continuous knapsack)."""
    requests = rnd.requests
    left = limit - sum(requests[r].minimum for r in on)
    if left < 0:
        return float("-inf")
    value = sum(profit[r] * requests[r].minimum for r in on)
    for r in sorted(on + free, key=lambda r: (-profit[r], r)):
        if profit[r] <= 0 or left <= 0:
            break
        take = min(left, requests[r].demand - (requests[r].minimum if r in on else 0.0))
        value += take * profit[r]
        left -= take
    return value


class ContinuousKnapsack:
    """The continuous knapsack of one company (greedy by profit), and the same with one request
    forced on or off, each in O(log n) from prefix sums (`_fill` would take O(n log n) each,
    which is minutes for a tenant with thousands of requests)."""

    def __init__(self, rnd: Round, gainful: list[int], profit: dict[int, float]) -> None:
        self.order = sorted(gainful, key=lambda r: (-profit[r], r))
        self.position = {r: i for i, r in enumerate(self.order)}
        self.demand = [rnd.requests[r].demand for r in self.order]
        self.minimum = {r: rnd.requests[r].minimum for r in gainful}
        self.profit = profit
        self.amount = [0.0, *itertools.accumulate(self.demand)]
        gains = (profit[r] * d for r, d in zip(self.order, self.demand, strict=True))
        self.value = [0.0, *itertools.accumulate(gains)]

    def fill(self, limit: float) -> float:
        """Best value of the first requests in profit order within `limit` GPU-hours."""
        if limit <= 0:
            return 0.0
        i = bisect.bisect_left(self.amount, limit) - 1  # the first i requests fit whole
        if i >= len(self.order):
            return self.value[-1]
        return self.value[i] + (limit - self.amount[i]) * self.profit[self.order[i]]

    def fill_without(self, r: int, limit: float) -> float:
        i = self.position[r]
        if limit <= self.amount[i]:
            return self.fill(limit)
        # r lies wholly inside a fill of limit + demand_r: take it out again.
        return self.fill(limit + self.demand[i]) - self.profit[r] * self.demand[i]

    def fill_with_on(self, r: int, limit: float) -> float:
        """r at least at its minimum, the rest of its demand in its place in the order."""
        i, minimum = self.position[r], self.minimum[r]
        left = limit - minimum
        if left < 0:
            return float("-inf")
        value = self.profit[r] * minimum
        if left <= self.amount[i]:
            return value + self.fill(left)
        rest = self.demand[i] - minimum
        if left <= self.amount[i] + rest:
            return value + self.value[i] + (left - self.amount[i]) * self.profit[r]
        return value + self.fill(left + minimum) - self.profit[r] * minimum


def _company(rnd: Round, members: list[int], limit: float, out: Lagrangian) -> float:
    requests, profit = rnd.requests, out.profit
    gainful = [r for r in members if profit[r] > 0]
    choose = [r for r in gainful if requests[r].minimum > 0]
    free = [r for r in gainful if requests[r].minimum <= 0]
    best = float("-inf")
    best_on = dict.fromkeys(choose, float("-inf"))
    best_off = dict.fromkeys(choose, float("-inf"))
    chosen: list[int] = []
    if len(choose) <= ENUMERATION_LIMIT:
        for mask in range(1 << len(choose)):
            on = [r for i, r in enumerate(choose) if mask >> i & 1]
            value = _fill(rnd, on, free, limit, profit)
            if value > best:
                best, chosen = value, on
            for i, r in enumerate(choose):
                if mask >> i & 1:
                    best_on[r] = max(best_on[r], value)
                else:
                    best_off[r] = max(best_off[r], value)
    else:  # continuous relaxation: an upper bound, and the loss estimates stay valid
        knapsack = ContinuousKnapsack(rnd, gainful, profit)
        best = knapsack.fill(limit)
        for r in choose:
            best_on[r] = knapsack.fill_with_on(r, limit)
            best_off[r] = knapsack.fill_without(r, limit)
        chosen = [r for r in choose if best_on[r] >= best_off[r]]
    for r in members:
        if requests[r].minimum <= 0:
            continue
        if r in best_on:
            out.side[r] = r in chosen
            out.loss_on[r] = best - best_on[r]
            out.loss_off[r] = best - best_off[r]
        else:  # never gainful: switching it on costs at least -p·minimum
            out.side[r] = False
            out.loss_on[r] = -profit[r] * requests[r].minimum
            out.loss_off[r] = 0.0
    out.cuts.append((members, best))
    return best
