from __future__ import annotations

from bitgoeul.compute.weights import request_weight


def test_weight_sums_its_terms_over_a_base_of_one() -> None:
    weight = request_weight(
        weight_award=0.5,
        weight_potential=0.3,
        weight_priority=0.2,
        award_score=80,
        potential_score=60,
        staff_priority=7,
    )
    assert [(t.code, t.value, t.points, t.missing) for t in weight.terms] == [
        ("award", 80.0, 40.0, False),
        ("potential", 60.0, 18.0, False),
        ("priority", 70.0, 14.0, False),
    ]
    assert weight.value == 73.0


def test_missing_terms_take_their_defaults_and_scores_are_clipped() -> None:
    weight = request_weight(
        weight_award=0.5,
        weight_potential=0.3,
        weight_priority=0.2,
        award_score=None,
        potential_score=None,
        staff_priority=0,
    )
    assert [(t.value, t.missing) for t in weight.terms] == [(0.0, True), (50.0, True), (0.0, False)]
    assert weight.value == 16.0
    clipped = request_weight(
        weight_award=1,
        weight_potential=0,
        weight_priority=0,
        award_score=130,
        potential_score=-5,
        staff_priority=0,
    )
    assert (clipped.terms[0].value, clipped.terms[1].value, clipped.value) == (100.0, 0.0, 101.0)
