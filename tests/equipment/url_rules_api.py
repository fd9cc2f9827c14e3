"""The api area's rows of the URL × role table (tests/test_url_access.py): the equipment API
operations and the calendar links.

The world's company books a public item whose host nobody in the world works for, so operator
staff are its only managers. Reading equipment is public; bookings need a token or a session
(401 without); a booking's own company and the operator see and cancel it, others who see the
item see only that its time is taken (200 on detail, 404 on cancel). A calendar feed's link is
its own credential: it answers everyone who has it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from bitgoeul.companies.models import Company
from bitgoeul.core import hooks
from bitgoeul.equipment.enums import FeedScope
from bitgoeul.equipment.models import Item
from bitgoeul.equipment.services.feeds import calendar_feed_create
from tests.conftest import World
from tests.equipment.factories import BookingFactory, ItemFactory, grid_time
from tests.test_url_access import LOGIN, Rule, everyone, only


def _company(w: World) -> Company:
    """The world's company with its record (made by the sign-up event, as on the platform)."""
    found = Company.objects.filter(pk=w.company.pk).first()
    if found is not None:
        return found
    with transaction.atomic():
        hooks.publish(hooks.ORGANIZATION_CREATED, organization=w.company, actor=None)
    return Company.objects.get(pk=w.company.pk)


def _item(w: World) -> Item:
    return Item.objects.first() or ItemFactory.create()


def _item_id(w: World) -> dict[str, Any]:
    return {"item_id": _item(w).pk}


def _booking_id(w: World) -> dict[str, Any]:
    booking = BookingFactory.create(item=_item(w), company=_company(w), booked_by=w.owner)
    return {"booking_id": booking.pk}


def _booking_body(w: World) -> dict[str, Any]:
    _company(w)
    start = grid_time(days=3, hour=10)
    return {
        "item": _item(w).pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
    }


def _window(w: World) -> dict[str, Any]:
    start = grid_time(days=3, hour=0)
    return {"start": start.isoformat(), "end": (start + dt.timedelta(days=1)).isoformat()}


def _feed(w: World) -> tuple[int, str]:
    with transaction.atomic():
        feed, secret = calendar_feed_create(owner=w.owner, scope=FeedScope.USER)
    return feed.pk, secret


SIGNED = everyone(200, anonymous=401)

RULES: dict[str, Rule] = {
    "api-1:equipment_list": Rule(everyone(200)),
    "api-1:equipment_detail": Rule(everyone(200), kwargs=_item_id),
    "api-1:equipment_availability": Rule(everyone(200), kwargs=_item_id, data=_window),
    "api-1:booking_list": Rule(SIGNED),
    "api-1:booking_detail": Rule(SIGNED, kwargs=_booking_id),
    "api-1:booking_post": Rule(
        everyone(403, anonymous=401, owner=201, teammate=201),
        method="post",
        json=True,
        data=_booking_body,
    ),
    "api-1:booking_delete": Rule(
        everyone(404, anonymous=401, owner=200, teammate=200, operator=200),
        method="delete",
        kwargs=_booking_id,
    ),
    "equipment:feed_list": Rule(everyone(200, anonymous=LOGIN)),
    "equipment:feed_revoke": Rule(
        only({"owner": 302}, otherwise=404),
        method="post",
        kwargs=lambda w: {"feed_id": _feed(w)[0]},
    ),
    "equipment:feed_ics": Rule(everyone(200), kwargs=lambda w: {"secret": _feed(w)[1]}),
}
