"""The reviewer pool: adding people (the accounts role through accounts), profiles edited by
staff and by the reviewer, ties."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from bitgoeul.accounts.models import ReviewerProfile
from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.models import Technology
from bitgoeul.programs.enums import TieKind
from bitgoeul.programs.models import Reviewer, ReviewerTie
from bitgoeul.programs.services.reviewers import TieError, reviewer_add, reviewer_tie_add
from tests.conftest import World
from tests.factories import CompanyFactory, UserFactory
from tests.programs.factories import ReviewerFactory

pytestmark = pytest.mark.django_db


def test_staff_add_a_person_to_the_pool_through_accounts(world: World, client: Client) -> None:
    person = UserFactory.create(email="expert@example.kr")
    client.force_login(world.chapter_staff)
    response = client.post(
        reverse("programs:reviewer_pool"), {"email": "Expert@example.kr", "max_load": 7}
    )
    reviewer = Reviewer.objects.get(user=person)
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:reviewer_edit", args=[reviewer.pk])
    assert reviewer.max_load == 7
    assert ReviewerProfile.objects.get(user=person).is_active is True
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "reviewer_profile.set",
        "reviewer.add",
    ]


def test_adding_someone_whose_role_was_ended_activates_it_again(world: World) -> None:
    ReviewerProfile.objects.filter(user=world.reviewer).update(is_active=False)
    with transaction.atomic():
        first = reviewer_add(user=world.reviewer, actor=world.operator)
        again = reviewer_add(user=world.reviewer, actor=world.operator, max_load=3)
    assert first.pk == again.pk and again.max_load == 10
    assert ReviewerProfile.objects.get(user=world.reviewer).is_active is True


def test_an_unknown_address_is_refused(world: World, client: Client) -> None:
    client.force_login(world.operator)
    response = client.post(
        reverse("programs:reviewer_pool"), {"email": "nobody@example.kr", "max_load": 5}
    )
    assert response.status_code == 200
    assert Reviewer.objects.count() == 0


def test_a_reviewer_edits_their_own_profile(world: World, client: Client) -> None:
    reviewer = ReviewerFactory.create(user=world.reviewer)
    vision = Technology.objects.get(code="vision")
    client.force_login(world.reviewer)
    url = reverse("programs:reviewer_edit", args=[reviewer.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "technologies": [vision.pk],
            "expertise": "딥러닝 영상 분석, medical imaging",
            "max_load": 4,
        },
    )
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert (reviewer.max_load, list(reviewer.technologies.all())) == (4, [vision])
    assert ReviewerProfile.objects.get(user=world.reviewer).expertise == (
        "딥러닝 영상 분석, medical imaging"
    )
    event = AuditEvent.objects.get(action="reviewer.update")
    assert (event.before, event.after) == (
        {"max_load": 10, "technologies": []},
        {"max_load": 4, "technologies": [vision.pk]},
    )


def test_another_reviewer_cannot_open_a_profile(world: World, client: Client) -> None:
    reviewer = ReviewerFactory.create(user=world.reviewer)
    other = ReviewerFactory.create()
    client.force_login(other.user)
    assert client.get(reverse("programs:reviewer_edit", args=[reviewer.pk])).status_code == 404


def test_a_tie_by_business_number_links_the_organisation(world: World, client: Client) -> None:
    reviewer = ReviewerFactory.create(user=world.reviewer)
    company = CompanyFactory.create()
    assert company.brn is not None
    client.force_login(world.reviewer)
    response = client.post(
        reverse("programs:reviewer_tie_add", args=[reviewer.pk]),
        {
            "kind": TieKind.SHAREHOLDER,
            "business_number": f"{company.brn[:3]}-{company.brn[3:5]}-{company.brn[5:]}",
            "started_on": "2022-01-01",
        },
    )
    assert response.status_code == 302
    tie = ReviewerTie.objects.get()
    assert (tie.organization_id, tie.business_number, tie.name, tie.ended_on) == (
        company.pk,
        company.brn,
        company.name,
        None,
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"business_number": "123-45-678"}, "A business registration number has 10 digits."),
        ({}, "Name the organisation, its business registration number or its name."),
        (
            {"name": "기관", "started_on": dt.date(2024, 1, 1), "ended_on": dt.date(2023, 1, 1)},
            "A tie cannot end before it starts.",
        ),
    ],
)
def test_a_tie_that_names_nothing_or_ends_before_it_starts_is_refused(
    values: dict[str, Any], message: str
) -> None:
    from django.utils import translation

    reviewer = ReviewerFactory.create()
    with translation.override("en"), pytest.raises(TieError) as error:
        reviewer_tie_add(reviewer=reviewer, actor=None, kind=TieKind.EMPLOYEE, **values)
    assert str(error.value) == message
    assert ReviewerTie.objects.count() == 0


@pytest.mark.parametrize("rows", [1, 20])
def test_the_pool_list_takes_few_queries(
    world: World, client: Client, django_assert_max_num_queries: Any, rows: int
) -> None:
    vision = Technology.objects.get(code="vision")
    for _ in range(rows):
        ReviewerFactory.create().technologies.add(vision)
    client.force_login(world.operator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("programs:reviewer_pool"))
    assert response.status_code == 200
    assert len(re.findall(r'href="/programs/reviewers/\d+/"', response.content.decode())) == rows
