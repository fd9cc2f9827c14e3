"""The compute API: rounds, requests and grants. Every request and grant field is shown as
`REQUEST_FIELDS` allows the caller's level of that request (null when hidden)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from bitgoeul.accounts.api_auth import SessionAuth, TokenAuth
from bitgoeul.compute import access
from bitgoeul.compute.enums import RoundState
from bitgoeul.compute.models import ComputeRequest, Grant, Pool
from bitgoeul.compute.selectors_rounds import company_awards
from bitgoeul.compute.services import requests as request_services
from bitgoeul.core.visibility import ViewLevel

router = Router(tags=["compute"])
LIMIT = 500


def _anyone(request: HttpRequest) -> Any:
    """Last of the authentications of public reads (as in the other apps' APIs)."""
    if request.headers.get("Authorization"):
        return None
    return request.user if request.user.is_authenticated else "anonymous"


PUBLIC = [TokenAuth(), SessionAuth(csrf=True), _anyone]


class PartOut(Schema):
    pool: str
    period: str
    gpu_hours: float


class RequestOut(Schema):
    """A GPU request; fields the caller's level does not show are null (`REQUEST_FIELDS`)."""

    id: int
    round: int | None
    company: str | None
    project: str | None
    demand_gpu_hours: float | None
    granted_gpu_hours: float | None
    reason: str | None
    state: str | None
    pools: list[str] | None
    periods: list[str] | None
    gpus: int | None
    minimum_gpu_hours: float | None
    parts: list[PartOut] | None
    purpose: str | None
    justification: str | None
    data_needs: str | None
    security_needs: str | None
    award: int | None
    staff_priority: int | None
    weight: float | None
    account: str | None


class RoundOut(Schema):
    id: int
    name: str
    state: str
    policy: str
    periods: list[str]
    pools: list[str]
    company_cap: float | None
    floors: dict[str, float]
    opens_at: str | None
    closes_at: str | None


class RoundDetailOut(RoundOut):
    grants: list[RequestOut]


class GrantOut(Schema):
    id: int
    request: int
    round: int | None
    gpu_hours: float
    reason: str
    state: str
    account: str | None
    parts: list[PartOut] | None


class RequestIn(Schema):
    company: int
    round: int | None = None
    project: str = Field(min_length=1, max_length=200)
    purpose: str = Field(min_length=1)
    pools: list[str] = Field(min_length=1, description="GPU model codes: h100, a100 …")
    gpus: int = Field(ge=1, le=10000)
    periods: list[str] = Field(min_length=1, description="months, YYYY-MM")
    minimum_gpu_hours: float = Field(default=0, ge=0)
    justification: str = Field(min_length=1)
    data_needs: str = ""
    security_needs: str = ""
    award: int | None = None


def _round_values(rnd: Any) -> dict[str, Any]:
    return {
        "id": rnd.pk,
        "name": rnd.name,
        "state": rnd.state,
        "policy": rnd.policy,
        "periods": rnd.periods,
        "pools": sorted(p.model for p in rnd.pools.all()),
        "company_cap": None if rnd.company_cap is None else float(rnd.company_cap),
        "floors": rnd.floors,
        "opens_at": rnd.opens_at.isoformat() if rnd.opens_at else None,
        "closes_at": rnd.closes_at.isoformat() if rnd.closes_at else None,
    }


def _parts(grant: Grant | None) -> list[dict[str, Any]]:
    if grant is None:
        return []
    return [
        {"pool": p.pool.model, "period": p.period, "gpu_hours": p.net_gpu_hours}
        for p in grant.parts.all()
    ]


def _request_values(user: Any, item: ComputeRequest) -> dict[str, Any]:
    level = access.request_view_level(user, item)
    grant = getattr(item, "grant", None)
    values = {
        "company": item.company.organization.name,
        "project": item.project,
        "demand_gpu_hours": item.demand_gpu_hours,
        "granted_gpu_hours": grant.gpu_hours if grant else 0.0,
        "reason": item.reason,
        "state": item.state,
        "pools": sorted(p.model for p in item.pools.all()),
        "periods": item.periods,
        "gpus": item.gpus,
        "minimum_gpu_hours": item.minimum_gpu_hours,
        "parts": _parts(grant),
        "purpose": item.purpose,
        "justification": item.justification,
        "data_needs": item.data_needs,
        "security_needs": item.security_needs,
        "award": item.award_id,
        "staff_priority": item.staff_priority,
        "weight": item.weight,
        "account": grant.account if grant else None,
    }
    redacted = access.REQUEST_FIELDS.redact(values, level)
    return {"id": item.pk, "round": item.round_id, **{k: redacted.get(k) for k in values}}


def _requests(rows: Any) -> Any:
    return rows.select_related("company__organization__parent", "round", "grant").prefetch_related(
        "pools", "grant__parts__pool"
    )


@router.get(
    "/compute/rounds",
    response=list[RoundOut],
    url_name="compute_rounds",
    auth=PUBLIC,
    summary="Allocation rounds (open and decided; staff: every state)",
)
def compute_rounds(request: HttpRequest) -> list[dict[str, Any]]:
    rows = access.visible_rounds_public(request.user).prefetch_related("pools")[:LIMIT]
    return [_round_values(rnd) for rnd in rows]


@router.get(
    "/compute/rounds/{round_id}",
    response=RoundDetailOut,
    url_name="compute_round",
    auth=PUBLIC,
    summary="A round with its grants once decided (fields as your access shows them)",
)
def compute_round(request: HttpRequest, round_id: int) -> dict[str, Any]:
    rnd = access.round_for(request.user, round_id)
    grants: list[dict[str, Any]] = []
    if rnd.state == RoundState.APPROVED or access.is_compute_staff(request.user):
        rows = _requests(
            ComputeRequest.objects.filter(round=rnd).filter(
                access.requests_at_least(request.user, ViewLevel.PUBLIC)
            )
        ).order_by("pk")
        grants = [_request_values(request.user, item) for item in rows]
    return {**_round_values(rnd), "grants": grants}


@router.get(
    "/compute/requests",
    response=list[RequestOut],
    url_name="compute_requests",
    summary="GPU requests you may see beyond the public lists (your company's, staff: all)",
)
def compute_requests(request: HttpRequest) -> list[dict[str, Any]]:
    rows = _requests(
        ComputeRequest.objects.filter(access.requests_at_least(request.user, ViewLevel.RECORD))
    ).order_by("-created_at", "-pk")[:LIMIT]
    return [_request_values(request.user, item) for item in rows]


@router.post(
    "/compute/requests",
    response={201: RequestOut},
    url_name="compute_request_create",
    summary="Create and submit a GPU request for a company you belong to (write token)",
)
def compute_request_create(request: HttpRequest, payload: RequestIn) -> Status[dict[str, Any]]:
    """A round request (`round`) or a rolling one (no round: granted at once or waiting). 403
    when you are not a member of the company; 422 says what to fix."""
    if not access.can_request_for(request.user, payload.company):
        raise HttpError(403, "you may request GPU-hours only for a company you belong to")
    company = access.request_companies(request.user).filter(pk=payload.company).first()
    if company is None:
        raise HttpError(422, "company: the company has no profile yet")
    rnd = None
    if payload.round is not None:
        rnd = access.round_for(request.user, payload.round)
    pools = list(Pool.objects.filter(model__in=payload.pools))
    if len(pools) != len(set(payload.pools)):
        raise HttpError(422, "pools: unknown GPU model code")
    if payload.award is not None and not company_awards(company).filter(pk=payload.award).exists():
        raise HttpError(422, "award: not an award of this company")
    data = {
        "project": payload.project,
        "purpose": payload.purpose,
        "gpus": payload.gpus,
        "periods": sorted(payload.periods),
        "minimum_gpu_hours": payload.minimum_gpu_hours,
        "justification": payload.justification,
        "data_needs": payload.data_needs,
        "security_needs": payload.security_needs,
        "award_id": payload.award,
    }
    try:
        with transaction.atomic():
            item = request_services.request_create(
                actor=request.user, company=company, rnd=rnd, data=data, pools=pools
            )
            item = request_services.request_submit(actor=request.user, request=item)
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from error
    item = _requests(ComputeRequest.objects.filter(pk=item.pk)).get()
    return Status(201, _request_values(request.user, item))


@router.get(
    "/compute/grants",
    response=list[GrantOut],
    url_name="compute_grants",
    summary="Grants you may see, with their parts per pool and month",
)
def compute_grants(request: HttpRequest) -> list[dict[str, Any]]:
    rows = (
        Grant.objects.filter(access.grants_at_least(request.user, ViewLevel.PUBLIC))
        .select_related("request__company__organization", "request__round", "round")
        .prefetch_related("parts__pool")
        .order_by("-created_at", "-pk")[:LIMIT]
    )
    out = []
    for grant in rows:
        level = access.request_view_level(request.user, grant.request)
        shows_parts = access.REQUEST_FIELDS.shows("parts", level)
        out.append(
            {
                "id": grant.pk,
                "request": grant.request_id,
                "round": grant.round_id,
                "gpu_hours": grant.gpu_hours,
                "reason": grant.reason,
                "state": grant.state,
                "account": grant.account if access.REQUEST_FIELDS.shows("account", level) else None,
                "parts": _parts(grant) if shows_parts else None,
            }
        )
    return out
