"""The rules area's rows of the URL × role table (tests/test_url_access.py).

The booking form of a public item opens for anyone who may book: members of a company (for
their company; the outsider is a member of another company) and host or operator staff (on a
company's behalf); staff of other organisations with no company get 403. The confirmation
pages are the booking company's and the host's: everyone else gets 404."""

from __future__ import annotations

from typing import Any

from bitgoeul.equipment.services.bookings import booking_create
from bitgoeul.equipment.services.series import SeriesPlan, series_create
from tests.companies.helpers import company_record
from tests.conftest import World
from tests.equipment.factories import ItemFactory, grid_time
from tests.test_url_access import Rule, only, signed_in


def _item_id(w: World) -> dict[str, Any]:
    company_record(w.company)  # the records sign-up creates
    company_record(w.other_company)
    return {"item_id": ItemFactory.create().pk}


def _booking_id(w: World) -> dict[str, Any]:
    booking = booking_create(
        item=ItemFactory.create(),
        company=company_record(w.company),
        starts_at=grid_time(3, 10),
        ends_at=grid_time(3, 12),
        actor=w.owner,
    )
    return {"booking_id": booking.pk}


def _series_id(w: World) -> dict[str, Any]:
    plan = SeriesPlan(
        item=ItemFactory.create(),
        company=company_record(w.company),
        frequency="weekly",
        interval=1,
        first_starts_at=grid_time(3, 10),
        duration_minutes=60,
        count=2,
    )
    return {"series_id": series_create(plan=plan, actor=w.owner).pk}


SEE = only({"owner": 200, "teammate": 200, "operator": 200}, otherwise=404)

RULES_RULES: dict[str, Rule] = {
    "equipment:book": Rule(signed_in(200, chapter_staff=403, reviewer=403), kwargs=_item_id),
    "equipment:booking_booked": Rule(SEE, kwargs=_booking_id),
    "equipment:series_booked": Rule(SEE, kwargs=_series_id),
}
