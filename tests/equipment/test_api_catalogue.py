"""`GET /api/v1/equipment` and `/equipment/{id}/availability`: what is visible to whom, the
filters and paging, free intervals in Korea time, and bad ranges refused in the API's error
shape."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from bitgoeul.equipment.enums import Domain, FeeUnit
from tests.equipment.api_scene import Scene, make_scene
from tests.equipment.factories import BookingFactory, CentreFactory, ItemFactory

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def scene() -> Scene:
    return make_scene()


def test_list_shows_public_items_to_anyone_and_hidden_ones_to_their_host(
    client: Client, scene: Scene
) -> None:
    hidden = ItemFactory.create(centre=scene.item.centre, name="비공개 장비", is_public=False)
    ItemFactory.create(name="다른 기관 비공개 장비", is_public=False)
    anonymous = client.get("/api/v1/equipment").json()
    staff = client.get("/api/v1/equipment", headers=scene.headers(scene.host_staff, "read"))
    assert [i["name"] for i in anonymous["results"]] == ["자율주행 실증 차량"]
    assert sorted(i["id"] for i in staff.json()["results"]) == sorted([scene.item.pk, hidden.pk])


def test_list_filters_and_pages(client: Client, scene: Scene) -> None:
    energy = CentreFactory.create(domain=Domain.ENERGY, name="에너지 실증센터")
    ItemFactory.create(centre=energy, name="ESS 실증 설비", fee_unit=FeeUnit.HOUR, fee_krw=50_000)
    ItemFactory.create(centre=energy, name="태양광 인버터 시험기")
    paged: dict[str, str | int] = {"domain": "energy", "page_size": 1, "page": 2}
    by_domain = client.get("/api/v1/equipment", paged)
    by_fee = client.get("/api/v1/equipment", {"fee": "hour"}).json()
    by_word = client.get("/api/v1/equipment", {"q": "자율주행 차량"}).json()
    by_centre = client.get("/api/v1/equipment", {"centre": scene.item.centre_id}).json()
    assert by_domain.json()["count"] == 2
    assert [i["name"] for i in by_domain.json()["results"]] == ["태양광 인버터 시험기"]
    assert [(i["name"], i["fee"]["krw"]) for i in by_fee["results"]] == [("ESS 실증 설비", 50_000)]
    assert [i["id"] for i in by_word["results"]] == [scene.item.pk]
    assert [i["id"] for i in by_centre["results"]] == [scene.item.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"domain": "space"}, "domain"), ({"page": 0}, "page"), ({"page_size": 101}, "page_size")],
)
def test_list_refuses_bad_filters(
    client: Client, scene: Scene, params: dict[str, str | int], field: str
) -> None:
    answer = client.get("/api/v1/equipment", params)
    assert (
        answer.status_code,
        answer.json()["error"]["code"],
        answer.json()["error"]["field"],
    ) == (
        422,
        "invalid",
        field,
    )


def test_list_query_count_does_not_grow_with_items(
    client: Client, scene: Scene, django_assert_max_num_queries: object
) -> None:
    for _ in range(10):
        ItemFactory.create(centre=scene.item.centre)
    with django_assert_max_num_queries(2):  # type: ignore[operator]
        assert len(client.get("/api/v1/equipment").json()["results"]) == 11


def test_detail_of_a_hidden_item_is_404_for_outsiders(client: Client, scene: Scene) -> None:
    hidden = ItemFactory.create(centre=scene.item.centre, is_public=False)
    answer = client.get(f"/api/v1/equipment/{hidden.pk}")
    staff = client.get(f"/api/v1/equipment/{hidden.pk}", headers=scene.headers(scene.host_staff))
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "not_found")
    assert (staff.status_code, staff.json()["id"]) == (200, hidden.pk)


def test_availability_gives_free_intervals_in_korea_time(client: Client, scene: Scene) -> None:
    day = dt.date.today() + dt.timedelta(days=3)
    start = dt.datetime.combine(day, dt.time(9), SEOUL)
    BookingFactory.create(
        item=scene.item,
        starts_at=start + dt.timedelta(hours=1),
        ends_at=start + dt.timedelta(hours=2),
        blocked_until=start + dt.timedelta(hours=2, minutes=30),
    )
    answer = client.get(
        f"/api/v1/equipment/{scene.item.pk}/availability",
        {"start": start.isoformat(), "end": (start + dt.timedelta(hours=4)).isoformat()},
    )
    iso = day.isoformat()
    assert answer.status_code == 200
    assert answer.json()["free"] == [
        {"start": f"{iso}T09:00:00+09:00", "end": f"{iso}T10:00:00+09:00"},
        {"start": f"{iso}T11:30:00+09:00", "end": f"{iso}T13:00:00+09:00"},
    ]


def test_availability_reads_a_time_without_offset_as_korea_time(
    client: Client, scene: Scene
) -> None:
    day = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    answer = client.get(
        f"/api/v1/equipment/{scene.item.pk}/availability",
        {"start": f"{day}T00:00:00Z", "end": f"{day}T10:00:00"},
    ).json()
    window = {"start": f"{day}T09:00:00+09:00", "end": f"{day}T10:00:00+09:00"}
    assert ({"start": answer["start"], "end": answer["end"]}, answer["free"]) == (window, [window])


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-12-01T10:00:00+09:00", "2026-12-01T10:00:00+09:00", "end: must be after start"),
        ("2026-12-01T10:00:00+09:00", "2026-12-01T09:00:00+09:00", "end: must be after start"),
        (
            "2026-12-01T00:00:00+09:00",
            "2027-02-02T00:00:00+09:00",
            "end: ask for at most 62 days at once",
        ),
        (
            "2026-12-01T00:00:00+09:00",
            "9999-12-31T00:00:00+09:00",
            "end: give a time between the years 2000 and 2099",
        ),
    ],
)
def test_availability_refuses_bad_ranges(
    client: Client, scene: Scene, start: str, end: str, message: str
) -> None:
    answer = client.get(
        f"/api/v1/equipment/{scene.item.pk}/availability", {"start": start, "end": end}
    )
    assert (answer.status_code, answer.json()) == (
        422,
        {"error": {"code": "invalid", "message": message, "field": "end"}},
    )


def test_availability_refuses_a_time_that_is_not_one(client: Client, scene: Scene) -> None:
    answer = client.get(
        f"/api/v1/equipment/{scene.item.pk}/availability", {"start": "tomorrow", "end": "x"}
    )
    assert (
        answer.status_code,
        answer.json()["error"]["code"],
        answer.json()["error"]["field"],
    ) == (
        422,
        "invalid",
        "start",
    )
