"""Builders for the rounds tests: pools, rounds and requests made through the services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company
from bitgoeul.compute.enums import RoundState
from bitgoeul.compute.models import ComputeRequest, Pool, Round
from bitgoeul.compute.services.requests import request_create, request_submit
from bitgoeul.compute.services.rounds import round_create, round_set_state
from tests.companies.helpers import company_record

MONTHS = ["2027-01", "2027-02"]


def pool(model: str = "h100", gpus: int = 10, **fields: Any) -> Pool:
    found = Pool.objects.filter(model=model).first()
    if found is not None:
        return found
    return Pool.objects.create(
        name=model.upper(), model=model, gpus=gpus, nodes=1, gpu_memory_gb=80, **fields
    )


def company(org: Organization) -> Company:
    found = Company.objects.select_related("organization__parent").filter(pk=org.pk).first()
    return found or company_record(org)


def make_round(
    actor: Any,
    pools: Sequence[Pool],
    *,
    periods: Sequence[str] = MONTHS,
    state: str = RoundState.OPEN,
    chapters: Sequence[Organization] = (),
    **fields: Any,
) -> Round:
    data: dict[str, Any] = {
        "name": "2027년 상반기 배분 차수",
        "policy": "priority",
        "periods": list(periods),
        "company_cap": None,
        "floors": {},
        "max_company_age_years": None,
        "weight_award": 0.5,
        "weight_potential": 0.3,
        "weight_priority": 0.2,
        "opens_at": None,
        "closes_at": None,
    }
    data.update(fields)
    rnd = round_create(actor=actor, data=data, pools=pools, chapters=chapters)
    if state in (RoundState.OPEN, RoundState.CLOSED):
        rnd = round_set_state(actor=actor, rnd=rnd, state=RoundState.OPEN)
    if state == RoundState.CLOSED:
        rnd = round_set_state(actor=actor, rnd=rnd, state=RoundState.CLOSED)
    return rnd


def request_data(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "project": "의료 영상 판독 모델 학습",
        "purpose": "흉부 X선 판독 모델을 학습합니다.",
        "gpus": 2,
        "periods": ["2027-01"],
        "minimum_gpu_hours": 0,
        "justification": "실증 사업에 필요합니다.",
        "data_needs": "",
        "security_needs": "",
        "award_id": None,
    }
    data.update(fields)
    return data


def make_request(
    actor: Any,
    org: Organization,
    rnd: Round | None,
    pools: Sequence[Pool],
    *,
    submit: bool = True,
    **fields: Any,
) -> ComputeRequest:
    request = request_create(
        actor=actor, company=company(org), rnd=rnd, data=request_data(**fields), pools=pools
    )
    if submit:
        request = request_submit(actor=actor, request=request)
    return request


def this_month() -> str:
    return timezone.localtime().strftime("%Y-%m")
