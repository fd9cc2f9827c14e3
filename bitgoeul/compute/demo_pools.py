"""Demo data of the pools area: the national AI data centre's GPUs, modelled on its public
figures (A100 796, H100 880, T4 384 GPUs), a maintenance window next month, and discounts.

Node counts assume 8 GPUs a node for A100 and H100 and 4 for T4 (796 A100s fill 99 nodes and
half of a 100th). Tariffs are illustrative, not the data centre's price list.

Rows are written through the models (a demo needs no audit events). Safe to load again, and
beside another area's demo that makes the same pools: a pool is found by its GPU model code and
made only when missing; windows and discounts are found by their reason and name.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.companies.enums import Stage
from bitgoeul.compute.models import Discount, MaintenanceWindow, Pool
from bitgoeul.compute.periods import SEOUL, next_periods, period_bounds
from bitgoeul.core.demo import demo_loader

# model code, name, GPUs, nodes, GB per GPU, reserved share, KRW per GPU-hour, description
POOLS = [
    (
        "a100",
        "NVIDIA A100 80GB",
        796,
        100,
        80,
        Decimal("0.05"),
        1600,
        "학습과 추론에 두루 쓰는 A100 서버입니다. 노드마다 GPU 8장(1대는 4장)을 NVLink로 "
        "연결했습니다.",
    ),
    (
        "h100",
        "NVIDIA H100 80GB",
        880,
        110,
        80,
        Decimal("0.10"),
        2800,
        "대규모 언어 모델 학습용 H100 서버입니다. 노드마다 GPU 8장을 NVLink로 연결했습니다.",
    ),
    (
        "t4",
        "NVIDIA T4 16GB",
        384,
        96,
        16,
        Decimal("0.05"),
        400,
        "추론과 실습용 T4 서버입니다. 노드마다 GPU 4장을 장착했습니다.",
    ),
]
# model code, day of next month, hours, GPUs, reason
WINDOWS = [
    ("h100", 10, 72, 64, "냉각 설비 정기 점검 (H100 8개 노드)"),
    ("a100", 17, 48, 16, "InfiniBand 스위치 교체 (A100 2개 노드)"),
]
STAGE_DISCOUNTS = [
    (Stage.PRE_STARTUP, "예비창업 기업 할인", 50),
    (Stage.SEED, "시드 단계 기업 할인", 50),
]
# every demo chapter is outside the capital region (Seoul, Incheon, Gyeonggi)
REGION_PERCENT = 20


def _pools() -> tuple[list[Pool], int]:
    pools, made = [], 0
    for model, name, gpus, nodes, memory, share, krw, text in POOLS:
        pool, created = Pool.objects.get_or_create(
            model=model,
            defaults={
                "name": name,
                "gpus": gpus,
                "nodes": nodes,
                "gpu_memory_gb": memory,
                "reserved_share": share,
                "krw_per_gpu_hour": krw,
                "description": text,
            },
        )
        pools.append(pool)
        made += created
    return pools, made


def _windows(pools: list[Pool], now: dt.datetime) -> int:
    by_model = {pool.model: pool for pool in pools}
    start_of_next, _ = period_bounds(next_periods(now, 2)[1])
    made = 0
    for model, day, hours, gpus, reason in WINDOWS:
        pool = by_model[model]
        if pool.maintenance.filter(reason=reason).exists():
            continue
        starts = dt.datetime(start_of_next.year, start_of_next.month, day, 9, tzinfo=SEOUL)
        MaintenanceWindow.objects.create(
            pool=pool,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=hours),
            gpus=min(gpus, pool.gpus),
            reason=reason,
        )
        made += 1
    return made


def _discounts() -> int:
    made = 0
    for stage, name, percent in STAGE_DISCOUNTS:
        _, created = Discount.objects.get_or_create(
            name=name, defaults={"stage": stage, "percent": percent}
        )
        made += created
    chapters = Organization.objects.filter(kind=OrganizationKind.CHAPTER).order_by("name")
    for chapter in chapters:
        _, created = Discount.objects.get_or_create(
            name=f"비수도권 지역 할인 ({chapter.name})",
            defaults={"chapter": chapter, "percent": REGION_PERCENT},
        )
        made += created
    return made


@demo_loader("compute_pools")
def load_compute_pools(rng: random.Random) -> str:
    pools, made_pools = _pools()
    windows = _windows(pools, timezone.now())
    discounts = _discounts()
    return (
        f"compute pools: {made_pools} pools, {windows} maintenance windows, {discounts} discounts"
    )
