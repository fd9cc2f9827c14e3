"""`/api/v1/companies`: search with filters and paging, and one company."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from bitgoeul.accounts.brn import brn_format
from bitgoeul.companies import access
from bitgoeul.companies.enums import CertificationKind, SortOrder, Stage
from bitgoeul.companies.ksic import SECTIONS
from bitgoeul.companies.models import Company
from bitgoeul.companies.regions import BY_CODE
from bitgoeul.companies.schemas import CompanyDetailOut, CompanyPage
from bitgoeul.companies.search import (
    CompanyResults,
    SearchFilters,
    filters_refused,
    sort_allowed,
)
from bitgoeul.companies.selectors import company_latest_score

router = Router(tags=["companies"])
MAX_PAGE_SIZE = 100


class CompanyQuery(Schema):
    q: str = ""
    chapter: int | None = None
    province: str = ""
    section: str = ""
    ksic: str = ""
    technology: str = ""
    stage: str = ""
    certification: str = ""
    employees_min: int | None = None
    employees_max: int | None = None
    founded_from: dt.date | None = None
    founded_until: dt.date | None = None
    sort: str = SortOrder.RELEVANCE
    page: int = 1
    page_size: int = 20


def _check(query: CompanyQuery) -> None:
    if query.province and query.province not in BY_CODE:
        raise HttpError(422, f"province: use one of {', '.join(BY_CODE)}")
    if query.section and query.section not in SECTIONS:
        raise HttpError(422, "section: use a KSIC section letter A to U")
    if query.stage and query.stage not in Stage.values:
        raise HttpError(422, f"stage: use one of {', '.join(Stage.values)}")
    if query.certification and query.certification not in CertificationKind.values:
        raise HttpError(422, f"certification: use one of {', '.join(CertificationKind.values)}")
    if query.sort not in SortOrder.values:
        raise HttpError(422, f"sort: use one of {', '.join(SortOrder.values)}")
    if query.page < 1:
        raise HttpError(422, "page: pages start at 1")
    if not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise HttpError(422, f"page_size: between 1 and {MAX_PAGE_SIZE}")
    if query.ksic and not query.ksic.isdigit():
        raise HttpError(422, "ksic: digits of a KSIC code prefix, e.g. 62")


def _out(company: Company, user: Any) -> dict[str, Any]:
    """The company as the caller may see it: fields above the caller's level on this company
    (access.COMPANY_FIELDS) are null."""
    org = company.organization
    # a search result carries its technologies (`search.listed_technologies`); one company not
    technologies = getattr(company, "technology_list", None)
    if technologies is None:
        technologies = company.technologies.all()
    values = {
        "id": company.pk,
        "name": org.name,
        "name_en": org.name_en,
        "province": company.province,
        "district": company.district,
        "chapter": org.parent.name if org.parent else None,
        "ksic_code": company.ksic_code,
        "stage": company.stage,
        "technologies": [t.code for t in technologies],
        "founded_on": company.founded_on,
        "website": company.website,
        "products": company.products,
        "description": company.description,
        "is_public": company.is_public,
        "url": reverse("companies:detail", args=[company.pk]),
        "relevance": getattr(company, "relevance", None),
        "employees": company.employees,
        "revenue": company.revenue,
        "potential_score": company.potential_score,
    }
    return access.COMPANY_FIELDS.redact(values, access.company_view_level(user, company))


@router.get("/companies", response=CompanyPage, summary="Search companies (Korean full text)")
def company_list(request: HttpRequest, query: Query[CompanyQuery]) -> dict[str, Any]:
    """Full-text search over names, descriptions, products and technologies (Korean
    morphemes, any term, best first), with filters and paging. `count` stops at 300
    (`count_capped` is then true) and pages reach the first 300 results: add words or filters
    to narrow a broad query. Only companies the caller may see are listed; private fields are
    null unless the caller may see them."""
    _check(query)
    if not sort_allowed(request.user, query.sort):
        raise HttpError(422, f"sort: {query.sort} is not available to you")
    filters = SearchFilters(
        chapter=query.chapter,
        province=query.province,
        section=query.section,
        ksic=query.ksic,
        technology=query.technology,
        stage=query.stage,
        certification=query.certification,
        employees_min=query.employees_min,
        employees_max=query.employees_max,
        founded_from=query.founded_from,
        founded_until=query.founded_until,
    )
    refused = filters_refused(request.user, filters)
    if refused:
        # the field is visible to the caller on no company: say so rather than answer nothing
        raise HttpError(422, f"{refused[0]}: this filter is not available to you")
    # `count` stops at RESULT_CAP (300): a broad query is neither counted nor ranked further.
    companies = CompanyResults(viewer=request.user, text=query.q, filters=filters, sort=query.sort)
    start = (query.page - 1) * query.page_size
    rows = companies[start : start + query.page_size]
    count = companies.count()
    return {
        "count": count,
        "count_capped": companies.capped,
        "page": query.page,
        "page_size": query.page_size,
        "results": [_out(c, request.user) for c in rows],
    }


@router.get("/companies/{company_id}", response=CompanyDetailOut, summary="One company")
def company_detail(request: HttpRequest, company_id: int) -> dict[str, Any]:
    company = access.company_for_viewer(request.user, company_id)
    out = _out(company, request.user)
    shown = access.company_fields(request.user, company)
    if "brn" in shown and company.organization.brn:
        out["brn"] = brn_format(company.organization.brn)
    if "score" in shown:
        score = company_latest_score(company)
        if score is not None:
            out["score_version"] = score.breakdown.get("version")
            out["score_group"] = score.breakdown.get("group")
            out["score_breakdown"] = [
                {"signal": code, "value": v[0], "percentile": v[1], "weight": v[2], "points": v[3]}
                for code, v in score.breakdown.get("signals", {}).items()
            ]
    return out
