from __future__ import annotations

import pytest

from bitgoeul.search import terms
from bitgoeul.search.ai_terms import ai_centrality
from bitgoeul.search.query import parse_query
from bitgoeul.search.terms import (
    document_terms,
    document_terms_many,
    name_terms,
    query_terms,
    words,
)


def test_words_drop_legal_forms_and_punctuation() -> None:
    assert words("(주)빛고을에이아이, Bitgoeul AI Inc.") == [
        "빛고을에이아이",
        "bitgoeul",
        "ai",
        "inc",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "(주)빛고을",
        "(유)빛고을",
        "(사)빛고을",
        "(재)빛고을",
        "(합)빛고을",
        "㈜빛고을",
        "주식회사 빛고을",
        "빛고을 유한회사",
        "빛고을유한책임회사",
        "사단법인 빛고을",
        "재단법인빛고을",
    ],
)
def test_every_legal_form_is_dropped(name: str) -> None:
    assert words(name) == ["빛고을"]


def test_document_terms_keep_the_word_and_its_morphemes() -> None:
    terms = document_terms("반도체장비를 만드는 기업").split()
    assert terms[:3] == ["반도체장비를", "반도체", "장비"]


def test_query_terms_drop_particles_and_endings() -> None:
    assert query_terms("인공지능을 활용한") == ["인공", "지능", "활용"]


def test_query_terms_keep_english_words_whole() -> None:
    assert query_terms("AI 기반 MLOps") == ["ai", "기반", "mlops"]


def test_name_terms_make_every_part_of_a_name_a_prefix() -> None:
    assert name_terms("(주)빛고을에이아이").split() == [
        "빛고을에이아이",
        "고을에이아이",
        "을에이아이",
        "에이아이",
        "이아이",
        "아이",
    ]


def test_parse_query_builds_prefix_or_queries_with_synonyms() -> None:
    query = parse_query("AI")
    assert query.terms == ("ai", "인공지능")
    assert query.fts5() == '"ai"* OR "인공지능"*'
    assert query.tsquery() == "ai:* | 인공지능:*"


def test_parse_query_of_punctuation_only_is_empty() -> None:
    assert parse_query(" ?! ").is_empty


def test_parse_query_keeps_operators_out_of_the_query_language() -> None:
    query = parse_query('반도체" OR NOT * (장비)')
    assert all(term.isalnum() for term in query.terms)
    assert '"' not in query.fts5().replace('"*', "").replace(' OR "', "").strip('"')


def test_ai_centrality_weighs_text_core_terms_and_tags() -> None:
    assert ai_centrality([], 0) == 0.0
    assert ai_centrality(["식품", "유통"], 0) == 0.0
    # 1 AI term in 4 = 25 % (full share), a core term, no tags: 0.5 + 0.2
    assert ai_centrality(["인공지능", "식품", "유통", "기업"], 0) == 0.7
    assert ai_centrality(["식품"], 3) == 0.3


def test_document_terms_many_equals_one_text_at_a_time() -> None:
    texts = ["반도체장비를 만드는 기업", "AI 기반 협동로봇을 만드는", "", "반도체장비를 2024 AI"]
    terms._cache.clear()
    terms._expanded.clear()
    many = document_terms_many(texts)
    terms._cache.clear()
    terms._expanded.clear()
    assert many == [document_terms(text) for text in texts]
    assert many[3].split()[:3] == ["반도체장비를", "반도체", "장비"]


def test_document_terms_survive_the_cache_filling_up(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = document_terms("반도체장비를 만드는 협동로봇")
    monkeypatch.setattr(terms, "CACHE_LIMIT", 2)
    assert document_terms("반도체장비를 만드는 협동로봇") == expected
    assert document_terms_many(["협동로봇 반도체장비를", "만드는"]) == [
        document_terms("협동로봇 반도체장비를"),
        document_terms("만드는"),
    ]
