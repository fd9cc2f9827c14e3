"""The people and things the lifecycle tests share: a host institution with a staff member, an
item it hosts (hourly fee, late cancellations charged half), a company with two members, and
another company with one member."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import User
from bitgoeul.companies.models import Company
from bitgoeul.equipment.enums import FeeUnit
from bitgoeul.equipment.models import Booking, Item
from bitgoeul.equipment.services.bookings import booking_create
from tests.equipment.factories import CentreFactory, ItemFactory, grid_time
from tests.factories import CompanyRecordFactory, MembershipFactory, OrganizationFactory


@dataclass
class Scene:
    item: Item
    host_staff: User
    company: Company
    member: User
    teammate: User
    other_company: Company
    other_member: User

    def book(
        self,
        *,
        starts_at: dt.datetime | None = None,
        hours: int = 2,
        company: Company | None = None,
        actor: Any = None,
        item: Item | None = None,
        now: dt.datetime | None = None,
    ) -> Booking:
        """A booking made through `booking_create` (so the database holds its time)."""
        starts_at = starts_at or grid_time(days=3)
        with transaction.atomic():
            return booking_create(
                item=item or self.item,
                company=company or self.company,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=hours),
                actor=actor or self.member,
                purpose="실증 데이터 수집",
                now=now,
            )


def make_scene(**item_fields: Any) -> Scene:
    host = OrganizationFactory.create(name="광주테크노파크", kind=OrganizationKind.INSTITUTION)
    host_staff = MembershipFactory.create(organization=host, role=MembershipRole.STAFF).user
    fields: dict[str, Any] = {
        "fee_unit": FeeUnit.HOUR,
        "fee_krw": 50_000,
        "free_cancel_hours": 24,
        "late_cancel_percent": 50,
        "check_in_grace_minutes": 30,
        "location": "본관 2층 실증실",
    }
    fields.update(item_fields)
    item = ItemFactory.create(centre=CentreFactory.create(host=host), **fields)
    company = CompanyRecordFactory.create(name="(주)빛고을헬스")
    member = MembershipFactory.create(organization=company.organization).user
    teammate = MembershipFactory.create(organization=company.organization).user
    other_company = CompanyRecordFactory.create(name="(주)무등모빌리티")
    other_member = MembershipFactory.create(organization=other_company.organization).user
    return Scene(item, host_staff, company, member, teammate, other_company, other_member)
