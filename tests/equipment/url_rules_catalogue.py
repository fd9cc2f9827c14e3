"""The catalogue area's rows of the URL × role table (tests/test_url_access.py).

The items are hosted by the world's chapter, so its chapter staff are the host's staff and
manage them; operator staff manage everything. The catalogue is public; managing it is 403
for signed-in people who do not manage the item (the item itself is public, so its existence
is no secret)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from bitgoeul.equipment.enums import BlackoutKind
from bitgoeul.equipment.models import Accessory, Blackout, Centre, Item, ItemPhoto, Quota
from tests.conftest import World
from tests.equipment.factories import CategoryFactory, CentreFactory, ItemFactory, grid_time
from tests.test_url_access import Rule, everyone, only

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _centre(w: World) -> Centre:
    return CentreFactory.create(host=w.chapter)


def _item(w: World) -> Item:
    return ItemFactory.create(centre=_centre(w))


def _photo(w: World) -> ItemPhoto:
    photo = ItemPhoto(item=_item(w), caption="정면")
    photo.file.save("photo.png", SimpleUploadedFile("photo.png", PNG), save=True)
    return photo


def _blackout(w: World) -> Blackout:
    start = grid_time(3, 10)
    return Blackout.objects.create(
        item=_item(w),
        kind=BlackoutKind.MAINTENANCE,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )


def _item_kwargs(w: World) -> dict[str, Any]:
    return {"item_id": _item(w).pk}


def _blackout_data(w: World) -> dict[str, Any]:
    start = grid_time(5, 10).strftime("%Y-%m-%dT%H:%M")
    end = grid_time(5, 12).strftime("%Y-%m-%dT%H:%M")
    return {"blackout-kind": "maintenance", "blackout-starts_at": start, "blackout-ends_at": end}


def _accessory(w: World) -> dict[str, Any]:
    accessory = Accessory.objects.create(item=_item(w), name="삼각대", quantity=2)
    return {"item_id": accessory.item_id, "accessory_id": accessory.pk}


def _quota(w: World) -> dict[str, Any]:
    quota = Quota.objects.create(item=_item(w), measure="hours", period="week", limit=10)
    return {"item_id": quota.item_id, "quota_id": quota.pk}


MANAGERS_PAGE = only({"operator": 200, "chapter_staff": 200}, otherwise=403)
MANAGERS_POST = only({"operator": 302, "chapter_staff": 302}, otherwise=403)
OPERATOR_PAGE = only({"operator": 200}, otherwise=403)

CATALOGUE_RULES: dict[str, Rule] = {
    "equipment:item_list": Rule(everyone(200)),
    "equipment:free_time": Rule(everyone(200)),
    "equipment:item_detail": Rule(everyone(200), kwargs=_item_kwargs),
    "equipment:item_photo": Rule(
        everyone(200), kwargs=lambda w: {"item_id": (p := _photo(w)).item_id, "photo_id": p.pk}
    ),
    "equipment:manage": Rule(MANAGERS_PAGE, kwargs=lambda w: (_centre(w), {})[1]),
    "equipment:centre_create": Rule(OPERATOR_PAGE),
    "equipment:centre_edit": Rule(MANAGERS_PAGE, kwargs=lambda w: {"centre_id": _centre(w).pk}),
    "equipment:centre_blackout_add": Rule(
        MANAGERS_POST,
        method="post",
        kwargs=lambda w: {"centre_id": _centre(w).pk},
        data=_blackout_data,
    ),
    "equipment:category_create": Rule(OPERATOR_PAGE),
    "equipment:category_edit": Rule(
        OPERATOR_PAGE, kwargs=lambda w: {"category_id": CategoryFactory.create().pk}
    ),
    "equipment:item_create": Rule(MANAGERS_PAGE, kwargs=lambda w: (_centre(w), {})[1]),
    "equipment:item_edit": Rule(MANAGERS_PAGE, kwargs=_item_kwargs),
    "equipment:item_accessory_add": Rule(
        MANAGERS_POST,
        method="post",
        kwargs=_item_kwargs,
        data=lambda w: {"accessory-name": "삼각대", "accessory-quantity": 2},
    ),
    "equipment:item_accessory_delete": Rule(MANAGERS_POST, method="post", kwargs=_accessory),
    "equipment:item_photo_add": Rule(
        MANAGERS_POST,
        method="post",
        kwargs=_item_kwargs,
        data=lambda w: {"photo-file": SimpleUploadedFile("a.png", PNG), "photo-caption": ""},
    ),
    "equipment:item_photo_delete": Rule(
        MANAGERS_POST,
        method="post",
        kwargs=lambda w: {"item_id": (p := _photo(w)).item_id, "photo_id": p.pk},
    ),
    "equipment:item_blackout_add": Rule(
        MANAGERS_POST, method="post", kwargs=_item_kwargs, data=_blackout_data
    ),
    "equipment:blackout_delete": Rule(
        MANAGERS_POST, method="post", kwargs=lambda w: {"blackout_id": _blackout(w).pk}
    ),
    "equipment:item_quota_add": Rule(
        MANAGERS_POST,
        method="post",
        kwargs=_item_kwargs,
        data=lambda w: {
            "quota-measure": "hours",
            "quota-period": "week",
            "quota-limit": 10,
            "quota-peak_from": "09:00",
            "quota-peak_until": "18:00",
        },
    ),
    "equipment:item_quota_delete": Rule(MANAGERS_POST, method="post", kwargs=_quota),
    "equipment:quota_list": Rule(OPERATOR_PAGE),
    "equipment:quota_delete": Rule(
        only({"operator": 302}, otherwise=403),
        method="post",
        kwargs=lambda w: {
            "quota_id": Quota.objects.create(measure="bookings", period="month", limit=4).pk
        },
    ),
}
