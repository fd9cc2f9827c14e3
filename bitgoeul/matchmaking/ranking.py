"""The supplier ranking of a need: Korean text similarity combined with a few public facts.

Suppliers are the companies whose business is AI (`Company.search_ai_central`) that the viewer
may see (`companies.access.visible_filter`), that did not say they take no requests
(`SupplierProfile.accepts_needs`), other than the requesting company itself.

Text: the need's title, description and data are turned into morpheme terms
(`bitgoeul.search`, Kiwi), and the companies' full-text index scores every supplier holding
any of them (BM25 on SQLite FTS5, `ts_rank_cd` on PostgreSQL;
`companies.search.companies_ranked_for_text`); the best `CANDIDATES` leave the engine. The
public results of demonstration projects (the showcase's text) add suppliers whose delivered
work says what the need asks for.

The score, documented in docs/matchmaking.md ("Ranking"), higher first:

    100 × text          the engine's relevance divided by the best candidate's (0 to 1)
  +  25 × demonstration the share of the need's terms found in one of its public demonstrations
  +  10                 in the preferred province (or the requester's, when none is preferred)
  +   5                 holds a valid certification (venture, Inno-Biz, Main-Biz, TIPS, …)
  +   5 × delivered     contracts and pilots of earlier needs, at most 2 counted
  −  30                 no capacity left (accepted conversations without an outcome ≥ capacity)

Only public facts of a company are read (province, certifications, description, products,
technologies, public demonstrations, and how many matchmaking conversations ended in a
contract or pilot); never employees, revenue or scores. Every ranked supplier carries the
WORDS of the need found in its text and the FACTS that moved it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from bitgoeul.companies import access as company_access
from bitgoeul.companies.models import Certification, Company
from bitgoeul.companies.search import companies_ranked_for_text
from bitgoeul.demonstrations.access import public_q
from bitgoeul.demonstrations.models import Project
from bitgoeul.matchmaking.enums import InvitationState, OutcomeKind
from bitgoeul.matchmaking.models import Invitation, Outcome, SupplierProfile
from bitgoeul.search.query import Query, parse_query
from bitgoeul.search.terms import words

MAX_NEED_TERMS = 24  # a need is a paragraph: its first distinct content terms are enough
CANDIDATES = 60  # suppliers the engine hands over for the facts to re-order (3 × SHOWN)
SHOWN = 20
DEFAULT_CAPACITY = SupplierProfile._meta.get_field("capacity").default
# Terms every need has ("…하고 싶다", "저희 회사는 … 필요합니다"): they say nothing about a
# supplier, and as prefixes they would match half the index.
NEED_STOP_TERMS = frozenset(
    {
        "싶",
        "원하",
        "필요",
        "필요하",
        "저희",
        "우리",
        "회사",
        "현재",
        "지금",
        "있",
        "없",
        "하",
        "되",
        "않",
        "같",
        "좀",
        "더",
        "잘",
        "많",
        "들",
        "년",
        "개",
        "곳",
        "때",
        "문제",
        "방법",
        "도입",
        "활용",
        "이용",
        "사용",
        "만들",
        "기업",
        "업체",
        "ai",
        "인공지능",
    }
)
W_TEXT, W_DEMO, W_REGION, W_CERT, W_DELIVERED, W_FULL = 100.0, 25.0, 10.0, 5.0, 5.0, -30.0
MAX_DELIVERED = 2


def need_query(text: str) -> Query:
    """The terms of a need's text (morphemes and synonyms of each word, in order), without the
    words every need has; at most `MAX_NEED_TERMS`."""
    terms: list[str] = []
    for word in dict.fromkeys(words(text)):
        for term in parse_query(word).terms:
            # one syllable ("배", "빵") as a prefix matches half the index; numbers say nothing
            if term not in NEED_STOP_TERMS and len(term) > 1 and not term.isdigit():
                terms.append(term)
    kept = tuple(dict.fromkeys(terms))[:MAX_NEED_TERMS]
    return Query(kept, tuple((t,) for t in kept))


def supplier_filter(viewer: Any, *, exclude_company_id: int | None = None) -> Q:
    """The suppliers a viewer may be shown, as a filter on Company."""
    refused = SupplierProfile.objects.filter(accepts_needs=False).values("company_id")
    where = (
        company_access.visible_filter(viewer)
        & Q(search_ai_central=True)
        & ~Q(organization_id__in=refused)
    )
    if exclude_company_id is not None:
        where &= ~Q(organization_id=exclude_company_id)
    return where


@dataclass
class RankedSupplier:
    company_id: int
    name: str
    score: float
    text: float  # 0 to 1
    words: list[str] = field(default_factory=list)
    # {"code": "region" | "certification" | "capacity" | "full" | "delivered"
    #  | "demonstration", "value": …}
    facts: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self, rank: int) -> dict[str, Any]:
        """What an invitation keeps of the ranking when it is sent."""
        return {
            "rank": rank,
            "score": round(self.score, 1),
            "words": self.words,
            "facts": self.facts,
        }


def _has_prefix(sorted_tokens: list[str], term: str) -> bool:
    at = bisect_left(sorted_tokens, term)
    return at < len(sorted_tokens) and sorted_tokens[at].startswith(term)


def _demonstrations(where: Q, query: Query) -> dict[int, tuple[float, str]]:
    """Per supplier, its public demonstration whose text holds the largest share of the need's
    terms: (share, project title). The projects are found first (few), then their companies
    are checked against the supplier filter (a filter on every company would cost more)."""
    if query.is_empty:
        return {}
    holds = Q()
    for term in query.terms:
        holds |= Q(search_terms__contains=term)
    rows = list(
        Project.objects.filter(public_q(), holds).values_list("company_id", "title", "search_terms")
    )
    if not rows:
        return {}
    suppliers = set(
        Company.objects.filter(where, organization_id__in={r[0] for r in rows}).values_list(
            "pk", flat=True
        )
    )
    best: dict[int, tuple[float, str]] = {}
    for company_id, title, terms in rows:
        if company_id not in suppliers:
            continue
        tokens = sorted(set(terms.split()))
        share = sum(_has_prefix(tokens, t) for t in query.terms) / len(query.terms)
        if share > best.get(company_id, (0.0, ""))[0]:
            best[company_id] = (share, title)
    return best


def rank_suppliers(
    *,
    viewer: Any,
    text: str,
    province: str = "",
    exclude_company_id: int | None = None,
    limit: int = SHOWN,
) -> list[RankedSupplier]:
    """The best `limit` suppliers for a need's text, best first, each with its words and facts.
    Reads about eight queries, whatever the number of companies."""
    query = need_query(text)
    if query.is_empty:
        return []
    where = supplier_filter(viewer, exclude_company_id=exclude_company_id)
    engine = dict(companies_ranked_for_text(where, query, limit=CANDIDATES))
    demos = _demonstrations(where, query)
    ids = list(dict.fromkeys([*engine, *demos]))
    if not ids:
        return []
    best = max(engine.values(), default=0.0) or 1.0
    today = timezone.localdate()
    rows = {
        pk: (name, prov)
        for pk, name, prov in Company.objects.filter(organization_id__in=ids).values_list(
            "pk", "organization__name", "province"
        )
    }
    certified: dict[int, list[str]] = {}
    for company_id, kind in Certification.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today), company_id__in=ids
    ).values_list("company_id", "kind"):
        certified.setdefault(company_id, [])
        if kind not in certified[company_id]:
            certified[company_id].append(kind)
    capacity = dict(
        SupplierProfile.objects.filter(company_id__in=ids).values_list("company_id", "capacity")
    )
    busy = Counter(
        dict(
            Invitation.objects.filter(
                supplier_id__in=ids, state=InvitationState.ACCEPTED, outcome__isnull=True
            )
            .order_by()
            .values("supplier_id")
            .annotate(n=Count("pk"))
            .values_list("supplier_id", "n")
        )
    )
    delivered = Counter(
        dict(
            Outcome.objects.filter(
                invitation__supplier_id__in=ids,
                kind__in=[OutcomeKind.CONTRACT, OutcomeKind.PILOT],
            )
            .order_by()
            .values("invitation__supplier_id")
            .annotate(n=Count("pk"))
            .values_list("invitation__supplier_id", "n")
        )
    )
    ranked: list[RankedSupplier] = []
    for pk in ids:
        if pk not in rows:
            continue
        name, prov = rows[pk]
        text_part = engine.get(pk, 0.0) / best
        facts: list[dict[str, Any]] = []
        score = W_TEXT * text_part
        if pk in demos:
            share, title = demos[pk]
            score += W_DEMO * share
            facts.append({"code": "demonstration", "value": title})
        if province and prov == province:
            score += W_REGION
            facts.append({"code": "region", "value": prov})
        if certified.get(pk):
            score += W_CERT
            facts.append({"code": "certification", "value": certified[pk]})
        left = capacity.get(pk, DEFAULT_CAPACITY) - busy[pk]
        if left > 0:
            facts.append({"code": "capacity", "value": left})
        else:
            score += W_FULL
            facts.append({"code": "full", "value": 0})
        if delivered[pk]:
            score += W_DELIVERED * min(delivered[pk], MAX_DELIVERED)
            facts.append({"code": "delivered", "value": delivered[pk]})
        ranked.append(RankedSupplier(pk, name, score, text_part, facts=facts))
    ranked.sort(key=lambda r: (-r.score, r.name, r.company_id))
    ranked = ranked[:limit]
    _attach_words(ranked, query)
    return ranked


def _attach_words(ranked: list[RankedSupplier], query: Query) -> None:
    """The need's terms found (as prefixes) in each shown supplier's indexed text."""
    ids = [r.company_id for r in ranked]
    texts = {
        pk: f"{name} {body} {tags}"
        for pk, name, body, tags in Company.objects.filter(organization_id__in=ids).values_list(
            "pk", "search_name", "search_body", "search_tags"
        )
    }
    for supplier in ranked:
        tokens = sorted(set(texts.get(supplier.company_id, "").split()))
        supplier.words = [t for t in query.terms if _has_prefix(tokens, t)]


def need_text(title: str, description: str, data_available: str = "") -> str:
    """The text a need is ranked by: its title, what it wants AI to do and the data it has."""
    return f"{title}\n{description}\n{data_available}"
