"""Grants, pools and sacct text for the usage ledger's tests (area "ingest")."""

from __future__ import annotations

from dataclasses import dataclass

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company
from bitgoeul.compute.enums import GrantState
from bitgoeul.compute.models import ComputeRequest, Grant, GrantPart, Pool
from bitgoeul.compute.naming import company_account
from tests.factories import CompanyFactory

HEADER = "JobID|JobIDRaw|JobName|Account|User|State|Start|End|ElapsedRaw|AllocTRES|Cluster"

# what sacct --parsable2 printed on the CI cluster (slurm-in-ci.md), with steps and an array
SACCT = "\n".join(
    [
        HEADER,
        "101|101|train|{a}|kim|COMPLETED|2026-12-01T09:00:00|2026-12-01T10:00:00|3600|"
        "billing=8,cpu=8,gres/gpu:a100=2,gres/gpu=2,mem=64G,node=1|aidc",
        "101.batch|101.batch|batch|{a}||COMPLETED|2026-12-01T09:00:00|2026-12-01T10:00:00|3600|"
        "cpu=8,gres/gpu:a100=2,gres/gpu=2,mem=64G,node=1|aidc",
        "101.extern|101.extern|extern|{a}||COMPLETED|2026-12-01T09:00:00|2026-12-01T10:00:00|3600|"
        "billing=8,cpu=8,gres/gpu:a100=2,gres/gpu=2,mem=64G,node=1|aidc",
        "101.0|101.0|python|{a}||COMPLETED|2026-12-01T09:00:00|2026-12-01T10:00:00|3600|"
        "cpu=8,gres/gpu:a100=2,gres/gpu=2,mem=64G,node=1|aidc",
        "102_0|105|a|b|{a}|lee|CANCELLED by 1002|2026-12-01T09:00:00|2026-12-01T09:01:00|60|"
        "billing=1,cpu=1,gres/gpu:h100=1,gres/gpu=1,mem=1G,node=1|aidc",
        "102_1|103|arr|{a}|lee|TIMEOUT|2026-12-01T09:00:00|2026-12-01T09:02:00|120|"
        "billing=1,cpu=1,gres/gpu=4,mem=1G,node=1|aidc",
        "104|104|wait|{a}|lee|PENDING|Unknown|Unknown|0||aidc",
        "106|106|bad|{a}|lee|FAILED|2026-12-01T09:00:00|2026-12-01T09:00:10|10|gpu lots|aidc",
        "107|107|other|co-9999999999|park|RUNNING|2026-12-01T09:00:00|Unknown|30|"
        "billing=1,gres/gpu:a100=1,gres/gpu=1|aidc",
    ]
)


@dataclass
class Ledger:
    company: Company
    account: str
    a100: Pool
    h100: Pool
    grant: Grant


def company() -> Company:
    org: Organization = CompanyFactory.create()
    return Company.objects.create(organization=org)


def grant_for(
    found: Company, parts: list[tuple[Pool, str]], *, state: str = GrantState.ACTIVE
) -> Grant:
    request = ComputeRequest.objects.create(
        company=found, project="비전 모델", purpose="학습", gpus=2, justification="필요"
    )
    grant = Grant.objects.create(
        request=request,
        company=found,
        gpu_hours=1000,
        account=company_account(found.organization) or "",
        state=state,
    )
    for pool, period in parts:
        GrantPart.objects.create(grant=grant, pool=pool, period=period, gpu_hours=500)
    return grant


def ledger() -> Ledger:
    a100 = Pool.objects.create(name="A100", model="a100", gpus=8, nodes=1, gpu_memory_gb=80)
    h100 = Pool.objects.create(name="H100", model="h100", gpus=8, nodes=1, gpu_memory_gb=80)
    found = company()
    grant = grant_for(found, [(a100, "2026-12"), (h100, "2026-12")])
    return Ledger(found, grant.account, a100, h100, grant)
