"""The equipment demo data: three centres, about thirty items, bookings that keep the rules and
the database's guarantee, and safe to load again."""

from __future__ import annotations

import random

import pytest

from bitgoeul.accounts.models import Organization
from bitgoeul.equipment.availability import free_intervals
from bitgoeul.equipment.demo import ITEMS, load_equipment
from bitgoeul.equipment.enums import Domain
from bitgoeul.equipment.guard import uses_slot_rows
from bitgoeul.equipment.models import Booking, BookingSlot, Centre, Item
from tests.factories import CompanyRecordFactory

pytestmark = pytest.mark.django_db


def test_demo_loads_centres_items_and_bookings_once() -> None:
    for n in range(3):
        company = CompanyRecordFactory.create()
        Organization.objects.filter(pk=company.organization_id).update(code=f"company-{n:03d}")
    summary = load_equipment(random.Random(1))
    bookings = list(Booking.objects.select_related("item"))
    assert sorted(Centre.objects.values_list("domain", flat=True)) == sorted(
        [Domain.ENERGY, Domain.HEALTHCARE, Domain.MOBILITY]
    )
    assert Item.objects.count() == len(ITEMS) == 30
    assert len(bookings) > 30
    assert summary == f"equipment: 3 centres, 30 items, {len(bookings)} bookings"
    if uses_slot_rows():  # written through the guard (on PostgreSQL the constraint holds them)
        assert BookingSlot.objects.count() > 0
    # every item's search terms are written
    assert Item.objects.filter(search_body="").count() == 0
    assert load_equipment(random.Random(1)) == "equipment: already loaded"
    # the bookings keep their item's opening hours and blackouts
    first = bookings[0]
    Booking.objects.filter(pk=first.pk).update(state="cancelled")  # its own time, freed
    assert free_intervals(first.item, first.starts_at, first.ends_at) == [
        (first.starts_at, first.ends_at)
    ]
