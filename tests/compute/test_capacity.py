from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bitgoeul.compute.capacity import capacity_table
from bitgoeul.compute.models import MaintenanceWindow, Pool
from bitgoeul.compute.periods import (
    SEOUL,
    period_bounds,
    period_hours,
    period_of,
    periods_between,
)

pytestmark = pytest.mark.django_db


def test_periods_are_seoul_months() -> None:
    # 2026-11-30 20:00 UTC is already December in Seoul
    assert period_of(dt.datetime(2026, 11, 30, 20, tzinfo=dt.UTC)) == "2026-12"
    assert (period_hours("2027-02"), period_hours("2028-02"), period_hours("2026-12")) == (
        672,
        696,
        744,
    )
    assert period_bounds("2026-12") == (
        dt.datetime(2026, 12, 1, tzinfo=SEOUL),
        dt.datetime(2027, 1, 1, tzinfo=SEOUL),
    )
    assert periods_between("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    with pytest.raises(ValueError):
        period_bounds("2026-13")


def test_capacity_is_net_of_maintenance_split_at_the_month_end_and_of_the_reserve() -> None:
    pool = Pool.objects.create(
        name="H100", model="h100", gpus=10, nodes=2, gpu_memory_gb=80, reserved_share=Decimal("0.1")
    )
    other = Pool.objects.create(name="A100", model="a100", gpus=4, nodes=1, gpu_memory_gb=80)
    # 4 GPUs down for 48 hours across the end of December: 24 h in each month
    MaintenanceWindow.objects.create(
        pool=pool,
        starts_at=dt.datetime(2026, 12, 31, tzinfo=SEOUL),
        ends_at=dt.datetime(2027, 1, 2, tzinfo=SEOUL),
        gpus=4,
        reason="cooling",
    )
    table = capacity_table([pool, other], ["2026-12", "2027-01", "2027-02"])
    december = table[pool.pk, "2026-12"]
    assert (december.gross, december.maintenance) == (7440.0, 96.0)
    assert december.net == pytest.approx((7440 - 96) * 0.9)
    assert table[pool.pk, "2027-02"].net == pytest.approx(6720 * 0.9)
    assert table[other.pk, "2027-01"].net == 4 * 744.0
