"""Factories for the equipment app. They write rows directly (fixtures for tests of reads,
pages and rules); tests of a write call the service itself. Items default to permissive rules
(open around the clock, no notice, free) so that a test sets only the rule it is about."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.equipment.enums import BookingState, Domain
from bitgoeul.equipment.models import Booking, Category, Centre, Item
from tests.factories import CompanyRecordFactory, OrganizationFactory


def grid_time(days: int = 2, hour: int = 10) -> dt.datetime:
    """A start on the booking grid, `days` ahead at `hour`:00 Asia/Seoul."""
    seoul = timezone.get_default_timezone()
    day = (timezone.now().astimezone(seoul) + dt.timedelta(days=days)).date()
    return dt.datetime.combine(day, dt.time(hour), seoul)


class CentreFactory(factory.django.DjangoModelFactory[Centre]):
    class Meta:
        model = Centre

    name = factory.Sequence(lambda n: f"AI 헬스케어 실증센터 {n}")
    name_en = factory.Sequence(lambda n: f"AI healthcare demonstration centre {n}")
    domain = Domain.HEALTHCARE
    host = factory.SubFactory(
        OrganizationFactory, name="정보통신산업진흥원", kind=OrganizationKind.INSTITUTION
    )


class CategoryFactory(factory.django.DjangoModelFactory[Category]):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"의료영상 장비 {n}")
    name_en = factory.Sequence(lambda n: f"Medical imaging {n}")


class ItemFactory(factory.django.DjangoModelFactory[Item]):
    class Meta:
        model = Item
        skip_postgeneration_save = True

    centre = factory.SubFactory(CentreFactory)
    category = factory.SubFactory(CategoryFactory)
    host = factory.SelfAttribute("centre.host")
    name = factory.Sequence(lambda n: f"초음파 영상 획득 장비 {n}")
    name_en = factory.Sequence(lambda n: f"Ultrasound imaging unit {n}")
    min_minutes = 15
    max_minutes = 7 * 24 * 60
    notice_minutes = 0
    always_open = True
    closed_on_holidays = False


class BookingFactory(factory.django.DjangoModelFactory[Booking]):
    """A confirmed booking written directly (no guard rows: use `booking_create` in tests of
    overlap)."""

    class Meta:
        model = Booking

    item = factory.SubFactory(ItemFactory)
    company = factory.SubFactory(CompanyRecordFactory)
    starts_at = factory.LazyFunction(grid_time)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    blocked_until = factory.LazyAttribute(lambda o: o.ends_at)
    state = BookingState.CONFIRMED
