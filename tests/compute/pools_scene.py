"""Small fixtures of the pools area's tests: pools, a company's record, and grants in parts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company
from bitgoeul.compute.enums import GrantState, RequestState
from bitgoeul.compute.models import ComputeRequest, Grant, GrantPart, Pool


def make_pool(model: str = "h100", **fields: Any) -> Pool:
    values: dict[str, Any] = {
        "name": f"NVIDIA {model.upper()}",
        "gpus": 10,
        "nodes": 2,
        "gpu_memory_gb": 80,
        "reserved_share": Decimal("0.1"),
        "krw_per_gpu_hour": 2800,
        **fields,
    }
    return Pool.objects.create(model=model, **values)


def company_of(organization: Organization, **fields: Any) -> Company:
    company, _ = Company.objects.get_or_create(organization=organization, defaults=fields)
    return company


def make_grant(
    company: Company,
    parts: dict[tuple[Pool, str], float],
    *,
    state: str = GrantState.ACTIVE,
    reclaimed: float = 0,
) -> Grant:
    """An active rolling grant (no round) with the given GPU-hours per (pool, period); every part
    has `reclaimed` GPU-hours taken back."""
    request = ComputeRequest.objects.create(
        company=company,
        state=RequestState.GRANTED,
        project="언어 모델 미세조정",
        purpose="-",
        gpus=1,
        justification="-",
        periods=sorted({period for _, period in parts}),
    )
    grant = Grant.objects.create(
        request=request,
        company=company,
        state=state,
        gpu_hours=sum(parts.values()),
        account=f"co-{company.pk}",
    )
    for (pool, period), hours in parts.items():
        GrantPart.objects.create(
            grant=grant, pool=pool, period=period, gpu_hours=hours, reclaimed_gpu_hours=reclaimed
        )
    return grant
