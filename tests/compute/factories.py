"""Small factory helpers for compute tests. Each area keeps its helpers in its own section; the
rows are made directly (the services that make them are built in parallel)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import Any

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company
from bitgoeul.compute.enums import RequestState, RoundState
from bitgoeul.compute.models import (
    ComputeRequest,
    Grant,
    GrantPart,
    Pool,
    Round,
    UsageEntry,
)
from bitgoeul.compute.naming import company_account
from bitgoeul.compute.periods import period_bounds

# --- burn: pools, rounds, requests, grants and ledger lines ------------------------------------

_jobs = itertools.count(1)


def company_of(organization: Organization, **fields: Any) -> Company:
    """The Company record of a company organisation (made bare when it has none)."""
    company, _ = Company.objects.get_or_create(organization=organization, defaults=fields)
    if fields:
        Company.objects.filter(pk=company.pk).update(**fields)
        company.refresh_from_db()
    return company


def make_pool(model: str = "h100", **fields: Any) -> Pool:
    defaults: dict[str, Any] = {
        "name": model.upper(),
        "gpus": 8,
        "nodes": 1,
        "gpu_memory_gb": 80,
        "krw_per_gpu_hour": 3000,
    }
    defaults.update(fields)
    pool, _ = Pool.objects.get_or_create(model=model, defaults=defaults)
    return pool


def make_round(periods: list[str], pools: list[Pool], **fields: Any) -> Round:
    rnd = Round.objects.create(
        name=fields.pop("name", "2026 하반기 배분 차수"),
        state=fields.pop("state", RoundState.APPROVED),
        periods=periods,
        **fields,
    )
    rnd.pools.set(pools)
    return rnd


def make_request(
    company: Organization | Company,
    *,
    pools: list[Pool],
    periods: list[str],
    gpus: int = 2,
    state: str = RequestState.GRANTED,
    rnd: Round | None = None,
    demand: float | None = None,
    minimum: float = 0.0,
    weight: float | None = None,
    submitted_at: dt.datetime | None = None,
    **fields: Any,
) -> ComputeRequest:
    org = company if isinstance(company, Organization) else company.organization
    company_of(org)
    request = ComputeRequest.objects.create(
        round=rnd,
        company_id=org.pk,
        state=state,
        project=fields.pop("project", "의료 영상 판독 모델 학습"),
        purpose=fields.pop("purpose", "폐 CT 판독 모델을 학습합니다."),
        justification=fields.pop("justification", "공공 병원 실증에 필요합니다."),
        gpus=gpus,
        periods=periods,
        demand_gpu_hours=demand if demand is not None else 100.0 * gpus,
        minimum_gpu_hours=minimum,
        weight=weight,
        submitted_at=submitted_at,
        **fields,
    )
    request.pools.set(pools)
    return request


def make_grant(
    company: Organization | Company,
    parts: dict[tuple[Pool, str], float],
    *,
    rnd: Round | None = None,
    request: ComputeRequest | None = None,
    **fields: Any,
) -> Grant:
    """A grant with a part per (pool, period) → GPU-hours, for a new GRANTED request unless
    one is given."""
    org = company if isinstance(company, Organization) else company.organization
    pools = sorted({pool for pool, _ in parts}, key=lambda p: p.pk)
    periods = sorted({period for _, period in parts})
    if request is None:
        request = make_request(org, pools=pools, periods=periods, rnd=rnd, **fields)
    grant = Grant.objects.create(
        request=request,
        company_id=org.pk,
        round=rnd,
        gpu_hours=sum(parts.values()),
        account=company_account(org) or "",
    )
    for (pool, period), hours in parts.items():
        GrantPart.objects.create(grant=grant, pool=pool, period=period, gpu_hours=hours)
    return grant


def add_usage(
    grant: Grant,
    pool: Pool,
    gpu_hours: float,
    *,
    period: str | None = None,
    day: int = 1,
    sm_gpu_hours: float | None = None,
    kwh: float | None = None,
    source: str = "agent",
) -> UsageEntry:
    """A ledger line of `gpu_hours` for the grant, recorded at noon (Seoul) on `day` of the
    period (the grant's first period when not given)."""
    period = period or grant.parts.order_by("period").values_list("period", flat=True)[0]
    start, _ = period_bounds(period)
    when = start + dt.timedelta(days=day - 1, hours=12)
    return UsageEntry.objects.create(
        source=source,
        cluster="gwangju-aidc",
        job=f"job-{next(_jobs)}",
        model=pool.model,
        account=grant.account,
        pool=pool,
        grant=grant,
        company_id=grant.company_id,
        period=period,
        started_at=when,
        ended_at=when,
        state="COMPLETED",
        gpu_seconds=gpu_hours * 3600,
        sm_gpu_seconds=None if sm_gpu_hours is None else sm_gpu_hours * 3600,
        energy_wh=None if kwh is None else kwh * 1000,
        batch=str(uuid.uuid4()),
        recorded_at=when,
    )
