"""Affinity between an application and a reviewer: how well the reviewer fits it (0–1000).

    affinity = round(1000 × (TAG_WEIGHT × tags + TEXT_WEIGHT × text))
    TAG_WEIGHT = TEXT_WEIGHT = 0.5

- `tags` (0–1): Jaccard overlap |A ∩ R| / |A ∪ R| between the technologies the application's
  keywords map to (`keyword_technologies`: a keyword maps to a technology when one of the
  technology's words — Korean name, English name or code, two letters or more, not "and" —
  occurs in it, e.g. "컴퓨터 비전" → 비전) and the reviewer's expertise tags. 0 when either
  side is empty.
- `text` (0–1): Okapi BM25 (k1 = 1.2, b = 0.75) of the application's title, summary and
  keywords as the query against the reviewers' profile texts (`ReviewerProfile.expertise`,
  Korean or English) as the documents, both turned into terms by `bitgoeul.search.terms`
  (Kiwi content morphemes plus the words themselves, so "반도체장비를" meets "반도체").
  IDF is over the reviewer pool; the raw score is divided by the best raw score any reviewer
  gets for that application, so the best-fitting text scores 1 and scores are comparable
  across applications whose texts differ in length.

Integers keep the engine's min-cost flow exact (it scales scores to integer costs). Pure: no
ORM; `services.assignment` reads the rows and calls `affinity_matrix`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bitgoeul.search.terms import document_terms_many, normalise, words

TAG_WEIGHT = 0.5
TEXT_WEIGHT = 0.5
SCALE = 1000
K1 = 1.2
B = 0.75
# words of technology names that name nothing ("Data and infrastructure")
STOPWORDS = frozenset({"and", "or", "of", "the", "for", "with"})


@dataclass(frozen=True)
class TechnologyTerms:
    id: int
    names: tuple[str, ...]  # Korean name, English name, code


@dataclass(frozen=True)
class ApplicationText:
    id: int
    title: str
    summary: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class ReviewerText:
    id: int
    profile: str
    technologies: frozenset[int]


def keyword_technologies(
    keywords: Sequence[str], technologies: Sequence[TechnologyTerms]
) -> frozenset[int]:
    """The technologies the keywords name (module docstring)."""
    squashed = [normalise(k).replace(" ", "") for k in keywords]
    found = set()
    for tech in technologies:
        parts = {
            w for name in tech.names for w in words(name) if len(w) >= 2 and w not in STOPWORDS
        }
        if any(part in keyword for part in parts for keyword in squashed):
            found.add(tech.id)
    return frozenset(found)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def affinity_matrix(
    applications: Sequence[ApplicationText],
    reviewers: Sequence[ReviewerText],
    technologies: Sequence[TechnologyTerms],
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """The affinity (int, 0–1000) of every application (rows) with every reviewer (columns).
    `progress(done, total)`, when given, is called every 200 applications."""
    n_apps, n_revs = len(applications), len(reviewers)
    result = np.zeros((n_apps, n_revs), dtype=np.int64)
    if not n_apps or not n_revs:
        return result
    # --- tags: reviewer × technology indicator matrix, one product per application
    tech_index = {t.id: i for i, t in enumerate(technologies)}
    tags = np.zeros((n_revs, max(1, len(technologies))), dtype=np.float64)
    for r, reviewer in enumerate(reviewers):
        for tech_id in reviewer.technologies:
            if tech_id in tech_index:
                tags[r, tech_index[tech_id]] = 1.0
    reviewer_tag_counts = tags.sum(axis=1)
    # --- text: BM25 weight of each (reviewer, term), computed once for the pool
    texts = [r.profile for r in reviewers] + [
        " ".join((a.title, a.summary, " ".join(a.keywords))) for a in applications
    ]
    terms = [t.split() for t in document_terms_many(texts)]
    documents, queries = terms[:n_revs], terms[n_revs:]
    vocabulary: dict[str, int] = {}
    for doc in documents:
        for term in doc:
            vocabulary.setdefault(term, len(vocabulary))
    lengths = np.array([len(doc) for doc in documents], dtype=np.float64)
    average = float(lengths.mean()) or 1.0
    frequency = np.zeros((n_revs, max(1, len(vocabulary))), dtype=np.float64)
    for r, doc in enumerate(documents):
        for term in doc:
            frequency[r, vocabulary[term]] += 1.0
    document_frequency = (frequency > 0).sum(axis=0)
    idf = np.log(1.0 + (n_revs - document_frequency + 0.5) / (document_frequency + 0.5))
    norm = K1 * (1.0 - B + B * lengths / average)
    weights = idf * frequency * (K1 + 1.0) / (frequency + norm[:, None])
    for a, application in enumerate(applications):
        wanted = keyword_technologies(application.keywords, technologies)
        if wanted:
            column = np.zeros(tags.shape[1])
            column[[tech_index[t] for t in wanted]] = 1.0
            overlap = tags @ column
            tag_score = overlap / (reviewer_tag_counts + len(wanted) - overlap)
        else:
            tag_score = np.zeros(n_revs)
        ids = sorted({vocabulary[t] for t in queries[a] if t in vocabulary})
        text_score = weights[:, ids].sum(axis=1) if ids else np.zeros(n_revs)
        best = float(text_score.max())
        if best > 0:
            text_score = text_score / best
        score = TAG_WEIGHT * tag_score + TEXT_WEIGHT * text_score
        result[a] = np.rint(SCALE * score).astype(np.int64)
        if progress is not None and (a + 1) % 200 == 0:
            progress(a + 1, n_apps)
    return result


def affinity_one(
    application: ApplicationText,
    reviewers: Sequence[ReviewerText],
    technologies: Sequence[TechnologyTerms],
) -> list[int]:
    """One application's row of `affinity_matrix` (the board's manual additions)."""
    return [int(x) for x in affinity_matrix([application], reviewers, technologies)[0]]
