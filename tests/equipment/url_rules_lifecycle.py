"""The lifecycle area's rows of the URL × role table (tests/test_url_access.py).

The item is hosted by the world's chapter, so its chapter staff are the host's staff; the
booking is the world company's (owner, teammate). Others learn nothing of a booking (404); a
company member may not decide it (403)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bitgoeul.equipment.enums import BookingState, WaitlistState
from bitgoeul.equipment.models import Booking, Item, WaitlistEntry
from tests.companies.helpers import company_record
from tests.conftest import World
from tests.equipment.factories import BookingFactory, CentreFactory, ItemFactory, grid_time
from tests.test_url_access import Rule, only


def _item(w: World) -> Item:
    company_record(w.company)
    company_record(w.other_company)
    return ItemFactory.create(centre=CentreFactory.create(host=w.chapter), host=w.chapter)


def _booking(w: World, state: str = BookingState.PENDING, soon: bool = False) -> Booking:
    start = grid_time(days=3)
    if soon:  # inside the check-in window
        start = (timezone.now() + dt.timedelta(minutes=10)).replace(second=0, microsecond=0)
        start -= dt.timedelta(minutes=start.minute % 15)
    return BookingFactory.create(
        item=_item(w), company_id=w.company.pk, starts_at=start, state=state
    )


def _pending(w: World) -> dict[str, Any]:
    return {"booking_id": _booking(w).pk}


def _starting(w: World) -> dict[str, Any]:
    return {"booking_id": _booking(w, BookingState.CONFIRMED, soon=True).pk}


def _offer(w: World) -> dict[str, Any]:
    item = _item(w)
    start = grid_time(days=3)
    entry = WaitlistEntry.objects.create(
        item=item,
        company_id=w.company.pk,
        user=w.owner,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        state=WaitlistState.OFFERED,
        offered_at=timezone.now(),
        offer_expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    return {"entry_id": entry.pk}


def _hosting(w: World) -> dict[str, Any]:
    _item(w)
    return {}


def _company(w: World) -> dict[str, Any]:
    return {"company": company_record(w.company).pk}


MEMBERS = {"owner": 200, "teammate": 200}
PRIVATE = only({**MEMBERS, "chapter_staff": 200, "operator": 200}, 404)
DECIDE = only({"owner": 403, "teammate": 403, "chapter_staff": 302, "operator": 302}, 404)
CHECK_IN = only({"owner": 302, "teammate": 302, "chapter_staff": 302, "operator": 302}, 404)
MEMBERS_ACT = only({"owner": 302, "teammate": 302}, 404)

RULES: dict[str, Rule] = {
    "equipment:booking_list": Rule(
        only({**MEMBERS, "outsider": 200, "chapter_staff": 200, "operator": 200}, 403)
    ),
    "equipment:booking_detail": Rule(PRIVATE, kwargs=_pending),
    "equipment:booking_approve": Rule(DECIDE, method="post", kwargs=_pending),
    "equipment:booking_reject": Rule(
        DECIDE, method="post", kwargs=_pending, data=lambda w: {"note": "점검 일정"}
    ),
    "equipment:booking_check_in": Rule(CHECK_IN, method="post", kwargs=_starting),
    "equipment:booking_cancel": Rule(PRIVATE, kwargs=_pending),
    "equipment:approvals": Rule(
        only({"chapter_staff": 200, "operator": 200}, 403), kwargs=_hosting
    ),
    "equipment:waitlist_join": Rule(
        only({**MEMBERS, "outsider": 200}, 403), kwargs=lambda w: {"item_id": _item(w).pk}
    ),
    "equipment:waitlist_accept": Rule(MEMBERS_ACT, method="post", kwargs=_offer),
    "equipment:waitlist_withdraw": Rule(MEMBERS_ACT, method="post", kwargs=_offer),
    "equipment:statement": Rule(only({**MEMBERS, "operator": 200}, 404), data=_company),
    "equipment:statement_xlsx": Rule(only({**MEMBERS, "operator": 200}, 404), data=_company),
}
