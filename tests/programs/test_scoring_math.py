"""Scores and calibration (bitgoeul.programs.scoring): pure functions, hand-checked numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bitgoeul.programs.scoring import (
    CriterionScore,
    Rated,
    aggregate,
    calibrate,
    disagreement,
    rank_band,
    review_total,
    trimmed_mean,
)


def test_review_total_weights_scores_out_of_100() -> None:
    # 8/10 × 60 + 3/5 × 40 = 48 + 24 = 72 (weights sum to 100)
    total = review_total([CriterionScore(Decimal(8), 10, 60), CriterionScore(Decimal(3), 5, 40)])
    assert total == pytest.approx(72.0)


def test_review_total_na_is_left_out_and_weights_renormalised() -> None:
    # n/a on the 40% criterion: 8/10 over the 60% left alone = 80, not 48 (n/a as 0 would be 48)
    total = review_total([CriterionScore(Decimal(8), 10, 60), CriterionScore(None, 5, 40)])
    assert total == pytest.approx(80.0)


def test_review_total_all_na_is_none_not_zero() -> None:
    assert review_total([CriterionScore(None, 10, 60), CriterionScore(None, 5, 40)]) is None


def test_review_total_zero_score_counts_as_zero() -> None:
    # a real 0 is a score: 0 × 50 + 10/10 × 50 = 50
    total = review_total([CriterionScore(Decimal(0), 10, 50), CriterionScore(Decimal(10), 10, 50)])
    assert total == pytest.approx(50.0)


def test_trimmed_mean_drops_extremes_only_from_four_reviews() -> None:
    assert trimmed_mean([10.0, 50.0, 90.0]) == pytest.approx(50.0)  # three: plain mean
    # four: drop 10 and 100 → (50 + 60) / 2 = 55
    assert trimmed_mean([10.0, 50.0, 60.0, 100.0]) == pytest.approx(55.0)


def test_disagreement_flags_a_spread_over_the_threshold() -> None:
    assert disagreement([60.0, 85.0]) is False  # spread 25: not over 25
    assert disagreement([60.0, 85.5]) is True
    assert disagreement([90.0]) is False  # one review has no spread


def hand_example() -> list[Rated]:
    # Reviewer A is lenient, B harsh, both with the same spread:
    #   A: p = 95, q = 65        B: q = 55, r = 25
    return [
        Rated("p", "A", 95.0),
        Rated("q", "A", 65.0),
        Rated("q", "B", 55.0),
        Rated("r", "B", 25.0),
    ]


def test_calibration_hand_checked_with_shrinkage() -> None:
    # Global: μ = (95 + 65 + 55 + 25) / 4 = 60; deviations 35, 5, −5, −35;
    #   σ² = (1225 + 25 + 25 + 1225) / 4 = 625 → σ = 25.
    # A: n = 2, μ_A = 80, σ_A = 15 (deviations ±15); B: n = 2, μ_B = 40, σ_B = 15.
    # k = 2: μ_A' = (2·80 + 2·60) / 4 = 70, σ_A' = (2·15 + 2·25) / 4 = 20;
    #        μ_B' = (2·40 + 2·60) / 4 = 50, σ_B' = 20.
    # x' = 60 + 25 · (x − μ_r') / σ_r':
    #   A p: 60 + 25 · (95 − 70) / 20 = 60 + 31.25 = 91.25
    #   A q: 60 + 25 · (65 − 70) / 20 = 60 − 6.25  = 53.75
    #   B q: 60 + 25 · (55 − 50) / 20 = 60 + 6.25  = 66.25
    #   B r: 60 + 25 · (25 − 50) / 20 = 60 − 31.25 = 28.75
    # Applications: p = 91.25, q = (53.75 + 66.25) / 2 = 60.0, r = 28.75
    result = calibrate(hand_example(), k=2)
    assert (result.global_mean, result.global_sd) == (60.0, 25.0)
    assert result.reviewers["A"].shrunk_mean == pytest.approx(70.0)
    assert result.reviewers["B"].shrunk_sd == pytest.approx(20.0)
    assert [round(x, 4) for x in result.adjusted] == [91.25, 53.75, 66.25, 28.75]
    assert {k: round(v, 4) for k, v in result.applications.items()} == {
        "p": 91.25,
        "q": 60.0,
        "r": 28.75,
    }


def test_calibration_without_shrinkage_is_plain_standardisation() -> None:
    # k = 0: μ_A = 80, σ_A = 15 → A p: z = 1 → 60 + 25 = 85; A q: z = −1 → 35;
    #        μ_B = 40, σ_B = 15 → B q: z = 1 → 85;          B r: z = −1 → 35; q = (35 + 85) / 2
    result = calibrate(hand_example(), k=0)
    assert [round(x, 4) for x in result.adjusted] == [85.0, 35.0, 85.0, 35.0]
    assert result.applications["q"] == pytest.approx(60.0)


def test_calibration_single_review_reviewer_is_pulled_to_the_global_scale() -> None:
    # C gave one review (90), so σ_C = 0. With C the totals are 95, 65, 55, 25, 90:
    #   μ = 330 / 5 = 66, σ² = (29² + 1² + 11² + 41² + 24²) / 5 = 3220 / 5 = 644.
    # k = 3: μ_C' = (1·90 + 3·66) / 4 = 72, σ_C' = (1·0 + 3·σ) / 4 = 0.75 σ,
    #   so x' = 66 + σ · (90 − 72) / (0.75 σ) = 66 + 24 = 90 (σ cancels).
    rated = [*hand_example(), Rated("s", "C", 90.0)]
    result = calibrate(rated, k=3)
    sigma = 644**0.5
    assert result.global_mean == pytest.approx(66.0)
    assert result.global_sd == pytest.approx(sigma)
    shrunk_mean = (90 + 3 * 66) / 4  # 72
    shrunk_sd = (0 + 3 * sigma) / 4
    assert result.applications["s"] == pytest.approx(66 + sigma * (90 - shrunk_mean) / shrunk_sd)
    assert result.applications["s"] == pytest.approx(90.0)


def test_calibration_when_everyone_agrees_keeps_the_totals() -> None:
    result = calibrate([Rated("p", "A", 70.0), Rated("q", "B", 70.0)])
    assert result.applications == {"p": 70.0, "q": 70.0}


def test_aggregate_side_by_side() -> None:
    out = aggregate(hand_example(), k=2)
    assert out["q"].count == 2
    assert out["q"].mean == pytest.approx(60.0)
    assert out["q"].spread == pytest.approx(10.0)
    assert out["p"].calibrated == pytest.approx(91.25)
    assert out["p"].basis("trimmed") == pytest.approx(95.0)
    with pytest.raises(ValueError):
        out["p"].basis("median")


def test_rank_band() -> None:
    assert [rank_band(r, 20) for r in (1, 2, 3, 5, 6, 10, 11, 0)] == [
        "top10",
        "top10",
        "top25",
        "top25",
        "top50",
        "top50",
        "rest",
        "rest",
    ]
