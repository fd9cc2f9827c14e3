"""Reads of the pools area: the capacity calendar, the over-commit view, and which discount a
company's usage of a pool gets.

`overcommit(pools, periods)` is what an approval asks before it writes grants: per pool and
period, the GPU-hours already granted (active grants, net of reclaims) against what the pool can
deliver (`capacity.capacity_table`'s net), with a warning level.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import F, Q, Sum
from django.utils import timezone

from bitgoeul.companies.models import Company
from bitgoeul.compute.capacity import Capacity, capacity_table
from bitgoeul.compute.enums import GrantState
from bitgoeul.compute.models import Discount, GrantPart, MaintenanceWindow, Pool
from bitgoeul.compute.periods import next_periods, period_bounds

CALENDAR_MONTHS = 12
# share of the deliverable GPU-hours granted from which a cell is "close to full"
CLOSE_TO_FULL = 0.9

OK, CLOSE, OVERSOLD = "ok", "close", "oversold"


def calendar_periods(now: dt.datetime | None = None, months: int = CALENDAR_MONTHS) -> list[str]:
    """The current month (Asia/Seoul) and the ones after it."""
    return next_periods(now or timezone.now(), months)


@dataclass(frozen=True)
class PoolCalendar:
    pool: Pool
    cells: list[Capacity]  # one per period, in order

    @property
    def net_total(self) -> float:
        return sum(cell.net for cell in self.cells)


def capacity_calendar(pools: Iterable[Pool], periods: Sequence[str]) -> list[PoolCalendar]:
    """Every pool × period's gross, maintenance, reserved and net GPU-hours (two queries)."""
    pools = list(pools)
    table = capacity_table(pools, list(periods))
    return [PoolCalendar(pool, [table[pool.pk, period] for period in periods]) for pool in pools]


@dataclass(frozen=True)
class OvercommitCell:
    pool_id: int
    period: str
    granted: float  # GPU-hours of active grants, net of reclaims
    deliverable: float  # net capacity
    share: float | None  # granted / deliverable; None when nothing can be delivered

    @property
    def level(self) -> str:
        """ "oversold" above what can be delivered, "close" from 90% of it, else "ok"."""
        if self.share is None:
            return OVERSOLD if self.granted > 0 else OK
        if self.share > 1:
            return OVERSOLD
        if self.share >= CLOSE_TO_FULL:
            return CLOSE
        return OK

    @property
    def percent(self) -> int | None:
        """The share granted as a whole percentage, for people."""
        return None if self.share is None else round(self.share * 100)

    @property
    def free(self) -> float:
        return self.deliverable - self.granted


def granted_gpu_hours(
    pools: Iterable[Pool], periods: Sequence[str]
) -> dict[tuple[int, str], float]:
    """GPU-hours of active grants per (pool, period), net of reclaims: one query."""
    rows = (
        GrantPart.objects.filter(
            grant__state=GrantState.ACTIVE,
            pool__in=[pool.pk for pool in pools],
            period__in=list(periods),
        )
        .values("pool_id", "period")
        .annotate(hours=Sum(F("gpu_hours") - F("reclaimed_gpu_hours")))
    )
    return {(row["pool_id"], row["period"]): float(row["hours"] or 0) for row in rows}


def overcommit(
    pools: Iterable[Pool],
    periods: Sequence[str],
    adding: Mapping[tuple[int, str], float] | None = None,
) -> dict[tuple[int, str], OvercommitCell]:
    """Granted against deliverable for every (pool, period); two queries whatever the size.

    Call it before approving a round's grants, with `adding` the GPU-hours the approval would
    grant per (pool id, period): a cell whose `level` is "oversold" would then promise more
    GPU-hours than the pool can deliver in that month."""
    pools = list(pools)
    capacity = capacity_table(pools, list(periods))
    granted = granted_gpu_hours(pools, periods)
    adding = adding or {}
    out: dict[tuple[int, str], OvercommitCell] = {}
    for pool in pools:
        for period in periods:
            deliverable = capacity[pool.pk, period].net
            hours = granted.get((pool.pk, period), 0.0) + adding.get((pool.pk, period), 0.0)
            share = hours / deliverable if deliverable > 0 else None
            out[pool.pk, period] = OvercommitCell(pool.pk, period, hours, deliverable, share)
    return out


def maintenance_ahead(pool: Pool, periods: Sequence[str]) -> list[MaintenanceWindow]:
    """The pool's windows that overlap the periods shown (and any still running)."""
    first, _ = period_bounds(periods[0])
    _, last = period_bounds(periods[-1])
    return list(pool.maintenance.filter(ends_at__gt=first, starts_at__lt=last))


def discounts_listed(*, active_only: bool = True) -> list[Discount]:
    rows = Discount.objects.select_related("pool", "chapter").order_by(
        "-is_active", "-percent", "name"
    )
    if active_only:
        rows = rows.filter(is_active=True)
    return list(rows)


def applicable_discount(company: Company, pool: Pool) -> Discount | None:
    """The one discount a company's usage of `pool` gets: the largest active one that matches
    its stage or its chapter and names this pool or every pool. Discounts do not add up."""
    match = Q(stage=company.stage) if company.stage else Q(pk__in=[])
    chapter_id = company.organization.parent_id
    if chapter_id is not None:
        match |= Q(chapter_id=chapter_id)
    return (
        Discount.objects.filter(match, Q(pool=pool) | Q(pool__isnull=True), is_active=True)
        .order_by("-percent", "pk")
        .first()
    )
