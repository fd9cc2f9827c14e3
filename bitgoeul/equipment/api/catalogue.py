"""API operations on the equipment catalogue: the visible items, and an item's free time.

Both answer anyone (a token or a session is used when one is sent: host staff also see their
items that are not public); what is visible is `access.items_for_viewer`, and an item the caller
may not see is 404. Times are ISO 8601 with an offset; a time sent without one is Korea time, as
on the pages, and answers are given in Korea time (+09:00)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Schema
from ninja.errors import HttpError

from bitgoeul.accounts.api_auth import SessionAuth, TokenAuth
from bitgoeul.equipment import access
from bitgoeul.equipment.api.base import router
from bitgoeul.equipment.availability import free_intervals
from bitgoeul.equipment.enums import Domain, FeeUnit
from bitgoeul.equipment.models import Item

SEOUL = ZoneInfo("Asia/Seoul")
MAX_PAGE_SIZE = 100
MAX_RANGE = dt.timedelta(days=62)  # two months: a month view with its edges, not a year scan
# Times outside these years are typing mistakes; refusing them keeps date arithmetic in range.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=SEOUL)
LATEST = dt.datetime(2100, 1, 1, tzinfo=SEOUL)


def _anyone(request: HttpRequest) -> Any:
    """Last of the authentications of public reads: no credentials reads as anonymous; a bad
    token is still told so (401)."""
    if request.headers.get("Authorization"):
        return None
    return request.user if request.user.is_authenticated else "anonymous"


PUBLIC = [TokenAuth(), SessionAuth(csrf=True), _anyone]


# --- schemas -----------------------------------------------------------------------------------


class NamedOut(Schema):
    id: int
    name: str
    name_en: str


class CentreOut(NamedOut):
    domain: str


class RulesOut(Schema):
    min_minutes: int
    max_minutes: int
    notice_minutes: int
    max_advance_days: int
    buffer_minutes: int
    always_open: bool
    open_from: dt.time
    open_until: dt.time
    open_days: list[int]
    closed_on_holidays: bool
    requires_approval: bool
    free_cancel_hours: int
    late_cancel_percent: int


class FeeOut(Schema):
    unit: str
    krw: int
    discount_local_percent: int
    discount_young_percent: int


class ItemOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    location: str
    centre: CentreOut
    category: NamedOut
    host: NamedOut
    specifications: list[dict[str, Any]]
    rules: RulesOut
    fee: FeeOut
    is_active: bool


class ItemPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ItemOut]


class ItemQuery(Schema):
    q: str = ""
    centre: int | None = None
    category: int | None = None
    domain: str = ""
    fee: str = ""
    page: int = 1
    page_size: int = 20


class IntervalOut(Schema):
    start: dt.datetime
    end: dt.datetime


class AvailabilityOut(Schema):
    item: int
    start: dt.datetime
    end: dt.datetime
    time_zone: str
    free: list[IntervalOut]


class AvailabilityQuery(Schema):
    start: dt.datetime
    end: dt.datetime


# --- helpers -----------------------------------------------------------------------------------


def item_out(item: Item) -> dict[str, Any]:
    return {
        "id": item.pk,
        "code": item.code,
        "name": item.name,
        "name_en": item.name_en,
        "location": item.location,
        "centre": {
            "id": item.centre.pk,
            "name": item.centre.name,
            "name_en": item.centre.name_en,
            "domain": item.centre.domain,
        },
        "category": {
            "id": item.category.pk,
            "name": item.category.name,
            "name_en": item.category.name_en,
        },
        "host": {"id": item.host.pk, "name": item.host.name, "name_en": item.host.name_en},
        "specifications": item.specifications,
        "rules": {
            "min_minutes": item.min_minutes,
            "max_minutes": item.max_minutes,
            "notice_minutes": item.notice_minutes,
            "max_advance_days": item.max_advance_days,
            "buffer_minutes": item.buffer_minutes,
            "always_open": item.always_open,
            "open_from": item.open_from,
            "open_until": item.open_until,
            "open_days": item.open_days,
            "closed_on_holidays": item.closed_on_holidays,
            "requires_approval": item.requires_approval,
            "free_cancel_hours": item.free_cancel_hours,
            "late_cancel_percent": item.late_cancel_percent,
        },
        "fee": {
            "unit": item.fee_unit,
            "krw": item.fee_krw,
            "discount_local_percent": item.discount_local_percent,
            "discount_young_percent": item.discount_young_percent,
        },
        "is_active": item.is_active,
    }


def aware(value: dt.datetime) -> dt.datetime:
    """A time sent without an offset is Korea time, as on the pages."""
    return timezone.make_aware(value, SEOUL) if timezone.is_naive(value) else value


def aware_in_range(field: str, value: dt.datetime) -> dt.datetime:
    """`aware(value)`, refused (422 on `field`) outside the years 2000–2099."""
    moment = aware(value)
    if not EARLIEST <= moment < LATEST:
        raise HttpError(422, f"{field}: give a time between the years 2000 and 2099")
    return moment


def seoul(value: dt.datetime) -> dt.datetime:
    return value.astimezone(SEOUL)


def check_page(page: int, page_size: int) -> None:
    if page < 1:
        raise HttpError(422, "page: pages start at 1")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise HttpError(422, f"page_size: between 1 and {MAX_PAGE_SIZE}")


# --- operations --------------------------------------------------------------------------------


@router.get(
    "/equipment", response=ItemPage, auth=PUBLIC, summary="Equipment you may see (filters, paging)"
)
def equipment_list(request: HttpRequest, query: Query[ItemQuery]) -> dict[str, Any]:
    """Active public items, and the items the caller manages, in catalogue order. `q` finds
    every word in the name (Korean or English), the asset number or the description; `centre`
    and `category` are ids; `domain` one of healthcare, mobility, energy, manufacturing,
    public_safety; `fee` one of free, hour, day."""
    check_page(query.page, query.page_size)
    if query.domain and query.domain not in Domain.values:
        raise HttpError(422, f"domain: use one of {', '.join(Domain.values)}")
    if query.fee and query.fee not in FeeUnit.values:
        raise HttpError(422, f"fee: use one of {', '.join(FeeUnit.values)}")
    items = access.items_for_viewer(request.user).select_related("centre", "category", "host")
    if query.centre is not None:
        items = items.filter(centre_id=query.centre)
    if query.category is not None:
        items = items.filter(category_id=query.category)
    if query.domain:
        items = items.filter(centre__domain=query.domain)
    if query.fee:
        items = items.filter(fee_unit=query.fee)
    for word in query.q.split():
        items = items.filter(
            Q(name__icontains=word)
            | Q(name_en__icontains=word)
            | Q(code__icontains=word)
            | Q(description__icontains=word)
            | Q(description_en__icontains=word)
        )
    items = items.order_by("centre__position", "centre__name", "name", "pk")
    start = (query.page - 1) * query.page_size
    return {
        "count": items.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": [item_out(item) for item in items[start : start + query.page_size]],
    }


@router.get(
    "/equipment/{item_id}",
    response=ItemOut,
    auth=PUBLIC,
    summary="One item with its booking rules and fee",
)
def equipment_detail(request: HttpRequest, item_id: int) -> dict[str, Any]:
    return item_out(access.item_for_viewer(request.user, item_id))


@router.get(
    "/equipment/{item_id}/availability",
    response=AvailabilityOut,
    auth=PUBLIC,
    summary="An item's free time between two moments",
)
def equipment_availability(
    request: HttpRequest, item_id: int, query: Query[AvailabilityQuery]
) -> dict[str, Any]:
    """The intervals in [start, end) when the item is open and neither booked (with the
    buffer kept after a booking) nor blacked out, as half-open [start, end) intervals in Korea
    time. At most 62 days at once. It says when the item is free, never who booked it; the
    booking rules (notice, length, who may book) still apply when you book."""
    item = access.item_for_viewer(request.user, item_id)
    start, end = aware_in_range("start", query.start), aware_in_range("end", query.end)
    if end <= start:
        raise HttpError(422, "end: must be after start")
    if end - start > MAX_RANGE:
        raise HttpError(422, f"end: ask for at most {MAX_RANGE.days} days at once")
    return {
        "item": item.pk,
        "start": seoul(start),
        "end": seoul(end),
        "time_zone": "Asia/Seoul",
        "free": [{"start": seoul(s), "end": seoul(e)} for s, e in free_intervals(item, start, end)],
    }
