"""Chapters, companies, pools, decided grants and members with cluster logins, made directly
(the rounds and burn areas own the services that make grants; here only their result matters)."""

from __future__ import annotations

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import Organization, User
from bitgoeul.companies.models import Company
from bitgoeul.compute.enums import GrantState, RequestState, RoundState
from bitgoeul.compute.models import (
    ClusterLogin,
    ComputeRequest,
    Grant,
    GrantPart,
    Pool,
    Round,
)
from bitgoeul.compute.naming import company_account
from tests.factories import CompanyFactory, MembershipFactory, OrganizationFactory

Parts = dict[tuple[str, str], float]  # (model, period) -> GPU-hours


def make_chapter(code: str, name: str) -> Organization:
    return OrganizationFactory.create(name=name, kind=OrganizationKind.CHAPTER, code=code)


def make_company(chapter: Organization | None, name: str, brn: str | None = None) -> Company:
    org = CompanyFactory.create(name=name, parent=chapter, **({"brn": brn} if brn else {}))
    return Company.objects.create(organization=org)


def make_pool(model: str, gpus: int = 8) -> Pool:
    pool, _ = Pool.objects.get_or_create(
        model=model,
        defaults={"name": model.upper(), "gpus": gpus, "nodes": 1, "gpu_memory_gb": 80},
    )
    return pool


def make_round(state: str = RoundState.APPROVED, name: str = "2027 1차") -> Round:
    return Round.objects.create(name=name, state=state, periods=["2027-01", "2027-02"])


def make_grant(
    company: Company,
    parts: Parts,
    *,
    round: Round | None = None,
    reclaimed: Parts | None = None,
    state: str = GrantState.ACTIVE,
) -> Grant:
    request = ComputeRequest.objects.create(
        round=round,
        company=company,
        state=RequestState.GRANTED,
        project="비전 모델 학습",
        purpose="학습",
        gpus=2,
        justification="필요",
    )
    grant = Grant.objects.create(
        request=request,
        company=company,
        round=round,
        state=state,
        gpu_hours=sum(parts.values()),
        account=company_account(company.organization) or "",
    )
    for (model, period), hours in parts.items():
        GrantPart.objects.create(
            grant=grant,
            pool=make_pool(model),
            period=period,
            gpu_hours=hours,
            reclaimed_gpu_hours=(reclaimed or {}).get((model, period), 0),
        )
    return grant


def make_member(company: Company, login: str | None, role: str = MembershipRole.MEMBER) -> User:
    user = MembershipFactory.create(organization=company.organization, role=role).user
    if login:
        ClusterLogin.objects.create(user=user, login=login)
    return user
