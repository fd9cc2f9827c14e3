"""`company_search`: Korean full-text search with filters and sorting, on SQLite FTS5 (BM25)
and PostgreSQL (`ts_rank_cd` over the generated tsvector)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from bitgoeul.companies import access
from bitgoeul.companies.enums import SortOrder
from bitgoeul.companies.models import Certification, Company
from bitgoeul.search.query import parse_query

# BM25 column weights on SQLite (name, body, tags); PostgreSQL uses setweight A/C/B.
BM25_WEIGHTS = (10.0, 1.0, 4.0)


@dataclass(frozen=True)
class SearchFilters:
    chapter: int | None = None  # organisation id of the chapter (or the association)
    province: str = ""
    section: str = ""  # KSIC section letter
    ksic: str = ""  # KSIC code prefix, e.g. 62 or 620
    technology: str = ""  # Technology.code
    stage: str = ""
    certification: str = ""  # CertificationKind, valid today
    employees_min: int | None = None
    employees_max: int | None = None
    founded_from: dt.date | None = None
    founded_until: dt.date | None = None
    needs_review: bool = False

    def as_params(self) -> dict[str, Any]:
        """JSON-friendly (for export jobs)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value not in (None, "", False):
                out[f.name] = value.isoformat() if isinstance(value, dt.date) else value
        return out

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> SearchFilters:
        data = dict(params)
        for key in ("founded_from", "founded_until"):
            if data.get(key):
                data[key] = dt.date.fromisoformat(data[key])
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def _filter(queryset: QuerySet[Company], f: SearchFilters) -> QuerySet[Company]:
    q = Q()
    if f.chapter:
        q &= Q(organization__parent_id=f.chapter)
    if f.province:
        q &= Q(province=f.province)
    if f.section:
        q &= Q(ksic_section=f.section)
    if f.ksic:
        q &= Q(ksic_code__startswith=f.ksic)
    if f.stage:
        q &= Q(stage=f.stage)
    if f.employees_min is not None:
        q &= Q(employees__gte=f.employees_min)
    if f.employees_max is not None:
        q &= Q(employees__lte=f.employees_max)
    if f.founded_from:
        q &= Q(founded_on__gte=f.founded_from)
    if f.founded_until:
        q &= Q(founded_on__lte=f.founded_until)
    if f.needs_review:
        q &= Q(needs_review=True)
    queryset = queryset.filter(q)
    if f.technology:
        queryset = queryset.filter(technologies__code=f.technology)
    if f.certification:
        today = timezone.localdate()
        valid = Certification.objects.filter(company=OuterRef("pk"), kind=f.certification).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today)
        )
        queryset = queryset.filter(Exists(valid))
    return queryset


def _match(queryset: QuerySet[Company], text: str) -> QuerySet[Company] | None:
    """The queryset narrowed to the full-text matches, annotated with `relevance` (higher is
    better); None when the text has no searchable term."""
    query = parse_query(text)
    if query.is_empty:
        return None
    if connection.vendor == "sqlite":
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        # .extra() joins the FTS5 table; the ORM has no expression for a virtual table.
        return queryset.extra(
            tables=["companies_company_fts"],
            where=[
                "companies_company_fts.rowid = companies_company.organization_id",
                "companies_company_fts MATCH %s",
            ],
            params=[query.fts5()],
            select={"relevance": f"-bm25(companies_company_fts, {weights})"},
        )
    if connection.vendor == "postgresql":
        tsquery = query.tsquery()
        return queryset.extra(
            where=["companies_company.search_vector @@ to_tsquery('simple', %s)"],
            params=[tsquery],
            select={
                "relevance": "ts_rank_cd(companies_company.search_vector, to_tsquery('simple', %s))"
            },
            select_params=[tsquery],
        )
    # Other databases: a plain substring search on the term columns.
    condition = Q()
    for term in query.terms:
        condition |= Q(search_name__icontains=term) | Q(search_body__icontains=term)
    return queryset.filter(condition).extra(select={"relevance": "0"})


def company_search(
    *,
    viewer: Any,
    text: str = "",
    filters: SearchFilters | None = None,
    sort: str = SortOrder.RELEVANCE,
) -> QuerySet[Company]:
    """Companies the viewer may see, matching the text (any term, as prefixes) and filters,
    in the order asked for. Sorting by potential or growth is for those who may see scores;
    others get relevance (or name without a text)."""
    queryset = Company.objects.filter(access.visible_filter(viewer)).select_related(
        "organization__parent"
    )
    queryset = _filter(queryset, filters or SearchFilters())
    matched = _match(queryset, text)
    if sort in {SortOrder.POTENTIAL, SortOrder.GROWTH} and not access.can_see_scores(viewer):
        sort = SortOrder.RELEVANCE
    if matched is not None:
        queryset = matched
    elif sort == SortOrder.RELEVANCE:
        sort = SortOrder.NAME
    if sort == SortOrder.RELEVANCE:
        return queryset.order_by("-relevance", "organization__name")  # type: ignore[misc]
    if sort == SortOrder.POTENTIAL:
        return queryset.order_by(F("potential_score").desc(nulls_last=True), "organization__name")
    if sort == SortOrder.GROWTH:
        return queryset.order_by(F("growth").desc(nulls_last=True), "organization__name")
    if sort == SortOrder.FOUNDED:
        return queryset.order_by(F("founded_on").desc(nulls_last=True), "organization__name")
    return queryset.order_by("organization__name", "pk")
