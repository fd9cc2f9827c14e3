"""KPI results: a pure computation (no ORM) from a KPI's target and its measurements.

For each KPI: how many measurements, the latest value (by date, then by the order recorded),
the mean, the target, and whether the latest value reaches the target in the KPI's direction
("higher is better": latest ≥ target; "lower is better": latest ≤ target). The result is
judged on the latest value, not the mean: a demonstration shows where the service stands at
the end, and early runs that were tuned away should not hide it. No measurement: nothing is
achieved yet (`achieved` is None, not False).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HIGHER = "higher"
LOWER = "lower"


@dataclass(frozen=True)
class Point:
    measured_on: dt.date
    value: Decimal
    order: int = 0  # the order recorded (primary key): breaks ties between points of one day


@dataclass(frozen=True)
class KpiResult:
    count: int
    latest: Decimal | None
    latest_on: dt.date | None
    mean: Decimal | None
    target: Decimal
    direction: str
    achieved: bool | None
    # latest ÷ target in percent (higher is better) or target ÷ latest (lower is better),
    # capped at 999: how far along the way to the target the service stands
    progress_percent: int | None


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _progress(latest: Decimal, target: Decimal, direction: str) -> int | None:
    if direction == HIGHER:
        if target == 0:
            return None
        ratio = latest / target
    else:
        if latest == 0:
            return 999 if target >= 0 else None
        ratio = target / latest
    if ratio < 0:
        return None
    return min(999, int((ratio * 100).to_integral_value(rounding=ROUND_HALF_UP)))


def kpi_result(target: Decimal, direction: str, points: Sequence[Point]) -> KpiResult:
    if direction not in (HIGHER, LOWER):
        raise ValueError(f"unknown KPI direction {direction!r}")
    if not points:
        return KpiResult(0, None, None, None, target, direction, None, None)
    last = max(points, key=lambda p: (p.measured_on, p.order))
    mean = _quantize(sum((p.value for p in points), Decimal(0)) / len(points))
    achieved = last.value >= target if direction == HIGHER else last.value <= target
    return KpiResult(
        count=len(points),
        latest=last.value,
        latest_on=last.measured_on,
        mean=mean,
        target=target,
        direction=direction,
        achieved=achieved,
        progress_percent=_progress(last.value, target, direction),
    )
