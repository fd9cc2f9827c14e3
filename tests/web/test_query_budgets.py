"""Query budgets of the main pages of every role, with one and with many rows.

There is no page cache: each page must stay cheap on its own. A page that starts reading one
query per row (a missing select_related or prefetch_related) fails here with many rows.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from bitgoeul.accounts.enums import MembershipRole
from bitgoeul.accounts.models import User
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Company, Technology
from bitgoeul.companies.services.nominations import nomination_create
from bitgoeul.companies.services.profile import (
    certification_add,
    company_set_chapter_consent,
    company_set_public,
    company_update,
    investment_add,
)
from tests.companies.helpers import make_company
from tests.conftest import World
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
BUDGET = 10  # queries per page (docs/architecture.md, "Keeping pages fast")
MANY = 25


def association_staff(world: World) -> User:
    return MembershipFactory.create(organization=world.association, role=MembershipRole.STAFF).user


def viewer(world: World, role: str) -> User | None:
    if role == "association_staff":
        return association_staff(world)
    return world.user(role)


def get(client: Client, user: User | None, path: str, budget: Any, limit: int = BUDGET) -> str:
    if user is not None:
        client.force_login(user)
    client.get(path)  # the first request may fill the dashboards' short-lived figures
    with budget(limit):
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def companies(world: World, count: int) -> list[Company]:
    """`count` public companies of the chapter, shared with it, with technologies."""
    techs = list(Technology.objects.order_by("pk")[:3])
    made = []
    for index in range(count):
        company = make_company(f"(주)로봇{index}", parent=world.chapter, products="로봇 팔")
        with transaction.atomic():
            company_update(company=company, actor=None, data={}, technologies=techs)
            company_set_public(company=company, actor=None, is_public=True)
            company_set_chapter_consent(company=company, actor=None, consent=True)
        made.append(company)
    return made


ROLES = [
    "anonymous",
    "owner",
    "teammate",
    "chapter_staff",
    "association_staff",
    "operator",
    "reviewer",
]


@pytest.mark.parametrize("count", [1, MANY])
@pytest.mark.parametrize("role", ROLES)
def test_home(
    client: Client, world: World, role: str, count: int, django_assert_max_num_queries: Any
) -> None:
    companies(world, count)
    with transaction.atomic():  # audit events for the operator's recent activity
        for index in range(count):
            audit_record(
                actor=world.owner, action="test.edit", obj=world.company, after={"i": index}
            )
    get(client, viewer(world, role), reverse("web:home"), django_assert_max_num_queries)


@pytest.mark.parametrize("count", [1, MANY])
@pytest.mark.parametrize("role", ["anonymous", "owner", "chapter_staff", "operator"])
def test_company_list_with_a_search(
    client: Client, world: World, role: str, count: int, django_assert_max_num_queries: Any
) -> None:
    companies(world, count)
    path = reverse("companies:list") + "?q=로봇"
    html = get(client, viewer(world, role), path, django_assert_max_num_queries)
    assert html.count("(주)로봇") >= min(count, 20)


@pytest.mark.parametrize("count", [1, MANY])
@pytest.mark.parametrize("role", ["anonymous", "owner", "teammate", "chapter_staff", "operator"])
def test_company_page(
    client: Client, world: World, role: str, count: int, django_assert_max_num_queries: Any
) -> None:
    import datetime as dt

    company = companies(world, 1)[0]
    MembershipFactory.create(organization=company.organization, role=MembershipRole.ADMIN)
    with transaction.atomic():
        for index in range(count):
            investment_add(
                company=company,
                actor=None,
                date=dt.date(2024, 1, 1 + index % 28),
                round="seed",
                amount=1000 + index,
                investors="빛고을투자",
            )
            certification_add(
                company=company,
                actor=None,
                kind="venture",
                issued_on=dt.date(2024, 1, 1 + index % 28),
            )
    user = viewer(world, role)
    if role in ("owner", "teammate"):  # the company's own people
        user = MembershipFactory.create(
            organization=company.organization,
            role=MembershipRole.ADMIN if role == "owner" else MembershipRole.MEMBER,
        ).user
    path = reverse("companies:detail", args=[company.organization_id])
    html = get(client, user, path, django_assert_max_num_queries)
    assert html.count("빛고을투자") == (count if role != "anonymous" else 0)


@pytest.mark.parametrize("count", [1, MANY])
@pytest.mark.parametrize("role", ["chapter_staff", "association_staff", "operator"])
def test_nominations(
    client: Client, world: World, role: str, count: int, django_assert_max_num_queries: Any
) -> None:
    for company in companies(world, count):
        with transaction.atomic():
            nomination_create(
                company=company, chapter=world.chapter, actor=world.chapter_staff, reason="r"
            )
    path = reverse("companies:nominations")
    get(client, viewer(world, role), path, django_assert_max_num_queries)


@pytest.mark.parametrize("count", [1, MANY])
def test_audit_trail(
    client: Client, world: World, count: int, django_assert_max_num_queries: Any
) -> None:
    with transaction.atomic():
        for index in range(count):
            audit_record(
                actor=world.owner, action="test.edit", obj=world.company, after={"i": index}
            )
    get(client, world.operator, reverse("audit:list"), django_assert_max_num_queries)
