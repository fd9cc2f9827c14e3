"""The matchmaking pages and API: the need page's ranking with words and facts, what each side
sees of the invitations, the list's query budget, the pipeline's counts."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bitgoeul.companies.models import Certification, Company
from bitgoeul.matchmaking.enums import InvitationState, NeedState, OutcomeKind, Sector
from bitgoeul.matchmaking.models import Invitation, Need, Outcome, SupplierProfile
from bitgoeul.matchmaking.ranking import rank_suppliers
from tests.conftest import World
from tests.factories import CompanyFactory, MembershipFactory
from tests.matchmaking.factories import (
    make_invitation,
    make_need,
    make_supplier,
    record,
    supplierise,
)


@pytest.mark.django_db
def test_ranking_explains_words_and_facts(world: World) -> None:
    requester = record(world.company)
    Company.objects.filter(pk=requester.pk).update(province="gwangju")
    near = make_supplier("(주)광주비전", province="gwangju")
    far = make_supplier(
        "(주)서울비전",
        province="seoul",
        description="머신비전으로 외관 불량을 검사합니다.",
    )
    Certification.objects.create(company=far, kind="venture")
    SupplierProfile.objects.create(company=far, capacity=1)
    earlier = make_need(CompanyFactory.create())
    done = make_invitation(earlier, far, state=InvitationState.ACCEPTED)
    Outcome.objects.create(invitation=done, kind=OutcomeKind.CONTRACT, amount_krw=1)
    busy = make_invitation(make_need(CompanyFactory.create()), far, state=InvitationState.ACCEPTED)
    ranked = rank_suppliers(
        viewer=world.owner,
        text="외관 불량을 검사하고 싶어요",
        province="gwangju",
        exclude_company_id=requester.pk,
    )
    by_id = {r.company_id: r for r in ranked}
    assert by_id[near.pk].words == ["외관", "불량", "검사"]
    assert by_id[near.pk].facts == [
        {"code": "region", "value": "gwangju"},
        {"code": "capacity", "value": 3},
    ]
    assert by_id[far.pk].facts == [
        {"code": "certification", "value": ["venture"]},
        {"code": "full", "value": 0},  # its one conversation is taken by `busy`
        {"code": "delivered", "value": 1},
    ]
    assert [r.company_id for r in ranked] == [near.pk, far.pk]
    assert busy.supplier_id == far.pk


@pytest.mark.django_db
def test_need_page_shows_the_requester_ranked_suppliers_with_reasons(
    world: World, client: Client
) -> None:
    supplier = make_supplier("(주)불량잡는비전")
    need = make_need(world.company)
    client.force_login(world.owner)
    page = client.get(reverse("matchmaking:need_detail", args=[need.pk])).content.decode()
    assert "(주)불량잡는비전" in page
    assert '<span class="badge word">불량</span>' in page
    assert reverse("companies:detail", args=[supplier.pk]) in page
    assert f'name="supplier" value="{supplier.pk}"' in page


@pytest.mark.django_db
def test_invited_supplier_sees_its_invitation_only_never_the_ranking_or_others(
    world: World, client: Client
) -> None:
    need = make_need(world.company)
    mine = make_invitation(need, supplierise(world.other_company))
    Invitation.objects.filter(pk=mine.pk).update(
        ranking={"rank": 1, "words": ["불량"], "facts": []}
    )
    rival = make_invitation(need, make_supplier("(주)경쟁공급사"))
    client.force_login(world.outsider)
    page = client.get(reverse("matchmaking:need_detail", args=[need.pk])).content.decode()
    assert f'id="invitation{mine.pk}"' in page
    assert f'id="invitation{rival.pk}"' not in page
    assert "(주)경쟁공급사" not in page
    assert 'id="ranking"' not in page
    assert "추천 1위" not in page and "ranked 1" not in page  # the ranking is the requester's
    assert reverse("matchmaking:invitation_answer", args=[mine.pk]) in page


@pytest.mark.django_db
def test_supplier_answer_then_requester_records_the_outcome_through_the_pages(
    world: World, client: Client
) -> None:
    need = make_need(world.company)
    invitation = make_invitation(need, supplierise(world.other_company))
    client.force_login(world.outsider)
    client.post(
        reverse("matchmaking:invitation_answer", args=[invitation.pk]),
        {"state": "accepted", "answer": "가능합니다"},
    )
    client.force_login(world.owner)
    client.post(
        reverse("matchmaking:outcome_create", args=[invitation.pk]),
        {"kind": "contract", "amount_krw": "40000000", "note": ""},
    )
    invitation.refresh_from_db()
    assert (invitation.state, invitation.outcome.kind, invitation.outcome.amount_krw) == (
        InvitationState.ACCEPTED,
        OutcomeKind.CONTRACT,
        40_000_000,
    )


@pytest.mark.django_db
def test_need_list_query_budget_with_one_and_many_rows(
    world: World, client: Client, django_assert_max_num_queries: Any
) -> None:
    supplier = supplierise(world.other_company)
    client.force_login(world.owner)
    make_invitation(make_need(world.company), supplier)
    with django_assert_max_num_queries(12):
        client.get(reverse("matchmaking:need_list"))
    for _ in range(10):
        make_invitation(make_need(world.company), supplier)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("matchmaking:need_list"))
    assert len(re.findall(r'href="/matchmaking/needs/\d+/"', response.content.decode())) == 11


@pytest.mark.django_db
def test_pipeline_counts_by_chapter_and_sector_for_the_chapter_staff_only(
    world: World, client: Client
) -> None:
    make_need(world.company, sector=Sector.AGRICULTURE)
    make_need(world.company, state=NeedState.CLOSED, sector=Sector.AGRICULTURE)
    make_need(world.company, state=NeedState.DRAFT)  # not counted
    make_need(world.other_company)  # another chapter's company
    client.force_login(world.chapter_staff)
    response = client.get(reverse("matchmaking:pipeline"))
    figures = response.context["figures"]
    assert (figures.needs, figures.open_needs) == (2, 1)
    assert response.context["by_chapter"] == [
        {
            "label": "광주전남지회",
            "cells": [
                (str(NeedState.OPEN.label), 1),
                (str(NeedState.CLOSED.label), 1),
                (str(NeedState.WITHDRAWN.label), 0),
                (str(OutcomeKind.CONTRACT.label), 0),
                (str(OutcomeKind.PILOT.label), 0),
                (str(OutcomeKind.NO_FIT.label), 0),
            ],
        }
    ]
    client.force_login(world.operator)
    assert client.get(reverse("matchmaking:pipeline")).context["figures"].needs == 3


@pytest.mark.django_db
def test_api_posts_a_need_and_reads_its_ranked_suppliers(world: World, client: Client) -> None:
    supplier = make_supplier("(주)검사AI")
    record(world.company)
    client.force_login(world.teammate)
    response = client.post(
        "/api/v1/needs",
        data=json.dumps(
            {
                "company": world.company.pk,
                "title": "외관 불량 검사",
                "description": "불량을 카메라로 찾고 싶습니다.",
                "sector": "manufacturing",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    need = Need.objects.get()
    assert (response.json()["id"], need.state) == (need.pk, NeedState.DRAFT)
    ranked = client.get(f"/api/v1/needs/{need.pk}/suppliers").json()
    assert [(r["rank"], r["company"]) for r in ranked] == [(1, supplier.pk)]
    assert ranked[0]["words"] == ["외관", "불량", "검사"]
    assert ranked[0]["facts"][0]["code"] == "capacity"


@pytest.mark.django_db
def test_api_lists_only_the_needs_the_caller_sees(world: World, client: Client) -> None:
    invited = make_need(world.company)
    make_invitation(invited, supplierise(world.other_company))
    make_need(world.company, title="초대받지 않은 수요")
    client.force_login(world.outsider)
    rows = client.get("/api/v1/needs").json()
    assert [(r["id"], r["created_at"]) for r in rows] == [(invited.pk, None)]  # PRIVATE field
    stranger = MembershipFactory.create().user
    client.force_login(stranger)
    assert client.get("/api/v1/needs").json() == []
    assert Invitation.objects.count() == 1


@pytest.mark.django_db
def test_a_public_demonstration_brings_its_supplier_and_a_private_one_does_not(
    world: World,
) -> None:
    from bitgoeul.demonstrations.enums import ProjectState
    from tests.demonstrations.factories import make_project

    shown = make_supplier("(주)메디소프트", description="의료 소프트웨어를 만듭니다.")
    hidden = make_supplier("(주)헬스소프트", description="의료 소프트웨어를 만듭니다.")
    make_project(shown, state=ProjectState.CLOSED, public=True)
    make_project(hidden, state=ProjectState.CLOSED, public=False)
    ranked = rank_suppliers(
        viewer=world.owner,
        text="응급실 흉부 X선 판독을 빠르게 하고 싶습니다",
        exclude_company_id=record(world.company).pk,
    )
    assert [(r.company_id, r.facts[0]) for r in ranked] == [
        (shown.pk, {"code": "demonstration", "value": "흉부 X선 판독 보조 AI 실증"})
    ]


@pytest.mark.django_db
def test_need_page_query_budget_with_one_and_many_invitations(
    world: World, client: Client, django_assert_max_num_queries: Any
) -> None:
    need = make_need(world.company)
    make_invitation(need, supplierise(world.other_company), state=InvitationState.ACCEPTED)
    client.force_login(world.owner)
    url = reverse("matchmaking:need_detail", args=[need.pk])
    with django_assert_max_num_queries(30):
        client.get(url)
    for n in range(8):
        make_invitation(need, make_supplier(f"(주)공급{n}"), state=InvitationState.ACCEPTED)
    with django_assert_max_num_queries(30):
        page = client.get(url).content.decode()
    assert page.count('class="card invitation"') == 9
