"""Who sees what of a company: public profile, record, private data with chapter consent."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies import access
from bitgoeul.companies.models import Company
from bitgoeul.companies.services.profile import company_set_chapter_consent, company_set_public
from tests.companies.helpers import company_record, make_company
from tests.conftest import World
from tests.factories import MembershipFactory, OrganizationFactory


@pytest.fixture
def company(world: World) -> Company:
    return company_record(world.company)


def test_private_data_needs_the_companys_consent_for_its_chapter(
    world: World, company: Company
) -> None:
    assert access.can_view_record(world.chapter_staff, company)
    assert not access.can_view_private(world.chapter_staff, company)
    with pytest.raises(PermissionDenied):
        access.company_for_private(world.chapter_staff, company.pk)
    company_set_chapter_consent(company=company, actor=world.owner, consent=True)
    assert access.can_view_private(world.chapter_staff, company)
    assert not access.can_edit(world.chapter_staff, company)  # read-only
    company_set_chapter_consent(company=company, actor=world.owner, consent=False)
    assert not access.can_view_private(world.chapter_staff, company)
    assert list(
        AuditEvent.objects.filter(action="company.chapter_consent")
        .order_by("pk")
        .values_list("after__consent", flat=True)
    ) == [True, False]


def test_other_chapters_never_see_private_data(world: World, company: Company) -> None:
    busan_staff = MembershipFactory.create(
        organization=world.other_chapter, role=MembershipRole.STAFF
    ).user
    company_set_chapter_consent(company=company, actor=world.owner, consent=True)
    assert not access.can_view_record(busan_staff, company)
    with pytest.raises(Http404):
        access.company_for_viewer(busan_staff, company.pk)


def test_association_staff_follow_every_chapter_and_headquarters(
    world: World, company: Company
) -> None:
    hq_staff = MembershipFactory.create(
        organization=world.association, role=MembershipRole.STAFF
    ).user
    seoul = make_company("(주)서울에이아이", address="서울 강남구 테헤란로 1")
    seoul.organization.refresh_from_db()
    assert seoul.organization.parent == world.association  # no chapter: headquarters
    assert access.can_view_record(hq_staff, company)
    assert access.can_view_record(hq_staff, seoul)
    assert not access.can_view_record(world.chapter_staff, seoul)


def test_members_and_operators_see_private_data(world: World, company: Company) -> None:
    for user in (world.owner, world.teammate, world.operator):
        assert access.can_view_private(user, company)
    for user in (world.outsider, world.reviewer):
        assert not access.can_view_profile(user, company)


def test_only_company_admins_decide_sharing(world: World, company: Company) -> None:
    assert access.can_manage_sharing(world.owner, company)
    for user in (world.teammate, world.operator, world.chapter_staff):
        assert not access.can_manage_sharing(user, company)


def test_public_profile_is_opt_in(world: World, company: Company, client: Client) -> None:
    url = reverse("companies:detail", args=[company.pk])
    assert client.get(url).status_code == 404
    company_set_public(company=company, actor=world.owner, is_public=True)
    page = client.get(url).content.decode()
    assert world.company.name in page
    assert "chart-revenue" not in page and "breakdown" not in page


def test_non_company_organisations_have_no_company_page(world: World) -> None:
    institution = OrganizationFactory.create(kind=OrganizationKind.INSTITUTION)
    with pytest.raises(Http404):
        access.company_for_viewer(world.operator, institution.pk)


def test_sharing_form_gives_and_withdraws_consent(
    world: World, company: Company, client: Client
) -> None:
    client.force_login(world.owner)
    url = reverse("companies:sharing", args=[company.pk])
    client.post(url, {"share_with_chapter": "on", "is_public": "on"})
    company.refresh_from_db()
    assert (company.shares_with_chapter, company.is_public) == (True, True)
    client.post(url, {})
    company.refresh_from_db()
    assert (company.shares_with_chapter, company.is_public) == (False, False)
