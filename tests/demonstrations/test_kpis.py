"""KPI aggregation: latest, mean, against the target in the KPI's direction (pure, in memory)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bitgoeul.demonstrations.kpis import Point, kpi_result

D = Decimal
DAY = dt.date(2026, 5, 1)


def points(*values: str) -> list[Point]:
    return [Point(DAY + dt.timedelta(days=i), D(v), i) for i, v in enumerate(values)]


def test_kpi_result_higher_is_better_judges_the_latest_value() -> None:
    result = kpi_result(D(95), "higher", points("80", "97", "94"))
    assert (result.count, result.latest, result.mean, result.achieved) == (
        3,
        D("94"),
        D("90.33"),
        False,
    )
    assert result.latest_on == DAY + dt.timedelta(days=2)
    assert result.progress_percent == 99


def test_kpi_result_target_reached_exactly_counts_in_both_directions() -> None:
    assert kpi_result(D(95), "higher", points("95")).achieved is True
    assert kpi_result(D(30), "lower", points("30")).achieved is True


def test_kpi_result_lower_is_better() -> None:
    above = kpi_result(D(30), "lower", points("64", "31"))
    below = kpi_result(D(30), "lower", points("64", "27"))
    assert (above.achieved, below.achieved) == (False, True)
    assert (above.progress_percent, below.progress_percent) == (97, 111)


def test_kpi_result_latest_is_by_date_then_by_order_recorded() -> None:
    late_first = [
        Point(DAY, D("10"), 5),
        Point(DAY, D("20"), 6),
        Point(DAY - dt.timedelta(1), D("99"), 7),
    ]
    assert kpi_result(D(15), "higher", late_first).latest == D("20")


def test_kpi_result_without_measurements_is_not_judged() -> None:
    result = kpi_result(D(5), "higher", [])
    assert (result.count, result.latest, result.mean, result.achieved, result.progress_percent) == (
        0,
        None,
        None,
        None,
        None,
    )


def test_kpi_result_zero_target_has_no_progress_but_is_judged() -> None:
    result = kpi_result(D(0), "higher", points("3"))
    assert (result.achieved, result.progress_percent) == (True, None)


def test_kpi_result_refuses_an_unknown_direction() -> None:
    with pytest.raises(ValueError, match="sideways"):
        kpi_result(D(1), "sideways", points("1"))
