"""Who may do what with accounts and organisations. Views and the API call these; nothing
else decides access. Helpers named `is_*`/`can_*` answer; `require_*`/`*_for_*` raise."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import Organization, User
from bitgoeul.accounts.selectors import user_memberships
from bitgoeul.accounts.types import Viewer


def membership_rows(user: Viewer) -> list[tuple[int, str, str, int | None]]:
    """(organization id, kind, role, parent id) of each of the user's memberships."""
    if not isinstance(user, User) or not user.is_authenticated:
        return []
    return [
        (m.organization_id, m.organization.kind, m.role, m.organization.parent_id)
        for m in user_memberships(user)
    ]


def is_operator_staff(user: Viewer) -> bool:
    """A member (any role) of an operator organisation: the city office or the cluster agency."""
    return any(kind == OrganizationKind.OPERATOR for _, kind, _, _ in membership_rows(user))


def organization_role(user: Viewer, organization: Organization) -> str | None:
    for org_id, _, role, _ in membership_rows(user):
        if org_id == organization.pk:
            return role
    return None


def is_member(user: Viewer, organization: Organization) -> bool:
    return organization_role(user, organization) is not None


def is_organization_admin(user: Viewer, organization: Organization) -> bool:
    return organization_role(user, organization) == MembershipRole.ADMIN


def staff_chapter_ids(user: Viewer) -> set[int]:
    """Chapters whose companies the user follows as association or chapter staff.

    Chapter members follow their chapter; association headquarters staff follow every chapter.
    """
    chapters: set[int] = set()
    association_ids: set[int] = set()
    for org_id, kind, _, _ in membership_rows(user):
        if kind == OrganizationKind.CHAPTER:
            chapters.add(org_id)
        elif kind == OrganizationKind.ASSOCIATION:
            association_ids.add(org_id)
    if association_ids:
        chapters.update(
            Organization.objects.filter(
                kind=OrganizationKind.CHAPTER, parent_id__in=association_ids
            ).values_list("pk", flat=True)
        )
    return chapters


def is_chapter_staff(user: Viewer) -> bool:
    return any(
        kind in {OrganizationKind.CHAPTER, OrganizationKind.ASSOCIATION}
        for _, kind, _, _ in membership_rows(user)
    )


def is_chapter_staff_for(user: Viewer, company: Organization) -> bool:
    """Staff of the chapter that covers the company (or of the association above it)."""
    return company.parent_id is not None and company.parent_id in staff_chapter_ids(user)


def is_reviewer(user: Viewer) -> bool:
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    profile = getattr(user, "reviewer_profile", None)
    return profile is not None and profile.is_active


def can_view_members(user: Viewer, organization: Organization) -> bool:
    """Members and operator staff. Chapter staff see a company's record through the companies
    app (and its private data only with the company's consent), never its member list."""
    return is_member(user, organization) or is_operator_staff(user)


def organization_for_viewer(user: Viewer, organization_id: int) -> Organization:
    """The organisation whose member list the user may see, or 404 (outsiders learn nothing)."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None or not can_view_members(user, organization):
        raise Http404
    return organization


def organization_for_admin(user: Viewer, organization_id: int) -> Organization:
    """The organisation the user administers (invites, roles), or PermissionDenied."""
    organization = organization_for_viewer(user, organization_id)
    if not (is_organization_admin(user, organization) or is_operator_staff(user)):
        raise PermissionDenied
    return organization


def organization_for_approver(user: Viewer, organization_id: int) -> Organization:
    """The organisation of which the user is an administrator member, for approving or
    declining invitations made by outsiders (operator staff are not enough), or
    PermissionDenied."""
    organization = organization_for_viewer(user, organization_id)
    if not is_organization_admin(user, organization):
        raise PermissionDenied
    return organization


def require_operator_staff(user: Viewer) -> None:
    if not is_operator_staff(user):
        raise PermissionDenied
