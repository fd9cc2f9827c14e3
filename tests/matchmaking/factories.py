"""Builders for matchmaking tests. They write rows directly (fixtures for tests of reads, pages
and permissions); tests of a write call the service itself."""

from __future__ import annotations

from typing import Any

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company
from bitgoeul.matchmaking.enums import InvitationState, NeedState, Sector
from bitgoeul.matchmaking.models import Invitation, Need
from tests.companies.helpers import company_record, make_company


def record(organization: Organization) -> Company:
    """The company record of an organisation made by a factory (created once)."""
    existing = Company.objects.filter(pk=organization.pk).select_related("organization").first()
    return existing or company_record(organization)


def make_supplier(
    name: str = "",
    *,
    description: str = "딥러닝 머신비전으로 제조 라인의 외관 불량을 자동 검사합니다.",
    public: bool = True,
    **data: Any,
) -> Company:
    """An AI supplier (an AI technology makes AI central to it) with a public profile."""
    data.setdefault("technologies", ("vision",))
    company = make_company(name, description=description, **data)
    Company.objects.filter(pk=company.pk).update(is_public=public)
    company.refresh_from_db()
    return company


def supplierise(organization: Organization, **data: Any) -> Company:
    """Turn a factory-made company organisation into a public AI supplier (through the
    companies service, so that its search index is up to date)."""
    from bitgoeul.companies.models import Technology
    from bitgoeul.companies.services.profile import company_update

    company = record(organization)
    data.setdefault("description", "딥러닝 머신비전으로 제조 라인의 외관 불량을 자동 검사합니다.")
    company = company_update(
        company=company,
        actor=None,
        data=data,
        technologies=list(Technology.objects.filter(code="vision")),
    )
    Company.objects.filter(pk=company.pk).update(is_public=True)
    company.refresh_from_db()
    return company


def make_need(
    company: Organization | Company, *, state: str = NeedState.OPEN, **fields: Any
) -> Need:
    from django.utils import timezone

    from bitgoeul.matchmaking.ranking import need_text
    from bitgoeul.search.terms import document_terms

    company = record(company) if isinstance(company, Organization) else company
    values: dict[str, Any] = {
        "title": "부품 외관 불량 검사 자동화",
        "description": "작업자가 눈으로 하는 불량 검사를 카메라로 자동화하고 싶습니다.",
        "sector": Sector.MANUFACTURING,
        "data_available": "불량 사진 3천 장",
        **fields,
    }
    need = Need(company=company, state=state, **values)
    need.search_terms = document_terms(need_text(need.title, need.description, need.data_available))
    if state != NeedState.DRAFT:
        need.opened_at = timezone.now()
    need.save()
    return need


def make_invitation(
    need: Need, supplier: Organization | Company, *, state: str = InvitationState.INVITED
) -> Invitation:
    supplier = record(supplier) if isinstance(supplier, Organization) else supplier
    return Invitation.objects.create(need=need, supplier=supplier, state=state)
