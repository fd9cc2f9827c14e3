"""Affinity: tag overlap plus BM25 over Kiwi terms, on examples checked by hand."""

from __future__ import annotations

import math

from bitgoeul.programs.affinity import (
    ApplicationText,
    ReviewerText,
    TechnologyTerms,
    affinity_matrix,
    jaccard,
    keyword_technologies,
)

VISION = TechnologyTerms(1, ("비전", "Vision", "vision"))
LANGUAGE = TechnologyTerms(2, ("언어", "Language", "language"))
ROBOTICS = TechnologyTerms(3, ("로보틱스", "Robotics", "robotics"))
DATA = TechnologyTerms(4, ("데이터·인프라", "Data and infrastructure", "data"))
TECHNOLOGIES = [VISION, LANGUAGE, ROBOTICS, DATA]


def test_keywords_map_to_the_technologies_they_name() -> None:
    assert keyword_technologies(["컴퓨터 비전", "Robotics arm"], TECHNOLOGIES) == {1, 3}
    assert keyword_technologies(["대형언어모델"], TECHNOLOGIES) == {2}
    assert keyword_technologies(["배터리", "wideband radio"], TECHNOLOGIES) == frozenset()
    assert keyword_technologies(["GPU 인프라"], TECHNOLOGIES) == {4}


def test_jaccard_of_tags() -> None:
    assert jaccard(frozenset({1}), frozenset({1, 2})) == 0.5
    assert jaccard(frozenset(), frozenset()) == 0.0


def test_affinity_on_a_hand_checked_example() -> None:
    """One application (text "vision", keyword 컴퓨터 비전 → tag vision) and three reviewers
    with English profiles, so that the terms are the words themselves.

    Tags (Jaccard with {vision}): A {vision} 1, B {vision, language} 0.5, C {} 0.
    BM25 of "vision" (k1 1.2, b 0.75; lengths A 2, B 1, C 1; average 4/3): B has no "vision";
    A = idf·2.2/(1 + 1.2·(0.25 + 0.75·2/(4/3))) = idf·2.2/2.65, C = idf·2.2/(1 + 0.975) =
    idf·2.2/1.975 — C is the best, so the text scores are A 1.975/2.65, B 0, C 1.
    Affinity = round(1000·(0.5·tags + 0.5·text)): A 873, B 250, C 500.
    """
    application = ApplicationText(10, "vision", "", ("컴퓨터 비전",))
    reviewers = [
        ReviewerText(1, "vision inspection", frozenset({1})),
        ReviewerText(2, "speech", frozenset({1, 2})),
        ReviewerText(3, "vision", frozenset()),
    ]
    text_a = 1.975 / 2.65
    assert math.isclose(text_a, 0.745283, rel_tol=1e-5)
    matrix = affinity_matrix([application], reviewers, TECHNOLOGIES)
    assert matrix.tolist() == [[round(1000 * (0.5 + 0.5 * text_a)), 250, 500]]
    assert matrix.tolist() == [[873, 250, 500]]


def test_korean_text_meets_through_kiwi_morphemes() -> None:
    """반도체장비를 (one word) meets 반도체 and 장비 in a profile through its morphemes; a
    profile about something else scores 0."""
    application = ApplicationText(1, "반도체장비를 검사하는 비전 시스템", "", ())
    reviewers = [
        ReviewerText(1, "반도체 장비 공정 전문가", frozenset()),
        ReviewerText(2, "금융 서비스 기획", frozenset()),
    ]
    assert affinity_matrix([application], reviewers, TECHNOLOGIES).tolist() == [[500, 0]]


def test_an_empty_pool_or_no_application_gives_an_empty_matrix() -> None:
    assert affinity_matrix([], [], TECHNOLOGIES).shape == (0, 0)
    application = ApplicationText(1, "x", "", ())
    assert affinity_matrix([application], [], TECHNOLOGIES).shape == (1, 0)
