"""Sections of the companies app on people's home pages, registered with
`bitgoeul.core.home`: a member's own company and what to do next, the association and chapter
staff's work queue, the operators' queue of nominations, imports and reviews."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from bitgoeul.accounts import access as accounts_access
from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.companies import access, selectors
from bitgoeul.companies.models import Company
from bitgoeul.core.home import HomeSection, home_provider


def member_company_id(user: Any, membership: Any) -> int | None:
    """The company the person acts for, else the first company they belong to."""
    if membership and membership.organization.kind == OrganizationKind.COMPANY:
        return int(membership.organization_id)
    ids = access.member_company_ids(user)
    return min(ids) if ids else None


@home_provider("companies")
def home_sections(request: Any) -> list[HomeSection]:
    user = request.user
    sections: list[HomeSection] = []
    operator_ids = [
        org_id
        for org_id, kind, _, _ in accounts_access.membership_rows(user)
        if kind == OrganizationKind.OPERATOR
    ]
    if operator_ids:
        counts = selectors.operator_home_counts(min(operator_ids))
        sections.append(HomeSection("companies/home/operator.html", counts))
    elif accounts_access.is_chapter_staff(user):
        sections.append(_staff_section(user))
    company_id = member_company_id(user, getattr(request, "membership", None))
    if company_id is not None:
        sections.append(_company_section(user, company_id))
    return sections


def _staff_section(user: Any) -> HomeSection:
    chapters = accounts_access.staff_chapter_ids(user)
    associations = {
        org_id
        for org_id, kind, _, _ in accounts_access.membership_rows(user)
        if kind == OrganizationKind.ASSOCIATION
    }
    is_association = bool(associations)
    parents = chapters | associations  # as access.followed_parent_ids, read once
    list_url = reverse("companies:list")
    if not is_association and len(chapters) == 1:
        # the list filtered to the one chapter the person follows
        list_url += f"?chapter={next(iter(chapters))}"
    return HomeSection(
        "companies/home/staff.html",
        {
            "is_association": is_association,
            "counts": selectors.staff_home_counts(user, parents),
            "recent": selectors.companies_recent_in(parents),
            "list_url": list_url,
        },
    )


def _company_section(user: Any, company_id: int) -> HomeSection:
    company = selectors.company_home_record(company_id)
    empty: list[str] = []
    if company is not None:
        empty = [
            str(getattr(Company._meta.get_field(name), "verbose_name", name))
            for name in selectors.company_empty_fields(company)
        ]
    return HomeSection(
        "companies/home/company.html",
        {
            "company_id": company_id,
            "company": company,
            "empty_fields": empty,
            "can_edit": company is not None and access.can_edit(user, company),
            "can_share": company is not None and access.can_manage_sharing(user, company),
        },
    )
