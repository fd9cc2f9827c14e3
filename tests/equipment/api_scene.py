"""The people and things the API and feed tests of equipment use: a company with two members,
another company, a host institution with a staff member and an item, and tokens."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import Organization, User
from bitgoeul.accounts.services import api_token_create
from bitgoeul.companies.models import Company
from bitgoeul.equipment.models import Item
from tests.equipment.factories import CentreFactory, ItemFactory
from tests.factories import CompanyRecordFactory, MembershipFactory, OrganizationFactory


@dataclass
class Scene:
    company: Company
    other_company: Company
    owner: User  # admin of `company`
    teammate: User  # member of `company`
    outsider: User  # admin of `other_company`
    host: Organization
    host_staff: User
    item: Item

    def headers(self, user: User, scope: str = "write") -> dict[str, str]:
        with transaction.atomic():
            _, secret = api_token_create(user=user, name="script", scope=scope)
        return {"Authorization": f"Bearer {secret}"}


def make_scene() -> Scene:
    company = CompanyRecordFactory.create(name="(주)빛고을모빌리티")
    other = CompanyRecordFactory.create(name="(주)부산로보틱스")
    owner = MembershipFactory.create(
        organization=company.organization, role=MembershipRole.ADMIN
    ).user
    teammate = MembershipFactory.create(
        organization=company.organization, role=MembershipRole.MEMBER
    ).user
    outsider = MembershipFactory.create(
        organization=other.organization, role=MembershipRole.ADMIN
    ).user
    host = OrganizationFactory.create(name="광주테크노파크", kind=OrganizationKind.INSTITUTION)
    host_staff = MembershipFactory.create(organization=host, role=MembershipRole.STAFF).user
    item = ItemFactory.create(centre=CentreFactory.create(host=host), name="자율주행 실증 차량")
    return Scene(company, other, owner, teammate, outsider, host, host_staff, item)
