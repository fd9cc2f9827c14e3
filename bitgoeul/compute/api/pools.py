"""The compute API: pools and their capacity calendar.

Both operations answer anyone (a token or a session is used when one is sent): pools, tariffs and
capacity are public, as the pages are. Staff also see pools taken out of service; a pool the
caller may not see is 404. Capacity is per period ("YYYY-MM", a month in Asia/Seoul) in
GPU-hours, from the current month on."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from bitgoeul.accounts.api_auth import SessionAuth, TokenAuth
from bitgoeul.compute import access
from bitgoeul.compute import selectors_pools as selectors
from bitgoeul.compute.capacity import Capacity
from bitgoeul.compute.models import Pool

router = Router(tags=["compute"])

MAX_MONTHS = 36


def _anyone(request: HttpRequest) -> Any:
    """Last of the authentications of public reads: no credentials reads as anonymous; a bad
    token is still told so (401)."""
    if request.headers.get("Authorization"):
        return None
    return request.user if request.user.is_authenticated else "anonymous"


PUBLIC = [TokenAuth(), SessionAuth(csrf=True), _anyone]


class CapacityOut(Schema):
    period: str
    gross_gpu_hours: float
    maintenance_gpu_hours: float
    reserved_gpu_hours: float
    net_gpu_hours: float


class PoolOut(Schema):
    id: int
    name: str
    model: str
    gpus: int
    nodes: int
    gpu_memory_gb: int
    reserved_share: float
    krw_per_gpu_hour: int
    description: str
    is_active: bool
    capacity: list[CapacityOut]


class MonthsQuery(Schema):
    months: int = 12


def _months(query: MonthsQuery) -> list[str]:
    if not 1 <= query.months <= MAX_MONTHS:
        raise HttpError(422, f"months: give 1 to {MAX_MONTHS}")
    return selectors.calendar_periods(months=query.months)


def _capacity(cell: Capacity) -> dict[str, Any]:
    return {
        "period": cell.period,
        "gross_gpu_hours": round(cell.gross, 1),
        "maintenance_gpu_hours": round(cell.maintenance, 1),
        "reserved_gpu_hours": round(cell.reserved, 1),
        "net_gpu_hours": round(cell.net, 1),
    }


def _pool(pool: Pool, cells: list[Capacity]) -> dict[str, Any]:
    return {
        "id": pool.pk,
        "name": pool.name,
        "model": pool.model,
        "gpus": pool.gpus,
        "nodes": pool.nodes,
        "gpu_memory_gb": pool.gpu_memory_gb,
        "reserved_share": float(pool.reserved_share),
        "krw_per_gpu_hour": pool.krw_per_gpu_hour,
        "description": pool.description,
        "is_active": pool.is_active,
        "capacity": [_capacity(cell) for cell in cells],
    }


@router.get(
    "/compute/pools",
    response=list[PoolOut],
    auth=PUBLIC,
    summary="GPU pools with their tariff and net capacity per month",
)
def compute_pool_list(request: HttpRequest, query: Query[MonthsQuery]) -> list[dict[str, Any]]:
    """Every pool you may see, with its capacity for `months` months (1–36, default 12) from
    the current one: all GPUs' hours, less maintenance, less the reserved share, leaves the net
    GPU-hours that rounds and rolling requests grant from."""
    periods = _months(query)
    calendar = selectors.capacity_calendar(access.pools_visible(request.user), periods)
    return [_pool(row.pool, row.cells) for row in calendar]


@router.get(
    "/compute/pools/{pool_id}",
    response=PoolOut,
    auth=PUBLIC,
    summary="One GPU pool with its net capacity per month",
)
def compute_pool_detail(
    request: HttpRequest, pool_id: int, query: Query[MonthsQuery]
) -> dict[str, Any]:
    periods = _months(query)
    (row,) = selectors.capacity_calendar([access.pool_for(request.user, pool_id)], periods)
    return _pool(row.pool, row.cells)
