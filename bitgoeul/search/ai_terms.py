"""How central AI is to what a company does, from the terms of its description and products.

A pure function over already-computed index terms, used by the potential score.
"""

from __future__ import annotations

from collections.abc import Iterable

# Index terms (as `bitgoeul.search.terms` produces them) that signal AI work.
AI_TERMS = frozenset(
    {
        "ai",
        "인공지능",
        "인공",
        "지능",
        "딥러닝",
        "딥",
        "러닝",
        "머신러닝",
        "기계학습",
        "학습",
        "신경망",
        "llm",
        "gpt",
        "언어모델",
        "생성형",
        "생성",
        "비전",
        "vision",
        "자연어",
        "nlp",
        "음성인식",
        "음성",
        "인식",
        "추론",
        "예측",
        "자율주행",
        "로봇",
        "robotics",
        "데이터",
        "빅데이터",
        "mlops",
        "gpu",
        "알고리즘",
        "machine",
        "learning",
        "deep",
        "neural",
        "generative",
    }
)
# Terms that on their own make AI the core of the product (worth more than a passing mention).
CORE_TERMS = frozenset({"ai", "인공지능", "딥러닝", "머신러닝", "llm", "생성형", "신경망", "mlops"})


def ai_centrality(terms: Iterable[str], ai_tag_count: int) -> float:
    """0–1: the share of AI terms in the text (saturating at 25 %), a bonus for core terms,
    and the AI technology tags (saturating at three), weighted 0.5 / 0.2 / 0.3."""
    all_terms = list(terms)
    if not all_terms and not ai_tag_count:
        return 0.0
    hits = sum(1 for term in all_terms if term in AI_TERMS)
    share = min(1.0, (hits / len(all_terms)) / 0.25) if all_terms else 0.0
    core = 1.0 if any(term in CORE_TERMS for term in all_terms) else 0.0
    tags = min(1.0, ai_tag_count / 3)
    return round(0.5 * share + 0.2 * core + 0.3 * tags, 4)
