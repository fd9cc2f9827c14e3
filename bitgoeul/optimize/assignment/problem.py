"""Reviewers to applications: the problem and result types, and their validation.

Every application gets exactly its number of distinct reviewers, every reviewer's load stays in
[min_load, max_load], and no pair is in conflict (the reviewer lists the application's company, or
the pair is listed in `conflicts`); a pair without an affinity scores 0. Policy `total` maximises
the total affinity exactly (min-cost flow, `flow`); policy `fair` raises the smallest
per-application affinity, then the total (`fair`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bitgoeul.optimize.status import ProblemError, Status


class AssignmentPolicy(StrEnum):
    TOTAL = "total"
    FAIR = "fair"


@dataclass(frozen=True)
class Application:
    id: str
    company: str
    reviews: int | None = None
    """Overrides the problem's `reviews_per_application` for this application."""


@dataclass(frozen=True)
class Reviewer:
    id: str
    max_load: int
    min_load: int = 0
    conflicts: tuple[str, ...] = ()
    """Companies this reviewer must not review."""


@dataclass(frozen=True)
class Affinity:
    application: str
    reviewer: str
    score: float


@dataclass(frozen=True)
class Conflict:
    application: str
    reviewer: str


@dataclass(frozen=True)
class AssignmentProblem:
    policy: AssignmentPolicy
    reviews_per_application: int
    applications: tuple[Application, ...]
    reviewers: tuple[Reviewer, ...]
    affinity: tuple[Affinity, ...] = ()
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True)
class Assignment:
    application: str
    reviewer: str
    score: float


@dataclass(frozen=True)
class AssignmentResult:
    status: Status
    seconds: float
    objective: float | None = None
    """The total affinity."""
    min_application_score: float | None = None
    bound: float | None = None
    """total: a proved upper bound on the objective; fair: on the smallest application score."""
    assignments: tuple[Assignment, ...] = ()
    reason: str | None = None
    reason_params: Mapping[str, object] = field(default_factory=dict)


def _count(path: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProblemError(path, "must be an integer")
    if value < 0:
        raise ProblemError(path, "must be >= 0")


def _identifier(path: str, value: str) -> None:
    if not isinstance(value, str) or not value:
        raise ProblemError(path, "must be a non-empty string")


def validate_assignment(problem: AssignmentProblem) -> None:
    """Check every value and reference; raises `ProblemError` naming the first bad one."""
    import math

    if not isinstance(problem.policy, AssignmentPolicy):
        raise ProblemError("policy", "must be 'total' or 'fair'")
    _count("reviews_per_application", problem.reviews_per_application)
    applications: set[str] = set()
    for i, application in enumerate(problem.applications):
        _identifier(f"applications[{i}].id", application.id)
        if application.id in applications:
            raise ProblemError(f"applications[{i}].id", f"duplicate application {application.id!r}")
        applications.add(application.id)
        _identifier(f"applications[{i}].company", application.company)
        if application.reviews is not None:
            _count(f"applications[{i}].reviews", application.reviews)
    reviewers: set[str] = set()
    for i, reviewer in enumerate(problem.reviewers):
        _identifier(f"reviewers[{i}].id", reviewer.id)
        if reviewer.id in reviewers:
            raise ProblemError(f"reviewers[{i}].id", f"duplicate reviewer {reviewer.id!r}")
        reviewers.add(reviewer.id)
        _count(f"reviewers[{i}].max_load", reviewer.max_load)
        _count(f"reviewers[{i}].min_load", reviewer.min_load)
        if reviewer.min_load > reviewer.max_load:
            raise ProblemError(f"reviewers[{i}].min_load", "must be <= max_load")
        for j, company in enumerate(reviewer.conflicts):
            _identifier(f"reviewers[{i}].conflicts[{j}]", company)
    pairs: set[tuple[str, str]] = set()
    for i, item in enumerate(problem.affinity):
        if item.application not in applications:
            raise ProblemError(
                f"affinity[{i}].application", f"unknown application {item.application!r}"
            )
        if item.reviewer not in reviewers:
            raise ProblemError(f"affinity[{i}].reviewer", f"unknown reviewer {item.reviewer!r}")
        score = item.score
        if (
            isinstance(score, bool)
            or not isinstance(score, int | float)
            or not math.isfinite(score)
        ):
            raise ProblemError(f"affinity[{i}].score", "must be a finite number")
        if (item.application, item.reviewer) in pairs:
            raise ProblemError(f"affinity[{i}]", "duplicate pair")
        pairs.add((item.application, item.reviewer))
    for i, conflict in enumerate(problem.conflicts):
        if conflict.application not in applications:
            raise ProblemError(
                f"conflicts[{i}].application", f"unknown application {conflict.application!r}"
            )
        if conflict.reviewer not in reviewers:
            raise ProblemError(
                f"conflicts[{i}].reviewer", f"unknown reviewer {conflict.reviewer!r}"
            )
