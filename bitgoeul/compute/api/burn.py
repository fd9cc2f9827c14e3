"""The burn area's API: a grant's use (per part, and day by day for one month) and a company's
monthly statement. The same rules as the pages: a grant's use is shown from the RECORD level
(chapter staff see what was used), energy and charges only to the company and staff
(`REQUEST_FIELDS`, `can_view_charges`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from bitgoeul.accounts.api_auth import SessionAuth, TokenAuth
from bitgoeul.compute import access
from bitgoeul.compute.access import REQUEST_FIELDS
from bitgoeul.compute.periods import period_of
from bitgoeul.compute.selectors_burn import burndown, grant_part_rows
from bitgoeul.compute.selectors_charges import company_statement
from bitgoeul.core.visibility import ViewLevel

router = Router(tags=["compute"])
SIGNED_IN = [TokenAuth(), SessionAuth(csrf=True)]
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class PartUseOut(Schema):
    pool: str
    period: str
    granted_gpu_hours: float
    reclaimed_gpu_hours: float
    net_gpu_hours: float
    used_gpu_hours: float
    sm_weighted_gpu_hours: float | None
    kwh: float | None = Field(description="null when not reported, or not shown to you")


class DayOut(Schema):
    date: dt.date
    prorated_gpu_hours: float
    used_gpu_hours: float | None = Field(description="so far at the end of the day; null ahead")
    kwh: float | None


class GrantUseOut(Schema):
    grant: int
    period: str
    net_gpu_hours: float
    used_gpu_hours: float
    prorated_gpu_hours: float = Field(description="the pro-rated share at the time of asking")
    parts: list[PartUseOut]
    days: list[DayOut]


class UseQuery(Schema):
    period: Annotated[str | None, Field(pattern=MONTH)] = None


@router.get(
    "/compute/grants/{grant_id}/usage",
    response=GrantUseOut,
    auth=SIGNED_IN,
    url_name="compute_grant_usage",
    summary="A grant's use: its parts, and one month day by day (this month by default)",
)
def grant_usage(request: HttpRequest, grant_id: int, query: Query[UseQuery]) -> dict[str, Any]:
    user = request.user
    grant = access.grant_for(user, grant_id, ViewLevel.RECORD)
    energy = REQUEST_FIELDS.shows("charges", access.request_view_level(user, grant.request))
    now = timezone.now()
    period = query.period or period_of(now)
    rows = grant_part_rows(grant)
    burn = burndown(grant, period, now)
    return {
        "grant": grant.pk,
        "period": period,
        "net_gpu_hours": burn.net,
        "used_gpu_hours": burn.used_now,
        "prorated_gpu_hours": burn.prorated_now,
        "parts": [
            {
                "pool": row.part.pool.model,
                "period": row.part.period,
                "granted_gpu_hours": row.part.gpu_hours,
                "reclaimed_gpu_hours": row.part.reclaimed_gpu_hours,
                "net_gpu_hours": row.net,
                "used_gpu_hours": row.used.gpu_hours,
                "sm_weighted_gpu_hours": row.used.sm_gpu_hours,
                "kwh": row.used.kwh if energy else None,
            }
            for row in rows
        ],
        "days": [
            {
                "date": day,
                "prorated_gpu_hours": prorated,
                "used_gpu_hours": used,
                "kwh": kwh if energy else None,
            }
            for day, prorated, used, kwh in burn.rows
        ],
    }


class ChargeLineOut(Schema):
    pool: str
    gpu_hours: float
    krw_per_gpu_hour: int
    discount_percent: int
    gross_krw: int
    discount_krw: int
    amount_krw: int
    kwh: float | None


class StatementOut(Schema):
    company: int
    company_name: str
    month: str
    lines: list[ChargeLineOut]
    gpu_hours: float
    discount_krw: int
    total_krw: int
    kwh: float | None


class StatementQuery(Schema):
    company: int | None = None
    month: Annotated[str | None, Field(pattern=MONTH)] = None


@router.get(
    "/compute/statements",
    response=StatementOut,
    auth=SIGNED_IN,
    url_name="compute_statement",
    summary="A company's monthly GPU statement (your company's; staff name any company)",
)
def statement(request: HttpRequest, query: Query[StatementQuery]) -> dict[str, Any]:
    company = access.statement_company_for(request.user, query.company)
    report = company_statement(company, query.month or period_of(timezone.now()))
    return {
        "company": company.pk,
        "company_name": company.organization.name,
        "month": report.period,
        "lines": [
            {
                "pool": line.pool.model,
                "gpu_hours": line.gpu_hours,
                "krw_per_gpu_hour": line.krw_per_gpu_hour,
                "discount_percent": line.discount_percent,
                "gross_krw": line.gross_krw,
                "discount_krw": line.discount_krw,
                "amount_krw": line.amount_krw,
                "kwh": line.kwh,
            }
            for line in report.lines
        ],
        "gpu_hours": report.gpu_hours,
        "discount_krw": report.discount_krw,
        "total_krw": report.total_krw,
        "kwh": report.kwh,
    }
