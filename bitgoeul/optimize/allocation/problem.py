"""GPU-hours of an allocation round: the problem and result types, and their validation.

A request may draw from any of its pools in any of its periods; its grant is 0 or at least its
minimum and at most its demand; pool capacity, the company cap and the group floors hold. Policy
`priority` maximises the weighted grant exactly (`priority`); policy `fair` is weighted
max-min fairness by progressive filling (`fair`). The model is in docs/solvers.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bitgoeul.optimize.status import (
    ProblemError,
    Status,
)


class AllocationPolicy(StrEnum):
    PRIORITY = "priority"
    FAIR = "fair"


class GrantReason(StrEnum):
    FULL = "full"
    CAPACITY = "capacity"
    COMPANY_CAP = "company_cap"
    BELOW_MINIMUM = "below_minimum"
    FLOOR = "floor"
    NOT_ELIGIBLE = "not_eligible"


@dataclass(frozen=True)
class Pool:
    id: str
    capacity: Mapping[str, float]
    """GPU-hours per period; a period that is missing has no capacity."""


@dataclass(frozen=True)
class Request:
    id: str
    company: str
    weight: float
    demand: float
    pools: tuple[str, ...]
    periods: tuple[str, ...]
    minimum: float = 0.0
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class AllocationProblem:
    policy: AllocationPolicy
    periods: tuple[str, ...]
    pools: tuple[Pool, ...]
    requests: tuple[Request, ...]
    company_cap: float | None = None
    group_floors: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class GrantPart:
    pool: str
    period: str
    gpu_hours: float


@dataclass(frozen=True)
class Grant:
    request: str
    granted: float
    reason: GrantReason
    note: str
    """The reason in English words; `note_params` lets the app say it in another language."""
    note_params: Mapping[str, object]
    parts: tuple[GrantPart, ...]


@dataclass(frozen=True)
class PoolUsage:
    pool: str
    period: str
    capacity: float
    granted: float
    shadow_price: float
    """How much `bound` rises per extra GPU-hour of this pool and period (LP relaxation)."""


@dataclass(frozen=True)
class AllocationResult:
    status: Status
    seconds: float
    objective: float | None = None
    """priority: the weighted grant; fair: the smallest weighted satisfaction."""
    bound: float | None = None
    grants: tuple[Grant, ...] = ()
    pools: tuple[PoolUsage, ...] = ()
    reason: str | None = None
    """Why the round is infeasible (only with status `infeasible`)."""
    reason_params: Mapping[str, object] = field(default_factory=dict)


def _number(path: str, value: float, *, low: float = 0.0, high: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ProblemError(path, "must be a finite number")
    if value < low:
        raise ProblemError(path, f"must be >= {low:g}")
    if high is not None and value > high:
        raise ProblemError(path, f"must be <= {high:g}")


def _identifier(path: str, value: str) -> None:
    if not isinstance(value, str) or not value:
        raise ProblemError(path, "must be a non-empty string")


def _unique_references(path: str, values: tuple[str, ...], known: set[str], what: str) -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        _identifier(f"{path}[{i}]", value)
        if value not in known:
            raise ProblemError(f"{path}[{i}]", f"unknown {what} {value!r}")
        if value in seen:
            raise ProblemError(f"{path}[{i}]", f"duplicate {what} {value!r}")
        seen.add(value)


def validate_allocation(problem: AllocationProblem) -> None:
    """Check every value and reference; raises `ProblemError` naming the first bad one."""
    if not isinstance(problem.policy, AllocationPolicy):
        raise ProblemError("policy", "must be 'priority' or 'fair'")
    periods: set[str] = set()
    for i, period in enumerate(problem.periods):
        _identifier(f"periods[{i}]", period)
        if period in periods:
            raise ProblemError(f"periods[{i}]", f"duplicate period {period!r}")
        periods.add(period)
    pools: set[str] = set()
    for i, pool in enumerate(problem.pools):
        _identifier(f"pools[{i}].id", pool.id)
        if pool.id in pools:
            raise ProblemError(f"pools[{i}].id", f"duplicate pool {pool.id!r}")
        pools.add(pool.id)
        for period, capacity in pool.capacity.items():
            if period not in periods:
                raise ProblemError(f"pools[{i}].capacity.{period}", "unknown period")
            _number(f"pools[{i}].capacity.{period}", capacity)
    requests: set[str] = set()
    for i, request in enumerate(problem.requests):
        path = f"requests[{i}]"
        _identifier(f"{path}.id", request.id)
        if request.id in requests:
            raise ProblemError(f"{path}.id", f"duplicate request {request.id!r}")
        requests.add(request.id)
        _identifier(f"{path}.company", request.company)
        _number(f"{path}.weight", request.weight)
        if request.weight <= 0:
            raise ProblemError(f"{path}.weight", "must be > 0")
        _number(f"{path}.demand", request.demand)
        _number(f"{path}.minimum", request.minimum, high=request.demand)
        _unique_references(f"{path}.pools", request.pools, pools, "pool")
        _unique_references(f"{path}.periods", request.periods, periods, "period")
        for j, group in enumerate(request.groups):
            _identifier(f"{path}.groups[{j}]", group)
        if len(set(request.groups)) != len(request.groups):
            raise ProblemError(f"{path}.groups", "duplicate group")
    if problem.company_cap is not None:
        _number("company_cap", problem.company_cap, high=1.0)
    for group, floor in problem.group_floors.items():
        _identifier("group_floors", group)
        _number(f"group_floors.{group}", floor, high=1.0)
