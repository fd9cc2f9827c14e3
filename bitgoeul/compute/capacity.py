"""Capacity of a pool in a period, in GPU-hours, net of maintenance and of the reserved share.

capacity = (GPUs × hours − GPU-hours out of service) × (1 − reserved share). A maintenance
window counts only the hours it overlaps the period (a window across a month's end is split).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bitgoeul.compute.models import MaintenanceWindow, Pool
from bitgoeul.compute.periods import period_bounds, period_hours


@dataclass(frozen=True)
class Capacity:
    pool_id: int
    period: str
    gross: float  # GPUs × hours
    maintenance: float  # GPU-hours out of service
    reserved: float  # GPU-hours kept back
    net: float  # offered to rounds and rolling requests


def capacity_table(pools: Iterable[Pool], periods: list[str]) -> dict[tuple[int, str], Capacity]:
    """Capacity of every (pool, period), with two queries whatever the size."""
    pools = list(pools)
    if not pools or not periods:
        return {}
    first, _ = period_bounds(min(periods))
    _, last = period_bounds(max(periods))
    out_of_service: dict[tuple[int, str], float] = defaultdict(float)
    windows = MaintenanceWindow.objects.filter(
        pool__in=pools, starts_at__lt=last, ends_at__gt=first
    ).only("pool_id", "starts_at", "ends_at", "gpus")
    for window in windows:
        for period in periods:
            start, end = period_bounds(period)
            overlap = (min(end, window.ends_at) - max(start, window.starts_at)).total_seconds()
            if overlap > 0:
                out_of_service[window.pool_id, period] += window.gpus * overlap / 3600
    table: dict[tuple[int, str], Capacity] = {}
    for pool in pools:
        share = float(pool.reserved_share)
        for period in periods:
            gross = float(pool.gpus * period_hours(period))
            down = min(out_of_service[pool.pk, period], gross)
            reserved = (gross - down) * share
            table[pool.pk, period] = Capacity(
                pool.pk, period, gross, down, reserved, gross - down - reserved
            )
    return table
