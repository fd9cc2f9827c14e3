"""The public catalogue's reads: Korean search, filters, the free window, "find free time",
and what each viewer sees."""

from __future__ import annotations

import datetime as dt

import pytest

from bitgoeul.accounts.types import Viewer
from bitgoeul.equipment.catalogue_search import CatalogueFilters, find_free, item_catalogue
from bitgoeul.equipment.enums import BookingState, Domain, FeeUnit
from bitgoeul.equipment.models import Item
from bitgoeul.equipment.services.catalogue import item_search_bodies
from tests.conftest import World
from tests.equipment.factories import BookingFactory, CentreFactory, ItemFactory, grid_time

pytestmark = pytest.mark.django_db


def _indexed(**fields: object) -> Item:
    item = ItemFactory.create(**fields)
    [item.search_body] = item_search_bodies([item])
    item.save(update_fields=["search_body"])
    return item


def _names(filters: CatalogueFilters, user: Viewer = None) -> list[str]:
    return [item.name for item in item_catalogue(user, filters).items]


@pytest.fixture
def catalogue() -> dict[str, Item]:
    return {
        "xray": _indexed(name="디지털 X선 촬영 장치", name_en="Digital X-ray system"),
        "ultrasound": _indexed(
            name="초음파 영상 획득 장비",
            name_en="Ultrasound imaging unit",
            specifications=[{"label": "영상 출력", "label_en": "Output", "value": "DICOM"}],
        ),
        "lidar": _indexed(
            name="128채널 라이다",
            name_en="128-channel LiDAR",
            centre=CentreFactory.create(domain=Domain.MOBILITY, name="AI 모빌리티 실증센터"),
            fee_unit=FeeUnit.DAY,
            fee_krw=90_000,
        ),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("초음파", ["초음파 영상 획득 장비"]),
        ("초음파로", ["초음파 영상 획득 장비"]),  # a particle attached: Kiwi finds the noun
        ("획득", ["초음파 영상 획득 장비"]),
        ("ultrasound", ["초음파 영상 획득 장비"]),
        ("dicom", ["초음파 영상 획득 장비"]),  # specifications are searched too
        ("라이다", ["128채널 라이다"]),
        ("모빌리티", ["128채널 라이다"]),  # the centre's name
        ("채널", ["128채널 라이다"]),  # a suffix of a Korean name
        ("잠수함", []),
    ],
)
def test_search_finds_items_by_korean_and_english_words(
    catalogue: dict[str, Item], text: str, expected: list[str]
) -> None:
    assert _names(CatalogueFilters(text=text)) == expected


def test_search_prefers_items_matching_every_word(catalogue: dict[str, Item]) -> None:
    # every word of "x선 촬영" is in one item only: that item alone
    assert _names(CatalogueFilters(text="촬영 장치")) == ["디지털 X선 촬영 장치"]


def test_search_falls_back_to_any_word_when_no_item_has_all(catalogue: dict[str, Item]) -> None:
    assert sorted(_names(CatalogueFilters(text="초음파 라이다"))) == [
        "128채널 라이다",
        "초음파 영상 획득 장비",
    ]


def test_filters_by_domain_centre_and_fee(catalogue: dict[str, Item]) -> None:
    lidar = catalogue["lidar"]
    assert _names(CatalogueFilters(domain=Domain.MOBILITY)) == ["128채널 라이다"]
    assert _names(CatalogueFilters(centre=lidar.centre)) == ["128채널 라이다"]
    assert _names(CatalogueFilters(fee="paid")) == ["128채널 라이다"]
    assert sorted(_names(CatalogueFilters(fee="free"))) == [
        "디지털 X선 촬영 장치",
        "초음파 영상 획득 장비",
    ]


def test_free_window_leaves_out_an_item_booked_in_it(catalogue: dict[str, Item]) -> None:
    start = grid_time(3, 10)
    BookingFactory.create(item=catalogue["xray"], starts_at=start + dt.timedelta(hours=1))
    BookingFactory.create(  # a cancelled booking holds nothing
        item=catalogue["lidar"], starts_at=start, state=BookingState.CANCELLED
    )
    result = item_catalogue(
        None, CatalogueFilters(free_from=start, free_until=start + dt.timedelta(hours=2))
    )
    assert sorted(item.name for item in result.items) == [
        "128채널 라이다",
        "초음파 영상 획득 장비",
    ]
    # the booking ends at the window's start: the window is free (half-open intervals)
    after = item_catalogue(
        None,
        CatalogueFilters(
            free_from=start + dt.timedelta(hours=3), free_until=start + dt.timedelta(hours=4)
        ),
    )
    assert len(after.items) == 3


def test_catalogue_shows_private_items_only_to_their_managers(world: World) -> None:
    hidden = _indexed(
        name="비공개 시험 장비", centre=CentreFactory.create(host=world.chapter), is_public=False
    )
    filters = CatalogueFilters(text="비공개")
    assert _names(filters, None) == []
    assert _names(filters, world.outsider) == []
    assert _names(filters, world.chapter_staff) == [hidden.name]
    assert _names(filters, world.operator) == [hidden.name]


def test_operator_staff_see_every_booking_of_an_item_they_could_not_see_publicly(
    world: World,
) -> None:
    """`bookings_at_least(operator, PUBLIC)` once OR'd an empty Q away and left only bookings
    of public items."""
    from bitgoeul.core.visibility import ViewLevel
    from bitgoeul.equipment.access import bookings_at_least
    from bitgoeul.equipment.models import Booking

    booking = BookingFactory.create(item=ItemFactory.create(is_public=False))
    seen = Booking.objects.filter(bookings_at_least(world.operator, ViewLevel.PUBLIC))
    assert list(seen) == [booking]


def test_find_free_puts_wholly_free_items_first_and_leaves_out_full_ones(
    catalogue: dict[str, Item],
) -> None:
    start = grid_time(3, 10)
    end = start + dt.timedelta(hours=4)
    BookingFactory.create(item=catalogue["xray"], starts_at=start, ends_at=end)  # full
    BookingFactory.create(
        item=catalogue["ultrasound"], starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    rows = find_free(None, start, end)
    assert [(row.item.name, row.whole, row.free_minutes) for row in rows] == [
        ("128채널 라이다", True, 240),
        ("초음파 영상 획득 장비", False, 180),
    ]
    assert rows[1].free == [(start + dt.timedelta(hours=1), end)]
