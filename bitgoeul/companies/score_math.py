"""The arithmetic of the potential score: pure functions, no Django, tested by hand.

Each signal's raw value becomes a percentile within the company's peer group (KSIC section ×
age band); the score is the weighted mean of the percentiles, times 100. A signal a company has
no data for (growth without two years of figures, a track record no app reports yet) is left
out of its score and the other weights are scaled up, so that missing data neither helps nor
hurts; the breakdown says so.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SIGNALS = (
    "employee_growth",
    "revenue_growth",
    "investment",
    "patents",
    "certifications",
    "ai_centrality",
    "track_record",
)
AGE_BANDS = ((0, 3, "0-3"), (3, 7, "3-7"), (7, 15, "7-15"), (15, 1000, "15+"))
MIN_PEERS = 5  # smaller groups borrow the peers of the whole section, then of everyone
INVESTMENT_HALF_LIFE_YEARS = 2.0


def age_band(founded_on: dt.date | None, today: dt.date) -> str:
    if founded_on is None:
        return "?"
    years = (today - founded_on).days / 365.25
    for low, high, label in AGE_BANDS:
        if low <= years < high:
            return label
    return "15+"


def growth_rate(series: Sequence[tuple[int, int | None]], span: int = 3) -> float | None:
    """Yearly growth (CAGR) over the `span` years up to the latest figure, e.g. 0.25 for +25 %
    a year; None with fewer than two years or a first value of zero or less."""
    points = sorted((year, value) for year, value in series if value is not None)
    if points:
        points = [(year, value) for year, value in points if year >= points[-1][0] - span]
    if len(points) < 2:
        return None
    (first_year, first), (last_year, last) = points[0], points[-1]
    if first <= 0 or last_year == first_year:
        return None
    if last <= 0:
        return -1.0
    return round((last / first) ** (1 / (last_year - first_year)) - 1, 6)


def investment_signal(rounds: Sequence[tuple[dt.date, int]], today: dt.date) -> float:
    """Investment raised, each round discounted by its age (half-life two years), in log10
    KRW so that a few very large rounds do not flatten everyone else."""
    total = 0.0
    for day, amount in rounds:
        years = max(0.0, (today - day).days / 365.25)
        total += amount * 0.5 ** (years / INVESTMENT_HALF_LIFE_YEARS)
    return round(math.log10(1 + total), 6)


def certification_signal(kinds: Sequence[str]) -> float:
    """Valid certifications, TIPS counting double (it means private investors chose them)."""
    return float(sum(2 if kind == "tips" else 1 for kind in set(kinds)))


def percentiles(values: Sequence[float]) -> list[float]:
    """Mid-rank percentile of each value among all: (below + ½ × equal) / n, in 0–1.

    [1, 2, 2, 4] gives [0.125, 0.5, 0.5, 0.875]; a lone value gives 0.5.
    """
    ordered = sorted(values)
    n = len(ordered)
    out = []
    for value in values:
        below = bisect_left(ordered, value)
        equal = bisect_right(ordered, value) - below
        out.append((below + equal / 2) / n)
    return out


@dataclass(frozen=True)
class SignalResult:
    value: float | None
    percentile: float | None
    weight: float  # the effective weight after leaving out missing signals (sums to 1)
    points: float  # this signal's part of the score (0–100 in all)


@dataclass(frozen=True)
class ScoreResult:
    score: float
    group: str
    peers: int
    signals: dict[str, SignalResult]


def score_all(
    companies: Mapping[int, tuple[str, dict[str, float | None]]],
    weights: Mapping[str, float],
) -> dict[int, ScoreResult]:
    """Score companies: `{id: (peer group key "section|band", {signal: value or None})}`.

    Peer groups with fewer than MIN_PEERS companies fall back to the section ("J|*"), then to
    everyone ("*"). Unknown signal names in `weights` are an error.
    """
    unknown = set(weights) - set(SIGNALS)
    if unknown:
        raise ValueError(f"unknown signals: {', '.join(sorted(unknown))}")
    groups: dict[str, list[int]] = defaultdict(list)
    sections: dict[str, list[int]] = defaultdict(list)
    for company_id, (group, _) in companies.items():
        groups[group].append(company_id)
        sections[group.split("|")[0]].append(company_id)
    everyone = list(companies)

    def peers_of(group: str) -> tuple[str, list[int]]:
        if len(groups[group]) >= MIN_PEERS:
            return group, groups[group]
        section = group.split("|")[0]
        if len(sections[section]) >= MIN_PEERS:
            return f"{section}|*", sections[section]
        return "*", everyone

    ranked: dict[tuple[str, str], dict[int, float]] = {}

    def percentile_in(key: str, members: list[int], signal: str) -> dict[int, float]:
        if (key, signal) not in ranked:
            having = [(m, companies[m][1].get(signal)) for m in members]
            present = [(m, float(v)) for m, v in having if v is not None]
            ranks = percentiles([v for _, v in present])
            ranked[key, signal] = {m: p for (m, _), p in zip(present, ranks, strict=True)}
        return ranked[key, signal]

    results: dict[int, ScoreResult] = {}
    for company_id, (group, values) in companies.items():
        key, members = peers_of(group)
        available = {s: w for s, w in weights.items() if w > 0 and values.get(s) is not None}
        total_weight = sum(available.values())
        signals: dict[str, SignalResult] = {}
        score = 0.0
        for signal in SIGNALS:
            value = values.get(signal)
            if signal not in available:
                signals[signal] = SignalResult(value, None, 0.0, 0.0)
                continue
            pct = percentile_in(key, members, signal)[company_id]
            weight = available[signal] / total_weight
            points = 100 * weight * pct
            score += points
            signals[signal] = SignalResult(value, round(pct, 4), round(weight, 4), round(points, 2))
        results[company_id] = ScoreResult(round(score, 1), key, len(members), signals)
    return results
