"""Scores of reviews and of applications: pure functions, no database (docs/programs.md,
"Scoring and calibration").

- A review's total (`review_total`): each criterion's score as a share of its maximum, weighted
  by the criterion's weight, over the criteria that are not "n/a"; the weights of the criteria
  left are renormalised to sum to 1, so the total is out of 100. A review whose criteria are
  all "n/a" has no total (None): it is left out of every aggregate, never counted as 0.
- An application's `mean` and `trimmed` mean of its reviews' totals (the trimmed mean drops
  the highest and the lowest total when there are at least `TRIM_FROM` of them).
- Its `calibrated` score: each total standardised by its reviewer's mean and spread, shrunk
  toward the global mean and spread for reviewers with few reviews, and mapped back to the
  global scale (`calibrate`).
- `disagreement`: the spread (max − min) of its totals exceeds `DISAGREEMENT_SPREAD` points.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

# Drop the highest and lowest total from this many reviews on: with 3 the "trimmed" mean
# would be a single review's total.
TRIM_FROM = 4
# How many reviews' worth of weight the global mean and spread get in a reviewer's own figures
# (μ_r' = (n μ_r + k μ) / (n + k)): a reviewer with one review is mostly the global reviewer,
# one with 20 mostly themselves.
SHRINKAGE_K = 3.0
# Totals are out of 100; reviewers further apart than this on one application are flagged
# (a quarter of the scale: e.g. 85 against 55).
DISAGREEMENT_SPREAD = 25.0


@dataclass(frozen=True)
class CriterionScore:
    """One criterion of a review: `value` None is "n/a"."""

    value: Decimal | float | None
    max_score: int
    weight: int


def review_total(scores: Iterable[CriterionScore]) -> float | None:
    """Weighted score out of 100 over the criteria that are not n/a (weights renormalised);
    None when no criterion with a weight was scored."""
    weighted = 0.0
    weights = 0
    for score in scores:
        if score.value is None or score.weight <= 0 or score.max_score <= 0:
            continue
        weighted += float(score.value) / score.max_score * 100.0 * score.weight
        weights += score.weight
    if weights == 0:
        return None
    return weighted / weights


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def trimmed_mean(values: Sequence[float]) -> float | None:
    """The mean without the highest and the lowest value when there are at least `TRIM_FROM`."""
    if len(values) < TRIM_FROM:
        return mean(values)
    ordered = sorted(values)
    return mean(ordered[1:-1])


def spread(values: Sequence[float]) -> float | None:
    """max − min; None with fewer than two values."""
    if len(values) < 2:
        return None
    return max(values) - min(values)


def disagreement(values: Sequence[float], threshold: float = DISAGREEMENT_SPREAD) -> bool:
    gap = spread(values)
    return gap is not None and gap > threshold


def _population_sd(values: Sequence[float], centre: float) -> float:
    return math.sqrt(sum((v - centre) ** 2 for v in values) / len(values))


@dataclass(frozen=True)
class Rated:
    """One review's total: who read which application."""

    application: Hashable
    reviewer: Hashable
    total: float


@dataclass(frozen=True)
class ReviewerScale:
    """A reviewer's figures: raw and after shrinkage toward the global ones."""

    count: int
    mean: float
    sd: float
    shrunk_mean: float
    shrunk_sd: float


@dataclass(frozen=True)
class Calibration:
    global_mean: float
    global_sd: float
    reviewers: dict[Hashable, ReviewerScale]
    # each review's total on the global scale, in the order of the input
    adjusted: tuple[float, ...]
    # per application, the mean of its adjusted totals
    applications: dict[Hashable, float]


def calibrate(rated: Sequence[Rated], k: float = SHRINKAGE_K) -> Calibration:
    """Correct each reviewer's leniency and spread.

    With μ, σ the mean and population standard deviation of all totals, and for reviewer r with
    n totals μ_r, σ_r their own (σ_r = 0 for a single total):
        μ_r' = (n μ_r + k μ) / (n + k)      σ_r' = (n σ_r + k σ) / (n + k)
        z = (x − μ_r') / σ_r'               x' = μ + σ z
    and an application's calibrated score is the mean of its x'. When σ_r' is 0 (every total
    in the call is the same) x' = x. Calibrated scores may fall a little outside 0–100.
    """
    if not rated:
        return Calibration(0.0, 0.0, {}, (), {})
    totals = [r.total for r in rated]
    mu = sum(totals) / len(totals)
    sigma = _population_sd(totals, mu)
    by_reviewer: dict[Hashable, list[float]] = defaultdict(list)
    for r in rated:
        by_reviewer[r.reviewer].append(r.total)
    scales: dict[Hashable, ReviewerScale] = {}
    for reviewer, own in by_reviewer.items():
        n = len(own)
        mu_r = sum(own) / n
        sd_r = _population_sd(own, mu_r)
        scales[reviewer] = ReviewerScale(
            count=n,
            mean=mu_r,
            sd=sd_r,
            shrunk_mean=(n * mu_r + k * mu) / (n + k),
            shrunk_sd=(n * sd_r + k * sigma) / (n + k),
        )
    adjusted: list[float] = []
    per_application: dict[Hashable, list[float]] = defaultdict(list)
    for r in rated:
        scale = scales[r.reviewer]
        if scale.shrunk_sd > 0:
            value = mu + sigma * (r.total - scale.shrunk_mean) / scale.shrunk_sd
        else:
            value = r.total
        adjusted.append(value)
        per_application[r.application].append(value)
    return Calibration(
        global_mean=mu,
        global_sd=sigma,
        reviewers=scales,
        adjusted=tuple(adjusted),
        applications={app: sum(v) / len(v) for app, v in per_application.items()},
    )


@dataclass(frozen=True)
class Aggregate:
    """An application's figures side by side (None: no review with a total)."""

    count: int
    mean: float | None
    trimmed: float | None
    calibrated: float | None
    spread: float | None
    disagreement: bool

    def basis(self, name: str) -> float | None:
        """The score by name: mean, trimmed or calibrated."""
        if name not in SCORE_BASES:
            raise ValueError(f"unknown score basis {name!r}")
        value: float | None = getattr(self, name)
        return value


SCORE_BASES = ("mean", "trimmed", "calibrated")


def aggregate(rated: Sequence[Rated], k: float = SHRINKAGE_K) -> dict[Hashable, Aggregate]:
    """Every application's aggregate, from all the call stage's review totals at once (the
    calibration needs every reviewer's other reviews)."""
    calibration = calibrate(rated, k)
    totals: dict[Hashable, list[float]] = defaultdict(list)
    for r in rated:
        totals[r.application].append(r.total)
    return {
        app: Aggregate(
            count=len(values),
            mean=mean(values),
            trimmed=trimmed_mean(values),
            calibrated=calibration.applications.get(app),
            spread=spread(values),
            disagreement=disagreement(values),
        )
        for app, values in totals.items()
    }


def rank_band(rank: int, count: int) -> str:
    """The band an applicant is told instead of the exact rank: top10, top25, top50, rest."""
    if count <= 0 or rank <= 0:
        return "rest"
    share = rank / count
    for band, limit in (("top10", 0.10), ("top25", 0.25), ("top50", 0.50)):
        if share <= limit:
            return band
    return "rest"
