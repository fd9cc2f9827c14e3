"""Notes: the reason for a decision in English words, built from a key and parameters.

Every note is `render(params)` where `params["key"]` names the template and the other entries are
plain values (numbers, strings, lists of [pool, period] cells), so that the web app can say the
same thing in Korean from the same parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

Params = Mapping[str, Any]


def quantity(value: float) -> str:
    """1440 -> '1,440'; 12.5 -> '12.5'."""
    if abs(value - round(value)) < 1e-6:
        return f"{round(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def names(items: Sequence[str]) -> str:
    """['a'] -> 'a'; ['a', 'b', 'c'] -> 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def period_ranges(periods: Sequence[str], order: Sequence[str]) -> str:
    """Consecutive periods of the round collapse into `first..last`."""
    position = {period: i for i, period in enumerate(order)}
    indices = sorted(position[p] for p in periods)
    runs: list[str] = []
    start = prev = None
    for i in [*indices, None]:
        if start is not None and (i is None or prev is None or i != prev + 1):
            runs.append(order[start] if start == prev else f"{order[start]}..{order[prev]}")  # type: ignore[index]
            start = None
        if i is not None and start is None:
            start = i
        prev = i
    return ", ".join(runs)


def cells_text(cells: Sequence[Sequence[str]], order: Sequence[str]) -> str:
    """[[H100, 2026-01], [A100, 2026-01]] -> 'H100 and A100 in 2026-01'."""
    by_pool: dict[str, list[str]] = {}
    for pool, period in cells:
        by_pool.setdefault(pool, []).append(period)
    by_range: dict[str, list[str]] = {}
    for pool, periods in by_pool.items():
        by_range.setdefault(period_ranges(periods, order), []).append(pool)
    return "; ".join(f"{names(pools)} in {text}" for text, pools in by_range.items())


def _capacity(p: Params) -> str:
    where = cells_text(p["cells"], p["periods"])
    verb = "was" if len(p["cells"]) == 1 else "were"
    tail = {
        "higher_weight": " with higher-weight requests",
        "fair_share": "; it received its weighted fair share",
        "other": "",
    }[p["by"]]
    return f"{where} {verb} full{tail}"


def _below_minimum(p: Params) -> str:
    minimum = quantity(p["minimum"])
    if p.get("dropped"):
        return (
            f"its fair share ({quantity(p['share'])} GPU-hours) stayed below its minimum of "
            f"{minimum} GPU-hours, so it was left out"
        )
    if p["available"] < p["minimum"]:
        return (
            f"its minimum of {minimum} GPU-hours did not fit: "
            f"only {quantity(p['available'])} GPU-hours were available to it"
        )
    return (
        f"its minimum of {minimum} GPU-hours could not be granted without taking "
        "GPU-hours worth more from other requests"
    )


TEMPLATES: dict[str, Callable[[Params], str]] = {
    "allocation.full": lambda p: f"granted in full ({quantity(p['granted'])} GPU-hours)",
    "allocation.not_eligible": lambda p: (
        "none of its pools has capacity in its periods"
        if p["pools"] and p["periods"]
        else "it names no pool or no period of this round"
    ),
    "allocation.company_cap": lambda p: (
        f"company {p['company']} reached its cap of {quantity(p['limit'])} GPU-hours "
        f"({quantity(p['cap'] * 100)}% of the round)"
    ),
    "allocation.below_minimum": _below_minimum,
    "allocation.floor": lambda p: (
        f"capacity it could use went to the floor of {names(p['groups'])}"
        if len(p["groups"]) == 1
        else f"capacity it could use went to the floors of {names(p['groups'])}"
    ),
    "allocation.capacity": _capacity,
    "selection.selected": lambda p: f"selected at rank {p['rank']}",
    "selection.floor_selected": lambda p: f"selected to meet the floor of {names(p['groups'])}",
    "selection.floor_displaced": lambda p: (
        f"not selected: the budget went to the floor of {names(p['groups'])}"
    ),
    "selection.lottery": lambda p: (
        f"{'won' if p['selected'] else 'lost'} the lottery among scores within "
        f"{quantity(p['band'])} points of the funding line ({quantity(p['line'])})"
    ),
    "selection.budget": lambda p: (
        f"its amount ({quantity(p['amount'])}) did not fit in the budget left "
        f"({quantity(p['left'])})"
    ),
    "selection.below_line": lambda p: "ranked below every selected application",
}


def render(params: Params) -> str:
    """The English note for `params` (which carries its template `key`)."""
    return TEMPLATES[params["key"]](params)
