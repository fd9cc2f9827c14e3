"""The pools area's pages and API per role: what each shows, the staff forms (Korea time, errors
that say what to fix), the over-commit view's words, and the API's fields."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bitgoeul.audit.models import AuditEvent
from bitgoeul.compute.demo_pools import load_compute_pools
from bitgoeul.compute.models import Discount, MaintenanceWindow, Pool
from bitgoeul.compute.periods import SEOUL, next_periods, period_hours
from tests.compute.pools_scene import company_of, make_grant, make_pool
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_the_list_shows_pools_tariffs_and_discounts_to_anyone(client: Client, world: World) -> None:
    make_pool("h100", name="NVIDIA H100 80GB", gpus=880, nodes=110, krw_per_gpu_hour=2800)
    make_pool("old", name="Retired K80", is_active=False)
    Discount.objects.create(name="시드 단계 기업 할인", stage="seed", percent=50)
    Discount.objects.create(name="옛 할인", stage="growth", percent=10, is_active=False)
    page = _text(client.get(reverse("compute:pool_list")))
    assert "NVIDIA H100 80GB" in page and "GPU 1시간당 2,800원" in page
    assert "Retired K80" not in page
    assert "시드 단계 기업 할인" in page and "옛 할인" not in page
    assert reverse("compute:pool_create") not in page
    client.force_login(world.operator)
    staff = _text(client.get(reverse("compute:pool_list")))
    assert "Retired K80" in staff and reverse("compute:pool_create") in staff


def test_an_inactive_pool_is_staff_only(client: Client, world: World) -> None:
    pool = make_pool("old", is_active=False)
    url = reverse("compute:pool_detail", args=[pool.pk])
    client.force_login(world.owner)
    assert client.get(url).status_code == 404
    api = reverse("api-1:compute_pool_detail", args=[pool.pk])
    assert client.get(api).status_code == 404
    client.force_login(world.operator)
    assert client.get(url).status_code == 200
    assert client.get(api).status_code == 200


def test_the_pool_page_has_a_chart_from_zero_its_table_and_the_maintenance(
    client: Client,
) -> None:
    pool = make_pool("h100", gpus=10, reserved_share=Decimal("0.1"))
    periods = next_periods(timezone.now(), 12)
    start = dt.datetime.fromisoformat(f"{periods[1]}-03T09:00").replace(tzinfo=SEOUL)
    MaintenanceWindow.objects.create(
        pool=pool, starts_at=start, ends_at=start + dt.timedelta(hours=10), gpus=5, reason="점검"
    )
    response = client.get(reverse("compute:pool_detail", args=[pool.pk]))
    chart = response.context["chart"]
    assert chart["labels"] == periods
    net, reserved, maintenance = (series["values"] for series in chart["series"])
    assert chart["stacked"] is True
    assert maintenance[1] == 50 and maintenance[0] == 0
    assert net[1] + reserved[1] + maintenance[1] == pytest.approx(
        10 * period_hours(periods[1]), abs=1
    )
    page = _text(response)
    assert 'data-chart="capacity-chart"' in page
    assert f"{start:%Y-%m-%d} 09:00" in page and "점검" in page


def test_staff_add_a_window_in_korea_time_and_errors_say_what_to_fix(
    client: Client, world: World
) -> None:
    pool = make_pool("h100", gpus=10)
    client.force_login(world.operator)
    url = reverse("compute:maintenance_add", args=[pool.pk])
    form = {
        "window-starts_at": "2027-03-02T09:00",
        "window-ends_at": "2027-03-02T18:00",
        "window-gpus": "4",
        "window-reason": "냉각 설비 점검",
    }
    assert client.post(url, form).status_code == 302
    window = MaintenanceWindow.objects.get()
    assert window.starts_at == dt.datetime(2027, 3, 2, 0, tzinfo=dt.UTC)  # 09:00 in Seoul
    response = client.post(url, {**form, "window-gpus": "11"})
    assert response.status_code == 200
    assert "GPU는 최대 10장까지" in _text(response)
    assert MaintenanceWindow.objects.count() == 1


def test_staff_edit_a_pool_with_the_reserve_as_a_percentage(client: Client, world: World) -> None:
    pool = make_pool("h100", gpus=10, reserved_share=Decimal("0.1"))
    client.force_login(world.operator)
    url = reverse("compute:pool_edit", args=[pool.pk])
    assert client.get(url).context["form"].initial["reserved_percent"] == Decimal("10")
    form = {
        "name": "NVIDIA H100",
        "model": "h100",
        "gpus": "16",
        "nodes": "2",
        "gpu_memory_gb": "80",
        "reserved_percent": "7.5",
        "krw_per_gpu_hour": "3000",
        "description": "",
        "is_active": "on",
    }
    assert client.post(url, form).status_code == 302
    pool.refresh_from_db()
    assert (pool.gpus, pool.reserved_share, pool.krw_per_gpu_hour) == (16, Decimal("0.075"), 3000)
    event = AuditEvent.objects.get(action="compute_pool.update")
    assert event.before == {"gpus": 10, "reserved_share": "0.100", "krw_per_gpu_hour": 2800}
    response = client.post(url, {**form, "nodes": "17"})
    assert response.status_code == 200
    assert response.context["form"].errors["nodes"]


def test_staff_add_and_deactivate_a_discount(client: Client, world: World) -> None:
    client.force_login(world.operator)
    response = client.post(
        reverse("compute:discount_create"),
        {"name": "지역 할인", "chapter": world.chapter.pk, "percent": "20", "is_active": "on"},
    )
    assert response.status_code == 302
    discount = Discount.objects.get()
    assert (discount.chapter_id, discount.stage, discount.pool_id) == (world.chapter.pk, "", None)
    both = {"name": "x", "chapter": world.chapter.pk, "stage": "seed", "percent": "20"}
    response = client.post(reverse("compute:discount_create"), both)
    assert response.status_code == 200
    assert response.context["form"].errors["stage"]
    client.post(reverse("compute:discount_deactivate", args=[discount.pk]))
    discount.refresh_from_db()
    assert discount.is_active is False


def test_overcommit_calls_out_oversold_months_in_words(client: Client, world: World) -> None:
    pool = make_pool("t4", name="NVIDIA T4", gpus=1, reserved_share=Decimal("0"))
    period = next_periods(timezone.now(), 2)[1]
    make_grant(company_of(world.company), {(pool, period): 2000})
    client.force_login(world.operator)
    response = client.get(reverse("compute:overcommit"))
    page = _text(response)
    assert "1개월이 초과 배정입니다." in page
    assert f"NVIDIA T4, {period}: 2,000 GPU 시간 배정" in page
    (row,) = response.context["rows"]
    deliverable, granted = row["chart"]["series"]
    assert (granted["tones"][1], granted["values"][1]) == ("oversold", 2000)
    assert deliverable["tone"] == "muted" and "tones" not in deliverable


def test_the_api_lists_pools_with_net_capacity_per_month(client: Client, world: World) -> None:
    pool = make_pool("h100", gpus=10, reserved_share=Decimal("0.5"), krw_per_gpu_hour=2800)
    make_pool("old", is_active=False)
    response = client.get(reverse("api-1:compute_pool_list"), {"months": 3})
    assert response.status_code == 200
    (body,) = response.json()
    assert sorted(body) == [
        "capacity",
        "description",
        "gpu_memory_gb",
        "gpus",
        "id",
        "is_active",
        "krw_per_gpu_hour",
        "model",
        "name",
        "nodes",
        "reserved_share",
    ]
    assert (body["id"], body["reserved_share"], len(body["capacity"])) == (pool.pk, 0.5, 3)
    first = body["capacity"][0]
    assert first["net_gpu_hours"] == first["gross_gpu_hours"] / 2
    assert client.get(reverse("api-1:compute_pool_list"), {"months": 99}).status_code == 422
    client.force_login(world.operator)
    assert len(client.get(reverse("api-1:compute_pool_list")).json()) == 2


def test_no_page_or_api_of_the_area_names_a_company_or_its_grants(
    client: Client, world: World
) -> None:
    """Grants' totals are on the staff's over-commit view only: the public pages and the API
    show capacity, never what was granted or to whom."""
    pool = make_pool("h100", gpus=10)
    period = next_periods(timezone.now(), 1)[0]
    make_grant(company_of(world.company), {(pool, period): 1234})
    client.force_login(world.outsider)
    for url in (
        reverse("compute:pool_list"),
        reverse("compute:pool_detail", args=[pool.pk]),
        reverse("api-1:compute_pool_list"),
        reverse("api-1:compute_pool_detail", args=[pool.pk]),
    ):
        text = _text(client.get(url))
        assert "1,234" not in text and "1234" not in text
        assert world.company.name not in text


def test_demo_makes_the_data_centre_once(world: World) -> None:
    make_pool("h100", name="이미 있는 H100", gpus=800)  # another area's demo made it first
    summary = load_compute_pools(random.Random(1))
    assert summary == "compute pools: 2 pools, 2 maintenance windows, 4 discounts"
    pools = {pool.model: pool for pool in Pool.objects.all()}
    assert (pools["a100"].gpus, pools["a100"].nodes, pools["t4"].nodes) == (796, 100, 96)
    assert pools["h100"].name == "이미 있는 H100"  # left as it was
    assert load_compute_pools(random.Random(1)) == (
        "compute pools: 0 pools, 0 maintenance windows, 0 discounts"
    )
    chapters = set(Discount.objects.filter(chapter__isnull=False).values_list("chapter", flat=True))
    assert chapters == {world.chapter.pk, world.other_chapter.pk}
    window = MaintenanceWindow.objects.get(pool=pools["h100"])
    assert (
        window.starts_at.astimezone(SEOUL).strftime("%Y-%m") == next_periods(timezone.now(), 2)[1]
    )
