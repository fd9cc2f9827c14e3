"""The potential score's arithmetic on small examples checked by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from bitgoeul.companies.score_math import (
    age_band,
    certification_signal,
    growth_rate,
    investment_signal,
    percentiles,
    score_all,
)


def test_percentiles_are_mid_ranks() -> None:
    assert percentiles([1, 2, 2, 4]) == [0.125, 0.5, 0.5, 0.875]
    assert percentiles([7]) == [0.5]
    assert percentiles([3, 1, 2]) == pytest.approx([5 / 6, 1 / 6, 3 / 6])


def test_growth_rate_is_yearly_over_the_last_three_years() -> None:
    assert growth_rate([(2021, 100), (2023, 400)]) == 1.0  # doubled each year
    assert growth_rate([(2018, 1), (2020, 100), (2023, 800)]) == 1.0  # 2020→2023: ×8 in 3
    assert growth_rate([(2023, 100)]) is None
    assert growth_rate([(2022, 0), (2023, 100)]) is None
    assert growth_rate([(2022, 100), (2023, None)]) is None


def test_investment_signal_halves_every_two_years() -> None:
    today = dt.date(2025, 1, 1)
    recent = investment_signal([(today, 999)], today)
    old = investment_signal([(dt.date(2021, 1, 1), 3996)], today)  # 4 years: a quarter
    assert recent == 3.0  # log10(1 + 999)
    assert old == pytest.approx(3.0, abs=0.001)
    assert investment_signal([], today) == 0.0


def test_certification_signal_counts_tips_double_and_each_kind_once() -> None:
    assert certification_signal(["venture", "tips", "venture"]) == 3.0


def test_age_bands() -> None:
    today = dt.date(2025, 6, 1)
    assert age_band(dt.date(2024, 1, 1), today) == "0-3"
    assert age_band(dt.date(2020, 1, 1), today) == "3-7"
    assert age_band(dt.date(2000, 1, 1), today) == "15+"
    assert age_band(None, today) == "?"


def test_score_all_hand_checked_example() -> None:
    """Five peers in one group, two signals weighted 3:1.

    patents 0, 1, 1, 3, 5 → percentiles 0.1, 0.4, 0.4, 0.7, 0.9
    growth  0.5, None, 0.1, 0.2, 0.3 → among the four with data: 0.875, —, 0.125, 0.375, 0.625
    company 2 has no growth: its score is its patents percentile alone (40.0).
    company 1: 100 × (0.75 × 0.1 + 0.25 × 0.875) = 29.375 → 29.4
    company 3: 100 × (0.75 × 0.4 + 0.25 × 0.125) = 33.125 → 33.1
    company 5: 100 × (0.75 × 0.9 + 0.25 × 0.625) = 83.125 → 83.1
    """
    values: dict[int, dict[str, float | None]] = {
        1: {"patents": 0.0, "revenue_growth": 0.5},
        2: {"patents": 1.0, "revenue_growth": None},
        3: {"patents": 1.0, "revenue_growth": 0.1},
        4: {"patents": 3.0, "revenue_growth": 0.2},
        5: {"patents": 5.0, "revenue_growth": 0.3},
    }
    results = score_all(
        {k: ("J|3-7", v) for k, v in values.items()}, {"patents": 3, "revenue_growth": 1}
    )
    assert [results[k].score for k in range(1, 6)] == [29.4, 40.0, 33.1, 61.9, 83.1]
    first = results[1].signals
    assert (first["patents"].percentile, first["patents"].weight) == (0.1, 0.75)
    assert (first["revenue_growth"].percentile, first["revenue_growth"].points) == (0.875, 21.88)
    assert results[2].signals["revenue_growth"].percentile is None
    assert results[2].signals["patents"].weight == 1.0
    assert (results[1].group, results[1].peers) == ("J|3-7", 5)


def test_small_groups_borrow_the_section_then_everyone() -> None:
    companies: dict[int, tuple[str, dict[str, float | None]]] = {
        i: ("J|0-3" if i < 3 else "J|7-15", {"patents": float(i)}) for i in range(6)
    }
    companies[9] = ("C|0-3", {"patents": 9.0})
    results = score_all(companies, {"patents": 1})
    assert (results[0].group, results[0].peers) == ("J|*", 6)
    assert (results[9].group, results[9].peers) == ("*", 7)


def test_unknown_signals_are_an_error() -> None:
    with pytest.raises(ValueError, match="unknown signals: charm"):
        score_all({}, {"charm": 1})
