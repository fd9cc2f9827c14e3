"""What the GPU home shows the operator's staff: this month's pools (deliverable, granted, used
so far) and the rounds with their requests. Each a query or a few, whatever the number of
grants and ledger lines (the ledger's unmatched accounts: `selectors_usage`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Sum

from bitgoeul.compute.enums import RequestState
from bitgoeul.compute.models import ComputeRequest, Pool, Round
from bitgoeul.compute.selectors_burn import pool_use
from bitgoeul.compute.selectors_pools import overcommit


@dataclass(frozen=True)
class PoolMonth:
    pool: Pool
    deliverable: float  # net capacity of the month
    granted: float  # active grants, net of reclaims
    used: float  # the ledger so far (grants' and unmatched accounts' lines)
    level: str  # the over-commit level: "ok", "close" or "oversold"

    def _percent(self, hours: float) -> int | None:
        return round(100 * hours / self.deliverable) if self.deliverable > 0 else None

    @property
    def granted_percent(self) -> int | None:
        return self._percent(self.granted)

    @property
    def used_percent(self) -> int | None:
        return self._percent(self.used)

    @property
    def granted_bar(self) -> int:
        """The bar's width (0–100): an oversold pool's bar is full, its figure says by how much."""
        return min(100, self.granted_percent or 0)

    @property
    def used_bar(self) -> int:
        return min(100, self.used_percent or 0)


def pools_month(period: str) -> list[PoolMonth]:
    """Every pool in `period`. Four queries."""
    pools = list(Pool.objects.order_by("name"))
    cells = overcommit(pools, [period])
    used = pool_use(period)
    return [
        PoolMonth(
            pool=pool,
            deliverable=cells[pool.pk, period].deliverable,
            granted=cells[pool.pk, period].granted,
            used=used.get(pool.pk, 0.0),
            level=cells[pool.pk, period].level,
        )
        for pool in pools
    ]


@dataclass(frozen=True)
class RoundLine:
    round: Round
    requests: int  # submitted or decided (drafts and withdrawn ones not counted)
    requested: float  # their GPU-hours


def round_lines(rounds: Sequence[Round]) -> list[RoundLine]:
    """Each round with its requests' count and GPU-hours. One query."""
    counted = (
        ComputeRequest.objects.filter(round__in=rounds)
        .exclude(state__in=(RequestState.DRAFT, RequestState.WITHDRAWN))
        .values("round_id")
        .annotate(n=Count("pk"), hours=Sum("demand_gpu_hours"))
        .order_by()
    )
    by_round = {row["round_id"]: (row["n"], row["hours"] or 0.0) for row in counted}
    return [RoundLine(rnd, *by_round.get(rnd.pk, (0, 0.0))) for rnd in rounds]
