"""`/api/v1` operations of the matchmaking app: list the needs the caller sees, post a need
(a member of the requesting company; a write token or a browser session with its CSRF token),
and read the ranked suppliers of a need with the words and facts that put each there (the
requester only). Fields follow `access.NEED_FIELDS`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from bitgoeul.core.visibility import ViewLevel
from bitgoeul.matchmaking import access, services
from bitgoeul.matchmaking.enums import Sector
from bitgoeul.matchmaking.models import Need
from bitgoeul.matchmaking.presenters import fact_text
from bitgoeul.matchmaking.ranking import need_text, rank_suppliers

router = Router(tags=["matchmaking"])
LIST_LIMIT = 200


class NeedOut(Schema):
    """A need; fields the caller's level does not show are null (`NEED_FIELDS`)."""

    id: int
    company: int | None
    title: str | None
    description: str | None
    sector: str | None
    budget_min_krw: int | None
    budget_max_krw: int | None
    data_available: str | None
    timing: str | None
    starts_by: dt.date | None
    preferred_province: str | None
    state: str | None
    opened_at: dt.datetime | None
    created_at: dt.datetime | None


class NeedIn(Schema):
    company: int
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=4000)
    sector: Sector
    budget_min_krw: int | None = Field(default=None, ge=0)
    budget_max_krw: int | None = Field(default=None, ge=0)
    data_available: str = Field(default="", max_length=2000)
    timing: str = Field(default="", max_length=200)
    starts_by: dt.date | None = None
    preferred_province: str = Field(default="", max_length=20)


class FactOut(Schema):
    code: str
    value: Any
    text: str


class SupplierOut(Schema):
    rank: int
    company: int
    name: str
    score: float
    words: list[str]
    facts: list[FactOut]


def _need_out(user: Any, need: Need) -> dict[str, Any]:
    level = access.need_view_level(user, need)
    values = {
        "company": need.company_id,
        "title": need.title,
        "description": need.description,
        "sector": need.sector,
        "budget_min_krw": need.budget_min_krw,
        "budget_max_krw": need.budget_max_krw,
        "data_available": need.data_available,
        "timing": need.timing,
        "starts_by": need.starts_by,
        "preferred_province": need.preferred_province,
        "state": need.state,
        "opened_at": need.opened_at,
        "created_at": need.created_at,
    }
    return {"id": need.pk, **access.NEED_FIELDS.redact(values, level)}


@router.get(
    "/needs",
    response=list[NeedOut],
    url_name="matchmaking_needs",
    summary="The AI needs you see (your companies' and those your company is invited to)",
)
def need_list(request: HttpRequest) -> list[dict[str, Any]]:
    needs = Need.objects.filter(access.needs_at_least(request.user, ViewLevel.RECORD))
    needs = needs.select_related("company__organization__parent")[:LIST_LIMIT]
    return [_need_out(request.user, need) for need in needs]


@router.post(
    "/needs",
    response={201: NeedOut},
    url_name="matchmaking_needs",
    summary="Post a need for one of your companies (saved as a draft)",
)
def need_create(request: HttpRequest, payload: NeedIn) -> Status[dict[str, Any]]:
    """422 with the first invalid field; 403 when the caller is not a member of the company."""
    company = access.requesting_companies(request.user).filter(pk=payload.company).first()
    if company is None:
        raise HttpError(403, "you may post needs only for a company you are a member of")
    data = payload.dict(exclude={"company"})
    data["sector"] = str(payload.sector.value)
    try:
        need = services.need_create(company=company, actor=request.user, data=data)
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from error
    return Status(201, _need_out(request.user, need))


@router.get(
    "/needs/{need_id}/suppliers",
    response=list[SupplierOut],
    url_name="matchmaking_need_suppliers",
    summary="The ranked suppliers of your need, with the words and facts behind each",
)
def need_suppliers(request: HttpRequest, need_id: int) -> list[dict[str, Any]]:
    need = access.need_for_viewer(request.user, need_id)
    if not access.can_see_ranking(request.user, need):
        raise HttpError(403, "only the requesting company sees the ranking of its need")
    ranked = rank_suppliers(
        viewer=request.user,
        text=need_text(need.title, need.description, need.data_available),
        province=need.preferred_province or need.company.province,
        exclude_company_id=need.company_id,
    )
    return [
        {
            "rank": rank,
            "company": supplier.company_id,
            "name": supplier.name,
            "score": round(supplier.score, 1),
            "words": supplier.words,
            "facts": [{**fact, "text": fact_text(fact)} for fact in supplier.facts],
        }
        for rank, supplier in enumerate(ranked, start=1)
    ]
