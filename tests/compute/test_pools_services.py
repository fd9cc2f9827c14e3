"""The pools area's writes: validation that says what to fix, one audit event per change with
"before" read from the database, and the row locks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.enums import Stage
from bitgoeul.compute.models import Discount, MaintenanceWindow, Pool
from bitgoeul.compute.periods import SEOUL
from bitgoeul.compute.services.pools import (
    discount_create,
    discount_deactivate,
    discount_update,
    maintenance_create,
    maintenance_delete,
    maintenance_update,
    pool_create,
    pool_update,
)
from tests.compute.pools_scene import make_pool
from tests.conftest import World

pytestmark = pytest.mark.django_db

POOL = {
    "name": "NVIDIA H100 80GB",
    "model": "h100",
    "gpus": 880,
    "nodes": 110,
    "gpu_memory_gb": 80,
    "reserved_share": Decimal("0.100"),
    "krw_per_gpu_hour": 2800,
    "description": "",
    "is_active": True,
}
START = dt.datetime(2027, 1, 10, 9, tzinfo=SEOUL)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def _after(event: AuditEvent) -> dict[str, Any]:
    return event.after or {}


def _before(event: AuditEvent) -> dict[str, Any]:
    return event.before or {}


def _errors(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def _window(**fields: Any) -> dict[str, Any]:
    return {
        "starts_at": START,
        "ends_at": START + dt.timedelta(hours=24),
        "gpus": 4,
        "reason": "냉각 설비 점검",
        **fields,
    }


# --- pools -------------------------------------------------------------------------------------


def test_pool_create_is_audited_with_what_was_written(world: World) -> None:
    pool = pool_create(data=POOL, actor=world.operator)
    assert Pool.objects.get().model == "h100"
    (event,) = _events("compute_pool.create")
    assert (event.actor_id, event.object_id, event.before) == (
        world.operator.pk,
        str(pool.pk),
        None,
    )
    assert _after(event)["gpus"] == 880
    assert _after(event)["krw_per_gpu_hour"] == 2800


def test_pool_update_audits_only_what_changed_with_before_read_from_the_database(
    world: World,
) -> None:
    pool = pool_create(data=POOL, actor=world.operator)
    stale = Pool.objects.get(pk=pool.pk)
    Pool.objects.filter(pk=pool.pk).update(krw_per_gpu_hour=3000)  # changed meanwhile
    pool_update(
        pool=stale, data={**POOL, "krw_per_gpu_hour": 2500, "nodes": 111}, actor=world.operator
    )
    (event,) = _events("compute_pool.update")
    assert (event.before, event.after) == (
        {"nodes": 110, "krw_per_gpu_hour": 3000},
        {"nodes": 111, "krw_per_gpu_hour": 2500},
    )
    assert Pool.objects.values_list("krw_per_gpu_hour", flat=True).get() == 2500


def test_pool_update_with_nothing_changed_writes_no_event(world: World) -> None:
    pool = pool_create(data=POOL, actor=world.operator)
    pool_update(pool=pool, data=POOL, actor=world.operator)
    assert _events("compute_pool.update") == []


def test_pool_validation_names_every_field_to_fix(world: World) -> None:
    make_pool("a100")
    bad = {
        **POOL,
        "name": " ",
        "model": "a100",
        "nodes": 900,
        "gpu_memory_gb": 0,
        "reserved_share": Decimal("0.6"),
    }
    with pytest.raises(ValidationError) as error:
        pool_create(data=bad, actor=world.operator)
    assert sorted(_errors(error)) == ["gpu_memory_gb", "model", "name", "nodes", "reserved_share"]
    with pytest.raises(ValidationError) as error:
        pool_create(data={**POOL, "model": "H100"}, actor=world.operator)
    assert list(_errors(error)) == ["model"]
    assert Pool.objects.count() == 1
    assert _events("compute_pool.create") == []


def test_pool_validation_messages_are_translated(world: World) -> None:
    with translation.override("ko"), pytest.raises(ValidationError) as error:
        pool_create(data={**POOL, "nodes": 881}, actor=world.operator)
    assert _errors(error) == {
        "nodes": ["GPU보다 노드가 많을 수 없습니다. 노드마다 GPU가 1장 이상 있어야 합니다."]
    }


def test_pool_gpus_cannot_fall_below_a_planned_window(world: World) -> None:
    pool = pool_create(data={**POOL, "gpus": 16, "nodes": 2}, actor=world.operator)
    future = dt.datetime.now(tz=SEOUL) + dt.timedelta(days=3)
    maintenance_create(
        pool=pool,
        data=_window(starts_at=future, ends_at=future + dt.timedelta(hours=4), gpus=12),
        actor=world.operator,
    )
    with pytest.raises(ValidationError) as error:
        pool_update(pool=pool, data={"gpus": 8}, actor=world.operator)
    assert list(_errors(error)) == ["gpus"]
    assert Pool.objects.get().gpus == 16


def test_pool_update_locks_the_pool_row(world: World) -> None:
    pool = pool_create(data=POOL, actor=world.operator)
    with CaptureQueriesContext(connection) as queries:
        pool_update(pool=pool, data={"krw_per_gpu_hour": 1}, actor=world.operator)
    first_read = next(q["sql"] for q in queries if q["sql"].startswith("SELECT"))
    assert '"compute_pool"' in first_read
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in first_read


# --- maintenance windows -----------------------------------------------------------------------


def test_window_create_update_delete_are_audited_on_the_pool(world: World) -> None:
    pool = make_pool(gpus=10)
    window = maintenance_create(pool=pool, data=_window(), actor=world.operator)
    assert (window.created_by_id, window.starts_at) == (world.operator.pk, START)
    maintenance_update(window=window, data=_window(gpus=6), actor=world.operator)
    maintenance_delete(window=window, actor=world.operator)
    assert MaintenanceWindow.objects.count() == 0
    created, updated, deleted = (
        _events("compute_maintenance.create")
        + _events("compute_maintenance.update")
        + _events("compute_maintenance.delete")
    )
    assert {created.object_id, updated.object_id, deleted.object_id} == {str(pool.pk)}
    assert _after(created)["gpus"] == 4
    assert (updated.before, updated.after) == (
        {"window": window.pk, "gpus": 4},
        {"window": window.pk, "gpus": 6},
    )
    assert (_before(deleted)["gpus"], _before(deleted)["reason"], deleted.after) == (
        6,
        "냉각 설비 점검",
        {},
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_at": START}, "ends_at"),
        ({"gpus": 11}, "gpus"),
        ({"gpus": 0}, "gpus"),
        ({"reason": "  "}, "reason"),
    ],
)
def test_window_validation(world: World, fields: dict[str, Any], field: str) -> None:
    pool = make_pool(gpus=10)
    with pytest.raises(ValidationError) as error:
        maintenance_create(pool=pool, data=_window(**fields), actor=world.operator)
    assert list(_errors(error)) == [field]
    assert MaintenanceWindow.objects.count() == 0


def test_overlapping_windows_cannot_take_out_more_gpus_than_the_pool_has(world: World) -> None:
    pool = make_pool(gpus=10)
    maintenance_create(pool=pool, data=_window(gpus=6), actor=world.operator)
    later = START + dt.timedelta(hours=12)
    overlapping = _window(starts_at=later, ends_at=later + dt.timedelta(hours=24), gpus=5)
    with pytest.raises(ValidationError) as error:
        maintenance_create(pool=pool, data=overlapping, actor=world.operator)
    assert list(_errors(error)) == ["gpus"]
    # after both have ended all ten may go; and four overlap the first six within the ten
    after = START + dt.timedelta(hours=36)
    maintenance_create(
        pool=pool,
        data=_window(starts_at=after, ends_at=after + dt.timedelta(hours=2), gpus=10),
        actor=world.operator,
    )
    maintenance_create(pool=pool, data={**overlapping, "gpus": 4}, actor=world.operator)
    assert MaintenanceWindow.objects.count() == 3


def test_window_update_is_checked_against_the_others_not_itself(world: World) -> None:
    pool = make_pool(gpus=10)
    window = maintenance_create(pool=pool, data=_window(gpus=6), actor=world.operator)
    maintenance_update(window=window, data={"gpus": 10}, actor=world.operator)
    assert MaintenanceWindow.objects.get().gpus == 10


def test_window_writes_lock_the_pool_row(world: World) -> None:
    pool = make_pool(gpus=10)
    with CaptureQueriesContext(connection) as queries:
        maintenance_create(pool=pool, data=_window(), actor=world.operator)
    first_read = next(q["sql"] for q in queries if q["sql"].startswith("SELECT"))
    assert '"compute_pool"' in first_read
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in first_read


# --- discounts ---------------------------------------------------------------------------------


def _discount(world: World, **fields: Any) -> dict[str, Any]:
    return {
        "name": "지역 할인",
        "pool": None,
        "stage": "",
        "chapter": world.chapter,
        "percent": 20,
        "is_active": True,
        **fields,
    }


def test_discount_create_update_and_deactivate_are_audited(world: World) -> None:
    discount = discount_create(data=_discount(world), actor=world.operator)
    pool = make_pool()
    discount_update(discount=discount, data=_discount(world, pool=pool), actor=world.operator)
    discount_deactivate(discount=discount, actor=world.operator)
    assert Discount.objects.get().is_active is False
    (created,) = _events("compute_discount.create")
    assert (_after(created)["chapter"], _after(created)["percent"]) == (world.chapter.pk, 20)
    first, second = _events("compute_discount.update")
    assert (first.before, first.after) == ({"pool": None}, {"pool": pool.pk})
    assert (second.before, second.after) == ({"is_active": True}, {"is_active": False})


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"stage": Stage.SEED}, "stage"),  # both a stage and a chapter
        ({"chapter": None}, "stage"),  # neither
        ({"percent": 0}, "percent"),
        ({"percent": 101}, "percent"),
        ({"name": ""}, "name"),
    ],
)
def test_discount_validation(world: World, fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        discount_create(data=_discount(world, **fields), actor=world.operator)
    assert list(_errors(error)) == [field]


def test_discount_chapter_must_be_a_chapter(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        discount_create(data=_discount(world, chapter=world.company), actor=world.operator)
    assert list(_errors(error)) == ["chapter"]


def test_a_second_active_discount_for_the_same_companies_is_refused(world: World) -> None:
    first = discount_create(data=_discount(world), actor=world.operator)
    with pytest.raises(ValidationError) as error:
        discount_create(data=_discount(world, percent=30), actor=world.operator)
    assert list(_errors(error)) == ["percent"]
    discount_deactivate(discount=first, actor=world.operator)
    discount_create(data=_discount(world, percent=30), actor=world.operator)
    assert sorted(Discount.objects.values_list("percent", "is_active")) == [
        (20, False),
        (30, True),
    ]


def test_discount_update_locks_its_row(world: World) -> None:
    discount = discount_create(data=_discount(world), actor=world.operator)
    with CaptureQueriesContext(connection) as queries:
        discount_update(discount=discount, data={"percent": 25}, actor=world.operator)
    first_read = next(q["sql"] for q in queries if q["sql"].startswith("SELECT"))
    assert '"compute_discount"' in first_read
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in first_read
