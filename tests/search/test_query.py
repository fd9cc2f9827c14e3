"""What a person types → FTS5 and tsquery strings: terms per word, any word and every word."""

from __future__ import annotations

from bitgoeul.search.query import parse_query


def test_particles_and_verbs_are_dropped_and_synonyms_join_their_word() -> None:
    query = parse_query("인공지능을 활용한")
    assert query.groups == (("인공", "지능", "ai"), ("활용",))
    assert query.terms == ("인공", "지능", "ai", "활용")


def test_any_word_and_every_word() -> None:
    query = parse_query("생성형 AI")
    assert query.fts5() == '"생성"* OR "ai"* OR "인공지능"*'
    assert query.fts5_all() == '("생성"*) AND ("ai"* OR "인공지능"*)'
    assert query.tsquery() == "생성:* | ai:* | 인공지능:*"
    assert query.tsquery_all() == "(생성:*) & (ai:* | 인공지능:*)"


def test_a_repeated_word_is_one_group() -> None:
    assert parse_query("드론 드론").groups == (("드론", "drone"),)


def test_nothing_searchable_is_empty() -> None:
    query = parse_query("하는 것 !!")
    assert query.is_empty
    assert query.groups == ()


def test_query_syntax_cannot_be_injected() -> None:
    query = parse_query('반도체" OR * NEAR(:) & | !')
    # operators become quoted words, punctuation disappears
    assert query.fts5_all() == '("반도체"* OR "semiconductor"*) AND ("or"*) AND ("near"*)'
    assert all(c.isalnum() for term in query.terms for c in term)
