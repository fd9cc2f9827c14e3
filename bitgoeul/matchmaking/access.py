"""Who may see and do what in matchmaking. Pages, the API, exports and notifications all ask
these; access functions only read.

Needs (`need_view_level`):
- PRIVATE: members of the requesting company; operator staff; staff of the chapter the
  requesting company belongs to (they follow the pipeline): the need with every invitation,
  answer, meeting and outcome;
- RECORD: members of a supplier invited to it (not withdrawn): the need as the requester wrote
  it (description, budget, data, timing) and their own invitation, meetings and outcome — never
  the other suppliers;
- NONE otherwise (404). Needs are not public: a regional firm's plans are its own.

Ranking shows suppliers only at the level the viewer has on each company (the companies app's
rule): the requester sees public profiles, and the ranking uses only public facts.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from bitgoeul.accounts.access import is_operator_staff, membership_rows, staff_chapter_ids
from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.types import Viewer
from bitgoeul.companies.models import Company
from bitgoeul.core.visibility import FieldPolicy, ViewLevel
from bitgoeul.matchmaking.enums import InvitationState, NeedState
from bitgoeul.matchmaking.models import Invitation, Meeting, Need

NEED_FIELDS = FieldPolicy(
    "AI need",
    {
        "company": ViewLevel.RECORD,
        "title": ViewLevel.RECORD,
        "description": ViewLevel.RECORD,
        "sector": ViewLevel.RECORD,
        "budget_min_krw": ViewLevel.RECORD,
        "budget_max_krw": ViewLevel.RECORD,
        "data_available": ViewLevel.RECORD,
        "timing": ViewLevel.RECORD,
        "starts_by": ViewLevel.RECORD,
        "preferred_province": ViewLevel.RECORD,
        "state": ViewLevel.RECORD,
        "opened_at": ViewLevel.RECORD,
        "ranking": ViewLevel.PRIVATE,  # the recommended suppliers
        "invitations": ViewLevel.PRIVATE,  # every supplier invited, their answers and outcomes
        "created_by": ViewLevel.PRIVATE,
        "created_at": ViewLevel.PRIVATE,
    },
)


def company_org_ids(user: Viewer) -> set[int]:
    """Company organisations the user is a member of (any role)."""
    return {
        org_id for org_id, kind, _, _ in membership_rows(user) if kind == OrganizationKind.COMPANY
    }


LIVE_INVITATION_STATES = (
    InvitationState.INVITED,
    InvitationState.ACCEPTED,
    InvitationState.DECLINED,
)


def needs_at_least(user: Viewer, level: ViewLevel) -> Q:
    """The same rule as `need_view_level`, as a filter on Need."""
    if level <= ViewLevel.NONE:
        return Q()
    if is_operator_staff(user):
        return Q()
    companies = company_org_ids(user)
    private = Q(company_id__in=companies)
    chapters = staff_chapter_ids(user)
    if chapters:
        private |= Q(company__organization__parent_id__in=chapters)
    if level >= ViewLevel.PRIVATE:
        return private
    if not companies:
        return private
    return private | Q(
        Exists(
            Invitation.objects.filter(
                need=OuterRef("pk"), supplier_id__in=companies, state__in=LIVE_INVITATION_STATES
            )
        )
    )


def need_view_level(user: Viewer, need: Need) -> ViewLevel:
    """The viewer's level on one need (reads the requesting company's organisation)."""
    if is_operator_staff(user):
        return ViewLevel.PRIVATE
    companies = company_org_ids(user)
    if need.company_id in companies:
        return ViewLevel.PRIVATE
    if need.company.organization.parent_id in staff_chapter_ids(user):
        return ViewLevel.PRIVATE
    if (
        companies
        and Invitation.objects.filter(
            need=need, supplier_id__in=companies, state__in=LIVE_INVITATION_STATES
        ).exists()
    ):
        return ViewLevel.RECORD
    return ViewLevel.NONE


def need_fields(user: Viewer, need: Need) -> frozenset[str]:
    return NEED_FIELDS.fields_for(need_view_level(user, need))


def need_for_viewer(user: Viewer, need_id: int, level: ViewLevel = ViewLevel.RECORD) -> Need:
    """The need if the viewer has at least `level` on it, else 404."""
    need = Need.objects.select_related("company__organization__parent").filter(pk=need_id).first()
    if need is None or need_view_level(user, need) < level:
        raise Http404
    return need


def invitation_visible(user: Viewer, invitation: Invitation) -> bool:
    """The requester's side (PRIVATE on the need) and the invited supplier's members."""
    if invitation.supplier_id in company_org_ids(user):
        return invitation.state in LIVE_INVITATION_STATES
    return need_view_level(user, invitation.need) >= ViewLevel.PRIVATE


def is_requester(user: Viewer, need: Need) -> bool:
    """Members of the requesting company: they write the need and invite suppliers."""
    return need.company_id in company_org_ids(user)


def can_post_need(user: Viewer) -> bool:
    return bool(company_org_ids(user))


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- matchmaking area: who may act (the rules above decide who sees) --------------------------


def requesting_companies(user: Viewer) -> QuerySet[Company]:
    """The companies the user may post needs for: those they are a member of."""
    return Company.objects.filter(organization_id__in=company_org_ids(user)).select_related(
        "organization"
    )


def can_edit_need(user: Viewer, need: Need) -> bool:
    return is_requester(user, need) and need.state in {NeedState.DRAFT, NeedState.OPEN}


def can_change_need_state(user: Viewer, need: Need) -> bool:
    return is_requester(user, need) and need.state != NeedState.WITHDRAWN


def can_invite(user: Viewer, need: Need) -> bool:
    return is_requester(user, need) and need.state == NeedState.OPEN


def can_see_ranking(user: Viewer, need: Need) -> bool:
    """The ranking is the requester's tool (staff following the need see the invitations)."""
    return is_requester(user, need)


def is_invited_supplier(user: Viewer, invitation: Invitation) -> bool:
    return invitation.supplier_id in company_org_ids(user)


def can_answer(user: Viewer, invitation: Invitation) -> bool:
    return (
        is_invited_supplier(user, invitation)
        and invitation.state == InvitationState.INVITED
        and invitation.need.state == NeedState.OPEN
    )


def can_withdraw_invitation(user: Viewer, invitation: Invitation) -> bool:
    return is_requester(user, invitation.need) and invitation.state in {
        InvitationState.INVITED,
        InvitationState.ACCEPTED,
    }


def can_schedule(user: Viewer, invitation: Invitation) -> bool:
    """Either side of an interested invitation."""
    return invitation.state == InvitationState.ACCEPTED and (
        is_requester(user, invitation.need) or is_invited_supplier(user, invitation)
    )


def can_record_outcome(user: Viewer, invitation: Invitation) -> bool:
    return invitation.state == InvitationState.ACCEPTED and is_requester(user, invitation.need)


def invitation_for_viewer(user: Viewer, invitation_id: int) -> Invitation:
    """The invitation if the viewer sees it (requester's side, staff, its supplier), else 404."""
    invitation = (
        Invitation.objects.select_related(
            "need__company__organization__parent", "supplier__organization"
        )
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation_visible(user, invitation):
        raise Http404
    return invitation


def meeting_for_viewer(user: Viewer, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    meeting.invitation = invitation_for_viewer(user, meeting.invitation_id)
    return meeting


def supplier_companies(user: Viewer) -> QuerySet[Company]:
    """The companies whose matchmaking profile the user may edit: those they may edit."""
    return Company.objects.filter(
        organization_id__in=[
            org_id
            for org_id, kind, role, _ in membership_rows(user)
            if kind == OrganizationKind.COMPANY and role == MembershipRole.ADMIN
        ]
    ).select_related("organization", "supplier_profile")


def can_view_pipeline(user: Viewer) -> bool:
    """Operator staff (every need) and chapter or association staff (their chapters' needs).
    Reads only the memberships already loaded (the menu asks it)."""
    return any(
        kind in {OrganizationKind.OPERATOR, OrganizationKind.CHAPTER, OrganizationKind.ASSOCIATION}
        for _, kind, _, _ in membership_rows(user)
    )


def pipeline_filter(user: Viewer) -> Q:
    """The needs a staff user's pipeline counts: every need for the operator, the needs of
    their chapters' companies for chapter and association staff."""
    if is_operator_staff(user):
        return Q()
    return Q(company__organization__parent_id__in=staff_chapter_ids(user))


def uses_matchmaking(user: Viewer) -> bool:
    """Company members and staff see the menu entry (no query)."""
    return bool(company_org_ids(user)) or can_view_pipeline(user)
