"""The pools area's rows of the URL × role table (tests/test_url_access.py).

Pools, their capacity calendar and tariffs are public (pages and API); editing pools,
maintenance windows and discounts, and the over-commit view (it sums every active grant,
rolling ones too), are compute staff's: operator staff get them, every other signed-in role
403, anonymous visitors are sent to log in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bitgoeul.compute.models import Discount, MaintenanceWindow, Pool
from bitgoeul.compute.periods import SEOUL
from tests.compute.pools_scene import make_pool
from tests.conftest import World
from tests.test_url_access import Rule, everyone, only

STAFF_PAGE = only({"operator": 200}, otherwise=403)
STAFF_ACT = only({"operator": 302}, otherwise=403)
START = dt.datetime(2027, 3, 2, 9, tzinfo=SEOUL)


def _pool(w: World) -> Pool:
    return Pool.objects.filter(model="h100").first() or make_pool("h100")


def _pool_id(w: World) -> dict[str, Any]:
    return {"pool_id": _pool(w).pk}


def _window_id(w: World) -> dict[str, Any]:
    window = MaintenanceWindow.objects.create(
        pool=_pool(w),
        starts_at=START,
        ends_at=START + dt.timedelta(hours=8),
        gpus=2,
        reason="점검",
    )
    return {"window_id": window.pk}


def _discount_id(w: World) -> dict[str, Any]:
    discount = Discount.objects.create(name="지역 할인", chapter=w.chapter, percent=20)
    return {"discount_id": discount.pk}


def _window_form(w: World) -> dict[str, Any]:
    return {
        "window-starts_at": "2027-03-02T09:00",
        "window-ends_at": "2027-03-02T18:00",
        "window-gpus": "2",
        "window-reason": "냉각 설비 점검",
    }


RULES: dict[str, Rule] = {
    "compute:pool_list": Rule(everyone(200)),
    "compute:pool_detail": Rule(everyone(200), kwargs=_pool_id),
    "compute:pool_create": Rule(STAFF_PAGE),
    "compute:pool_edit": Rule(STAFF_PAGE, kwargs=_pool_id),
    "compute:maintenance_add": Rule(STAFF_ACT, method="post", kwargs=_pool_id, data=_window_form),
    "compute:maintenance_edit": Rule(STAFF_PAGE, kwargs=_window_id),
    "compute:maintenance_delete": Rule(STAFF_ACT, method="post", kwargs=_window_id),
    "compute:discount_list": Rule(STAFF_PAGE),
    "compute:discount_create": Rule(STAFF_PAGE),
    "compute:discount_edit": Rule(STAFF_PAGE, kwargs=_discount_id),
    "compute:discount_deactivate": Rule(STAFF_ACT, method="post", kwargs=_discount_id),
    "compute:overcommit": Rule(STAFF_PAGE),
    "api-1:compute_pool_list": Rule(everyone(200)),
    "api-1:compute_pool_detail": Rule(everyone(200), kwargs=_pool_id),
}
