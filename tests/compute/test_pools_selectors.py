"""The capacity calendar and the over-commit figures on a small fixture; which discount applies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bitgoeul.companies.enums import Stage
from bitgoeul.compute.enums import GrantState
from bitgoeul.compute.models import Discount, MaintenanceWindow
from bitgoeul.compute.periods import SEOUL
from bitgoeul.compute.selectors_pools import (
    CLOSE,
    OK,
    OVERSOLD,
    applicable_discount,
    calendar_periods,
    capacity_calendar,
    overcommit,
)
from tests.compute.pools_scene import company_of, make_grant, make_pool
from tests.conftest import World

pytestmark = pytest.mark.django_db

PERIODS = ["2027-01", "2027-02", "2027-03"]


def test_calendar_periods_start_with_the_current_seoul_month() -> None:
    now = dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC)  # already 1 December in Seoul
    assert calendar_periods(now, 3) == ["2026-12", "2027-01", "2027-02"]
    assert len(calendar_periods(now)) == 12


def test_capacity_calendar_has_every_pool_and_period_in_order() -> None:
    h100 = make_pool("h100", gpus=10, reserved_share=Decimal("0.1"))
    t4 = make_pool("t4", gpus=4, reserved_share=Decimal("0"))
    # 2 GPUs out for the first 10 days of February
    MaintenanceWindow.objects.create(
        pool=h100,
        starts_at=dt.datetime(2027, 2, 1, tzinfo=SEOUL),
        ends_at=dt.datetime(2027, 2, 11, tzinfo=SEOUL),
        gpus=2,
        reason="점검",
    )
    h100_row, t4_row = capacity_calendar([h100, t4], PERIODS)
    assert [cell.period for cell in h100_row.cells] == PERIODS
    february = h100_row.cells[1]
    assert (february.gross, february.maintenance) == (6720.0, 480.0)
    assert february.reserved == pytest.approx(624.0)
    assert february.net == pytest.approx(5616.0)
    assert t4_row.net_total == 4 * (744 + 672 + 744)


def test_overcommit_sums_active_grants_net_of_reclaims_against_net_capacity(
    world: World,
) -> None:
    pool = make_pool("h100", gpus=10, reserved_share=Decimal("0"))  # 7440 GPU-h in January
    other = make_pool("t4", gpus=1, reserved_share=Decimal("0"))  # 744 in January
    company = company_of(world.company)
    make_grant(company, {(pool, "2027-01"): 5000, (pool, "2027-02"): 6000}, reclaimed=100)
    make_grant(company, {(pool, "2027-01"): 2000, (other, "2027-01"): 800})
    make_grant(company, {(pool, "2027-03"): 9999}, state=GrantState.ENDED)  # not counted
    cells = overcommit([pool, other], PERIODS)
    january = cells[pool.pk, "2027-01"]
    assert (january.granted, january.deliverable) == (6900.0, 7440.0)
    assert january.share == pytest.approx(6900 / 7440)
    assert january.level == CLOSE  # 92.7%
    assert cells[pool.pk, "2027-02"].granted == 5900.0
    assert cells[pool.pk, "2027-02"].level == OK  # 5900 of 6720: 87.8%
    assert (cells[pool.pk, "2027-03"].granted, cells[pool.pk, "2027-03"].level) == (0.0, OK)
    assert cells[other.pk, "2027-01"].level == OVERSOLD  # 800 of 744
    assert cells[other.pk, "2027-01"].free == -56.0
    # what an approval would add: 1000 more in February oversells it
    ahead = overcommit([pool], PERIODS, adding={(pool.pk, "2027-02"): 1000.0})
    assert (ahead[pool.pk, "2027-02"].granted, ahead[pool.pk, "2027-02"].level) == (
        6900.0,
        OVERSOLD,
    )


def test_a_pool_wholly_in_maintenance_is_oversold_by_any_grant(world: World) -> None:
    pool = make_pool("a100", gpus=2, reserved_share=Decimal("0"))
    MaintenanceWindow.objects.create(
        pool=pool,
        starts_at=dt.datetime(2027, 1, 1, tzinfo=SEOUL),
        ends_at=dt.datetime(2027, 2, 1, tzinfo=SEOUL),
        gpus=2,
        reason="교체",
    )
    cells = overcommit([pool], ["2027-01"])
    assert (cells[pool.pk, "2027-01"].share, cells[pool.pk, "2027-01"].level) == (None, OK)
    make_grant(company_of(world.company), {(pool, "2027-01"): 1})
    assert overcommit([pool], ["2027-01"])[pool.pk, "2027-01"].level == OVERSOLD


def test_overcommit_costs_two_queries_whatever_the_size(
    world: World, django_assert_num_queries: pytest.FixtureDef[None]
) -> None:
    pools = [make_pool(f"m{n}", gpus=8) for n in range(4)]
    company = company_of(world.company)
    for pool in pools:
        make_grant(company, {(pool, period): 100 for period in PERIODS})
    with django_assert_num_queries(2):  # type: ignore[operator]  # windows, grants
        cells = overcommit(pools, PERIODS)
    assert len(cells) == 12


def test_the_largest_matching_discount_applies_and_they_do_not_add_up(world: World) -> None:
    pool = make_pool("h100")
    other = make_pool("t4")
    company = company_of(world.company, stage=Stage.SEED)
    assert applicable_discount(company, pool) is None
    region = Discount.objects.create(name="지역", chapter=world.chapter, percent=20)
    assert applicable_discount(company, pool) == region
    seed = Discount.objects.create(name="시드", stage=Stage.SEED, percent=50, pool=other)
    assert applicable_discount(company, pool) == region  # the seed discount is for T4 only
    assert applicable_discount(company, other) == seed
    Discount.objects.create(name="성장", stage=Stage.GROWTH, percent=70)
    Discount.objects.create(name="부산", chapter=world.other_chapter, percent=90)
    Discount.objects.create(name="옛 할인", chapter=world.chapter, percent=80, is_active=False)
    assert applicable_discount(company, other) == seed
