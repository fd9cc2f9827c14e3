from __future__ import annotations

import datetime as dt

from ninja import Schema


class CompanyOut(Schema):
    id: int
    name: str
    name_en: str
    province: str
    district: str
    chapter: str | None
    ksic_code: str
    # record: null unless the caller may see the company's record
    stage: str | None
    technologies: list[str]
    founded_on: dt.date | None
    website: str
    products: str
    description: str
    is_public: bool
    url: str
    relevance: float | None = None
    # private data: null unless the caller may see the company's private data
    employees: int | None = None
    revenue: int | None = None
    potential_score: float | None = None


class CompanyPage(Schema):
    count: int
    # true when more companies match than were counted (300): narrow the query
    count_capped: bool
    page: int
    page_size: int
    results: list[CompanyOut]


class ScoreSignalOut(Schema):
    signal: str
    value: float | None
    percentile: float | None
    weight: float
    points: float


class CompanyDetailOut(CompanyOut):
    brn: str | None = None
    score_version: int | None = None
    score_group: str | None = None
    score_breakdown: list[ScoreSignalOut] = []
