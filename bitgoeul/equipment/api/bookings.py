"""API operations on bookings: book (with `Idempotency-Key`), list mine, read one, cancel.

Writes need a signed-in session or a write token. A booking is written by
`services.bookings.booking_create` (rules, fee, the database's no-overlap guarantee) and
cancelled by `services.lifecycle.booking_set_state`; who may do what is `equipment.access`.
What a caller sees of a booking is `access.BOOKING_FIELDS` at the caller's level: someone who
only sees the item learns that the time is taken, never the company, purpose or fee.

Answers to `POST /bookings`: 201 with the booking; 409 `conflict` when the time (with the
buffer) overlaps another booking (the database decides; a time already taken is answered so
before the rules are asked); 422 `refused` with `problems`, one
per broken rule, each with a stable `code` and a message that says what to change."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status
from ninja.errors import HttpError

from bitgoeul.accounts.models import User
from bitgoeul.companies.models import Company
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.equipment import access
from bitgoeul.equipment.api.base import router
from bitgoeul.equipment.api.catalogue import aware, aware_in_range, check_page, seoul
from bitgoeul.equipment.enums import HOLDING_STATES, BookingState
from bitgoeul.equipment.models import Booking, Item
from bitgoeul.equipment.services import idempotency
from bitgoeul.equipment.services.bookings import (
    BookingConflict,
    BookingRefused,
    booking_create,
)
from bitgoeul.equipment.services.idempotency import Answer
from bitgoeul.equipment.services.lifecycle import IllegalTransition, booking_set_state

IDEMPOTENCY_HEADER = "Idempotency-Key"


# --- schemas -----------------------------------------------------------------------------------


class CompanyOut(Schema):
    id: int
    name: str


class AccessoryOut(Schema):
    id: int
    name: str
    quantity: int


class BookingOut(Schema):
    """Fields the caller may not see are null (`access.BOOKING_FIELDS`)."""

    id: int
    item: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    blocked_until: dt.datetime
    state: str | None
    company: CompanyOut | None
    booked_by: str | None
    series: int | None
    purpose: str | None
    award: int | None
    accessories: list[AccessoryOut] | None
    fee_krw: int | None
    fee_detail: dict[str, Any] | None
    override_reason: str | None
    decision_note: str | None
    cancel_reason: str | None
    checked_in_at: dt.datetime | None
    created_at: dt.datetime | None


class BookingPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[BookingOut]


class ErrorBody(Schema):
    code: str
    message: str
    field: str | None


class ErrorOut(Schema):
    error: ErrorBody


class ProblemOut(Schema):
    code: str
    message: str


class RefusalBody(ErrorBody):
    problems: list[ProblemOut]


class RefusalOut(Schema):
    error: RefusalBody


class BookingIn(Schema):
    item: int
    company: int | None = Field(
        None, description="the company booked for; may be left out by a member of one company"
    )
    starts_at: dt.datetime
    ends_at: dt.datetime
    purpose: Annotated[str, Field(max_length=2000)] = ""
    override_reason: Annotated[str, Field(max_length=300)] = Field(
        "", description="host staff only: book although a rule says no, and say why"
    )


class BookingQuery(Schema):
    scope: str = Field("mine", description="mine: my companies' bookings; managed: my items'")
    company: int | None = None
    item: int | None = None
    state: str = ""
    start: dt.datetime | None = Field(None, description="bookings ending after this moment")
    end: dt.datetime | None = Field(None, description="bookings starting before this moment")
    page: int = 1
    page_size: int = 50


# --- helpers -----------------------------------------------------------------------------------


def booking_out(booking: Booking, level: ViewLevel) -> dict[str, Any]:
    """The booking as JSON-ready values (the form stored for an idempotent replay), with the
    fields the level does not show set to None."""
    values = {
        "id": booking.pk,
        "item": booking.item_id,
        "starts_at": seoul(booking.starts_at),
        "ends_at": seoul(booking.ends_at),
        "blocked_until": seoul(booking.blocked_until),
        "state": booking.state,
        "company": {"id": booking.company_id, "name": booking.company.organization.name},
        "booked_by": booking.booked_by.name if booking.booked_by else None,
        "series": booking.series_id,
        "purpose": booking.purpose,
        "award": booking.award_id,
        "accessories": [
            {"id": chosen.accessory_id, "name": chosen.accessory.name, "quantity": chosen.quantity}
            for chosen in booking.accessories.all()
        ],
        "fee_krw": booking.fee_krw,
        "fee_detail": booking.fee_detail,
        "override_reason": booking.override_reason,
        "decision_note": booking.decision_note,
        "cancel_reason": booking.cancel_reason,
        "checked_in_at": seoul(booking.checked_in_at) if booking.checked_in_at else None,
        "created_at": seoul(booking.created_at),
    }
    shown = access.BOOKING_FIELDS.redact(values, level)
    return BookingOut.model_validate(shown).model_dump(mode="json")


def _error(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field, **extra}}


def _company(user: User, item: Item, company_id: int | None) -> Company:
    """The company booked for: one the caller is a member of, or (host staff) any company."""
    if company_id is None:
        mine = list(access.bookable_companies(user).select_related("organization")[:2])
        if len(mine) == 1:
            return mine[0]
        if not mine:
            raise HttpError(403, "company: you are not a member of any company")
        raise HttpError(422, "company: you are a member of several companies: say which one")
    company = Company.objects.select_related("organization").filter(pk=company_id).first()
    if company is None:
        raise HttpError(422, "company: no such company")
    if not (access.can_book_for(user, company) or access.can_book_on_behalf(user, item)):
        raise HttpError(403, "company: you may book only for a company you are a member of")
    return company


def _visibly_taken(item: Item, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    """Whether a holding booking already overlaps the time with the buffer, read without a
    lock. Only an early answer: when many clients race for one slot, the losers are told so
    without queueing for the write lock. A time read as free is still refused by the database
    if it is taken meanwhile (`guard`)."""
    if ends_at <= starts_at:
        return False  # the rules say what is wrong with it
    blocked_until = ends_at + dt.timedelta(minutes=item.buffer_minutes)
    return Booking.objects.filter(
        item=item,
        state__in=HOLDING_STATES,
        starts_at__lt=blocked_until,
        blocked_until__gt=starts_at,
    ).exists()


def _conflict() -> Answer:
    return Answer(
        409,
        _error("conflict", _("This time is already booked. Choose another time."), "starts_at"),
    )


def _attempt(user: User, item: Item, company: Company, payload: BookingIn) -> Answer:
    """Book, and answer as the API does; a refusal leaves nothing written. A time already
    taken is answered 409 whatever the rules say of it."""
    starts_at = aware_in_range("starts_at", payload.starts_at)
    ends_at = aware_in_range("ends_at", payload.ends_at)
    if _visibly_taken(item, starts_at, ends_at):
        return _conflict()
    try:
        booking = booking_create(
            item=item,
            company=company,
            starts_at=starts_at,
            ends_at=ends_at,
            actor=user,
            purpose=payload.purpose,
            override_reason=payload.override_reason.strip(),
        )
    except BookingConflict:
        return _conflict()
    except BookingRefused as refused:
        return Answer(
            422,
            _error(
                "refused",
                " ".join(p.message for p in refused.problems),
                None,
                problems=[{"code": p.code, "message": p.message} for p in refused.problems],
            ),
        )
    return Answer(201, booking_out(booking, ViewLevel.PRIVATE))


# --- operations --------------------------------------------------------------------------------


@router.post(
    "/bookings",
    response={201: BookingOut, 409: ErrorOut, 422: RefusalOut},
    summary="Book an item (honours Idempotency-Key)",
)
def booking_post(request: HttpRequest, payload: BookingIn, response: HttpResponse) -> Status:
    """Book `item` for `company` from `starts_at` to `ends_at` (15-minute grid).

    Send an `Idempotency-Key` header (e.g. a UUID) to retry safely: the same key with the same
    body returns the first answer again (with `Idempotent-Replayed: true`) and books nothing
    more; the same key with another body is refused with 422 `idempotency_key_reused`; while
    the first request with the key is still being answered, 409 `idempotency_key_in_use`.
    Keys are remembered per user for 24 hours."""
    user = request.user
    assert isinstance(user, User)  # authenticated: the router's default auth
    item = access.item_for_viewer(user, payload.item)
    company = _company(user, item, payload.company)
    if payload.override_reason.strip() and not access.can_book_on_behalf(user, item):
        raise HttpError(403, "override_reason: only the item's host may override a rule")
    aware_in_range("starts_at", payload.starts_at)
    aware_in_range("ends_at", payload.ends_at)
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        answer = _attempt(user, item, company, payload)
        return Status(answer.status, answer.body)
    if not idempotency.key_is_valid(key):
        raise HttpError(422, f"{IDEMPOTENCY_HEADER}: 1 to 200 visible ASCII characters")
    body = json.loads(request.body)  # valid JSON: the payload was parsed from it
    digest = idempotency.request_hash(request.method or "POST", request.path, body)
    try:
        answer = idempotency.idempotent_answer(
            user=user,
            key=key,
            digest=digest,
            answer=lambda: _attempt(user, item, company, payload),
        )
    except idempotency.IdempotencyKeyReused:
        return Status(
            422,
            _error(
                "idempotency_key_reused",
                "this Idempotency-Key was used with another request: use a new key for a new "
                "booking",
                IDEMPOTENCY_HEADER,
                problems=[],
            ),
        )
    except idempotency.IdempotencyKeyInUse:
        return Status(
            409,
            _error(
                "idempotency_key_in_use",
                "a request with this Idempotency-Key is still being answered: retry shortly",
                IDEMPOTENCY_HEADER,
            ),
        )
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(answer.status, answer.body)


@router.get("/bookings", response=BookingPage, summary="My companies' bookings (or my items')")
def booking_list(request: HttpRequest, query: Query[BookingQuery]) -> dict[str, Any]:
    """`scope=mine` (default): bookings of the companies you are a member of;
    `scope=managed`: bookings of the items you manage (host and operator staff). Filters:
    `company`, `item`, `state`, and `start`/`end` for the bookings that overlap that window.
    Ordered by start."""
    check_page(query.page, query.page_size)
    user = request.user
    if query.scope == "mine":
        bookings = Booking.objects.filter(company__organization_id__in=access.company_org_ids(user))
    elif query.scope == "managed":
        bookings = Booking.objects.filter(access.managed_bookings_q(user))
    else:
        raise HttpError(422, "scope: use mine or managed")
    if query.state and query.state not in BookingState.values:
        raise HttpError(422, f"state: use one of {', '.join(BookingState.values)}")
    if query.company is not None:
        bookings = bookings.filter(company_id=query.company)
    if query.item is not None:
        bookings = bookings.filter(item_id=query.item)
    if query.state:
        bookings = bookings.filter(state=query.state)
    if query.start is not None:
        bookings = bookings.filter(ends_at__gt=aware(query.start))
    if query.end is not None:
        bookings = bookings.filter(starts_at__lt=aware(query.end))
    bookings = (
        bookings.select_related("company__organization", "booked_by")
        .prefetch_related("accessories__accessory")
        .order_by("starts_at", "pk")
    )
    start = (query.page - 1) * query.page_size
    return {
        "count": bookings.count(),
        "page": query.page,
        "page_size": query.page_size,
        # every booking here is the caller's company's or the caller's item's: PRIVATE
        "results": [
            booking_out(b, ViewLevel.PRIVATE) for b in bookings[start : start + query.page_size]
        ],
    }


@router.get("/bookings/{booking_id}", response=BookingOut, summary="One booking")
def booking_detail(request: HttpRequest, booking_id: int) -> dict[str, Any]:
    """The booking with the fields your level shows: its company and host see everything;
    anyone who sees the item sees only the time taken."""
    booking = access.booking_for_viewer(request.user, booking_id, ViewLevel.PUBLIC)
    return booking_out(booking, access.booking_view_level(request.user, booking))


@router.delete("/bookings/{booking_id}", response=BookingOut, summary="Cancel a booking")
def booking_delete(
    request: HttpRequest, booking_id: int, reason: Annotated[str, Field(max_length=300)] = ""
) -> dict[str, Any]:
    """Cancel a booking that waits for approval or is confirmed: its company's members and
    the item's host may. The booking stays, cancelled, and its time is freed at once. A booking
    that has begun (checked in) or ended cannot be cancelled: 409."""
    user = request.user
    booking = access.booking_for_viewer(user, booking_id, ViewLevel.PRIVATE)
    if not access.can_cancel_booking(user, booking):
        raise HttpError(403, "you may not cancel this booking")
    try:
        booking_set_state(
            booking=booking, state=BookingState.CANCELLED, actor=user, note=reason.strip()
        )
    except IllegalTransition:
        raise HttpError(
            409, f"state: a booking that is {booking.state} cannot be cancelled"
        ) from None
    return booking_out(booking, ViewLevel.PRIVATE)
