"""The booking form of an item (single, recurring with the preview and skips, on behalf of a
company with an override) and the confirmation pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from bitgoeul.companies.models import Company
from bitgoeul.equipment.models import Accessory, Booking, BookingAccessory, BookingSeries, Item
from bitgoeul.equipment.services.bookings import booking_create
from bitgoeul.equipment.services.series import instance_key
from tests.companies.helpers import company_record
from tests.conftest import World
from tests.equipment.factories import ItemFactory, grid_time

SEOUL = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def company(world: World) -> Company:
    return company_record(world.company)


@pytest.fixture
def item() -> Item:
    item: Item = ItemFactory.create(min_minutes=60)
    return item


def form_data(company: Company, start: dt.datetime, hours: int = 2, **extra: Any) -> dict[str, Any]:
    local = start.astimezone(SEOUL)
    end = local + dt.timedelta(hours=hours)
    return {
        "company": company.pk,
        "start_day": local.date().isoformat(),
        "start_time": local.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "purpose": "자율주행 인지 모델 야간 주행 시험",
        **extra,
    }


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_member_books_one_time_and_sees_the_confirmation(
    client: Client, world: World, company: Company, item: Item
) -> None:
    lens = Accessory.objects.create(item=item, name="광각 렌즈", quantity=2)
    signed_in(client, world.teammate)
    url = reverse("equipment:book", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert list(page.context["form"].fields["company"].queryset) == [company]
    response = client.post(url, form_data(company, grid_time(3, 10), **{f"accessory_{lens.pk}": 1}))
    booking = Booking.objects.get()
    assert response["Location"] == reverse("equipment:booking_booked", args=[booking.pk])
    assert (booking.company_id, booking.booked_by_id, booking.purpose) == (
        company.pk,
        world.teammate.pk,
        "자율주행 인지 모델 야간 주행 시험",
    )
    assert list(BookingAccessory.objects.values_list("accessory_id", "quantity")) == [(lens.pk, 1)]
    with translation.override("ko"):
        done = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="ko")
    assert done.status_code == 200
    assert "광각 렌즈 × 1" in done.content.decode()


def test_a_refused_booking_says_what_to_change(
    client: Client, world: World, company: Company, item: Item
) -> None:
    signed_in(client, world.owner)
    response = client.post(
        reverse("equipment:book", args=[item.pk]), form_data(company, grid_time(3, 10), hours=0)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_time"] == [
        "종료 시각은 시작 시각보다 뒤여야 합니다."
    ]
    item.max_minutes = 60
    item.save()
    response = client.post(
        reverse("equipment:book", args=[item.pk]), form_data(company, grid_time(3, 10))
    )
    assert response.context["problems"] == ["이 장비는 한 번에 60분까지 예약할 수 있습니다."]
    assert Booking.objects.count() == 0


def test_a_taken_time_is_refused(
    client: Client, world: World, company: Company, item: Item
) -> None:
    booking_create(
        item=item,
        company=company,
        starts_at=grid_time(3, 11),
        ends_at=grid_time(3, 12),
        actor=world.owner,
    )
    signed_in(client, world.owner)
    response = client.post(
        reverse("equipment:book", args=[item.pk]), form_data(company, grid_time(3, 10))
    )
    assert response.status_code == 200
    assert len(response.context["problems"]) == 1
    assert Booking.objects.count() == 1


def test_member_cannot_book_for_another_company(
    client: Client, world: World, company: Company, item: Item
) -> None:
    other = company_record(world.other_company)
    signed_in(client, world.owner)
    response = client.post(
        reverse("equipment:book", args=[item.pk]), form_data(other, grid_time(3, 10))
    )
    assert response.status_code == 200
    assert "company" in response.context["form"].errors
    assert Booking.objects.count() == 0


def test_recurring_booking_previews_then_books_without_the_skipped_date(
    client: Client, world: World, company: Company, item: Item
) -> None:
    first = grid_time(3, 10)
    taken = first + dt.timedelta(weeks=1)
    booking_create(
        item=item,
        company=company_record(world.other_company),
        starts_at=taken,
        ends_at=taken + dt.timedelta(hours=1),
        actor=world.outsider,
    )
    signed_in(client, world.owner)
    url = reverse("equipment:book", args=[item.pk])
    data = form_data(company, first, repeat="weekly", interval=1, count=3)
    preview = client.post(url, {**data, "action": "preview"})
    assert preview.status_code == 200
    assert [(i.conflict, i.bookable) for i in preview.context["instances"]] == [
        (False, True),
        (True, False),
        (False, True),
    ]
    assert BookingSeries.objects.count() == 0
    assert f'value="{instance_key(taken)}" id="skip-2" checked' in preview.content.decode()
    response = client.post(url, {**data, "action": "book", "skip": [instance_key(taken)]})
    series = BookingSeries.objects.get()
    assert response["Location"] == reverse("equipment:series_booked", args=[series.pk])
    assert series.bookings.count() == 2
    assert client.get(response["Location"]).status_code == 200


def test_recurring_booking_kept_on_a_taken_date_is_refused_and_previewed_again(
    client: Client, world: World, company: Company, item: Item
) -> None:
    first = grid_time(3, 10)
    booking_create(
        item=item,
        company=company,
        starts_at=first + dt.timedelta(days=1),
        ends_at=first + dt.timedelta(days=1, hours=1),
        actor=world.owner,
    )
    signed_in(client, world.owner)
    data = form_data(company, first, repeat="daily", interval=1, count=2, action="book")
    response = client.post(reverse("equipment:book", args=[item.pk]), data)
    assert response.status_code == 200
    assert len(response.context["problems"]) == 1
    assert [i.conflict for i in response.context["instances"]] == [False, True]
    assert BookingSeries.objects.count() == 0


def test_host_staff_book_on_behalf_and_override_with_a_reason(
    client: Client, world: World, company: Company, item: Item
) -> None:
    item.max_minutes = 60
    item.save()
    prospect = company_record(world.other_company)
    Company.objects.filter(pk=prospect.pk).update(is_prospect=True)
    signed_in(client, world.operator)
    url = reverse("equipment:book", args=[item.pk])
    form = client.get(url).context["form"]
    assert "override_reason" in form.fields
    assert list(form.fields["company"].queryset) == [company]  # not the prospect
    response = client.post(
        url, form_data(company, grid_time(3, 10), override_reason="센터장 승인 시연")
    )
    booking = Booking.objects.get()
    assert (booking.company_id, booking.override_reason) == (company.pk, "센터장 승인 시연")
    page = client.get(response["Location"])
    assert "센터장 승인 시연" in page.content.decode()


def test_members_get_no_override_field(
    client: Client, world: World, company: Company, item: Item
) -> None:
    signed_in(client, world.owner)
    form = client.get(reverse("equipment:book", args=[item.pk])).context["form"]
    assert "override_reason" not in form.fields
    item.max_minutes = 60
    item.save()
    client.post(
        reverse("equipment:book", args=[item.pk]),
        form_data(company, grid_time(3, 10), override_reason="급해요"),
    )
    assert Booking.objects.count() == 0


def test_hidden_and_inactive_items_cannot_be_booked(
    client: Client, world: World, company: Company
) -> None:
    signed_in(client, world.owner)
    hidden = ItemFactory.create(is_public=False)
    inactive = ItemFactory.create(is_active=False)
    assert client.get(reverse("equipment:book", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("equipment:book", args=[inactive.pk])).status_code == 404


def test_confirmation_pages_are_private(
    client: Client, world: World, company: Company, item: Item
) -> None:
    booking = booking_create(
        item=item,
        company=company,
        starts_at=grid_time(3, 10),
        ends_at=grid_time(3, 12),
        actor=world.owner,
    )
    signed_in(client, world.outsider)
    assert client.get(reverse("equipment:booking_booked", args=[booking.pk])).status_code == 404
    signed_in(client, world.teammate)
    assert client.get(reverse("equipment:booking_booked", args=[booking.pk])).status_code == 200
