"""Reads of the rounds area: rounds, requests, runs and the figures pages compare."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company
from bitgoeul.compute.capacity import capacity_table
from bitgoeul.compute.enums import RequestState, RoundState
from bitgoeul.compute.models import ComputeRequest, GrantPart, Pool, Round, SolveRun
from bitgoeul.compute.periods import period_of
from bitgoeul.programs.models import Award, SelectionDecision

YOUNG = "young"


def chapter_group(chapter: Organization | None) -> str | None:
    """The engine's group code of a chapter (`chapter:<code>`, `chapter:<id>` without one)."""
    if chapter is None:
        return None
    code = (chapter.code or "").split(":")[-1]
    return f"chapter:{code or chapter.pk}"


def company_age_years(company: Company, today: dt.date) -> float | None:
    if company.founded_on is None:
        return None
    return (today - company.founded_on).days / 365.25


def request_groups(company: Company, rnd: Round, today: dt.date) -> list[str]:
    """`chapter:<code>` of the company's chapter and `young` when it was founded within the
    round's age limit (or within 7 years when the round sets none), the groups floors name."""
    groups = []
    chapter = chapter_group(company.organization.parent)
    if chapter:
        groups.append(chapter)
    age = company_age_years(company, today)
    limit = rnd.max_company_age_years or 7
    if age is not None and age <= limit:
        groups.append(YOUNG)
    return groups


def company_awards(company: Company) -> QuerySet[Award]:
    """The company's programme awards, newest first (a request may link one)."""
    return (
        Award.objects.filter(application__company=company)
        .select_related("application__call")
        .order_by("-created_at", "-pk")
    )


def award_scores(awards: Iterable[Award]) -> dict[int, float]:
    """Each award's application score in the selection that made it (one query)."""
    awards = [a for a in awards if a is not None]
    if not awards:
        return {}
    wanted = Q()
    for award in awards:
        wanted |= Q(run_id=award.selection_run_id, application_id=award.application_id)
    by_pair = {
        (d.run_id, d.application_id): d.score
        for d in SelectionDecision.objects.filter(wanted).only("run_id", "application_id", "score")
    }
    out = {}
    for award in awards:
        score = by_pair.get((award.selection_run_id, award.application_id))
        if score is not None:
            out[award.pk] = score
    return out


def open_rounds(now: dt.datetime | None = None) -> QuerySet[Round]:
    """Rounds that take requests now."""
    now = now or timezone.now()
    return (
        Round.objects.filter(state=RoundState.OPEN)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .order_by("closes_at", "pk")
    )


def granted_by_cell(
    pool_ids: Iterable[int], periods: Iterable[str], *, exclude_round: Round | None = None
) -> dict[tuple[int, str], float]:
    """Net GPU-hours already granted (all grants, less reclaims) per (pool, period)."""
    rows = GrantPart.objects.filter(pool_id__in=list(pool_ids), period__in=list(periods))
    if exclude_round is not None:
        rows = rows.exclude(grant__round=exclude_round)
    out: dict[tuple[int, str], float] = defaultdict(float)
    for row in rows.values("pool_id", "period").annotate(
        net=Sum(F("gpu_hours") - F("reclaimed_gpu_hours"))
    ):
        out[row["pool_id"], row["period"]] = float(row["net"] or 0.0)
    return out


def free_capacity(pools: Iterable[Pool], periods: list[str]) -> dict[tuple[int, str], float]:
    """Capacity (capacity.py) less every grant's net parts, per (pool, period)."""
    pools = list(pools)
    table = capacity_table(pools, periods)
    used = granted_by_cell([p.pk for p in pools], periods)
    return {key: max(cap.net - used.get(key, 0.0), 0.0) for key, cap in table.items()}


def round_requests(rnd: Round) -> QuerySet[ComputeRequest]:
    return (
        ComputeRequest.objects.filter(round=rnd)
        .exclude(state=RequestState.DRAFT)
        .select_related("company__organization", "grant", "award")
        .prefetch_related("pools")
        .order_by("company__organization__name", "pk")
    )


def waiting_rolling_requests() -> QuerySet[ComputeRequest]:
    return (
        ComputeRequest.objects.filter(round__isnull=True, state=RequestState.WAITING)
        .select_related("company__organization")
        .order_by("submitted_at", "pk")
    )


def current_period() -> str:
    return period_of(timezone.now())


@dataclass(frozen=True)
class RunSummary:
    run: SolveRun
    granted_by_pool: dict[str, float]
    requested_by_pool: dict[str, float]
    served: int
    requests: int
    granted: dict[str, float]  # request id (str) -> GPU-hours


def run_summary(run: SolveRun) -> RunSummary:
    """What the compare page sets side by side, read from the run's own input and output."""
    problem: dict[str, Any] = run.problem or {}
    result: dict[str, Any] = run.result or {}
    by_pool: dict[str, float] = defaultdict(float)
    granted: dict[str, float] = {}
    for grant in result.get("grants", []):
        granted[grant["request"]] = float(grant["granted"])
        for part in grant["parts"]:
            by_pool[part["pool"]] += float(part["gpu_hours"])
    requested: dict[str, float] = defaultdict(float)
    for request in problem.get("requests", []):
        # a request open to several pools counts under its first (its preferred) pool
        if request["pools"]:
            requested[request["pools"][0]] += float(request["demand"])
    return RunSummary(
        run=run,
        granted_by_pool=dict(by_pool),
        requested_by_pool=dict(requested),
        served=sum(1 for value in granted.values() if value > 0),
        requests=len(problem.get("requests", [])),
        granted=granted,
    )
