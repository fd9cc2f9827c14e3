"""What a person typed → the query languages of SQLite FTS5 and PostgreSQL `tsquery`.

A query matches a document holding any of its terms (OR), each as a prefix, so that `반도체`
finds `반도체장비` and `인공지능을` finds `인공지능`; BM25 (`ts_rank_cd` on PostgreSQL) then
puts documents that hold more of the rarer terms first. A few synonyms widen the terms.
"""

from __future__ import annotations

from dataclasses import dataclass

from bitgoeul.search.terms import query_terms, words

# Both directions are listed; keys and values are lower-case words.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "ai": ("인공지능",),
    "인공지능": ("ai",),
    "에이아이": ("ai", "인공지능"),
    "llm": ("언어모델",),
    "로봇": ("robot", "robotics"),
    "robot": ("로봇",),
    "드론": ("drone",),
    "drone": ("드론",),
    "반도체": ("semiconductor",),
    "semiconductor": ("반도체",),
    "헬스케어": ("healthcare", "의료"),
    "healthcare": ("헬스케어", "의료"),
}
# Query terms that say nothing about a company (every description has them).
STOP_TERMS = frozenset({"하", "있", "되", "위하", "통하", "대하", "등", "및", "것", "수"})
MAX_TERMS = 16  # a pasted paragraph must not become a thousand-term query


@dataclass(frozen=True)
class Query:
    terms: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.terms

    def fts5(self) -> str:
        """FTS5 MATCH expression: `"반도체"* OR "장비"*`."""
        return " OR ".join(f'"{term}"*' for term in self.terms)

    def tsquery(self) -> str:
        """Text for PostgreSQL `to_tsquery('simple', …)`: `반도체:* | 장비:*`."""
        return " | ".join(f"{term}:*" for term in self.terms)


def parse_query(text: str) -> Query:
    """Parse a search box into terms (empty when nothing searchable was typed)."""
    terms = [t for t in query_terms(text) if t not in STOP_TERMS]
    for word in words(text):
        for key, alternatives in SYNONYMS.items():
            if word == key or (not key.isascii() and word.startswith(key)):
                for alternative in alternatives:
                    terms.extend(query_terms(alternative) if " " in alternative else [alternative])
    # Only characters both engines treat as word characters reach the query strings.
    clean = [t for t in dict.fromkeys(terms) if t and all(c.isalnum() for c in t)]
    return Query(tuple(clean[:MAX_TERMS]))
