"""The events' demo data: the four events with their co-hosts, a full demo day with a waitlist,
and safe to load again."""

from __future__ import annotations

import random

import pytest

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.promotion.demo_events import BRIEFING, DEMO_DAY, PAST, load_events
from bitgoeul.promotion.models import Event, Registration
from tests.factories import CompanyFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_events_load_once() -> None:
    OrganizationFactory.create(code="city", kind=OrganizationKind.OPERATOR)
    OrganizationFactory.create(code="aica", kind=OrganizationKind.OPERATOR)
    kova = OrganizationFactory.create(code="kova", kind=OrganizationKind.ASSOCIATION)
    chapter = OrganizationFactory.create(
        code="gwangju-jeonnam", kind=OrganizationKind.CHAPTER, parent=kova
    )
    company = CompanyFactory.create(parent=chapter)
    founder = UserFactory.create(email="founder@bitgoeul.kr")
    MembershipFactory.create(user=founder, organization=company, role=MembershipRole.ADMIN)
    for n in range(5):
        UserFactory.create(email=f"ceo{n:03d}@company.bitgoeul.kr")
    assert (load_events(random.Random(1)), load_events(random.Random(1))) == (
        "4 events",
        "0 events",
    )
    demo_day = Event.objects.get(title=DEMO_DAY)
    assert sorted(Registration.objects.filter(event=demo_day).values_list("state", flat=True)) == [
        "confirmed",
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    assert Event.objects.get(title=BRIEFING).cohosts.get().organization == chapter
    assert Event.objects.get(title=PAST).materials.count() == 2
