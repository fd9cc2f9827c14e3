"""Demo data of the rounds area: a decided round of this month and the next (solved by the
engine and approved through the services, so its grants exist for the grant, usage and
statement pages) and a round open for requests over the three months after, with requests of
the demo companies.

The pools are the "pools" area's demo (`compute_pools`); the ones this needs are created only
if missing, with the same model codes and the data centre's public figures. Safe to load again:
a round that exists (by name) is left as it is.
"""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from bitgoeul.accounts.models import Membership, User
from bitgoeul.companies.models import Company
from bitgoeul.compute.enums import RoundState
from bitgoeul.compute.models import Pool, Round, SolveRun
from bitgoeul.compute.periods import next_periods
from bitgoeul.compute.services.requests import demand_of, request_create, request_submit
from bitgoeul.compute.services.rounds import (
    round_create,
    round_set_state,
    run_approve,
    run_execute,
)
from bitgoeul.core.demo import demo_loader

# model code, name, GPUs, nodes, memory per GPU (GB)
POOLS = [
    ("a100", "NVIDIA A100", 796, 100, 80),
    ("h100", "NVIDIA H100", 880, 110, 80),
    ("t4", "NVIDIA T4", 384, 96, 16),
]
# the rounds are named after their months (the demo is loaded at any date)
DECIDED = "{first}–{last} GPU 자원 지원 배분 차수"
OPEN = "{first}–{last} GPU 자원 지원 배분 차수 (신청 접수)"
# project, purpose, GPUs, pools, months (indices into the round's), minimum share of demand
DECIDED_REQUESTS = [
    (
        "흉부 X선 판독 모델 학습",
        "의료 영상 판독 모델을 학습합니다.",
        400,
        ["h100"],
        [0, 1],
        0.5,
    ),
    (
        "제조 결함 검출 비전 모델",
        "공정 이미지로 결함 검출 모델을 학습합니다.",
        300,
        ["h100", "a100"],
        [0, 1],
        0,
    ),
    (
        "한국어 상담 챗봇 미세조정",
        "공공 상담 말뭉치로 언어 모델을 미세조정합니다.",
        500,
        ["h100"],
        [0],
        0.8,
    ),
    (
        "자율주행 인지 모델 학습",
        "도로 영상으로 인지 모델을 학습합니다.",
        800,
        ["a100"],
        [0, 1],
        0,
    ),
    (
        "에너지 수요 예측 모델",
        "건물 전력 수요 예측 모델을 학습합니다.",
        120,
        ["a100", "h100"],
        [1],
        0,
    ),
]
OPEN_REQUESTS = [
    (
        "병리 슬라이드 분할 모델",
        "병리 영상 분할 모델을 학습합니다.",
        64,
        ["h100"],
        [0, 1],
        0,
    ),
    (
        "로봇 파지 강화학습",
        "시뮬레이션에서 파지 정책을 학습합니다.",
        32,
        ["a100", "h100"],
        [1, 2],
        0.5,
    ),
    (
        "음성 인식 추론 서비스 검증",
        "음성 인식 모델의 추론 부하를 시험합니다.",
        16,
        ["t4"],
        [0],
        0,
    ),
]


def _pools() -> dict[str, Pool]:
    pools = {}
    for model, name, gpus, nodes, memory in POOLS:
        pool = Pool.objects.filter(model=model).first()
        if pool is None:
            pool = Pool.objects.create(
                name=name, model=model, gpus=gpus, nodes=nodes, gpu_memory_gb=memory
            )
        pools[model] = pool
    return pools


def _member(company: Company) -> Any:
    membership = (
        Membership.objects.filter(organization_id=company.pk).select_related("user").first()
    )
    return membership.user if membership else None


def _requests(
    rnd: Round, companies: list[Company], plans: list[Any], pools: dict[str, Pool]
) -> None:
    for company, (project, purpose, gpus, models, months, share) in zip(
        companies, plans, strict=False
    ):
        actor = _member(company)
        periods = [rnd.periods[i] for i in months]
        request = request_create(
            actor=actor,
            company=company,
            rnd=rnd,
            data={
                "project": project,
                "purpose": purpose,
                "gpus": gpus,
                "periods": periods,
                "minimum_gpu_hours": round(demand_of(gpus, periods) * share),
                "justification": "지역 AI 기업의 제품 개발에 필요한 학습 자원입니다.",
                "data_needs": "학습 데이터 약 20 TB",
                "security_needs": "개인정보 비식별 처리 데이터만 사용합니다.",
                "award_id": None,
            },
            pools=[pools[m] for m in models],
        )
        request_submit(actor=actor, request=request)


@demo_loader("compute_rounds")
def load_rounds(rng: random.Random) -> str:
    companies = list(
        Company.objects.filter(organization__code__startswith="company-", organization__brn__gt="")
        .select_related("organization__parent")
        .order_by("organization__code")[:5]
    )
    operator = User.objects.filter(email="operator@bitgoeul.kr").first()
    if len(companies) < 3 or operator is None:
        return "fewer than 3 demo companies or no operator: nothing to do"
    pools = _pools()
    months = next_periods(timezone.now(), 5)
    made = []
    decided = DECIDED.format(first=months[0], last=months[1])
    if not Round.objects.filter(name=decided).exists():
        with transaction.atomic():
            rnd = _round(operator, decided, months[:2], [pools["h100"], pools["a100"]], 0.2)
            _requests(rnd, companies, DECIDED_REQUESTS, pools)
            rnd = round_set_state(actor=operator, rnd=rnd, state=RoundState.CLOSED)
            run = SolveRun.objects.create(round=rnd, number=1, created_by=operator)
        run = run_execute(run=run)
        run_approve(actor=operator, run=run)
        made.append("a decided round")
    open_name = OPEN.format(first=months[2], last=months[4])
    if not Round.objects.filter(name=open_name).exists():
        with transaction.atomic():
            rnd = _round(operator, open_name, months[2:5], list(pools.values()), 0.3)
            _requests(rnd, companies, OPEN_REQUESTS, pools)
        made.append("an open round")
    return ", ".join(made) or "rounds already there"


def _round(operator: Any, name: str, periods: list[str], pools: list[Pool], cap: float) -> Round:
    rnd = round_create(
        actor=operator,
        data={
            "name": name,
            "policy": "priority",
            "periods": periods,
            "company_cap": cap,
            "floors": {},
            "max_company_age_years": None,
            "weight_award": 0.5,
            "weight_potential": 0.3,
            "weight_priority": 0.2,
            "opens_at": None,
            "closes_at": None,
        },
        pools=pools,
    )
    return round_set_state(actor=operator, rnd=rnd, state=RoundState.OPEN)
