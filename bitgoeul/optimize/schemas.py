"""The JSON file formats (docs/solvers.md, shared/contracts.md) as strict pydantic models.

Strict: unknown keys are rejected at every level, identifiers must be strings, quantities numbers
(a JSON integer is a number), counts integers. Ranges and references are checked afterwards by the
problem's own validation (one place for the API and the files).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class PoolIn(Strict):
    id: str
    capacity: dict[str, float]


class RequestIn(Strict):
    id: str
    company: str
    groups: list[str] = []
    weight: float
    demand: float
    minimum: float = 0.0
    pools: list[str]
    periods: list[str]


class AllocationIn(Strict):
    policy: Literal["priority", "fair"]
    periods: list[str]
    pools: list[PoolIn]
    requests: list[RequestIn]
    company_cap: float | None = None
    group_floors: dict[str, float] = {}


class ApplicationIn(Strict):
    id: str
    company: str
    reviews: int | None = None


class ReviewerIn(Strict):
    id: str
    max_load: int
    min_load: int = 0
    conflicts: list[str] = []


class AffinityIn(Strict):
    application: str
    reviewer: str
    score: float


class ConflictIn(Strict):
    application: str
    reviewer: str


class AssignmentIn(Strict):
    policy: Literal["total", "fair"]
    reviews_per_application: int
    applications: list[ApplicationIn]
    reviewers: list[ReviewerIn]
    affinity: list[AffinityIn] = []
    conflicts: list[ConflictIn] = []


class CandidateIn(Strict):
    id: str
    score: float
    amount: float
    groups: list[str] = []


class LotteryIn(Strict):
    band: float
    seed: int


class SelectionIn(Strict):
    policy: Literal["rank", "optimal"]
    budget: float
    applications: list[CandidateIn]
    group_floors: dict[str, float] = {}
    lottery: LotteryIn | None = None
