"""Why each request got what it got: a reason code and the parameters of its note.

Derived from the final grants, not from the solver's internals, by asking in turn:
1. full: it got its demand; not_eligible: none of its cells (pool, period) has capacity;
2. company_cap: its company's total reached the cap;
3. below_minimum: it got nothing although GPU-hours were within its reach (free or held by
   requests that rank below it), i.e. its minimum is what kept it out;
4. floor: its cells are full and part of them is held by lower-ranked requests of a group whose
   floor is tight and to which it does not belong;
5. capacity: its cells are full (with requests ranked above it, or that cannot be cut).
"Ranked below" means lower weight (priority) or higher weighted satisfaction (fair).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from bitgoeul.optimize.allocation.model import Round, Solution
from bitgoeul.optimize.allocation.problem import Grant, GrantPart, GrantReason
from bitgoeul.optimize.notes import render
from bitgoeul.optimize.status import tolerance


def explain(
    rnd: Round,
    solution: Solution,
    parts: Mapping[int, list[tuple[int, float]]],
    *,
    rank: Callable[[int], float],
    capacity_by: str,
    dropped: Mapping[int, float] | None = None,
) -> list[Grant]:
    """Grants with reasons; `rank(r)` is larger for stronger claims.

    `dropped` (fair policy) maps requests left out for their minimum to the share they had.
    """
    dropped = dropped or {}
    used = [0.0] * len(rnd.cells)
    holders: list[list[tuple[float, float]]] = [[] for _ in rnd.cells]
    for r, request_parts in parts.items():
        for c, amount in request_parts:
            used[c] += amount
            holders[c].append((rank(r), amount))
    keys: list[list[float]] = []
    prefix: list[list[float]] = []
    for c in range(len(rnd.cells)):
        holders[c].sort()
        keys.append([key for key, _ in holders[c]])
        running = [0.0]
        for _, amount in holders[c]:
            running.append(running[-1] + amount)
        prefix.append(running)
    company_total: dict[str, float] = defaultdict(float)
    for r, value in solution.grants.items():
        company_total[rnd.requests[r].company] += value
    tight_floors = {
        group
        for group, target in rnd.floor_targets.items()
        if sum(solution.grants.get(r, 0.0) for r in rnd.floor_members[group])
        <= target + tolerance(target)
        and target > 0
    }
    # For each tight floor and cell, the lowest rank among its members holding that cell.
    floor_low: dict[tuple[str, int], float] = {}
    for group in tight_floors:
        for r in rnd.floor_members[group]:
            for c, _ in parts.get(r, []):
                key = (group, c)
                floor_low[key] = min(floor_low.get(key, float("inf")), rank(r))

    grants: list[Grant] = []
    for r, request in enumerate(rnd.requests):
        granted = solution.grants.get(r, 0.0)
        params: dict[str, Any]
        if not rnd.eligible[r]:
            params = {
                "key": "allocation.not_eligible",
                "pools": list(request.pools),
                "periods": list(request.periods),
            }
        elif granted >= request.demand - tolerance(request.demand):
            params = {"key": "allocation.full", "granted": granted}
        elif r in dropped:
            params = {
                "key": "allocation.below_minimum",
                "minimum": request.minimum,
                "share": dropped[r],
                "dropped": True,
            }
        else:
            params = _blocked(
                rnd, r, granted, used, keys, prefix, company_total, floor_low, rank, capacity_by
            )
        reason = GrantReason(params["key"].split(".", 1)[1])
        grants.append(
            Grant(
                request=request.id,
                granted=granted,
                reason=reason,
                note=render(params),
                note_params=params,
                parts=tuple(
                    GrantPart(rnd.cells[c][0], rnd.cells[c][1], amount)
                    for c, amount in parts.get(r, [])
                ),
            )
        )
    return grants


def _blocked(
    rnd: Round,
    r: int,
    granted: float,
    used: list[float],
    keys: list[list[float]],
    prefix: list[list[float]],
    company_total: Mapping[str, float],
    floor_low: Mapping[tuple[str, int], float],
    rank: Callable[[int], float],
    capacity_by: str,
) -> dict[str, Any]:
    request = rnd.requests[r]
    cells = rnd.eligible[r]
    mine = rank(r)
    headroom = float("inf")
    limit = rnd.company_limit
    if limit is not None:
        headroom = limit - company_total.get(request.company, 0.0)
        if headroom <= tolerance(limit):
            return {
                "key": "allocation.company_cap",
                "company": request.company,
                "limit": limit,
                "cap": rnd.problem.company_cap,
            }
    free = sum(max(rnd.capacity[c] - used[c], 0.0) for c in cells)
    lower = sum(prefix[c][bisect.bisect_left(keys[c], mine)] for c in cells)
    if granted <= 0 and request.minimum > 0:
        room = min(free + lower, headroom, request.demand)
        if room > tolerance(request.minimum):
            return {
                "key": "allocation.below_minimum",
                "minimum": request.minimum,
                "available": room,
            }
    groups = sorted(
        {
            group
            for (group, c), low in floor_low.items()
            if c in cells and low < mine and group not in request.groups
        }
    )
    if groups:
        return {"key": "allocation.floor", "groups": groups}
    full = [c for c in cells if used[c] >= rnd.capacity[c] - tolerance(rnd.capacity[c])]
    by = capacity_by
    if by == "higher_weight" and lower > tolerance(request.demand):
        by = "other"
    return {
        "key": "allocation.capacity",
        "cells": [list(rnd.cells[c]) for c in (full or cells)],
        "periods": list(rnd.problem.periods),
        "by": by,
    }
