"""Who may see and do what with companies. Views and the API call these; nothing else decides.

Three levels of a company's data:
- public profile: names, description, products, technologies, region, certifications,
  website — everyone, when the company opted in (`is_public`);
- record: the above for any company, plus stage and sector — its members, operator staff,
  and association/chapter staff following the company's chapter;
- private data: yearly metrics, revenue, investments, the potential score and its breakdown,
  nominations — its members, operator staff, and the staff of its chapter only while the
  company consents to share with its chapter (read-only).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from bitgoeul.accounts import access as accounts_access
from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company, CompanyImport, Nomination


def followed_parent_ids(user: Any) -> set[int]:
    """Organisations whose child companies the user follows as association or chapter staff:
    their chapters, and the association itself (it covers the provinces without a chapter)."""
    ids = set(accounts_access.staff_chapter_ids(user))
    for org_id, kind, _, _ in accounts_access.membership_rows(user):
        if kind == OrganizationKind.ASSOCIATION:
            ids.add(org_id)
    return ids


def member_company_ids(user: Any) -> set[int]:
    return {
        org_id
        for org_id, kind, _, _ in accounts_access.membership_rows(user)
        if kind == OrganizationKind.COMPANY
    }


def is_staff(user: Any) -> bool:
    """Operator staff or association/chapter staff: the people who discover companies."""
    return accounts_access.is_operator_staff(user) or accounts_access.is_chapter_staff(user)


def follows(user: Any, company: Company) -> bool:
    return company.organization.parent_id in followed_parent_ids(user)


def can_view_record(user: Any, company: Company) -> bool:
    return (
        company.organization_id in member_company_ids(user)
        or accounts_access.is_operator_staff(user)
        or follows(user, company)
    )


def can_view_profile(user: Any, company: Company) -> bool:
    return company.is_public or can_view_record(user, company)


def can_view_private(user: Any, company: Company) -> bool:
    return (
        company.organization_id in member_company_ids(user)
        or accounts_access.is_operator_staff(user)
        or (company.shares_with_chapter and follows(user, company))
    )


def can_edit(user: Any, company: Company) -> bool:
    role = accounts_access.organization_role(user, company.organization)
    return role in {MembershipRole.ADMIN, MembershipRole.STAFF} or (
        accounts_access.is_operator_staff(user)
    )


def can_manage_sharing(user: Any, company: Company) -> bool:
    """Publishing the profile and consenting to share with the chapter are the company's own
    decisions: its administrators make them, nobody else."""
    return accounts_access.is_organization_admin(user, company.organization)


def can_nominate(user: Any, company: Company) -> bool:
    return follows(user, company)


def can_watch(user: Any, company: Company) -> bool:
    return is_staff(user) and can_view_record(user, company)


def can_see_scores(user: Any) -> bool:
    """Scores in lists and sorting by potential or growth: operator staff."""
    return accounts_access.is_operator_staff(user)


def visible_filter(user: Any) -> Q:
    """The companies whose record or public profile the user may see, as a filter."""
    if accounts_access.is_operator_staff(user):
        return Q()
    visible = Q(is_public=True)
    members = member_company_ids(user)
    if members:
        visible |= Q(organization_id__in=members)
    parents = followed_parent_ids(user)
    if parents:
        visible |= Q(organization__parent_id__in=parents)
    return visible


def _company(organization_id: int) -> Company:
    organization = Organization.objects.filter(
        pk=organization_id, kind=OrganizationKind.COMPANY
    ).first()
    if organization is None:
        raise Http404
    company = Company.objects.select_related("organization__parent").filter(pk=organization_id)
    found = company.first()
    if found is None:
        # Companies that signed up before this app existed get their (empty) profile now.
        from bitgoeul.companies.services.profile import company_profile_ensure

        found = company_profile_ensure(organization=organization)
    return found


def company_for_viewer(user: Any, organization_id: int) -> Company:
    """The company whose page the user may see (public profile or more), or 404."""
    company = _company(organization_id)
    if not can_view_profile(user, company):
        raise Http404
    return company


def company_for_private(user: Any, organization_id: int) -> Company:
    company = company_for_viewer(user, organization_id)
    if not can_view_private(user, company):
        raise PermissionDenied
    return company


def company_for_editor(user: Any, organization_id: int) -> Company:
    company = _company(organization_id)
    if not can_view_record(user, company):
        raise Http404
    if not can_edit(user, company):
        raise PermissionDenied
    return company


def company_for_sharing(user: Any, organization_id: int) -> Company:
    company = _company(organization_id)
    if not can_view_record(user, company):
        raise Http404
    if not can_manage_sharing(user, company):
        raise PermissionDenied
    return company


def company_for_nominator(user: Any, organization_id: int) -> Company:
    company = _company(organization_id)
    if not can_view_record(user, company):
        raise Http404
    if not can_nominate(user, company):
        raise PermissionDenied
    return company


def company_for_watcher(user: Any, organization_id: int) -> Company:
    company = _company(organization_id)
    if not can_view_record(user, company):
        raise Http404
    if not can_watch(user, company):
        raise PermissionDenied
    return company


def require_staff(user: Any) -> None:
    if not is_staff(user):
        raise PermissionDenied


def require_operator_staff(user: Any) -> None:
    accounts_access.require_operator_staff(user)


def nomination_for_decider(user: Any, nomination_id: int) -> Nomination:
    require_operator_staff(user)
    nomination = Nomination.objects.select_related("company__organization").filter(pk=nomination_id)
    found = nomination.first()
    if found is None:
        raise Http404
    return found


def nomination_for_nominator(user: Any, nomination_id: int) -> Nomination:
    """A nomination its chapter's staff may withdraw."""
    found = (
        Nomination.objects.select_related("company__organization").filter(pk=nomination_id).first()
    )
    if found is None or found.chapter_id not in followed_parent_ids(user):
        raise Http404
    return found


def company_import_for_owner(user: Any, import_id: Any) -> CompanyImport:
    """An import the user started (operator staff only import)."""
    require_operator_staff(user)
    found = CompanyImport.objects.filter(pk=import_id).first()
    if found is None or (found.uploaded_by_id != user.pk):
        raise Http404
    return found


def can_import(user: Any) -> bool:
    """Bulk imports and exports touch every chapter's companies: operator staff only import."""
    return accounts_access.is_operator_staff(user)


def can_mark_reviewed(user: Any) -> bool:
    return accounts_access.is_operator_staff(user)
