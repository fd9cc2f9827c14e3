"""What a person typed → the query languages of SQLite FTS5 and PostgreSQL `tsquery`.

A query matches a document holding any of its terms (OR), each as a prefix, so that `반도체`
finds `반도체장비` and `인공지능을` finds `인공지능`; BM25 (`ts_rank_cd` on PostgreSQL) then
puts documents that hold more of the rarer terms first. A few synonyms widen the terms.

The terms are also kept per word typed (`groups`): `fts5_all`/`tsquery_all` ask for a document
that matches every word (any term of each), which the search tries first to find the best
candidates quickly before falling back to any word.
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
    # the terms of each word typed (a word's morphemes and synonyms), in the order typed
    groups: tuple[tuple[str, ...], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.terms

    def fts5(self) -> str:
        """FTS5 MATCH expression: `"반도체"* OR "장비"*`."""
        return " OR ".join(f'"{term}"*' for term in self.terms)

    def tsquery(self) -> str:
        """Text for PostgreSQL `to_tsquery('simple', …)`: `반도체:* | 장비:*`."""
        return " | ".join(f"{term}:*" for term in self.terms)

    def fts5_all(self) -> str:
        """FTS5 MATCH expression for a document matching every word typed:
        `("인공"* OR "ai"*) AND ("의료"* OR "영상"*)`."""
        groups = self.groups or tuple((t,) for t in self.terms)
        return " AND ".join(
            "(" + " OR ".join(f'"{term}"*' for term in group) + ")" for group in groups
        )

    def tsquery_all(self) -> str:
        """`tsquery` text for a document matching every word: `(인공:* | ai:*) & (의료:*)`."""
        groups = self.groups or tuple((t,) for t in self.terms)
        return " & ".join("(" + " | ".join(f"{term}:*" for term in group) + ")" for group in groups)


def _clean(terms: list[str]) -> list[str]:
    """Only characters both engines treat as word characters reach the query strings."""
    return [t for t in dict.fromkeys(terms) if t and all(c.isalnum() for c in t)]


def parse_query(text: str) -> Query:
    """Parse a search box into terms (empty when nothing searchable was typed)."""
    groups: list[list[str]] = []
    for word in dict.fromkeys(words(text)):
        group = [t for t in query_terms(word) if t not in STOP_TERMS]
        for key, alternatives in SYNONYMS.items():
            if word == key or (not key.isascii() and word.startswith(key)):
                for alternative in alternatives:
                    group.extend(query_terms(alternative) if " " in alternative else [alternative])
        if clean := _clean(group):
            groups.append(clean)
    terms = _clean([t for group in groups for t in group])[:MAX_TERMS]
    kept = set(terms)
    trimmed = [tuple(t for t in group if t in kept) for group in groups]
    return Query(tuple(terms), tuple(g for g in trimmed if g))
