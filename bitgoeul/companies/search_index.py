"""Keep companies' search terms and the database's full-text index in step.

Called by the services that write companies (never by signals): `terms_many` computes the
term columns, the name keys a search compares the text typed with and the AI weight an AI
search ranks by, `search_index_sync` brings the SQLite FTS5 table up to date. PostgreSQL
needs nothing more: its tsvector column is generated from the term columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection

from bitgoeul.companies.models import Company, Technology
from bitgoeul.search.ai_terms import ai_centrality
from bitgoeul.search.terms import document_terms_many, name_terms, normalise, words

FTS_TABLE = "companies_company_fts"
BATCH = 500
TAG_CACHE_LIMIT = 1000
# the tag terms of each combination of technologies (with their names: staff may rename one)
_tag_cache: dict[tuple[tuple[int, str, str, str], ...], str] = {}


def name_key(text: str) -> str:
    """A name or a search as compared for an exact or prefix name match: its words run
    together, lower-cased, without legal forms (`(주) 무등 비전랩` → `무등비전랩`)."""
    return "".join(words(text))


def name_keys(names: Iterable[str]) -> str:
    """The `name_key` of each of a company's names (Korean, English), space-separated as
    `Company.search_name_keys` stores them (a key holds no space: words run together)."""
    return " ".join(dict.fromkeys(key for key in map(name_key, names) if key))


_AI_IN_NAME = re.compile(r"(?<![a-z])ai(?![a-z])|인공지능")
AI_CENTRAL = 0.5  # the potential score's ai_centrality from which AI is the business


def ai_weight(names: Sequence[str], body_terms: Sequence[str], technologies: int) -> float:
    """How central AI is to a company, for ranking an AI search: the score's `ai_centrality`
    (its description's AI terms and its AI technologies), plus one for AI in its name."""
    in_name = any(_AI_IN_NAME.search(normalise(name)) for name in names if name)
    return (1.0 if in_name else 0.0) + ai_centrality(body_terms, technologies)


def ai_central(weight: float, technologies: int) -> bool:
    """AI is central to a company with an AI technology, or an `ai_weight` (AI in its name,
    its `ai_centrality`) of at least `AI_CENTRAL`; others only mention it."""
    return technologies > 0 or weight >= AI_CENTRAL


@dataclass(frozen=True)
class Terms:
    """What `terms_many` computes for one company: its term columns, the AI weight an AI
    search ranks by (tags and AI None when its technologies were not given) and its
    `name_keys` (None only in a `Terms` made without them: the column is then left as is)."""

    name: str
    body: str
    tags: str | None = None
    ai_weight: float | None = None
    ai_central: bool | None = None
    name_keys: str | None = None

    def apply(self, company: Company) -> None:
        """Set the company's columns (not saved)."""
        company.search_name = self.name
        company.search_body = self.body
        if self.name_keys is not None:
            company.search_name_keys = self.name_keys
        if self.tags is not None:
            company.search_tags = self.tags
        if self.ai_weight is not None and self.ai_central is not None:
            company.search_ai_weight = self.ai_weight
            company.search_ai_central = self.ai_central


# The columns `Terms.apply` writes (for bulk_update).
SEARCH_FIELDS = (
    "search_name",
    "search_body",
    "search_tags",
    "search_name_keys",
    "search_ai_weight",
    "search_ai_central",
)


def tag_terms(technologies: Iterable[Technology]) -> str:
    """Every AI technology tag makes a company findable as `AI` / `인공지능`, and by the tag's
    code and names."""
    terms: list[str] = []
    for tech in technologies:
        terms += [tech.code, *tech.name.split(), *tech.name_en.lower().split()]
    if terms:
        terms += ["ai", "인공지능"]
    return " ".join(document_terms_many([" ".join(terms)])[0].split())


def body_text(description: str, description_en: str, products: str, industry: str) -> str:
    """The text whose terms fill `search_body`."""
    return "\n".join([description, description_en, products, industry])


def terms_many(
    names: Sequence[tuple[str, str]],
    bodies: Sequence[str],
    technologies: Sequence[Iterable[Technology]] | None = None,
) -> list[Terms]:
    """The `Terms` of each company given by its names (Korean, English), its `body_text` and
    its technologies (tags and AI weight None when not given)."""
    body_terms = document_terms_many(bodies)
    out: list[Terms] = []
    for index, (korean, english) in enumerate(names):
        name, body = name_terms(f"{korean} {english}"), body_terms[index]
        keys = name_keys((korean, english))
        if technologies is None:
            out.append(Terms(name, body, name_keys=keys))
            continue
        techs = list(technologies[index])
        key = tuple(sorted((t.pk or 0, t.code, t.name, t.name_en) for t in techs))
        tags = _tag_cache.get(key)
        if tags is None:
            if len(_tag_cache) > TAG_CACHE_LIMIT:
                _tag_cache.clear()
            tags = _tag_cache[key] = tag_terms(techs)
        weight = ai_weight((korean, english), body.split(), len(techs))
        out.append(Terms(name, body, tags, weight, ai_central(weight, len(techs)), keys))
    return out


def set_terms(
    companies: Sequence[Company],
    names: Sequence[tuple[str, str]],
    technologies: Sequence[Iterable[Technology]] | None = None,
) -> None:
    """Fill the term columns of companies (not saved) from their names (Korean, English),
    descriptions, products and industry; `technologies` per company when known."""
    bodies = [body_text(c.description, c.description_en, c.products, c.industry) for c in companies]
    for company, terms in zip(companies, terms_many(names, bodies, technologies), strict=True):
        terms.apply(company)


def search_index_sync(company_ids: Sequence[int]) -> None:
    """Rewrite the FTS5 rows of these companies from their term columns (SQLite only)."""
    if connection.vendor != "sqlite" or not company_ids:
        return
    with connection.cursor() as cursor:
        for start in range(0, len(company_ids), BATCH):
            ids = list(company_ids[start : start + BATCH])
            marks = ",".join(["%s"] * len(ids))
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", ids)
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, name, body, tags) "
                "SELECT organization_id, search_name, search_body, search_tags "
                f"FROM companies_company WHERE organization_id IN ({marks})",
                ids,
            )


def search_index_rebuild() -> int:
    """Rebuild the whole FTS5 table from the term columns; returns the number of rows."""
    if connection.vendor != "sqlite":
        return Company.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, name, body, tags) "
            "SELECT organization_id, search_name, search_body, search_tags FROM companies_company"
        )
        cursor.execute(f"SELECT count(*) FROM {FTS_TABLE}")
        return int(cursor.fetchone()[0])
