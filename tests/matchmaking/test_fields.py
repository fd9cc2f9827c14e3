"""Which fields of a need each role receives from the API and the need page. The expectations
are written out here, independently of `access.NEED_FIELDS`, so that a change of the rule that
leaks a field fails this test."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from bitgoeul.matchmaking.enums import InvitationState
from tests.conftest import ROLES, World
from tests.matchmaking.factories import make_invitation, make_need, supplierise

EVERY_FIELD = {
    "company",
    "title",
    "description",
    "sector",
    "budget_min_krw",
    "budget_max_krw",
    "data_available",
    "timing",
    "starts_by",
    "preferred_province",
    "state",
    "opened_at",
    "created_at",
}
SUPPLIER_FIELDS = EVERY_FIELD - {"created_at"}  # the requester's own bookkeeping is private
EXPECTED: dict[str, set[str] | None] = {  # None: the need is not listed at all
    "anonymous": None,
    "owner": EVERY_FIELD,
    "teammate": EVERY_FIELD,
    "outsider": SUPPLIER_FIELDS,  # administrator of the invited supplier
    "chapter_staff": EVERY_FIELD,
    "reviewer": None,
    "operator": EVERY_FIELD,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_gives_each_role_the_fields_declared(world: World, client: Client, role: str) -> None:
    need = make_need(
        world.company,
        timing="내년 상반기",
        preferred_province="gwangju",
        budget_min_krw=10_000_000,
        budget_max_krw=30_000_000,
        starts_by=dt.date(2027, 3, 1),
    )
    make_invitation(need, supplierise(world.other_company), state=InvitationState.ACCEPTED)
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    response = client.get("/api/v1/needs")
    if role == "anonymous":
        assert response.status_code == 401
        return
    rows = [row for row in response.json() if row["id"] == need.pk]
    expected = EXPECTED[role]
    if expected is None:
        assert rows == []
        return
    shown = {key for key, value in rows[0].items() if value is not None and key != "id"}
    assert shown == expected


@pytest.mark.django_db
def test_need_page_shows_the_invited_supplier_neither_rivals_nor_other_answers(
    world: World, client: Client
) -> None:
    need = make_need(world.company)
    make_invitation(need, supplierise(world.other_company))
    client.force_login(world.outsider)
    page = client.get(reverse("matchmaking:need_detail", args=[need.pk])).content.decode()
    assert (need.description in page, "공급기업 모집 시작" in page, "수요 고치기" in page) == (
        True,
        False,
        False,
    )
