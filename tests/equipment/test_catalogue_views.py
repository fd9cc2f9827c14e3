"""The catalogue's pages: the list with search, an item's page and its calendar (outsiders see
only "booked"), "find free time", and the staff's management pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.models import Company
from bitgoeul.equipment.availability import SEOUL
from bitgoeul.equipment.enums import BlackoutKind
from bitgoeul.equipment.item_calendar import item_calendar
from bitgoeul.equipment.models import Blackout, Item, ItemPhoto
from bitgoeul.equipment.services.catalogue import item_search_bodies
from tests.conftest import World
from tests.equipment.factories import (
    BookingFactory,
    CategoryFactory,
    CentreFactory,
    ItemFactory,
    grid_time,
)
from tests.factories import CompanyRecordFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _hosted(w: World, **fields: object) -> Item:
    item = ItemFactory.create(centre=CentreFactory.create(host=w.chapter), **fields)
    [item.search_body] = item_search_bodies([item])
    item.save(update_fields=["search_body"])
    return item


def _company(w: World) -> Company:
    """A company record the world's teammate is a member of."""
    company: Company = CompanyRecordFactory.create(name="(주)빛고을실증")
    MembershipFactory.create(user=w.teammate, organization=company.organization)
    return company


def test_list_page_searches_in_korean(world: World, client: Client) -> None:
    _hosted(world, name="초음파 영상 획득 장비")
    _hosted(world, name="128채널 라이다")
    response = client.get(reverse("equipment:item_list"), {"q": "초음파로"})
    assert response.status_code == 200
    assert [item.name for item in response.context["items"]] == ["초음파 영상 획득 장비"]


def test_list_page_refuses_a_window_that_ends_before_it_starts(
    world: World, client: Client
) -> None:
    start = grid_time(3, 10)
    response = client.get(
        reverse("equipment:item_list"),
        {
            "free_from": start.strftime("%Y-%m-%dT%H:%M"),
            "free_until": (start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    errors = response.context["form"].errors
    assert errors == {"free_until": ["종료 시각은 시작 시각보다 뒤여야 합니다."]}


@pytest.mark.parametrize("count", [1, 12])
def test_list_page_reads_a_fixed_number_of_queries(
    world: World, client: Client, django_assert_max_num_queries: object, count: int
) -> None:
    for _ in range(count):
        _hosted(world)
    client.force_login(world.owner)
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        assert client.get(reverse("equipment:item_list")).status_code == 200


def test_item_page_shows_outsiders_only_that_time_is_booked(world: World, client: Client) -> None:
    item = _hosted(world)
    start = grid_time(2, 10)
    company = _company(world)
    BookingFactory.create(item=item, company=company, starts_at=start, purpose="비밀 과제")
    url = reverse("equipment:item_detail", args=[item.pk])
    query = {"view": "day", "date": start.astimezone(SEOUL).date().isoformat()}
    client.force_login(world.outsider)
    outsider = client.get(url, query).content.decode()
    client.force_login(world.teammate)
    member = client.get(url, query).content.decode()
    name = company.organization.name
    assert ("10:00–12:00" in outsider, name in outsider) == (True, False)
    assert "비밀 과제" not in outsider
    assert (name in member) is True


def test_calendar_marks_buffer_blackout_and_closed_time(world: World) -> None:
    item = ItemFactory.create(
        always_open=False, open_from=dt.time(9), open_until=dt.time(18), open_days=[0, 1, 2, 3, 4]
    )
    day = dt.date(2026, 3, 4)  # a Wednesday
    at = dt.datetime.combine(day, dt.time(10), SEOUL)
    BookingFactory.create(
        item=item,
        starts_at=at,
        ends_at=at + dt.timedelta(hours=1),
        blocked_until=at + dt.timedelta(hours=1, minutes=30),
    )
    Blackout.objects.create(
        item=item,
        kind=BlackoutKind.MAINTENANCE,
        starts_at=dt.datetime.combine(day, dt.time(16), SEOUL),
        ends_at=dt.datetime.combine(day, dt.time(20), SEOUL),
        reason="정기 점검",
    )
    [wednesday] = item_calendar(None, item, "day", day)
    assert [(s.starts_at.strftime("%H:%M"), s.ends_at.strftime("%H:%M"), s.status, s.reason)
            for s in wednesday.segments] == [
        ("00:00", "09:00", "closed", ""),
        ("09:00", "10:00", "free", ""),
        ("10:00", "11:30", "booked", ""),
        ("11:30", "16:00", "free", ""),
        ("16:00", "20:00", "blackout", "정기 점검"),  # the blackout runs past closing time
        ("20:00", "00:00", "closed", ""),
    ]  # fmt: skip
    assert (wednesday.free_minutes, wednesday.summary) == (60 + 270, "partly")


def test_month_view_covers_whole_weeks(world: World, client: Client) -> None:
    item = _hosted(world)
    response = client.get(
        reverse("equipment:item_detail", args=[item.pk]), {"view": "month", "date": "2026-03-15"}
    )
    weeks = response.context["weeks"]
    assert (weeks[0][0].date, weeks[-1][-1].date, len(weeks)) == (
        dt.date(2026, 2, 23),
        dt.date(2026, 4, 5),
        6,
    )


def test_item_page_of_a_private_item_is_404_for_outsiders(world: World, client: Client) -> None:
    item = _hosted(world, is_public=False)
    client.force_login(world.outsider)
    assert client.get(reverse("equipment:item_detail", args=[item.pk])).status_code == 404
    client.force_login(world.chapter_staff)
    assert client.get(reverse("equipment:item_detail", args=[item.pk])).status_code == 200


def test_free_time_page_lists_free_items(world: World, client: Client) -> None:
    free, taken = _hosted(world, name="비어 있는 장비"), _hosted(world, name="예약된 장비")
    start = grid_time(3, 10)
    BookingFactory.create(item=taken, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    response = client.get(
        reverse("equipment:free_time"),
        {
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "end": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert [row.item.pk for row in response.context["rows"]] == [free.pk]


def test_host_staff_create_an_item_with_its_rules(world: World, client: Client) -> None:
    centre = CentreFactory.create(host=world.chapter)
    category = CategoryFactory.create()
    client.force_login(world.chapter_staff)
    response = client.post(
        reverse("equipment:item_create"),
        {
            "centre": centre.pk,
            "category": category.pk,
            "name": "열화상 카메라",
            "specifications": "해상도 / Resolution: 640×480",
            "min_minutes": 60,
            "max_minutes": 480,
            "notice_minutes": 1440,
            "max_advance_days": 60,
            "buffer_minutes": 30,
            "open_from": "09:00",
            "open_until": "18:00",
            "open_days": ["0", "1", "2", "3", "4"],
            "closed_on_holidays": "on",
            "fee_unit": "day",
            "fee_krw": 20000,
            "discount_local_percent": 30,
            "discount_young_percent": 0,
            "check_in_grace_minutes": 30,
            "free_cancel_hours": 24,
            "late_cancel_percent": 50,
            "is_active": "on",
            "is_public": "on",
        },
    )
    item = Item.objects.get(name="열화상 카메라")
    assert response.status_code == 302
    assert (item.host_id, item.specifications, item.open_days, item.buffer_minutes) == (
        world.chapter.pk,
        [{"label": "해상도", "label_en": "Resolution", "value": "640×480"}],
        [0, 1, 2, 3, 4],
        30,
    )
    assert AuditEvent.objects.filter(action="equipment_item.create").count() == 1


def test_item_form_says_which_rule_to_fix(world: World, client: Client) -> None:
    item = _hosted(world)
    client.force_login(world.chapter_staff)
    response = client.post(
        reverse("equipment:item_edit", args=[item.pk]),
        {
            "centre": item.centre_id,
            "category": item.category_id,
            "name": item.name,
            "min_minutes": 120,
            "max_minutes": 60,
            "notice_minutes": 0,
            "max_advance_days": 90,
            "buffer_minutes": 0,
            "open_from": "09:00",
            "open_until": "18:00",
            "fee_unit": "free",
            "fee_krw": 0,
            "discount_local_percent": 0,
            "discount_young_percent": 0,
            "check_in_grace_minutes": 30,
            "free_cancel_hours": 24,
            "late_cancel_percent": 0,
            "always_open": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "max_minutes": ["최대 예약 시간은 최소 예약 시간보다 짧을 수 없습니다."]
    }


def test_photo_upload_refuses_a_fake_image_and_stores_a_real_one(
    world: World, client: Client
) -> None:
    item = _hosted(world)
    client.force_login(world.chapter_staff)
    url = reverse("equipment:item_photo_add", args=[item.pk])
    fake = client.post(url, {"photo-file": SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not a photo")})
    assert fake.status_code == 400
    assert fake.context["photo_form"].errors == {
        "file": ["이 파일은 JPEG, PNG, WebP 이미지가 아닙니다. 이 형식의 사진을 올려 주세요."]
    }
    real = client.post(
        url, {"photo-file": SimpleUploadedFile("x.png", PNG), "photo-caption": "정면"}
    )
    photo = ItemPhoto.objects.get()
    assert (real.status_code, photo.caption) == (302, "정면")
    served = client.get(reverse("equipment:item_photo", args=[item.pk, photo.pk]))
    assert b"".join(served.streaming_content) == PNG  # type: ignore[attr-defined]


def test_photo_of_a_private_item_is_404_for_outsiders(world: World, client: Client) -> None:
    item = _hosted(world, is_public=False)
    photo = ItemPhoto(item=item)
    photo.file.save("p.png", SimpleUploadedFile("p.png", PNG), save=True)
    client.force_login(world.outsider)
    url = reverse("equipment:item_photo", args=[item.pk, photo.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("language", ["ko", "en"])
def test_item_pages_render_every_part_in_both_languages(
    world: World, client: Client, language: str
) -> None:
    from bitgoeul.equipment.models import Accessory, Quota

    item = _hosted(world, name="열화상 카메라", name_en="Thermal camera", buffer_minutes=30)
    Accessory.objects.create(item=item, name="삼각대", name_en="Tripod", quantity=2)
    Quota.objects.create(item=item, measure="hours", period="week", limit=10, peak_only=True)
    start = grid_time(3, 10)
    Blackout.objects.create(
        item=item,
        kind=BlackoutKind.MAINTENANCE,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        repeat="weekly",
        reason="정기 점검",
    )
    client.cookies["django_language"] = language
    client.force_login(world.chapter_staff)
    edit = client.get(reverse("equipment:item_edit", args=[item.pk])).content.decode()
    detail = client.get(
        reverse("equipment:item_detail", args=[item.pk]), {"view": "month"}
    ).content.decode()
    expected = {
        "ko": ("삼각대", "예약 불가 기간", "10시간", "열화상 카메라", "예약 규칙"),
        "en": ("Tripod", "Blackouts", "10 hours", "Thermal camera", "Booking rules"),
    }[language]
    assert [text in edit + detail for text in expected] == [True] * 5


@pytest.mark.parametrize("count", [1, 15])
@pytest.mark.parametrize("role", ["anonymous", "teammate", "operator"])
def test_item_page_reads_a_fixed_number_of_queries(
    world: World,
    client: Client,
    django_assert_max_num_queries: object,
    count: int,
    role: str,
) -> None:
    item = _hosted(world)
    company = _company(world)
    for n in range(count):
        BookingFactory.create(item=item, company=company, starts_at=grid_time(1 + n % 6, 8 + n))
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    for view in ("week", "month"):
        with django_assert_max_num_queries(10):  # type: ignore[operator]
            response = client.get(reverse("equipment:item_detail", args=[item.pk]), {"view": view})
        assert response.status_code == 200


def test_operator_staff_add_a_quota_of_all_equipment(world: World, client: Client) -> None:
    from bitgoeul.equipment.models import Quota

    client.force_login(world.operator)
    response = client.post(
        reverse("equipment:quota_list"),
        {
            "quota-measure": "hours",
            "quota-period": "month",
            "quota-limit": 40,
            "quota-peak_only": "on",
            "quota-peak_from": "09:00",
            "quota-peak_until": "18:00",
            "quota-peak_days": ["0", "1", "2", "3", "4"],
        },
    )
    assert response.status_code == 302
    assert list(Quota.objects.values_list("item", "category", "limit", "peak_only")) == [
        (None, None, 40, True)
    ]
    page = client.get(reverse("equipment:quota_list")).content.decode()
    assert "전체 실증장비" in page  # the scope of a quota of all equipment, in words


def test_quota_page_refuses_a_peak_without_days(world: World, client: Client) -> None:
    client.force_login(world.operator)
    response = client.post(
        reverse("equipment:quota_list"),
        {
            "quota-measure": "hours",
            "quota-period": "month",
            "quota-limit": 40,
            "quota-peak_only": "on",
            "quota-peak_from": "09:00",
            "quota-peak_until": "18:00",
        },
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["peak_days"]


def test_item_page_offers_booking_to_company_members_and_log_in_to_visitors(
    world: World, client: Client
) -> None:
    item = _hosted(world)
    url = reverse("equipment:item_detail", args=[item.pk])
    book = reverse("equipment:book", args=[item.pk])
    login = reverse("accounts:login") + "?next=" + url

    def links(user: object) -> tuple[bool, bool]:
        client.logout()
        if user is not None:
            client.force_login(user)  # type: ignore[arg-type]
        page = client.get(url).content.decode()
        return (f'href="{book}"' in page, f'href="{login}"' in page)

    assert links(None) == (False, True)
    assert links(world.outsider) == (True, False)  # a member of a company books for it
    assert links(world.reviewer) == (False, False)  # signed in, no company, no item to manage
    item.is_active = False
    item.save(update_fields=["is_active"])
    assert links(world.outsider) == (False, False)
